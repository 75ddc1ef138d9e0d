//! The dashboard's state and the API calls that change it.

use contract::api::{Changes, CreateTaskRequest, Task, UpdateTaskRequest, page_load};
use contract::policy::UNDO_SECS;
use sycamore::prelude::*;
use uuid::Uuid;

use super::LIST_HEADING;
use crate::api::{ApiError, ApiRequest};
use crate::forms::TaskDraft;
use crate::live::{self, Toggles};
use crate::offline::queue::{self, Op, Target};
use crate::optimistic::{self, Change, Removed};
use crate::pagination::{self, Pager};
use crate::web::offline::{Outbox, Report, copy, use_connectivity, use_outbox};
use crate::web::session::{Session, use_session};
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

/// An edit the server refused because another device changed the task first: theirs,
/// and what the user typed, for the conflict dialog.
#[derive(Clone, PartialEq, Eq)]
pub struct Conflict {
    pub theirs: Task,
    pub mine: TaskDraft,
}

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
    /// Edits sent from the outbox that met a change from another device, by task, for
    /// the task's item to open its conflict dialog.
    pub conflicts: Signal<Vec<(i64, Conflict)>>,
    outbox: Outbox,
    offline: ReadSignal<bool>,
    session: Session,
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
            conflicts: create_signal(Vec::new()),
            outbox: use_outbox(),
            offline: {
                let connectivity = use_connectivity();
                create_selector(move || connectivity.is_offline())
            },
            session: use_session(),
            owner: Owner::current(),
        }
    }

    pub fn account(self) -> Option<Uuid> {
        self.session.user().map(|user| user.id)
    }

    /// Keeps the list in step with the outbox, and the stored copy in step with the list,
    /// for as long as the dashboard lives.
    pub fn follow_outbox(self) {
        // Every tab's queued changes show here, the ones made in other tabs included.
        create_effect(move || {
            self.outbox.queue.track();
            if self.loaded.get_untracked() {
                self.shown(|_| ());
            }
        });
        // Opened before the session was confirmed, without the server: the copy once
        // it is known whose it may be.
        create_effect(move || {
            if self.session.with(|s| s.user().is_some()) && !self.loaded.get_untracked() {
                let (page, serial) = (self.pager.get_untracked().page, self.loads.get_untracked());
                self.owner.spawn(self.show_copy(page, serial));
            }
        });
        create_effect(move || {
            let (tasks, pager) = (self.tasks.get_clone(), self.pager.get());
            if self.loaded.get()
                && let Some(account) = self.account()
            {
                self.owner.spawn(copy::save_page(account, tasks, pager));
            }
        });
        create_effect(move || {
            if self.outbox.reports.with(|reports| !reports.is_empty()) {
                let reports = untrack(|| self.outbox.reports.update(std::mem::take));
                self.settle(reports);
            }
        });
    }

    /// Shows what the outbox's sends came to, then reads the page again: the server now
    /// has what was queued, in its own order and count.
    fn settle(self, reports: Vec<Report>) {
        for report in reports {
            match report {
                Report::Done { listed, task: Some(task) } if listed < 0 => {
                    self.tasks.update(|tasks| queue::created(tasks, listed, task));
                }
                Report::Done { task: Some(task), .. } => {
                    self.shown(|tasks| live::merge(tasks, task));
                }
                Report::Done { task: None, .. } => {}
                Report::Refused { entry, message, current } => {
                    let id = entry.op.target().listed_id();
                    match (&entry.op, current) {
                        (Op::Edit { request, .. }, Some(theirs)) => {
                            let mine = TaskDraft::of_update(request, &theirs);
                            self.shown(|tasks| live::merge(tasks, theirs.clone()));
                            self.conflicts.update(|c| c.push((theirs.id, Conflict { theirs, mine })));
                        }
                        (_, Some(current)) => {
                            self.shown(|tasks| live::merge(tasks, current));
                            self.say(message, None);
                        }
                        (_, None) => {
                            self.tasks.update(|tasks| tasks.retain(|t| t.id != id || id > 0));
                            self.notice.set(Some(message));
                        }
                    }
                }
            }
        }
        self.announce();
        self.reread();
    }

    /// Whether a change of task `id` waits in the outbox rather than go now: offline, or
    /// behind changes waiting already (so that all go in the order they were made), or
    /// about a task made offline.
    fn must_queue(self, id: i64) -> bool {
        id < 0 || self.offline.get_untracked() || self.outbox.has_pending()
    }

    /// Keeps `op` in the outbox. A browser that cannot store it gets the message a
    /// change that did not go through gets.
    async fn queue(self, op: Op, title: &str, change: Change) -> bool {
        let kept = self.outbox.enqueue(op, title.to_owned()).await;
        if !kept {
            self.notice.set(Some(optimistic::undone_message(change, title, &ApiError::Network)));
        }
        kept
    }

    /// Adds a task: sent now, or kept in the outbox and shown at once, with the same
    /// `key` either way, so that the server makes it once however often it is sent.
    /// `Err` only for a refusal the form shows.
    pub async fn create(self, request: CreateTaskRequest, key: String) -> Result<(), ApiError> {
        if !self.must_queue(0) {
            match http::fetch::<Task>(ApiRequest::create_task(&request, &key)).await {
                Ok(_) => {
                    self.announce();
                    // Newest first: the new task heads the first page.
                    self.load(1);
                    return Ok(());
                }
                Err(error) if error.is_unreachable() => {}
                Err(error) => return Err(error),
            }
        }
        let now = js_sys::Date::now();
        let local = queue::local_id(now, js_sys::Math::random());
        let at = now as i64;
        let title = request.title.clone();
        // Not kept (no IndexedDB): the form says the task could not be added.
        if !self.outbox.enqueue(Op::Create { key, local, request, at }, title).await {
            return Err(ApiError::Network);
        }
        if self.pager.get_untracked().page != 1 {
            self.load(1);
        }
        Ok(())
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

    /// The stored copy of `page`, with the outbox's changes shown in it.
    async fn copy(self, page: u32) -> Option<(Vec<Task>, Pager)> {
        let account = self.account()?;
        let copy = copy::page(account, page).await?;
        let pager = Pager::from(copy.pagination);
        let mut tasks = copy.tasks;
        self.overlay(&mut tasks, page);
        Some((tasks, pager))
    }

    /// Shows the stored copy of `page` while the server's answer is on its way, unless
    /// that answer comes first.
    async fn show_copy(self, page: u32, serial: u32) {
        if let Some((tasks, pager)) = self.copy(page).await
            && self.loads.get_untracked() == serial
            && !self.loaded.get_untracked()
        {
            self.tasks.set(tasks);
            self.pager.set(pager);
            self.loaded.set(true);
            self.notice.set(None);
        }
    }

    async fn fetch_page(self, page: u32, load: Load) {
        let serial = self.loads.get_untracked() + 1;
        self.loads.set(serial);
        if !self.loaded.get_untracked() {
            self.owner.spawn(self.show_copy(page, serial));
        }
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
                // Without the server, the page as it was last shown.
                Err(error) if error.is_unreachable() => match self.copy(page).await {
                    Some(copy) => break Ok(copy),
                    None => break Err(error),
                },
                Err(error) => break Err(error),
            };
            let pager = listed.pagination.map_or(Pager::loading(page), Pager::from);
            let mut tasks = listed.data;
            self.overlay(&mut tasks, pager.page);
            // Past the end of a list that still has tasks: after the last task of the
            // last page went, or from a stale `?page=`.
            match pager.overshoot() {
                Some(last) => page = last,
                None => break Ok((tasks, pager)),
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
            // The banner says the server is away; the list shows what it last did.
            Err(error) if error.is_unreachable() && self.loaded.get_untracked() => {}
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
        self.shown(|tasks| live::apply(tasks, changes))
    }

    /// Changes the list as the server said, then shows the outbox's changes over it, so
    /// that what waits to be sent never seems undone.
    fn shown<R>(self, change: impl FnOnce(&mut Vec<Task>) -> R) -> R {
        let page = self.pager.get_untracked().page;
        self.tasks.update(|tasks| {
            let result = change(tasks);
            self.overlay(tasks, page);
            result
        })
    }

    /// Shows the signed-in account's queued changes in `tasks`, page `page`.
    fn overlay(self, tasks: &mut Vec<Task>, page: u32) {
        if let Some(account) = self.account() {
            self.outbox.queue.with_untracked(|queue| queue.overlay(tasks, page, account));
        }
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
    /// Without the server, the toggle waits in the outbox.
    pub fn toggle(self, id: i64) {
        let Some(task) = self.task(id) else { return };
        let in_flight = self.toggles.with_untracked(|toggles| toggles.shown(&task) != task.completed);
        if self.must_queue(id) && !in_flight {
            let completed = !task.completed;
            self.tasks.update(|tasks| optimistic::toggle(tasks, id));
            let op = Op::Toggle { task: target(id), base: task.version, completed };
            self.owner.spawn(async move {
                if !self.queue(op, &task.title, Change::Toggle).await {
                    self.tasks.update(|tasks| optimistic::toggle(tasks, id));
                }
            });
        } else if self.toggles.update(|toggles| toggles.flip(&task)) {
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
                    let wanted = self.toggles.with_untracked(|toggles| toggles.shown(&task));
                    self.toggles.update(|toggles| toggles.forget(id));
                    if error.is_unreachable() {
                        // The answer may be lost after the server toggled: the outbox
                        // sends it on the same version, which tells the two apart.
                        self.tasks.update(|tasks| {
                            if let Some(shown) = tasks.iter_mut().find(|t| t.id == id) {
                                shown.completed = wanted;
                            }
                        });
                        let op = Op::Toggle { task: target(id), base: version, completed: wanted };
                        if self.queue(op, &task.title, Change::Toggle).await {
                            return;
                        }
                        self.tasks.update(|tasks| live::merge(tasks, task.clone()));
                    }
                    return self.refused(Change::Toggle, &task.title, &error);
                }
            }
        }
        // The task left the page meanwhile.
        self.toggles.update(|toggles| toggles.forget(id));
    }

    /// Shows the edited task at once; puts the old one back if the API refuses. Sent on
    /// condition that the task is still at `version`, the one the editor started from;
    /// a refusal for that leaves the list showing the task as it is now. Without the
    /// server the edit waits in the outbox, on the same condition.
    pub async fn save(
        self,
        id: i64,
        version: i64,
        request: UpdateTaskRequest,
        edited: Task,
    ) -> Result<(), ApiError> {
        let previous = self.tasks.update(|tasks| optimistic::replace(tasks, edited.clone()));
        let sent = if self.must_queue(id) {
            Err(ApiError::Network)
        } else {
            http::fetch::<Task>(ApiRequest::update_task(id, &request).if_match(version)).await
        };
        let error = match sent {
            Ok(saved) => {
                self.tasks.update(|tasks| live::merge(tasks, saved.data));
                self.announce();
                return Ok(());
            }
            Err(error) if error.is_unreachable() => {
                let op = Op::Edit { task: target(id), base: version, request };
                if self.queue(op, &edited.title, Change::Edit).await {
                    return Ok(());
                }
                error
            }
            Err(error) => error,
        };
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

    /// Takes the task out at once, moves it to the trash, and offers Undo. A refusal puts
    /// it back where it was. Without the server the delete waits in the outbox, and Undo
    /// is offered all the same.
    pub fn delete(self, id: i64) {
        let Some(removed) = self.tasks.update(|tasks| optimistic::remove(tasks, id)) else { return };
        self.deleting.update(|gone| gone.push(id));
        self.pager.update(|pager| *pager = pager.without_one());
        let queued = self.must_queue(id);
        self.owner.spawn(async move {
            let version = removed.task.version;
            let result = if queued {
                Err(ApiError::Network)
            } else {
                http::fetch_empty(ApiRequest::delete_task(id).if_match(version)).await
            };
            self.deleting.update(|gone| gone.retain(|gone| *gone != id));
            let kept = match &result {
                Err(error) if error.is_unreachable() => {
                    let op = Op::Delete { task: target(id), base: version };
                    self.queue(op, &removed.task.title, Change::Delete).await
                }
                _ => false,
            };
            match result {
                Ok(()) => {
                    self.announce();
                    self.say(DELETED.to_owned(), Some(removed.task));
                    // The next page's first task moves up, or the page is now past the end.
                    self.reread();
                }
                Err(_) if kept => self.say(DELETED.to_owned(), Some(removed.task)),
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
    /// Without the server the restore waits in the outbox, and the task shows at once.
    pub fn undo(self, task: Task) {
        self.status.set(None);
        self.owner.spawn(async move {
            let result = if self.must_queue(task.id) {
                Err(ApiError::Network)
            } else {
                http::fetch::<Task>(ApiRequest::restore_task(task.id)).await.map(|_| ())
            };
            match result {
                Ok(()) => {
                    self.announce();
                    self.say(RESTORED.to_owned(), None);
                    self.show(self.pager.get_untracked().page).await;
                }
                Err(error) if error.is_unreachable() => {
                    // Kept, the restore shows in the list as every queued change does
                    // (`follow_outbox`).
                    let op = Op::Restore { task: target(task.id), shown: Box::new(task.clone()) };
                    if !self.queue(op, &task.title, Change::Restore).await {
                        return;
                    }
                    self.pager.update(|pager| *pager = pager.with_one_more());
                    self.say(RESTORED.to_owned(), None);
                }
                Err(error) => {
                    return self.notice.set(Some(optimistic::undone_message(
                        Change::Restore,
                        &task.title,
                        &error,
                    )));
                }
            }
            // Its checkbox, or the list when it went back onto another page.
            let checkbox = format!("task-{}", task.id);
            dom::focus_id(if dom::exists(&checkbox) { &checkbox } else { LIST_HEADING });
        });
    }
}

/// How the outbox names the task listed as `id`: one made offline has a negative id.
fn target(id: i64) -> Target {
    if id < 0 { Target::Local(id) } else { Target::Saved(id) }
}
