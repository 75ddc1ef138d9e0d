//! The app shell: session restore, routes and their guard.

use shared::api::UserEnvelope;
use sycamore::futures::spawn_local_scoped;
use sycamore::prelude::*;
use sycamore_router::{HistoryIntegration, Route, Router, navigate_replace};

use super::components::Header;
use super::pages::{Dashboard, NotFound, Profile, Signin, Signup};
use super::{dom, http};
use crate::api::ApiRequest;
use crate::session::{Access, SessionState, redirect};

#[derive(Route, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Page {
    #[to("/")]
    Dashboard,
    #[to("/signin")]
    Signin,
    #[to("/signup")]
    Signup,
    #[to("/profile")]
    Profile,
    #[not_found]
    NotFound,
}

impl Page {
    fn access(self) -> Access {
        match self {
            Self::Dashboard | Self::Profile => Access::Members,
            Self::Signin | Self::Signup => Access::Visitors,
            Self::NotFound => Access::Anyone,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::Dashboard => "Your tasks · Tasks",
            Self::Signin => "Sign in · Tasks",
            Self::Signup => "Sign up · Tasks",
            Self::Profile => "Profile · Tasks",
            Self::NotFound => "Page not found · Tasks",
        }
    }
}

/// What the main area shows: it changes only when the page, the session's presence or
/// a pending redirect changes, not when the user's name does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gate {
    Checking,
    Redirect(&'static str),
    Show(Page),
}

#[component]
pub fn App() -> View {
    let session = create_signal(SessionState::Checking);
    provide_context(session);
    spawn_local_scoped(async move {
        let restored = match http::fetch::<UserEnvelope>(ApiRequest::me()).await {
            Ok(me) => SessionState::SignedIn(me.data.user),
            Err(_) => SessionState::SignedOut,
        };
        session.set(restored);
    });

    view! {
        Router(integration=HistoryIntegration::new(), view=move |route: ReadSignal<Page>| {
            let gate = create_selector(move || {
                let page = route.get();
                session.with(|s| match (s, redirect(page.access(), s)) {
                    (SessionState::Checking, _) => Gate::Checking,
                    (_, Some(target)) => Gate::Redirect(target),
                    (_, None) => Gate::Show(page),
                })
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
                    main(id="main", class="main", tabindex="-1") {
                        (match gate.get() {
                            Gate::Checking | Gate::Redirect(_) => view! {
                                p(class="booting", role="status") { "Loading…" }
                            },
                            Gate::Show(Page::Dashboard) => view! { Dashboard {} },
                            Gate::Show(Page::Signin) => view! { Signin {} },
                            Gate::Show(Page::Signup) => view! { Signup {} },
                            Gate::Show(Page::Profile) => view! { Profile {} },
                            Gate::Show(Page::NotFound) => view! { NotFound {} },
                        })
                    }
                }
            }
        })
    }
}
