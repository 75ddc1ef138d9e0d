//! The calls the web app makes as a page of it opens. `server` names them in that page's
//! own response (a `Link: rel=preload` header), so that a browser starts them alongside the
//! app's code instead of after it has loaded; on a phone that saves a round trip before
//! the first tasks show. Their addresses live here, so that the two cannot drift apart:
//! a preload the app then asks for differently is only a wasted request.

use crate::domain::PageRequest;

/// Who is signed in: asked on every load of a browser that has the signed-in hint.
pub const ME_PATH: &str = "/api/auth/me";

/// The dashboard's page size.
pub const DASHBOARD_PAGE_SIZE: u32 = 10;

/// The list call for `page`.
pub fn tasks_path(page: PageRequest) -> String {
    format!("/api/tasks?page={}&limit={}", page.page(), page.limit())
}

/// The request for `page` (1-based) at the dashboard's page size.
pub fn dashboard_request(page: u32) -> PageRequest {
    match PageRequest::parse(Some(&page.max(1).to_string()), Some(&DASHBOARD_PAGE_SIZE.to_string())) {
        Ok(request) => request,
        // A page of at least 1 at the dashboard's size is always valid. (No `expect`:
        // printing the error would bring its formatting into the web app's bundle.)
        Err(_) => unreachable!(),
    }
}

/// The dashboard page named by a location's query string (`?page=3`, without or with the
/// `?`), read with the API's own rule; anything it would refuse means the first page.
pub fn dashboard_page(query: &str) -> u32 {
    query
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .and_then(|value| PageRequest::parse(Some(value), None).ok())
        .map_or(1, PageRequest::page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_ten_tasks_per_page() {
        assert_eq!((dashboard_request(3).page(), dashboard_request(3).limit()), (3, 10));
        assert_eq!(dashboard_request(0).page(), 1);
        assert_eq!(tasks_path(dashboard_request(2)), "/api/tasks?page=2&limit=10");
    }

    #[test]
    fn reads_the_page_from_the_query() {
        assert_eq!(dashboard_page(""), 1);
        assert_eq!(dashboard_page("?page=2"), 2);
        assert_eq!(dashboard_page("page=2"), 2);
        assert_eq!(dashboard_page("?sort=new&page=4"), 4);
        assert_eq!(dashboard_page("?page=0"), 1);
        assert_eq!(dashboard_page("?page=-1"), 1);
        assert_eq!(dashboard_page("?page=two"), 1);
        assert_eq!(dashboard_page("?page=99999999999"), 1);
    }
}
