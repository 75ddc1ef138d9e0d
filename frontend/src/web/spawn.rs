use std::future::Future;

use sycamore::futures::spawn_local_scoped;
use sycamore::prelude::*;

/// Runs `work` until it ends or `scope` is disposed. An event handler's own scope can be
/// too short: the editor that started a save is gone before the API answers.
pub fn spawn_in(scope: NodeHandle, work: impl Future<Output = ()> + 'static) {
    scope.run_in(|| spawn_local_scoped(work));
}
