//! The one way to run async work: as work of the scope that owns it.

use std::future::Future;
use std::pin::Pin;

use sycamore::futures::spawn_local_scoped;
use sycamore::prelude::*;

/// The scope that async work belongs to: the work ends with it.
#[derive(Clone, Copy)]
pub struct Owner(NodeHandle);

impl Owner {
    /// The scope being built or run now. Taken while a component builds its view, it
    /// outlives the event handlers there: the editor that started a save is gone before
    /// the API answers, but the list item that owns the save is not.
    pub fn current() -> Self {
        Self(use_current_scope())
    }

    /// Runs `work` until it ends or this scope is disposed.
    pub fn spawn(self, work: impl Future<Output = ()> + 'static) {
        self.spawn_boxed(Box::pin(work));
    }

    /// One copy of the spawning machinery for every kind of work, rather than one each:
    /// a smaller bundle.
    fn spawn_boxed(self, work: Pin<Box<dyn Future<Output = ()>>>) {
        self.0.run_in(|| spawn_local_scoped(work));
    }
}
