//! What a signed-in load of a page of the web app asks the API for at once, named in that
//! page's response for preloading. The addresses come from `contract::api::page_load`,
//! which the web app builds its own requests from; which route is the dashboard is the
//! web app's routing, which this server serves.

use contract::api::page_load::{ME_PATH, dashboard_page, dashboard_request, tasks_path};

/// What a signed-in load of `path` (with `query`, if any) asks the API for at once: `me`,
/// and on the dashboard (`/`) the page of tasks its address names.
pub fn signed_in_calls(path: &str, query: Option<&str>) -> Vec<String> {
    let mut calls = vec![ME_PATH.to_owned()];
    if path == "/" {
        calls.push(tasks_path(dashboard_request(dashboard_page(query.unwrap_or_default()))));
    }
    calls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dashboard_also_asks_for_its_page() {
        assert_eq!(signed_in_calls("/", None), ["/api/auth/me", "/api/tasks?page=1&limit=10"]);
        assert_eq!(signed_in_calls("/", Some("page=3")), ["/api/auth/me", "/api/tasks?page=3&limit=10"]);
        assert_eq!(signed_in_calls("/profile", None), ["/api/auth/me"]);
        assert_eq!(signed_in_calls("/signin", Some("page=3")), ["/api/auth/me"]);
        // The page number goes into a response header: only a number the API takes gets
        // there, and anything else, a line break included, means the first page.
        let first = ["/api/auth/me", "/api/tasks?page=1&limit=10"];
        assert_eq!(
            signed_in_calls("/", Some("page=4294967295")),
            ["/api/auth/me", "/api/tasks?page=4294967295&limit=10"]
        );
        for hostile in [
            "page=4294967296",
            "page=1\r\nSet-Cookie: token=x",
            "page=1%0d%0a",
            "page=%00",
            "page=+1",
            "page=",
        ] {
            assert_eq!(signed_in_calls("/", Some(hostile)), first, "{hostile:?}");
        }
    }
}
