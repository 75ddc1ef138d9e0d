//! The dashboard's state and the API calls that change it.

use contract::api::{Changes, Task, UpdateTaskRequest, page_load};
use contract::policy::UNDO_SECS;
use sycamore::prelude::*;

use super::LIST_HEADING;
use crate::api::{ApiError, ApiRequest};
use crate::live::{self, Toggles};
use crate::optimistic::{self, Change, Removed};
use crate::pagination::{self, Pager};
use crate::web::spawn::Owner;
use crate::web::{dom, http};

/// What a load is for, which decides what it does to the address and the messages.
#[derive(Clone, Copy)]
enum Load {
    /// A turn of the page: a step in the session history.
    Push,
    /// The page the address names, or the first page after a create.
    Replace,
    /// The same page again, because something changed elsewhere: the address stays, and
    /// so does any message the user has not read yet.
    Reread,
}

/// What the status line (`role="status"`) says.
#[derive(Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    /// The deleted task that **Undo** brings back, while it is offered.
    pub undo: Option<Task>,
    /// Tells one message from the next, so that an expiring Undo clears only itself.
    serial: u32,
}

pub const DELETED: &str = "Task deleted";
pub const RESTORED: &str = "Task restored";

#[derive(Clone, Copy)]
pub struct Board {
    /// The page of tasks as the API last said (each task at its newest version).
    pub tasks: Signal<Vec<Task>>,
    /// Toggles the API has not confirmed yet, which the checkboxes already show.
    pub toggles: Signal<Toggles>,
    pub pager: Signal<Pager>,
    /// False until the first page has arrived.
    pub loaded: Signal<bool>,
    pub loading: Signal<bool>,
    /// Why the list does not show what the user last asked for.
    pub notice: Signal<Option<String>>,
    pub status: Signal<Option<Status>>,
    /// Counts this tab's writes that went through, for the other tabs (see `web::live`).
    pub wrote: Signal<u32>,
    /// Tasks whose delete is on its way: a reread before the answer leaves them out.
    deleting: Signal<Vec<i64>>,
    /// A reread asked for during a load, to run after it rather than instead of it.
    reread_after: Signal<bool>,
    /// Numbers loads, so that only the newest one may fill the list.
    loads: Signal<u32>,
    /// The dashboard: work started here outlives the list item that started it.
    owner: Owner,
}

impl Board {
    pub fn new(page: u32) -> Self {
        Self {
            tasks: create_signal(Vec::new()),
            toggles: create_signal(Toggles::default()),
            pager: create_signal(Pager::loading(page)),
            loaded: create_signal(false),
            loading: create_signal(false),
            notice: create_signal(None),
            status: create_signal(None),
            wrote: create_signal(0),
            deleting: create_signal(Vec::new()),
            reread_after: create_signal(false),
            loads: create_signal(0),
            owner: Owner::current(),
        }
    }

    fn task(self, id: i64) -> Option<Task> {
        self.tasks.with_untracked(|tasks| tasks.iter().find(|t| t.id == id).cloned())
    }

    /// Shows `page`, and puts its address in place of the current one.
    pub fn load(self, page: u32) {
        self.owner.spawn(self.fetch_page(page, Load::Replace));
    }

    /// Turns to `page` as a step in the session history, so that Back returns here.
    pub fn turn_to(self, page: u32) {
        self.owner.spawn(self.fetch_page(page, Load::Push));
    }

    /// Reads the page on screen again. During another load, that load's answer comes
    /// first: a reread never takes the place of the page the user turned to.
    pub fn reread(self) {
        if self.loading.get_untracked() {
            self.reread_after.set(true);
        } else {
            self.owner.spawn(self.fetch_page(self.pager.get_untracked().page, Load::Reread));
        }
    }

    /// `page`, as `load`, once done.
    pub async fn show(self, page: u32) {
        self.fetch_page(page, Load::Replace).await;
    }

    async fn fetch_page(self, page: u32, load: Load) {
        let serial = self.loads.get_untracked() + 1;
        self.loads.set(serial);
        // A reread is no load the user waits for: the list is not dimmed or marked busy.
        let asked = !matches!(load, Load::Reread);
        if asked {
            self.loading.set(true);
        }
        let mut page = page;
        let outcome = loop {
            let result =
                http::fetch::<Vec<Task>>(ApiRequest::list_tasks(page_load::dashboard_request(page))).await;
            if self.loads.get_untracked() != serial {
                return;
            }
            let listed = match result {
                Ok(listed) => listed,
                Err(error) => break Err(error),
            };
            let pager = listed.pagination.map_or(Pager::loading(page), Pager::from);
            // Past the end of a list that still has tasks: after the last task of the
            // last page went, or from a stale `?page=`.
            match pager.overshoot() {
                Some(last) => page = last,
                None => break Ok((listed.data, pager)),
            }
        };
        match outcome {
            Ok((mut tasks, pager)) => {
                let location = pagination::location_for(pager.page);
                match load {
                    Load::Push => dom::push_address(&location),
                    Load::Replace => dom::replace_address(&location),
                    Load::Reread => {}
                }
                self.deleting.with_untracked(|gone| tasks.retain(|t| !gone.contains(&t.id)));
                self.tasks.set(tasks);
                self.pager.set(pager);
                if !matches!(load, Load::Reread) {
                    self.notice.set(None);
                }
                self.loaded.set(true);
            }
            Err(error) => self.notice.set(Some(format!("Could not load your tasks. {error}"))),
        }
        if asked {
            self.loading.set(false);
        }
        if self.reread_after.get_untracked() {
            self.reread_after.set(false);
            self.reread();
        }
    }

