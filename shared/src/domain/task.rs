use serde::Serialize;

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 1000;

/// A task title of 1–200 characters, stored trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TaskTitle(String);

impl TaskTitle {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let title = raw.trim();
        if title.is_empty() {
            return Err("Enter a title.".into());
        }
        if title.chars().count() > TITLE_MAX_CHARS {
            return Err(format!("Title must be at most {TITLE_MAX_CHARS} characters."));
        }
        Ok(Self(title.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A task description of at most 1000 characters, kept as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TaskDescription(String);

impl TaskDescription {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.chars().count() > DESCRIPTION_MAX_CHARS {
            return Err(format!("Description must be at most {DESCRIPTION_MAX_CHARS} characters."));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::{TaskDescription, TaskTitle};

    #[test]
    fn title_is_trimmed_and_bounded() {
        assert_eq!(TaskTitle::parse("  Buy milk ").unwrap().as_str(), "Buy milk");
        assert!(TaskTitle::parse(" \t ").is_err());
        assert!(TaskTitle::parse(&"t".repeat(200)).is_ok());
        assert!(TaskTitle::parse(&"t".repeat(201)).unwrap_err().contains("200"));
    }

    #[test]
    fn description_is_bounded() {
        assert!(TaskDescription::parse("").is_ok());
        assert!(TaskDescription::parse(&"d".repeat(1000)).is_ok());
        assert!(TaskDescription::parse(&"d".repeat(1001)).unwrap_err().contains("1000"));
    }
}
