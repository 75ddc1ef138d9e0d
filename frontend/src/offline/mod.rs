//! Working without the server: what the app decides about it, apart from the browser
//! calls (those are in `web::offline`).

pub mod backoff;
pub mod queue;
pub mod snapshot;
