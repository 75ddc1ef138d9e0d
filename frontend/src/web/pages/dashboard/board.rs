//! The dashboard's state and the API calls that change it.

use contract::api::{Task, UpdateTaskRequest, page_load};
use sycamore::prelude::*;

use crate::api::{ApiError, ApiRequest};
use crate::optimistic::{self, Change};
use crate::pagination::{self, Pager};
use crate::web::spawn::Owner;
use crate::web::{dom, http};

/// What a load does to the address once its page arrives.
#[derive(Clone, Copy)]
enum Address {
    Push,
    Replace,
}

#[derive(Clone, Copy)]
pub struct Board {
    pub tasks: Signal<Vec<Task>>,
    pub pager: Signal<Pager>,
    /// False until the first page has arrived.
    pub loaded: Signal<bool>,
    pub loading: Signal<bool>,
    /// Why the list does not show what the user last asked for.
    pub notice: Signal<Option<String>>,
    /// The task whose deletion waits for confirmation.
    pub confirming: Signal<Option<i64>>,
    /// Numbers loads, so that only the newest one may fill the list.
    loads: Signal<u32>,
    /// The dashboard: work started here outlives the list item that started it.
    owner: Owner,
}

impl Board {
    pub fn new(page: u32) -> Self {
        Self {
            tasks: create_signal(Vec::new()),
            pager: create_signal(Pager::loading(page)),
            loaded: create_signal(false),
            loading: create_signal(false),
            notice: create_signal(None),
            confirming: create_signal(None),
            loads: create_signal(0),
            owner: Owner::current(),
        }
    }

    pub fn title_of(self, id: i64) -> String {
        self.tasks.with_untracked(|tasks| {
            tasks.iter().find(|t| t.id == id).map(|t| t.title.clone()).unwrap_or_default()
        })
    }

    /// Shows `page`, and puts its address in place of the current one.
    pub fn load(self, page: u32) {
        self.load_then(page, Address::Replace);
    }

    /// Turns to `page` as a step in the session history, so that Back returns here.
    pub fn turn_to(self, page: u32) {
        self.load_then(page, Address::Push);
    }

    fn load_then(self, page: u32, address: Address) {
        let load = self.loads.get_untracked() + 1;
        self.loads.set(load);
        self.loading.set(true);
        self.owner.spawn(async move {
            let result =
                http::fetch::<Vec<Task>>(ApiRequest::list_tasks(page_load::dashboard_request(page))).await;
            if self.loads.get_untracked() != load {
                return;
            }
            match result {
                Ok(listed) => {
                    let pager = listed.pagination.map_or(Pager::loading(page), Pager::from);
                    if let Some(last) = pager.overshoot() {
                        return self.load_then(last, address);
                    }
                    let location = pagination::location_for(pager.page);
                    match address {
                        Address::Push => dom::push_address(&location),
                        Address::Replace => dom::replace_address(&location),
                    }
                    self.tasks.set(listed.data);
                    self.pager.set(pager);
                    self.notice.set(None);
                    self.loaded.set(true);
                }
                Err(error) => self.notice.set(Some(format!("Could not load your tasks. {error}"))),
            }
            self.loading.set(false);
        });
    }

    /// Shows the flip at once; flips back with a message if the API refuses.
    pub async fn toggle(self, id: i64) {
        self.tasks.update(|tasks| optimistic::toggle(tasks, id));
        if let Err(error) = http::fetch::<Task>(ApiRequest::toggle_task(id)).await {
            self.tasks.update(|tasks| optimistic::toggle(tasks, id));
            self.notice.set(Some(optimistic::undone_message(Change::Toggle, &self.title_of(id), &error)));
        }
    }

    /// Shows the edited task at once; puts the old one back if the API refuses.
    pub async fn save(self, id: i64, request: UpdateTaskRequest, edited: Task) -> Result<(), ApiError> {
        let previous = self.tasks.update(|tasks| optimistic::replace(tasks, edited));
        match http::fetch::<Task>(ApiRequest::update_task(id, &request)).await {
            Ok(saved) => {
                self.tasks.update(|tasks| optimistic::replace(tasks, saved.data));
                Ok(())
            }
            Err(error) => {
                if let Some(previous) = previous {
                    self.tasks.update(|tasks| optimistic::replace(tasks, previous));
                }
                Err(error)
            }
        }
    }

    /// Takes the task out at once and puts it back where it was if the API refuses.
    pub fn delete(self, id: i64) {
        let title = self.title_of(id);
        let Some(removed) = self.tasks.update(|tasks| optimistic::remove(tasks, id)) else { return };
        self.pager.update(|pager| *pager = pager.without_one());
        self.owner.spawn(async move {
            match http::fetch_empty(ApiRequest::delete_task(id)).await {
                // The next page's first task moves up, or the page is now past the end.
                Ok(()) => self.load(self.pager.get_untracked().page),
                Err(error) => {
                    self.tasks.update(|tasks| optimistic::restore(tasks, removed));
                    self.pager.update(|pager| *pager = pager.with_one_more());
                    self.notice.set(Some(optimistic::undone_message(Change::Delete, &title, &error)));
                }
            }
        });
    }
}
