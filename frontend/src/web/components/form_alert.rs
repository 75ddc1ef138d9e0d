use sycamore::prelude::*;

/// The message for a whole form, or for a list, announced as soon as it appears.
#[component(inline_props)]
pub fn FormAlert(message: ReadSignal<Option<String>>) -> View {
    view! {
        (message.get_clone().map(|text| view! { p(class="alert", role="alert") { (text) } }))
    }
}
