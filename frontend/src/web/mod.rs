//! The browser side: Sycamore components that call the pure modules and the API.

mod app;
mod components;
mod dom;
mod form;
mod http;
mod offline;
mod pages;
mod routes;
mod send;
mod session;
mod spawn;

/// Mounts the app into `<body>`, with the browser's own lower-casing for email
/// addresses (see `contract::domain::Email::normalize`).
pub fn start() {
    contract::domain::use_browser_lower_case(dom::lower_case);
    sycamore::render(app::App);
}
