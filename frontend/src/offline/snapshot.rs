//! The copy of the list the app keeps for opening without the server: each page as it
//! was last shown, and the feed's cursor, each stamped with the account it belongs to so
//! that a copy is only ever shown to that account.

use contract::api::{Pagination, Task};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The key the copy of page `page` is stored under.
pub fn page_key(page: u32) -> String {
    format!("page:{page}")
}

pub const CURSOR_KEY: &str = "cursor";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored<T> {
    pub account: Uuid,
    pub value: T,
}

/// A page of tasks as it was last shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub tasks: Vec<Task>,
    pub pagination: Pagination,
}

impl<T: Serialize> Stored<T> {
    pub fn text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The copy stored as `text`, if it parses and belongs to `account`.
pub fn read<T: for<'de> Deserialize<'de>>(text: &str, account: Uuid) -> Option<T> {
    serde_json::from_str::<Stored<T>>(text).ok().filter(|stored| stored.account == account).map(|s| s.value)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_copy_is_only_read_by_its_account() {
        let (owner, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let text = Stored { account: owner, value: "cursor".to_owned() }.text();
        assert_eq!(read::<String>(&text, owner).as_deref(), Some("cursor"));
        assert_eq!(read::<String>(&text, other), None);
    }

    proptest! {
        /// Whatever is found in the store (another version's layout, a damaged value), it
        /// is read as a copy of this account's or not at all, never panicking.
        #[test]
        fn any_text_is_read_or_ignored(text in any::<String>(), json in "[\\[\\]{}\",:0-9a-z ]{0,80}") {
            let account = Uuid::from_u128(7);
            let _ = read::<Page>(&text, account);
            let _ = read::<String>(&json, account);
        }
    }
}
