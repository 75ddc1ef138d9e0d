use std::fmt;
#[cfg(feature = "common-passwords")]
use std::sync::LazyLock;

pub use crate::policy::{PASSWORD_MAX_BYTES as MAX_BYTES, PASSWORD_MIN_BYTES as MIN_BYTES};

/// The 2,000 most common passwords of 8 bytes or more, lower-cased and sorted; taken
/// from the frequency lists of zxcvbn (MIT).
#[cfg(feature = "common-passwords")]
static COMMON: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| include_str!("common_passwords.txt").lines().collect());

#[cfg(feature = "common-passwords")]
fn is_common(password: &str) -> bool {
    COMMON.binary_search(&password.to_lowercase().as_str()).is_ok()
}

/// A password of acceptable length. Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.is_empty() {
            return Err("Enter a password.".into());
        }
        if raw.len() < MIN_BYTES {
            return Err(format!("Password must be at least {MIN_BYTES} characters."));
        }
        if raw.len() > MAX_BYTES {
            return Err(format!("Password must be at most {MAX_BYTES} bytes."));
        }
        // Only with `server`: the list would be a large part of the web app's bundle.
        // The server refuses, and the web app shows its message next to the field.
        #[cfg(feature = "common-passwords")]
        if is_common(raw) {
            return Err("This password is too common. Choose one that is harder to guess.".into());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::Password;

    #[test]
    fn enforces_byte_bounds() {
        assert!(Password::parse("").is_err());
        assert!(Password::parse("1234567").is_err());
        assert!(Password::parse("1x2y3z4w").is_ok());
        assert!(Password::parse(&"x".repeat(72)).is_ok());
        assert!(Password::parse(&"x".repeat(73)).unwrap_err().contains("72"));
        // 24 three-byte characters are 72 bytes; one more is over.
        assert!(Password::parse(&"€".repeat(24)).is_ok());
        assert!(Password::parse(&"€".repeat(25)).is_err());
    }

    #[cfg(feature = "common-passwords")]
    #[test]
    fn rejects_common_passwords_in_any_case() {
        for common in ["password", "12345678", "Password1", "QWERTYUIOP", "iloveyou"] {
            assert!(Password::parse(common).unwrap_err().contains("too common"), "{common}");
        }
        assert!(Password::parse("correct horse battery").is_ok());
    }

    #[cfg(feature = "common-passwords")]
    #[test]
    fn the_list_is_sorted_and_large_enough() {
        assert!(super::COMMON.len() >= 1000);
        assert!(super::COMMON.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn debug_hides_the_secret() {
        let password = Password::parse("hunter2hunter2").unwrap();
        assert!(!format!("{password:?}").contains("hunter2"));
    }
}
