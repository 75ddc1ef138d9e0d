//! The app shell: session restore, routes and their guard.

use contract::api::UserEnvelope;
use sycamore::prelude::*;
use sycamore_router::{HistoryIntegration, Router, navigate_replace};

use super::components::Header;
use super::offline::{Connectivity, OfflineBanner, Outbox, UpdatePrompt};
use super::pages::{Dashboard, ForgotPassword, NotFound, Profile, ResetPassword, Signin, Signup};
use super::routes::Page;
use super::session::{Farewell, Session};
use super::spawn::Owner;
use super::{dom, http};
use crate::api::ApiRequest;
use crate::session::{self, Gate, SessionState};

/// Asks the API who is signed in, as work of the app itself: a retry's button is gone
/// before the answer comes. Without an answer, the account this browser last confirmed
/// is taken as signed in, to show its stored copy.
fn restore(session: Session, app: Owner) {
    session.set(SessionState::Checking);
    app.spawn(async move {
        let answer = http::fetch::<UserEnvelope>(ApiRequest::me()).await.map(|me| me.data.user);
        let stored = match &answer {
            Err(error) if error.is_unreachable() => Outbox::stored_user().await,
            _ => None,
        };
        session.set(session::restored_offline(answer, stored));
    });
}

#[component]
pub fn App() -> View {
    // Only a browser with the signed-in hint, the cookie the API sets next to the session
    // token, asks `me`: for anyone else the answer would be a 401, which the browser logs
    // as an error.
    let start = session::on_load(dom::read_hint());
    let checking = start == SessionState::Checking;
    let session = Session::provide(start);
    let farewell = Farewell(create_signal(None));
    provide_context(farewell);
    let app = Owner::current();
    let connectivity = Connectivity::provide();
    Outbox::provide(session, farewell, connectivity.clone());
    if checking {
        restore(session, app);
    }
    // A session that could not be checked because the server was unreachable is checked
    // again as soon as the server answers.
    create_effect(move || {
        if connectivity.is_reachable()
            && untrack(|| session.with(|s| matches!(s, SessionState::Unavailable(_))))
        {
            restore(session, app);
        }
    });
    // The API sets and clears the hint. Here a 401 from any call (the token expired or was
    // revoked elsewhere) clears it, so that the next load asks nothing, and a session that
    // lacks it (a proxy dropped the API's cookie) gets it.
    create_effect(move || session.with(dom::sync_hint));
    let problem = create_memo(move || {
        session.with(|s| match s {
            SessionState::Unavailable(message) => message.clone(),
            SessionState::Checking | SessionState::SignedOut | SessionState::SignedIn(_) => String::new(),
        })
    });

    view! {
        Router(integration=HistoryIntegration::new(), view=move |route: ReadSignal<Page>| {
            let gate = create_selector(move || {
                let page = route.get();
                session.with(|s| session::gate(page, s))
            });
            create_effect(move || {
                dom::set_title(route.get().title());
                if let Gate::Redirect(target) = gate.get() {
                    navigate_replace(target);
                }
            });
            view! {
                div(class="app") {
                    a(class="skip-link", href="#main") { "Skip to content" }
                    Header(page=route)
                    OfflineBanner {}
                    UpdatePrompt {}
                    main(id="main", class="main", tabindex="-1") {
                        (match gate.get() {
                            Gate::Wait | Gate::Redirect(_) => view! {
                                p(class="booting", role="status") { "Loading…" }
                            },
                            Gate::Show(Page::Dashboard) => view! { Dashboard {} },
                            Gate::Show(Page::Signin) => view! { Signin {} },
                            Gate::Show(Page::Signup) => view! { Signup {} },
                            Gate::Show(Page::Profile) => view! { Profile {} },
                            Gate::Show(Page::ForgotPassword) => view! { ForgotPassword {} },
                            Gate::Show(Page::ResetPassword) => view! { ResetPassword {} },
                            Gate::Show(Page::NotFound) => view! { NotFound {} },
                            Gate::Retry => view! {
                                div(class="card session-problem") {
                                    p(class="alert", role="alert") { (problem.get_clone()) }
                                    button(r#type="button", class="button primary", on:click=move |_| restore(session, app)) {
                                        "Try again"
                                    }
                                }
                            },
                        })
                    }
                }
            }
        })
    }
}
