//! Properties of every parser, over arbitrary text: a value is accepted exactly when
//! the rules allow it, and what is accepted is what will be stored.

use proptest::prelude::*;

use super::{
    DESCRIPTION_MAX_CHARS, Email, NAME_MAX_CHARS, PASSWORD_MAX_BYTES, PASSWORD_MIN_BYTES, PageRequest,
    Password, TITLE_MAX_CHARS, TaskDescription, TaskTitle, UserName,
};

/// Any text, with control characters, spaces and multi-byte letters much more common
/// than in uniform Unicode, at lengths around every limit.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zé€ \\t\\n\\r\\x00-\\x1f\\x7f-\\x9f\\u{2028}]{0,12}",
        "[a-z ]{0,3}\\PC{195,205}",
        "[a-z@.\\x00\\x07]{1,30}@[a-z\\x00]{1,10}\\.[a-z]{2,3}",
    ]
}

/// C0, DEL and C1, written out rather than taken from `char::is_control`.
fn controls(text: &str, allowed: &[char]) -> bool {
    text.chars().any(|c| matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}') && !allowed.contains(&c))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn titles(raw in text()) {
        let trimmed = raw.trim();
        let allowed = !trimmed.is_empty() && trimmed.chars().count() <= TITLE_MAX_CHARS && !controls(trimmed, &[]);
        match TaskTitle::parse(&raw) {
            Ok(title) => prop_assert!(allowed && title.as_str() == trimmed),
            Err(message) => prop_assert!(!allowed && !message.is_empty()),
        }
    }

    #[test]
    fn descriptions(raw in text()) {
        let allowed = raw.chars().count() <= DESCRIPTION_MAX_CHARS && !controls(&raw, &['\t', '\n']);
        match TaskDescription::parse(&raw) {
            Ok(description) => prop_assert!(allowed && description.as_str() == raw),
            Err(message) => prop_assert!(!allowed && !message.is_empty()),
        }
    }

    #[test]
    fn names(raw in text()) {
        let trimmed = raw.trim();
        let allowed = !trimmed.is_empty() && trimmed.chars().count() <= NAME_MAX_CHARS && !controls(trimmed, &[]);
        match UserName::parse(&raw) {
            Ok(name) => prop_assert!(allowed && name.as_str() == trimmed),
            Err(message) => prop_assert!(!allowed && !message.is_empty()),
        }
    }

    #[test]
    fn emails(raw in text()) {
        if let Ok(email) = Email::parse(&raw) {
            let expected = raw.trim().to_lowercase();
            prop_assert_eq!(email.as_str(), expected.as_str());
            prop_assert!(!controls(email.as_str(), &[]) && email.as_str().contains('@'));
            prop_assert!(email.as_str().chars().count() <= super::EMAIL_MAX_CHARS);
        }
    }

    #[test]
    fn passwords(raw in text()) {
        let sized = (PASSWORD_MIN_BYTES..=PASSWORD_MAX_BYTES).contains(&raw.len());
        match Password::parse(&raw) {
            Ok(password) => prop_assert!(sized && password.expose() == raw),
            Err(message) => prop_assert!(!message.is_empty()),
        }
    }

    #[test]
    fn pages(page in prop_oneof![any::<i64>().prop_map(|n| n.to_string()), text()],
             limit in prop_oneof![(-5i64..200).prop_map(|n| n.to_string()), any::<u64>().prop_map(|n| n.to_string()), text()]) {
        let expected_page = page.parse::<u32>().ok().filter(|p| *p >= 1);
        let expected_limit = limit.parse::<u32>().ok().filter(|l| (1..=100).contains(l));
        match PageRequest::parse(Some(&page), Some(&limit)) {
            Ok(request) => {
                prop_assert_eq!(Some(request.page()), expected_page);
                prop_assert_eq!(Some(request.limit()), expected_limit);
                prop_assert!(request.offset() < u64::from(u32::MAX) * 100);
            }
            Err(fields) => {
                prop_assert_eq!(fields.contains_key("page"), expected_page.is_none());
                prop_assert_eq!(fields.contains_key("limit"), expected_limit.is_none());
            }
        }
    }
}
