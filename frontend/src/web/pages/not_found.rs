use sycamore::prelude::*;

#[component]
pub fn NotFound() -> View {
    view! {
        div(class="card not-found") {
            h1(class="page-title") { "Page not found" }
            p { "There is nothing at this address. " a(href="/") { "Go to your tasks" } }
        }
    }
}
