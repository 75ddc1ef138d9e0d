//! Working offline in the browser: the app shell's service worker and its update prompt;
//! whether the server can be reached, with the banner that says when it cannot; the
//! stored copy of the user's list; and the outbox, which keeps changes made without the
//! server and sends each once it answers.

mod banner;
mod connectivity;
pub mod copy;
mod local_store;
mod outbox;
mod update;

pub use banner::OfflineBanner;
pub use connectivity::{Connectivity, use_connectivity};
pub use outbox::{Outbox, Report, use_outbox};
pub use update::UpdatePrompt;
