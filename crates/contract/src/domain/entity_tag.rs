//! `If-Match` and `If-None-Match`: which task versions a conditional request names.
//!
//! A task's entity tag is its version in quotes (`"7"`). A header is `*` or a list of
//! entity tags (RFC 9110 §8.8.3), strong (`"7"`) or weak (`W/"7"`); several headers of
//! one name form one list.

/// The `ETag` of a task at `version`.
pub fn version_tag(version: i64) -> String {
    format!("\"{version}\"")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityTags {
    /// `*`: any current version.
    Any,
    List(Vec<EntityTag>),
}

/// One tag of a list. `version` is the task version it names, if it names one: a tag
/// the server could not have sent (`"abc"`, `"07"`) is well formed but matches nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityTag {
    pub weak: bool,
    pub version: Option<i64>,
}

impl EntityTags {
    /// Parses every value of one header name, in order, as one list. Refused: no
    /// values, an empty list, `*` with anything else, and anything that is not an
    /// entity tag (a bare word, a missing quote, a control character inside quotes).
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Result<Self, String> {
        let invalid = || "Send * or a list of entity tags such as \"3\".".to_owned();
        let values: Vec<&[u8]> = values.into_iter().collect();
        if values.len() == 1 && trim(values[0]) == b"*" {
            return Ok(Self::Any);
        }
        let mut tags = Vec::new();
        for value in values {
            parse_list(value, &mut tags).ok_or_else(invalid)?;
        }
        if tags.is_empty() {
            return Err(invalid());
        }
        Ok(Self::List(tags))
    }

    /// `If-Match`'s strong comparison: `*`, or a strong tag naming `version`.
    pub fn matches_strong(&self, version: i64) -> bool {
        match self {
            Self::Any => true,
            Self::List(tags) => tags.iter().any(|tag| !tag.weak && tag.version == Some(version)),
        }
    }

    /// `If-None-Match`'s weak comparison: `*`, or any tag naming `version`.
    pub fn matches_weak(&self, version: i64) -> bool {
        match self {
            Self::Any => true,
            Self::List(tags) => tags.iter().any(|tag| tag.version == Some(version)),
        }
    }

    /// The versions a strong comparison accepts, for a write that checks them itself;
    /// `None` for `*`, which accepts whatever version the task has.
    pub fn strong_versions(&self) -> Option<Vec<i64>> {
        match self {
            Self::Any => None,
            Self::List(tags) => {
                Some(tags.iter().filter(|tag| !tag.weak).filter_map(|tag| tag.version).collect())
            }
        }
    }
}

