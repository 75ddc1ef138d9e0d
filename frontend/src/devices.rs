//! How the signed-in devices list describes a session: a device line from the user
//! agent, and when it was last active.

use chrono::{DateTime, Utc};

/// "Firefox on Linux", "Safari on iPhone", or "Unknown device" when the user agent says
/// nothing recognisable. Order matters: Edge and Opera also say Chrome, Chrome also says
/// Safari, Android also says Linux.
pub fn describe(user_agent: Option<&str>) -> String {
    let Some(ua) = user_agent.filter(|ua| !ua.trim().is_empty()) else { return "Unknown device".into() };
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .into_iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| name);
    let system = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("CrOS", "ChromeOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Macintosh", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(name), None) | (None, Some(name)) => name.to_owned(),
        (None, None) => "Unknown device".into(),
    }
}

/// "Active now", "Last active 5 minutes ago", "… 3 hours ago", "… 2 days ago". The
/// server writes the time at most every 5 minutes, so anything newer is "now".
pub fn last_active(last_seen: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - last_seen).num_minutes().max(0);
    let ago = |n: i64, unit: &str| format!("Last active {n} {unit}{} ago", if n == 1 { "" } else { "s" });
    match minutes {
        0..=5 => "Active now".into(),
        6..=59 => ago(minutes, "minute"),
        60..=1439 => ago(minutes / 60, "hour"),
        _ => ago(minutes / 1440, "day"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_common_browsers_and_systems() {
        let cases = [
            ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux"),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) \
                 Version/18.1 Safari/605.1.15",
                "Safari on macOS",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) \
                 Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari on iPhone",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Mobile Safari/537.36",
                "Chrome on Android",
            ),
            ("curl/8.5.0", "curl"),
            ("something else", "Unknown device"),
        ];
        for (ua, expected) in cases {
            assert_eq!(describe(Some(ua)), expected, "{ua}");
        }
        assert_eq!(describe(None), "Unknown device");
        assert_eq!(describe(Some("  ")), "Unknown device");
    }

    #[test]
    fn says_how_long_ago_in_words() {
        let now: DateTime<Utc> = "2026-12-01T12:00:00Z".parse().expect("a time");
        let before = |minutes| now - chrono::Duration::minutes(minutes);
        assert_eq!(last_active(before(0), now), "Active now");
        assert_eq!(last_active(before(5), now), "Active now");
        assert_eq!(last_active(before(6), now), "Last active 6 minutes ago");
        assert_eq!(last_active(before(60), now), "Last active 1 hour ago");
        assert_eq!(last_active(before(60 * 5), now), "Last active 5 hours ago");
        assert_eq!(last_active(before(60 * 24 * 2), now), "Last active 2 days ago");
        assert_eq!(last_active(now + chrono::Duration::minutes(3), now), "Active now", "a clock ahead");
    }
}
