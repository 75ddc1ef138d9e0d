//! The password-reset message. It holds nothing the account holder chose (no name):
//! a name such as "Account suspended, restore at https://evil.example" would otherwise
//! turn the product's own mail into a phishing relay.

use chrono::{DateTime, Utc};

use contract::policy::RESET_LINK_MINUTES;

use super::{Letter, escape, html_page, moment};

pub struct ResetMail {
    pub to_email: String,
    pub link: String,
    pub expires_at: DateTime<Utc>,
}

impl Letter for ResetMail {
    fn to(&self) -> &str {
        &self.to_email
    }

    fn subject(&self) -> &'static str {
        "Reset your Tasks password"
    }

    fn text(&self) -> String {
        format!(
            "Hello,\r\n\r\n\
             Someone asked to reset the password of your Tasks account ({email}).\r\n\
             To choose a new password, open this link:\r\n\r\n\
             {link}\r\n\r\n\
             The link works once, and expires in {minutes} minutes (at {expiry}).\r\n\r\n\
             If you didn't ask for this, you can ignore this email: your password stays as it is.\r\n",
            email = self.to_email,
            link = self.link,
            expiry = moment(self.expires_at),
            minutes = RESET_LINK_MINUTES,
        )
    }

    fn html(&self) -> String {
        html_page(&format!(
            "<p>Hello,</p>\r\n\
             <p>Someone asked to reset the password of your Tasks account ({email}).</p>\r\n\
             <p><a href=\"{link}\">Choose a new password</a></p>\r\n\
             <p>Or paste this link into your browser: {link}</p>\r\n\
             <p>The link works once, and expires in {minutes} minutes (at {expiry}).</p>\r\n\
             <p>If you didn't ask for this, you can ignore this email: your password stays as it is.</p>\r\n",
            email = escape(&self.to_email),
            link = escape(&self.link),
            expiry = moment(self.expires_at),
            minutes = RESET_LINK_MINUTES,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_hold_the_link_the_expiry_and_the_ignore_line() {
        let mail = ResetMail {
            to_email: "ann@example.com".into(),
            link: "https://tasks.example/reset-password#token=abc&x".into(),
            expires_at: DateTime::parse_from_rfc3339("2026-12-01T18:30:00Z").unwrap().to_utc(),
        };
        for part in [mail.text(), mail.html()] {
            assert!(part.contains("expires in 30 minutes (at 18:30 UTC on 1 December 2026)"), "{part}");
            assert!(part.contains("If you didn't ask for this, you can ignore this email"), "{part}");
            assert!(part.starts_with("Hello,") || part.contains("<p>Hello,</p>"), "{part}");
        }
        assert!(mail.text().contains("https://tasks.example/reset-password#token=abc&x"));
        assert!(mail.html().contains("href=\"https://tasks.example/reset-password#token=abc&amp;x\""));
    }
}
