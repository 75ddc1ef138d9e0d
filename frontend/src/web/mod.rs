//! The browser side: Sycamore components that call the pure modules and the API.

mod app;
mod components;
mod dom;
mod form;
mod http;
mod pages;
mod session;
mod spawn;

/// Mounts the app into `<body>`.
pub fn start() {
    sycamore::render(app::App);
}
