//! `/`: the signed-in user's tasks.

mod board;
mod conflict_dialog;
mod feed;
mod new_task;
mod pager_nav;
mod status_line;
mod task_item;

use contract::api::page_load;
use sycamore::prelude::*;
use sycamore_router::use_search_query;

use self::board::Board;
use self::feed::Feed;
use self::new_task::NewTask;
use self::pager_nav::PagerNav;
use self::status_line::StatusLine;
use self::task_item::TaskItem;
use crate::session::SessionState;
use crate::web::components::FormAlert;
use crate::web::dom;
use crate::web::offline::use_outbox;
use crate::web::session::use_session;

/// Where focus goes when the focused task disappears.
const LIST_HEADING: &str = "tasks-heading";

#[component]
pub fn Dashboard() -> View {
    let opened = page_load::dashboard_page(&dom::search());
    let board = Board::new(opened);
    board.follow_outbox();
    let feed = Feed::new(board);
    let outbox = use_outbox();
    let session = use_session();
    let signed_in = create_selector(move || session.with(|s| matches!(s, SessionState::SignedIn(_))));
    // Opened while the app still asks who is signed in (a load with the signed-in hint),
    // the dashboard shows its page at once, whose answer the page's preload started
    // before the app's code arrived; the feed's cursor follows once the session is
    // confirmed. Opened signed in, it takes the cursor first, then the page.
    let confirmed = signed_in.get_untracked();
    // The page the address names after Back and Forward between pages of tasks, and
    // links to `/` ("Dashboard", the brand) from a later page, which change only the
    // query string.
    let follow_address = move || {
        if dom::pathname() == "/" {
            board.load(page_load::dashboard_page(&dom::search()));
        }
    };
    dom::on_history_step(follow_address);
    // The router reports the links, but not Back and Forward within one path. The
    // effect's first run is the dashboard opening.
    let query = use_search_query("page");
    let opening = create_signal(true);
    create_effect(move || {
        query.track();
        if opening.get_untracked() {
            opening.set(false);
            if confirmed {
                feed.start(Some(opened));
            } else {
                board.load(opened);
            }
        } else {
            untrack(follow_address);
        }
    });
    create_effect(move || {
        if signed_in.get() {
            if !confirmed {
                feed.start(None);
            }
            feed::follow(feed);
        }
    });

    // Selectors, which only notify on a change: neither a toggle nor a reload of the
    // same page may rebuild the list, which would take keyboard focus with it.
    let ids =
        create_selector(move || board.tasks.with(|tasks| tasks.iter().map(|t| t.id).collect::<Vec<_>>()));
    let empty = create_selector(move || ids.with(Vec::is_empty));
    let loaded = create_selector(move || board.loaded.get());
    let count = move || match board.pager.get().total {
        1 => "1 task".to_owned(),
        n => format!("{n} tasks"),
    };
    let busy = move || board.loading.get().then_some("true");

    view! {
        div(class="dashboard") {
            h1(class="page-title") { "Your tasks" }
            NewTask(board=board)
            section(class="card task-list-card", aria-labelledby=LIST_HEADING) {
                div(class="list-head") {
                    h2(id=LIST_HEADING, class="card-title", tabindex="-1") { "Tasks" }
                    (loaded.get().then(|| view! { span(class="count") { (count()) } }))
                }
                FormAlert(message=*board.notice)
                (outbox.notice.get().map(|text| view! { p(class="notice", role="status") { (text) } }))
                StatusLine(board=board)
                div(class="list-body", aria-busy=busy) {
                    (if !loaded.get() {
                        view! {
                            div(class="placeholder", aria-hidden="true") {
                                div(class="skeleton") {} div(class="skeleton") {} div(class="skeleton") {}
                            }
                            p(class="visually-hidden", role="status") { "Loading your tasks…" }
                        }
                    } else if empty.get() {
                        view! {
                            div(class="empty") {
                                p(class="empty-title") { "No tasks yet" }
                                p { "Add your first task above and it will show up here." }
                            }
                        }
                    } else {
                        view! {
                            ul(class="task-list") {
                                Keyed(list=ids, view=move |id| view! { TaskItem(board=board, id=id) }, key=|id| *id)
                            }
                            PagerNav(board=board)
                        }
                    })
                }
            }
        }
    }
}
