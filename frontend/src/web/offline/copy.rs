//! The stored copy of the list: each page as last shown, and the feed's cursor, for the
//! signed-in account only (`crate::offline::snapshot`).

use contract::api::{Pagination, Task};
use uuid::Uuid;

use super::local_store::{self, PAGES};
use crate::offline::snapshot::{self, CURSOR_KEY, Page, Stored};
use crate::pagination::Pager;

/// Keeps page `page` as it is shown now. Failing only costs the copy.
pub async fn save_page(account: Uuid, tasks: Vec<Task>, pager: Pager) {
    let pagination =
        Pagination { page: pager.page, limit: pager.limit, total: pager.total, pages: pager.pages };
    let text = Stored { account, value: Page { tasks, pagination } }.text();
    let _ = local_store::put(PAGES, &snapshot::page_key(pager.page), &text).await;
}

/// The copy of page `page`, if there is one of `account`'s.
pub async fn page(account: Uuid, page: u32) -> Option<Page> {
    let text = local_store::get(PAGES, &snapshot::page_key(page)).await.ok()??;
    snapshot::read(&text, account)
}

pub async fn save_cursor(account: Uuid, cursor: String) {
    let _ = local_store::put(PAGES, CURSOR_KEY, &Stored { account, value: cursor }.text()).await;
}

pub async fn cursor(account: Uuid) -> Option<String> {
    let text = local_store::get(PAGES, CURSOR_KEY).await.ok()??;
    snapshot::read(&text, account)
}
