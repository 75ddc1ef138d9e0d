//! The changes feed's cursor: opaque to clients, a position in one user's changes to us.

use std::fmt;

use crate::policy::CURSOR_LIFETIME_SECS;

/// A position in a user's change sequence (`seq`, the count of changes made to the
/// user's tasks so far) and when the server handed it out (`issued_at`, Unix seconds),
/// which bounds how long it stays usable. Written as `{seq}.{issued_at}`; clients only
/// store it and send it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeCursor {
    pub seq: i64,
    pub issued_at: i64,
}

impl ChangeCursor {
    pub fn new(seq: i64, issued_at: i64) -> Self {
        Self { seq, issued_at }
    }

    /// Accepts exactly what `Display` writes: two non-negative decimal numbers, no sign,
    /// no padding, no spaces.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let invalid = || "This cursor is not one the server handed out.".to_owned();
        let (seq, issued_at) = raw.split_once('.').ok_or_else(invalid)?;
        let number = |part: &str| -> Result<i64, String> {
            let canonical = !part.is_empty()
                && part.bytes().all(|b| b.is_ascii_digit())
                && (part == "0" || !part.starts_with('0'));
            if !canonical {
                return Err(invalid());
            }
            part.parse::<i64>().map_err(|_| invalid())
        };
        Ok(Self { seq: number(seq)?, issued_at: number(issued_at)? })
    }

    /// Whether, at `now` (Unix seconds), the cursor is past its lifetime: the client
    /// must reload instead of catching up.
    pub fn expired_at(&self, now: i64) -> bool {
        now.saturating_sub(self.issued_at) > CURSOR_LIFETIME_SECS
    }
}

impl fmt::Display for ChangeCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.seq, self.issued_at)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::ChangeCursor;
    use crate::policy::CURSOR_LIFETIME_SECS;

    proptest! {
        #[test]
        fn what_display_writes_parses_back(seq in 0..i64::MAX, at in 0..i64::MAX) {
            let cursor = ChangeCursor::new(seq, at);
            prop_assert_eq!(ChangeCursor::parse(&cursor.to_string()), Ok(cursor));
        }

        #[test]
        fn any_text_parses_or_is_refused_without_panicking(raw in "\\PC{0,40}") {
            if let Ok(cursor) = ChangeCursor::parse(&raw) {
                prop_assert_eq!(cursor.to_string(), raw);
            }
        }
    }

    #[test]
    fn near_misses_are_refused() {
        for raw in [
            "",
            ".",
            "1",
            "1.",
            ".1",
            "-1.5",
            "1.-5",
            "+1.5",
            "01.5",
            "1.05",
            " 1.5",
            "1.5 ",
            "1.5.6",
            "9223372036854775808.1",
            "1\u{0}.5",
            "１.5",
        ] {
            assert!(ChangeCursor::parse(raw).is_err(), "{raw:?} parsed");
        }
        assert_eq!(ChangeCursor::parse("0.0"), Ok(ChangeCursor::new(0, 0)));
    }

    #[test]
    fn a_cursor_expires_after_its_lifetime() {
        let cursor = ChangeCursor::new(3, 1_000);
        assert!(!cursor.expired_at(1_000 + CURSOR_LIFETIME_SECS));
        assert!(cursor.expired_at(1_000 + CURSOR_LIFETIME_SECS + 1));
        assert!(!cursor.expired_at(0), "a clock behind the cursor does not expire it");
    }
}
