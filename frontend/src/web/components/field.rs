use sycamore::prelude::*;

/// A labelled input (or textarea) with its error message, announced as an alert.
#[component(inline_props)]
pub fn Field(
    #[prop(setter(into))] id: String,
    label: &'static str,
    value: Signal<String>,
    error: ReadSignal<Option<String>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default)] multiline: bool,
    hint: Option<&'static str>,
    node_ref: Option<NodeRef>,
) -> View {
    let node_ref = node_ref.unwrap_or_else(create_node_ref);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let ids: Vec<&str> = [
                hint.is_some().then_some(hint_id.as_str()),
                error.with(Option::is_some).then_some(error_id.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || error.with(Option::is_some).then_some("true");
    let control_id = id.clone();
    let control = if multiline {
        view! {
            textarea(r#ref=node_ref, id=control_id, rows="3", bind:value=value,
                aria-invalid=invalid, aria-describedby=described_by)
        }
    } else {
        view! {
            input(r#ref=node_ref, id=control_id, r#type=kind, autocomplete=autocomplete, bind:value=value,
                aria-invalid=invalid, aria-describedby=described_by)
        }
    };
    let hint = hint.map(|text| view! { p(id=hint_id, class="field-hint") { (text) } });
    let message = move || {
        error.get_clone().map(|text| {
            let id = error_id.clone();
            view! { p(id=id, class="field-error", role="alert") { (text) } }
        })
    };
    view! {
        div(class="field") {
            label(r#for=id) { (label) }
            (control)
            (hint)
            (message)
        }
    }
}
