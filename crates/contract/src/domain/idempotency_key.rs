//! The `Idempotency-Key` a client sends with a create, so that a retry whose first
//! answer was lost replays that answer instead of creating again.

/// The longest key accepted, in bytes (each is one visible ASCII character).
pub const MAX_LEN: usize = 255;

/// 1–255 visible ASCII characters (`!` through `~`): no spaces, no control characters,
/// nothing a header could not carry as it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &[u8]) -> Result<Self, String> {
        if raw.is_empty() || raw.len() > MAX_LEN || !raw.iter().all(u8::is_ascii_graphic) {
            return Err(format!("Idempotency-Key must be 1 to {MAX_LEN} visible ASCII characters."));
        }
        // Every byte is ASCII, so this cannot fail.
        Ok(Self(String::from_utf8_lossy(raw).into_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{IdempotencyKey, MAX_LEN};

    proptest! {
        #[test]
        fn visible_ascii_of_a_valid_length_is_kept_as_sent(key in "[!-~]{1,255}") {
            let parsed = IdempotencyKey::parse(key.as_bytes()).unwrap();
            prop_assert_eq!(parsed.as_str(), key.as_str());
        }

        #[test]
        fn anything_with_another_byte_is_refused(
            head in "[!-~]{0,10}", bad in prop_oneof![0u8..=0x20, 0x7fu8..=0xff], tail in "[!-~]{0,10}"
        ) {
            let mut raw = head.into_bytes();
            raw.push(bad);
            raw.extend(tail.into_bytes());
            prop_assert!(IdempotencyKey::parse(&raw).is_err());
        }
    }

    #[test]
    fn length_edges() {
        assert!(IdempotencyKey::parse(b"").is_err());
        assert!(IdempotencyKey::parse(&[b'k'; MAX_LEN]).is_ok());
        assert!(IdempotencyKey::parse(&[b'k'; MAX_LEN + 1]).is_err());
    }
}
