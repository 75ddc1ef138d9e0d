//! The dashboard's address for a page of tasks, and what its pager offers. Which page an
//! address names, and the request for it, are `contract::api::page_load`'s.

use contract::api::{Pagination, page_load};

/// The dashboard's address for `page`, so that a reload stays on it.
pub fn location_for(page: u32) -> String {
    if page <= 1 { "/".to_owned() } else { format!("/?page={page}") }
}

/// The pager's state after a list response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pager {
    pub page: u32,
    pub limit: u32,
    pub total: u64,
    pub pages: u64,
}

impl From<Pagination> for Pager {
    fn from(p: Pagination) -> Self {
        Self { page: p.page, limit: p.limit.max(1), total: p.total, pages: p.pages }
    }
}

impl Pager {
    /// Before the first response: page `page` of an unknown total.
    pub fn loading(page: u32) -> Self {
        Self { page: page.max(1), limit: page_load::DASHBOARD_PAGE_SIZE, total: 0, pages: 0 }
    }

    /// "Page X of Y"; an empty list still reads as one page.
    pub fn label(self) -> String {
        format!("Page {} of {}", self.page, self.pages.max(1))
    }

    pub fn has_previous(self) -> bool {
        self.page > 1
    }

    pub fn has_next(self) -> bool {
        u64::from(self.page) < self.pages
    }

    /// The pager once one task is gone, before the server confirms it.
    pub fn without_one(self) -> Self {
        let total = self.total.saturating_sub(1);
        Self { total, pages: total.div_ceil(u64::from(self.limit)), ..self }
    }

    /// The pager once one task is back, after a refused delete.
    pub fn with_one_more(self) -> Self {
        let total = self.total + 1;
        Self { total, pages: total.div_ceil(u64::from(self.limit)), ..self }
    }

    /// The last page, when this one lies past the end of a list that still has tasks:
    /// after deleting the last task of the last page, or from a stale `?page=`.
    pub fn overshoot(self) -> Option<u32> {
        (self.pages >= 1 && u64::from(self.page) > self.pages)
            .then(|| u32::try_from(self.pages).unwrap_or(u32::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pager(page: u32, total: u64) -> Pager {
        Pager::from(Pagination { page, limit: 10, total, pages: total.div_ceil(10) })
    }

    #[test]
    fn addresses_the_page() {
        assert_eq!(location_for(1), "/");
        assert_eq!(location_for(2), "/?page=2");
    }

    #[test]
    fn labels_and_bounds() {
        let first = pager(1, 12);
        assert_eq!(first.label(), "Page 1 of 2");
        assert!(!first.has_previous() && first.has_next());
        let second = pager(2, 12);
        assert_eq!(second.label(), "Page 2 of 2");
        assert!(second.has_previous() && !second.has_next());
        let empty = pager(1, 0);
        assert_eq!(empty.label(), "Page 1 of 1");
        assert!(!empty.has_previous() && !empty.has_next());
        assert_eq!(Pager::loading(0).label(), "Page 1 of 1");
    }

    #[test]
    fn removing_and_restoring_a_task_recounts_pages() {
        let last_of_eleven = pager(2, 11).without_one();
        assert_eq!((last_of_eleven.total, last_of_eleven.pages), (10, 1));
        assert_eq!(last_of_eleven.overshoot(), Some(1));
        let back = last_of_eleven.with_one_more();
        assert_eq!((back.total, back.pages, back.overshoot()), (11, 2, None));
        assert_eq!(pager(1, 0).without_one().total, 0);
    }

    #[test]
    fn overshoot_only_when_past_a_non_empty_end() {
        assert_eq!(pager(5, 25).overshoot(), Some(3));
        assert_eq!(pager(3, 25).overshoot(), None);
        assert_eq!(pager(2, 0).overshoot(), None);
    }
}
