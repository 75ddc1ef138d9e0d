//! Notices of a change to the account's credentials, so that its holder learns of one
//! they did not make: a new password (set in the profile or from a reset link), sent
//! to the account's address, and a new address, sent to the old one.

use chrono::{DateTime, Utc};

use super::{Letter, escape, html_page, moment};

/// "Your password was changed", to the account's address.
pub struct PasswordChangedMail {
    pub to_email: String,
    /// The web app's origin, for the way back in; `None` when none is configured.
    pub origin: Option<String>,
    pub at: DateTime<Utc>,
}

/// "Your email address was changed", to the old address, naming the new one
/// half-masked: enough to recognise, not enough to hand out.
pub struct EmailChangedMail {
    pub old_email: String,
    pub new_email: String,
    pub at: DateTime<Utc>,
}

/// A notice: its subject as the heading, then its paragraphs, the same in the text and
/// the HTML part.
trait Notice: Send + Sync {
    fn recipient(&self) -> &str;
    fn heading(&self) -> &'static str;
    fn paragraphs(&self) -> [String; 3];
}

impl<N: Notice> Letter for N {
    fn to(&self) -> &str {
        self.recipient()
    }

    fn subject(&self) -> &'static str {
        self.heading()
    }

    fn text(&self) -> String {
        text_of(self.heading(), &self.paragraphs())
    }

    fn html(&self) -> String {
        html_of(self.heading(), &self.paragraphs())
    }
}

impl PasswordChangedMail {
    fn forgot(&self) -> String {
        match &self.origin {
            Some(origin) => format!("{origin}/forgot-password"),
            None => "\"Forgot password?\" on the sign-in page".into(),
        }
    }
}

impl Notice for PasswordChangedMail {
    fn recipient(&self) -> &str {
        &self.to_email
    }

    fn heading(&self) -> &'static str {
        "Your password was changed"
    }

    fn paragraphs(&self) -> [String; 3] {
        [
            format!(
                "The password of your Tasks account ({email}) was changed at {at}, and every \
                 other session was signed out.",
                email = self.to_email,
                at = moment(self.at),
            ),
            "If it was you, there is nothing to do.".into(),
            format!(
                "If this wasn't you, someone else knows your password or can reach your email: \
                 set a new password at {forgot}, then look at the signed-in devices on your \
                 profile page and sign out the ones you don't know.",
                forgot = self.forgot(),
            ),
        ]
    }
}

impl Notice for EmailChangedMail {
    fn recipient(&self) -> &str {
        &self.old_email
    }

    fn heading(&self) -> &'static str {
        "Your email address was changed"
    }

    fn paragraphs(&self) -> [String; 3] {
        [
            format!(
                "The email address of your Tasks account was changed from {old} to {new} at {at}. \
                 Mail about the account, password reset links included, now goes to the new address.",
                old = self.old_email,
                new = half_masked(&self.new_email),
                at = moment(self.at),
            ),
            "If it was you, there is nothing to do.".into(),
            "If this wasn't you, someone who knows your password has taken the account over, and a \
             reset link can no longer reach you here: tell whoever runs this Tasks server at once, \
             and keep this email, which shows when the change was made."
                .into(),
        ]
    }
}

fn text_of(heading: &str, paragraphs: &[String]) -> String {
    let mut text = format!("{heading}\r\n\r\n");
    for paragraph in paragraphs {
        text.push_str(paragraph);
        text.push_str("\r\n\r\n");
    }
    text
}

fn html_of(heading: &str, paragraphs: &[String]) -> String {
    let mut body = format!("<h1>{}</h1>\r\n", escape(heading));
    for paragraph in paragraphs {
        body.push_str(&format!("<p>{}</p>\r\n", escape(paragraph)));
    }
    html_page(&body)
}

/// The address with the second half of its local part masked: `annabel@example.org`
/// reads `ann****@example.org`.
pub fn half_masked(email: &str) -> String {
    let (local, domain) = email.rsplit_once('@').unwrap_or((email, ""));
    let length = local.chars().count();
    let shown: String = local.chars().take(length / 2).collect();
    let masked = "*".repeat(length - length / 2);
    if domain.is_empty() { format!("{shown}{masked}") } else { format!("{shown}{masked}@{domain}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-01T18:30:00Z").unwrap().to_utc()
    }

    #[test]
    fn half_masked_hides_the_second_half_of_the_local_part() {
        assert_eq!(half_masked("annabel.new@example.org"), "annab******@example.org");
        assert_eq!(half_masked("a@example.org"), "*@example.org");
        assert_eq!(half_masked("åsa.ö@example.org"), "ås***@example.org");
    }

    #[test]
    fn each_notice_says_what_to_do_if_it_was_not_you() {
        let password = PasswordChangedMail {
            to_email: "ann@example.com".into(),
            origin: Some("https://tasks.example".into()),
            at: at(),
        };
        let email = EmailChangedMail {
            old_email: "ann@example.com".into(),
            new_email: "mallory@evil.example".into(),
            at: at(),
        };
        for part in [password.text(), password.html(), email.text(), email.html()] {
            assert!(part.contains("If this wasn't you"), "{part}");
            assert!(part.contains("18:30 UTC on 1 December 2026"), "{part}");
        }
        assert!(password.text().starts_with("Your password was changed"));
        assert!(password.html().contains("<h1>Your password was changed</h1>"));
        assert!(password.text().contains("https://tasks.example/forgot-password"));
        assert!(email.text().contains("mal****@evil.example"), "{}", email.text());
        assert!(!email.text().contains("mallory"));
        assert_eq!(email.to(), "ann@example.com");
    }
}