    /// Applies one answer of the changes feed; reads the page again if the change may
    /// have moved tasks onto or off it.
    pub fn apply(self, changes: Changes) -> bool {
        self.tasks.update(|tasks| live::apply(tasks, changes))
    }

    /// Tells the other tabs, through `web::live`, that this one changed something.
    pub fn announce(self) {
        self.wrote.update(|n| *n = n.wrapping_add(1));
    }

    /// Shows `text` in the status line, with Undo for `undo`, in place of what it said.
    fn say(self, text: String, undo: Option<Task>) {
        let serial = self.status.with_untracked(|s| s.as_ref().map_or(0, |s| s.serial.wrapping_add(1)));
        let offers_undo = undo.is_some();
        self.status.set(Some(Status { text, undo, serial }));
        if offers_undo {
            let status = self.status;
            dom::after(UNDO_SECS * 1000, move || {
                if status.is_alive()
                    && status.with_untracked(|s| s.as_ref().is_some_and(|s| s.serial == serial))
                {
                    status.set(None);
                }
            });
        }
    }

    /// A write was refused: with the task as another device left it, the list shows that
    /// and the status line says so; otherwise the notice says why.
    fn refused(self, change: Change, title: &str, error: &ApiError) {
        match error.current() {
            Some(current) => {
                let current = current.clone();
                self.tasks.update(|tasks| live::merge(tasks, current));
                self.say(optimistic::stale_message(change, title), None);
            }
            None => self.notice.set(Some(optimistic::undone_message(change, title, error))),
        }
    }

    /// Flips the checkbox at once. The API hears one toggle at a time per task, each
    /// sent with the version the list holds, until it matches what the user last asked.
    pub fn toggle(self, id: i64) {
        let Some(task) = self.task(id) else { return };
        if self.toggles.update(|toggles| toggles.flip(&task)) {
            self.owner.spawn(self.send_toggles(id));
        }
    }

    async fn send_toggles(self, id: i64) {
        while let Some(task) = self.task(id) {
            let Some(version) = self.toggles.update(|toggles| toggles.next(&task)) else { return };
            match http::fetch::<Task>(ApiRequest::toggle_task(id).if_match(version)).await {
                Ok(toggled) => {
                    self.tasks.update(|tasks| live::merge(tasks, toggled.data));
                    self.announce();
                }
                Err(error) => {
                    self.toggles.update(|toggles| toggles.forget(id));
                    return self.refused(Change::Toggle, &task.title, &error);
                }
            }
        }
        // The task left the page meanwhile.
        self.toggles.update(|toggles| toggles.forget(id));
    }

    /// Shows the edited task at once; puts the old one back if the API refuses. Sent on
    /// condition that the task is still at `version`, the one the editor started from;
    /// a refusal for that leaves the list showing the task as it is now.
    pub async fn save(
        self,
        id: i64,
        version: i64,
        request: UpdateTaskRequest,
        edited: Task,
    ) -> Result<(), ApiError> {
        let previous = self.tasks.update(|tasks| optimistic::replace(tasks, edited));
        match http::fetch::<Task>(ApiRequest::update_task(id, &request).if_match(version)).await {
            Ok(saved) => {
                self.tasks.update(|tasks| live::merge(tasks, saved.data));
                self.announce();
                Ok(())
            }
            Err(error) => {
                match (error.current(), previous) {
                    (Some(current), _) => {
                        let current = current.clone();
                        self.tasks.update(|tasks| optimistic::replace(tasks, current));
                    }
                    (None, Some(previous)) => {
                        self.tasks.update(|tasks| optimistic::replace(tasks, previous));
                    }
                    (None, None) => {}
                }
                Err(error)
            }
        }
    }

    /// Takes the task out at once, moves it to the trash, and offers Undo. A refusal puts
    /// it back where it was.
    pub fn delete(self, id: i64) {
        let Some(removed) = self.tasks.update(|tasks| optimistic::remove(tasks, id)) else { return };
        self.deleting.update(|gone| gone.push(id));
        self.pager.update(|pager| *pager = pager.without_one());
        self.owner.spawn(async move {
            let request = ApiRequest::delete_task(id).if_match(removed.task.version);
            let result = http::fetch_empty(request).await;
            self.deleting.update(|gone| gone.retain(|gone| *gone != id));
            match result {
                Ok(()) => {
                    self.announce();
                    self.say(DELETED.to_owned(), Some(removed.task));
                    // The next page's first task moves up, or the page is now past the end.
                    self.reread();
                }
                Err(error) => {
                    let title = removed.task.title.clone();
                    let task = error.current().cloned().unwrap_or(removed.task);
                    self.tasks.update(|tasks| optimistic::restore(tasks, Removed { task, ..removed }));
                    self.pager.update(|pager| *pager = pager.with_one_more());
                    self.refused(Change::Delete, &title, &error);
                }
            }
        });
    }

    /// Brings a deleted task back from the trash, on every device, then focuses it.
    pub fn undo(self, task: Task) {
        self.status.set(None);
        self.owner.spawn(async move {
            match http::fetch::<Task>(ApiRequest::restore_task(task.id)).await {
                Ok(_) => {
                    self.announce();
                    self.say(RESTORED.to_owned(), None);
                    self.show(self.pager.get_untracked().page).await;
                    // Its checkbox, or the list when it went back onto another page.
                    let checkbox = format!("task-{}", task.id);
                    dom::focus_id(if dom::exists(&checkbox) { &checkbox } else { LIST_HEADING });
                }
                Err(error) => {
                    self.notice.set(Some(optimistic::undone_message(Change::Restore, &task.title, &error)))
                }
            }
        });
    }
}
