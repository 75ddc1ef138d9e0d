use std::fmt;

const MIN_BYTES: usize = 8;
/// bcrypt reads only 72 bytes; a longer password is refused rather than silently cut.
const MAX_BYTES: usize = 72;

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
        assert!(Password::parse("12345678").is_ok());
        assert!(Password::parse(&"x".repeat(72)).is_ok());
        assert!(Password::parse(&"x".repeat(73)).unwrap_err().contains("72"));
        // 24 three-byte characters are 72 bytes; one more is over.
        assert!(Password::parse(&"€".repeat(24)).is_ok());
        assert!(Password::parse(&"€".repeat(25)).is_err());
    }

    #[test]
    fn debug_hides_the_secret() {
        let password = Password::parse("hunter2hunter2").unwrap();
        assert!(!format!("{password:?}").contains("hunter2"));
    }
}
