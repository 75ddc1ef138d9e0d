//! The profile's "Signed-in devices": every live session, and signing them out.

use chrono::{DateTime, Utc};
use contract::api::SessionInfo;
use sycamore::prelude::*;

use crate::api::ApiRequest;
use crate::devices::{describe, last_active};
use crate::web::spawn::Owner;
use crate::web::{dom, http};

const HEADING: &str = "devices-heading";

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(web_sys::js_sys::Date::now() as i64).unwrap_or_default()
}

#[component]
pub fn SignedInDevices() -> View {
    // `None` while the list is loading.
    let devices = create_signal(None::<Vec<SessionInfo>>);
    let problem = create_signal(None::<String>);
    let busy = create_signal(false);
    let owner = Owner::current();

    owner.spawn(async move {
        match http::fetch::<Vec<SessionInfo>>(ApiRequest::list_sessions()).await {
            Ok(list) => devices.set(Some(list.data)),
            Err(error) => problem.set(Some(format!("Could not load your devices. {error}"))),
        }
    });

    // Ends the sessions `ended` picks out with `request`; the list keeps the rest.
    let end = move |request: ApiRequest, ended: Box<dyn Fn(&SessionInfo) -> bool>| {
        if busy.get() {
            return;
        }
        busy.set(true);
        problem.set(None);
        owner.spawn(async move {
            match http::fetch_empty(request).await {
                Ok(()) => {
                    devices.update(|list| {
                        if let Some(list) = list {
                            list.retain(|device| !ended(device));
                        }
                    });
                    dom::focus_id(HEADING);
                }
                Err(error) => problem.set(Some(format!("Could not sign that device out. {error}"))),
            }
            busy.set(false);
        });
    };

    let others =
        create_memo(move || devices.with(|list| list.iter().flatten().filter(|d| !d.current).count()));
    let rows = move || {
        let at = now();
        let list = devices.get_clone().unwrap_or_default();
        View::from(
            list.into_iter()
                .map(|device| {
                    let line = describe(device.user_agent.as_deref());
                    let seen = last_active(device.last_seen_at, at);
                    let ip = device.ip.clone().map(|ip| format!(" · {ip}")).unwrap_or_default();
                    let action = if device.current {
                        view! { span(class="badge") { "This device" } }
                    } else {
                        let id = device.id.to_string();
                        let label = format!("Sign out {line}");
                        view! {
                            button(r#type="button", class="button secondary small", title=label,
                                aria-disabled=move || busy.get().then_some("true"),
                                on:click=move |_| {
                                    let id = id.clone();
                                    end(ApiRequest::delete_session(&id), Box::new(move |d| d.id.to_string() == id));
                                }) { "Sign out" }
                        }
                    };
                    view! {
                        li(class="device") {
                            div(class="device-text") {
                                p(class="device-name") { (line) }
                                p(class="device-seen") { (seen) (ip) }
                            }
                            (action)
                        }
                    }
                })
                .collect::<Vec<View>>(),
        )
    };

    view! {
        section(class="card devices", aria-labelledby=HEADING) {
            h2(id=HEADING, tabindex="-1") { "Signed-in devices" }
            (problem.get_clone().map(|text| view! { p(class="alert", role="alert") { (text) } }))
            (if devices.with(Option::is_none) && problem.with(Option::is_none) {
                view! { p(role="status") { "Loading your devices…" } }
            } else {
                view! {}
            })
            ul(class="device-list") { (rows) }
            (if others.get() > 0 {
                view! {
                    button(r#type="button", class="button secondary",
                        aria-disabled=move || busy.get().then_some("true"),
                        on:click=move |_| end(ApiRequest::delete_other_sessions(), Box::new(|d| !d.current))) {
                        "Sign out everywhere else"
                    }
                }
            } else {
                view! {}
            })
        }
    }
}
