use serde::Serialize;

use super::has_control_chars;

pub const MAX_CHARS: usize = 100;

/// A display name of 1–100 characters, stored trimmed, with no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct UserName(String);

impl UserName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("Enter your name.".into());
        }
        if name.chars().count() > MAX_CHARS {
            return Err(format!("Name must be at most {MAX_CHARS} characters."));
        }
        if has_control_chars(name, &[]) {
            return Err("Name cannot contain control characters such as tabs or line breaks.".into());
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::UserName;

    #[test]
    fn trims_and_bounds() {
        assert_eq!(UserName::parse("  Ann  ").unwrap().as_str(), "Ann");
        assert!(UserName::parse("   ").is_err());
        assert!(UserName::parse(&"é".repeat(100)).is_ok());
        assert!(UserName::parse(&"é".repeat(101)).is_err());
    }

    #[test]
    fn refuses_control_characters() {
        for bad in ["An\u{0}n", "Ann\tLee", "Ann\nLee", "\u{1b}[2J", "Ann\u{9b}"] {
            assert!(UserName::parse(bad).unwrap_err().contains("control"), "{bad:?}");
        }
    }
}
