//! What every form does: shows the messages its last submit left, next to the fields
//! they concern, and ignores a submit while one is under way.

use std::future::Future;

use sycamore::prelude::*;
use web_sys::SubmitEvent;

use super::spawn::Owner;
use crate::api::ApiError;
use crate::form_errors::{FormErrors, FormShape};

/// What a submit came to: done, or what to show. `Outcome::Ok(())` ends a submit's async
/// block, which names its type.
pub type Outcome = Result<(), FormErrors>;

#[derive(Clone, Copy)]
pub struct Form {
    pub errors: Signal<FormErrors>,
    /// A submit is under way.
    pub busy: Signal<bool>,
    shape: FormShape,
    owner: Owner,
}

impl Form {
    /// A form that reads the API's refusals with `shape`.
    pub fn new(shape: FormShape) -> Self {
        Self {
            errors: create_signal(FormErrors::default()),
            busy: create_signal(false),
            shape,
            owner: Owner::current(),
        }
    }

    /// The message for the form as a whole.
    pub fn alert(self) -> ReadSignal<Option<String>> {
        create_memo(move || self.errors.with(|e| e.form.clone()))
    }

    /// The message next to field `name`.
    pub fn error(self, name: &'static str) -> ReadSignal<Option<String>> {
        create_memo(move || self.errors.with(|e| e.field(name)))
    }

    /// `aria-disabled` for the submit button while busy: it stays focusable.
    pub fn disabled(self) -> impl Fn() -> Option<&'static str> + Copy {
        move || self.busy.get().then_some("true")
    }

    /// The API's refusal, as this form shows it.
    pub fn refused(self, error: ApiError) -> FormErrors {
        FormErrors::from_api(&error, self.shape)
    }

    /// The form's submit handler: unless a submit is under way, runs `work`, then shows
    /// what it found wrong, or clears the messages when it went through.
    pub fn on_submit<W, F>(self, work: W) -> impl Fn(SubmitEvent) + Clone + 'static
    where
        W: Fn() -> F + Clone + 'static,
        F: Future<Output = Outcome> + 'static,
    {
        move |event: SubmitEvent| {
            event.prevent_default();
            if self.busy.get_untracked() {
                return;
            }
            self.busy.set(true);
            let work = work();
            self.owner.spawn(async move {
                let outcome = work.await;
                // A submit that signed the user in or out took its page, and the form.
                if self.busy.is_alive() {
                    self.errors.set(outcome.err().unwrap_or_default());
                    self.busy.set(false);
                }
            });
        }
    }
}
