use serde::Serialize;

use super::has_control_chars;

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 1000;

/// A task title of 1–200 characters, stored trimmed, with no control characters.
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
        if has_control_chars(title, &[]) {
            return Err("Title cannot contain control characters such as tabs or line breaks.".into());
        }
        Ok(Self(title.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Descriptions may keep these; every other control character is refused.
const DESCRIPTION_ALLOWED_CONTROLS: [char; 2] = ['\t', '\n'];

/// A task description of at most 1000 characters, kept as typed, with no control
/// characters but tabs and line feeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TaskDescription(String);

impl TaskDescription {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.chars().count() > DESCRIPTION_MAX_CHARS {
            return Err(format!("Description must be at most {DESCRIPTION_MAX_CHARS} characters."));
        }
        if has_control_chars(raw, &DESCRIPTION_ALLOWED_CONTROLS) {
            return Err(
                "Description cannot contain control characters other than tabs and line breaks.".into()
            );
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A task as it is created.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub title: TaskTitle,
    pub description: Option<TaskDescription>,
}

/// A partial update: `None` keeps a field; `Some(None)` clears the description.
#[derive(Debug, Clone, Default)]
pub struct TaskChange {
    pub title: Option<TaskTitle>,
    pub description: Option<Option<TaskDescription>>,
    pub completed: Option<bool>,
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
    fn control_characters_are_refused() {
        for bad in [
            "a\u{0}b",
            "\u{0}",
            "a\tb",
            "line\nbreak",
            "bell\u{7}",
            "del\u{7f}",
            "c1\u{85}x",
            "esc\u{1b}[31m",
        ] {
            assert!(TaskTitle::parse(bad).unwrap_err().contains("control"), "{bad:?}");
        }
        assert!(TaskDescription::parse("tab\there\nand a new line").is_ok());
        for bad in ["a\u{0}b", "cr\r\n", "bell\u{7}", "c1\u{9f}"] {
            assert!(TaskDescription::parse(bad).unwrap_err().contains("control"), "{bad:?}");
        }
        assert_eq!(
            TaskTitle::parse(" \tkept inside\n ").unwrap().as_str(),
            "kept inside",
            "only the ends are trimmed"
        );
    }

    #[test]
    fn description_is_bounded() {
        assert!(TaskDescription::parse("").is_ok());
        assert!(TaskDescription::parse(&"d".repeat(1000)).is_ok());
        assert!(TaskDescription::parse(&"d".repeat(1001)).unwrap_err().contains("1000"));
    }
}
