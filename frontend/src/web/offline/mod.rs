//! Working offline in the browser: the app shell's service worker and its update prompt,
//! and whether the server can be reached, with the banner that says when it cannot.

mod banner;
mod connectivity;
mod update;

pub use banner::OfflineBanner;
pub use connectivity::Connectivity;
pub use update::UpdatePrompt;
