use serde::Serialize;

use super::has_control_chars;

pub const MAX_LEN: usize = 254;

/// A syntactically valid address, lower-cased so that uniqueness ignores case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter your email address.".into());
        }
        if email.chars().count() > MAX_LEN {
            return Err(format!("Email must be at most {MAX_LEN} characters."));
        }
        if has_control_chars(&email, &[]) {
            return Err("Email cannot contain control characters.".into());
        }
        let domain_has_dot =
            email.rsplit_once('@').is_some_and(|(_, domain)| domain.contains('.') && !domain.ends_with('.'));
        if !domain_has_dot || !email_address::EmailAddress::is_valid(&email) {
            return Err("Enter a valid email address, like name@example.com.".into());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn lower_cases_and_trims() {
        assert_eq!(Email::parse("  Ann@Example.COM ").unwrap().as_str(), "ann@example.com");
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in
            ["", "   ", "ann", "ann@", "@example.com", "ann@example", "a b@example.com", "ann@example."]
        {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn rejects_control_characters_even_where_the_syntax_allows_them() {
        for bad in ["ann\u{0}@example.com", "\"a\u{7}b\"@example.com", "ann@exa\u{85}mple.com"] {
            assert!(Email::parse(bad).unwrap_err().contains("control"), "{bad:?}");
        }
    }

    #[test]
    fn rejects_addresses_over_254_characters() {
        let labels = ["b".repeat(61), "c".repeat(61), "d".repeat(61)].join(".");
        let fits = format!("{}@{labels}.com", "a".repeat(64));
        assert_eq!(fits.len(), 254);
        assert!(Email::parse(&fits).is_ok(), "{:?}", Email::parse(&fits));
        let long = format!("x{fits}");
        assert!(Email::parse(&long).unwrap_err().contains("254"));
    }
}
