use sycamore::prelude::*;

use crate::api::ApiRequest;
use crate::web::http;
use crate::web::offline::use_outbox;
use crate::web::routes::Page;
use crate::web::session::use_session;
use crate::web::spawn::Owner;

/// The top bar: the brand, and for signed-in users the navigation, their name and
/// "Sign out", which stays on every page.
#[component(inline_props)]
pub fn Header(page: ReadSignal<Page>) -> View {
    let session = use_session();
    let outbox = use_outbox();
    let name = create_memo(move || session.with(|s| s.user().map(|user| user.name.clone())));
    let signed_in = create_selector(move || name.with(Option::is_some));
    let problem = create_signal(None::<String>);

    let current = move |target: Page| (page.get() == target).then_some("page");

    view! {
        header(class="topbar") {
            div(class="topbar-inner") {
                a(class="brand", href="/") {
                    span(class="brand-mark", aria-hidden="true") { "✓" }
                    span(class="brand-name") { "Tasks" }
                }
                (signed_in.get().then(|| {
                    // Of this signed-in part, which goes with the session: a session that
                    // ends while signing out (already gone on the server, which is as good
                    // as signing out now) leaves nothing to reset.
                    let busy = create_signal(false);
                    let owner = Owner::current();
                    let sign_out = move |_| {
                        busy.set(true);
                        problem.set(None);
                        owner.spawn(async move {
                            match http::fetch_empty(ApiRequest::signout()).await {
                                Ok(()) => {
                                    session.end();
                                    // Nothing of this account stays in the browser.
                                    outbox.clear();
                                }
                                Err(error) => {
                                    problem.set(Some(format!("Could not sign out. {error}")));
                                    busy.set(false);
                                }
                            }
                        });
                    };
                    view! {
                        nav(class="nav", aria-label="Main") {
                            a(href="/", aria-current=move || current(Page::Dashboard)) { "Dashboard" }
                            a(href="/profile", aria-current=move || current(Page::Profile)) { "Profile" }
                        }
                        div(class="account") {
                            span(class="account-name") { (name.get_clone().unwrap_or_default()) }
                            button(r#type="button", class="button secondary", disabled=busy, on:click=sign_out) {
                                "Sign out"
                            }
                        }
                    }
                }))
            }
            (problem.get_clone().map(|text| view! {
                p(class="alert topbar-alert", role="alert") { (text) }
            }))
        }
    }
}