fn is_ows(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

fn trim(mut value: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = value
        && is_ows(*first)
    {
        value = rest;
    }
    while let [rest @ .., last] = value
        && is_ows(*last)
    {
        value = rest;
    }
    value
}

/// `#entity-tag`: tags separated by commas and optional whitespace, empty elements
/// allowed, as the list rule of RFC 9110 §5.6.1 asks recipients to accept.
fn parse_list(value: &[u8], tags: &mut Vec<EntityTag>) -> Option<()> {
    let mut rest = value;
    loop {
        while let [first, tail @ ..] = rest
            && (is_ows(*first) || *first == b',')
        {
            rest = tail;
        }
        if rest.is_empty() {
            return Some(());
        }
        let (tag, tail) = parse_tag(rest)?;
        tags.push(tag);
        rest = trim(tail);
        match rest {
            [] => return Some(()),
            [b',', ..] => {}
            _ => return None,
        }
    }
}

/// `[ W/ ] DQUOTE *etagc DQUOTE`, where `etagc` is `!`, `#`–`~` or obs-text.
fn parse_tag(value: &[u8]) -> Option<(EntityTag, &[u8])> {
    let (weak, value) = match value.strip_prefix(b"W/") {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let inner = value.strip_prefix(b"\"")?;
    let end = inner.iter().position(|&b| b == b'"')?;
    let opaque = &inner[..end];
    if !opaque.iter().all(|&b| b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80) {
        return None;
    }
    Some((EntityTag { weak, version: canonical_version(opaque) }, &inner[end + 1..]))
}

/// Only the decimal text `version_tag` writes: digits, no leading zero, within `i64`.
fn canonical_version(opaque: &[u8]) -> Option<i64> {
    let canonical =
        !opaque.is_empty() && opaque.iter().all(u8::is_ascii_digit) && (opaque == b"0" || opaque[0] != b'0');
    if !canonical {
        return None;
    }
    std::str::from_utf8(opaque).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{EntityTag, EntityTags, version_tag};

    fn one(raw: &str) -> Result<EntityTags, String> {
        EntityTags::parse([raw.as_bytes()])
    }

    proptest! {
        #[test]
        fn the_tag_the_server_sends_matches_its_version_only(version in 0..i64::MAX, other in 0..i64::MAX) {
            let tags = one(&version_tag(version)).unwrap();
            prop_assert!(tags.matches_strong(version) && tags.matches_weak(version));
            prop_assert_eq!(tags.matches_strong(other), other == version);
            prop_assert_eq!(tags.strong_versions(), Some(vec![version]));
        }

        #[test]
        fn a_weak_tag_never_matches_strongly(version in 0..i64::MAX) {
            let tags = one(&format!("W/{}", version_tag(version))).unwrap();
            prop_assert!(!tags.matches_strong(version));
            prop_assert!(tags.matches_weak(version));
            prop_assert_eq!(tags.strong_versions(), Some(vec![]));
        }

        #[test]
        fn lists_match_any_of_their_strong_tags(versions in prop::collection::vec(0..1000i64, 1..8), probe in 0..1000i64) {
            let raw = versions.iter().map(|v| version_tag(*v)).collect::<Vec<_>>().join(" ,\t");
            let tags = one(&raw).unwrap();
            prop_assert_eq!(tags.matches_strong(probe), versions.contains(&probe));
        }

        #[test]
        fn any_bytes_parse_or_are_refused_without_panicking(raw in prop::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(EntityTags::List(tags)) = EntityTags::parse([raw.as_slice()]) {
                prop_assert!(!tags.is_empty());
                prop_assert!(raw.contains(&b'"'));
            }
        }

        #[test]
        fn control_characters_inside_a_tag_are_refused(head in "[0-9]{0,4}", bad in prop_oneof![0u8..0x20, Just(0x7fu8)]) {
            let mut raw = b"\"".to_vec();
            raw.extend(head.bytes());
            raw.push(bad);
            raw.push(b'"');
            prop_assert!(EntityTags::parse([raw.as_slice()]).is_err());
        }
    }

    #[test]
    fn star_matches_every_version() {
        assert_eq!(one("*"), Ok(EntityTags::Any));
        assert_eq!(one(" * "), Ok(EntityTags::Any));
        assert!(EntityTags::Any.matches_strong(41) && EntityTags::Any.matches_weak(41));
        assert_eq!(EntityTags::Any.strong_versions(), None);
    }

    #[test]
    fn tags_the_server_never_sends_match_nothing() {
        for raw in ["\"abc\"", "\"07\"", "\"\"", "\"9223372036854775808\"", "\"-1\"", "\"é\""] {
            let tags = one(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
            assert_eq!(tags, EntityTags::List(vec![EntityTag { weak: false, version: None }]), "{raw:?}");
        }
    }

    #[test]
    fn several_headers_form_one_list() {
        let tags = EntityTags::parse([b"\"1\"".as_slice(), b"W/\"2\", \"3\"".as_slice()]).unwrap();
        assert_eq!(tags.strong_versions(), Some(vec![1, 3]));
        assert!(tags.matches_weak(2));
    }

    #[test]
    fn malformed_headers_are_refused() {
        for raw in [
            "",
            " ",
            ",",
            "3",
            "W/3",
            "w/\"3\"",
            "\"3",
            "3\"",
            "\"3\" \"4\"",
            "\"3\"x",
            "*, \"3\"",
            "**",
            "\"a\"b\"",
            "\"\0\"",
            "W/ \"3\"",
        ] {
            assert!(one(raw).is_err(), "{raw:?} parsed");
        }
        assert!(EntityTags::parse([b"*".as_slice(), b"\"3\"".as_slice()]).is_err(), "* with a list");
        assert!(EntityTags::parse(std::iter::empty()).is_err(), "no header at all");
        assert!(one(&"\"1\",".repeat(10_000)).is_ok(), "a long list is only long");
    }

    #[test]
    fn empty_elements_of_a_list_are_skipped() {
        assert_eq!(one(", \"3\" ,, ").unwrap().strong_versions(), Some(vec![3]));
    }
}
