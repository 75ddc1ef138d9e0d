use sycamore::prelude::*;

use super::connectivity::use_connectivity;

/// Says so while the browser is offline or the server unreachable. The status region
/// stays in the page, empty when online, so that screen readers announce the text when
/// it appears.
#[component]
pub fn OfflineBanner() -> View {
    let connectivity = use_connectivity();
    let offline = create_selector(move || connectivity.is_offline());
    view! {
        div(class="offline-banner", role="status") {
            (offline.get().then(|| view! {
                p(class="offline-banner-text") { "You're offline. Changes will sync when you're back." }
            }))
        }
    }
}
