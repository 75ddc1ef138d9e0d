use serde::Serialize;

use super::has_control_chars;

pub const MAX_LEN: usize = 254;

/// A syntactically valid address, lower-cased so that uniqueness ignores case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = Self::normalize(raw);
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

    /// `raw` as addresses are compared and stored, valid or not: trimmed and lower-cased.
    pub fn normalize(raw: &str) -> String {
        lower_case(raw.trim())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Unicode's default lower-casing, with final sigma, on both sides. The web app installs
/// the browser's (`String.prototype.toLowerCase`, through `use_browser_lower_case` as it
/// starts): std's case tables would add 6 KB of gzip to its bundle, and this crate calls
/// no browser API itself. Before that, or without it, the browser build lower-cases
/// ASCII only. The server, which keeps std's, has the last word on every stored address.
#[cfg(target_arch = "wasm32")]
fn lower_case(text: &str) -> String {
    match BROWSER_LOWER_CASE.get() {
        Some(lower_case) => lower_case(text),
        None => text.to_ascii_lowercase(),
    }
}

#[cfg(target_arch = "wasm32")]
static BROWSER_LOWER_CASE: std::sync::OnceLock<fn(&str) -> String> = std::sync::OnceLock::new();

/// The browser's Unicode lower-casing, for `Email::normalize` in the web app; the first
/// call wins.
#[cfg(target_arch = "wasm32")]
pub fn use_browser_lower_case(lower_case: fn(&str) -> String) {
    let _ = BROWSER_LOWER_CASE.set(lower_case);
}

#[cfg(not(target_arch = "wasm32"))]
fn lower_case(text: &str) -> String {
    text.to_lowercase()
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

    /// JavaScript's `"ÅSA.İ.ΟΔΥΣΣΕΑΣ-x@Example.COM".toLowerCase()`, as Node 20 gives it:
    /// full mappings (İ to i and a combining dot), and a final sigma before "-" but not
    /// before ".". The web app lower-cases with that; e2e/accounts.test.mjs checks that
    /// the two agree on this address in a real browser.
    #[test]
    fn lower_cases_as_the_browser_does() {
        let browser =
            "\u{e5}sa.i\u{307}.\u{3bf}\u{3b4}\u{3c5}\u{3c3}\u{3c3}\u{3b5}\u{3b1}\u{3c2}-x@example.com";
        assert_eq!(Email::parse("ÅSA.İ.ΟΔΥΣΣΕΑΣ-x@Example.COM").unwrap().as_str(), browser);
        assert_eq!(Email::normalize(" ÅSA.İ.ΟΔΥΣΣΕΑΣ-x@Example.COM\t"), browser);
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
