//! Outgoing mail: the password-reset message, sent over SMTP by lettre (rustls), or,
//! in `server` without `SMTP_URL`, written to the log so a local run still works.

use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{MailSettings, Runtime};

/// The longest one SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Option<Mailbox>,
    /// Without a transport: log the link (`server`) or refuse (Lambda).
    log_instead: bool,
}

/// One reset email, with what both of its parts say.
pub struct ResetMail<'a> {
    pub to_email: &'a str,
    pub to_name: &'a str,
    pub link: &'a str,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("cannot build the message: {0}")]
    Message(String),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("mail is not set up")]
    NotConfigured,
}

impl Mailer {
    pub fn new(settings: &MailSettings) -> Self {
        // The URL was checked when the configuration was read.
        let transport = settings.smtp_url.as_deref().and_then(|url| {
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|builder| builder.timeout(Some(SMTP_TIMEOUT)).build())
                .ok()
        });
        Self { transport, from: settings.from.clone(), log_instead: settings.runtime == Runtime::Server }
    }

    /// Whether a reset email can go out at all (or, in `server`, be logged).
    pub fn is_available(&self) -> bool {
        (self.transport.is_some() && self.from.is_some()) || self.log_instead
    }

    pub async fn send_reset(&self, mail: &ResetMail<'_>) -> Result<(), MailError> {
        let (Some(transport), Some(from)) = (&self.transport, &self.from) else {
            if !self.log_instead {
                return Err(MailError::NotConfigured);
            }
            tracing::warn!(
                event = "mail_not_configured",
                to = mail.to_email,
                link = mail.link,
                "SMTP_URL is not set, so no email was sent: here is the password reset link"
            );
            return Ok(());
        };
        let address: Address = mail.to_email.parse().map_err(|e| MailError::Message(format!("{e}")))?;
        let message = Message::builder()
            .from(from.clone())
            .to(Mailbox::new(Some(mail.to_name.to_owned()), address))
            .subject("Reset your Tasks password")
            .multipart(MultiPart::alternative_plain_html(mail.text(), mail.html()))
            .map_err(|e| MailError::Message(e.to_string()))?;
        transport.send(message).await?;
        Ok(())
    }
}

impl ResetMail<'_> {
    fn expiry(&self) -> String {
        self.expires_at.format("%H:%M UTC on %-d %B %Y").to_string()
    }

    pub fn text(&self) -> String {
        format!(
            "Hello {name},\r\n\r\n\
             Someone asked to reset the password of your Tasks account ({email}).\r\n\
             To choose a new password, open this link:\r\n\r\n\
             {link}\r\n\r\n\
             The link works once, and expires in 30 minutes (at {expiry}).\r\n\r\n\
             If you didn't ask for this, you can ignore this email: your password stays as it is.\r\n",
            name = self.to_name,
            email = self.to_email,
            link = self.link,
            expiry = self.expiry(),
        )
    }

    pub fn html(&self) -> String {
        format!(
            "<!doctype html>\r\n<html><body style=\"font-family: sans-serif; line-height: 1.5\">\r\n\
             <p>Hello {name},</p>\r\n\
             <p>Someone asked to reset the password of your Tasks account ({email}).</p>\r\n\
             <p><a href=\"{link}\">Choose a new password</a></p>\r\n\
             <p>Or paste this link into your browser: {link}</p>\r\n\
             <p>The link works once, and expires in 30 minutes (at {expiry}).</p>\r\n\
             <p>If you didn't ask for this, you can ignore this email: your password stays as it is.</p>\r\n\
             </body></html>\r\n",
            name = escape(self.to_name),
            email = escape(self.to_email),
            link = escape(self.link),
            expiry = self.expiry(),
        )
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_hold_the_link_the_expiry_and_the_ignore_line() {
        let mail = ResetMail {
            to_email: "ann@example.com",
            to_name: "Ann <script>",
            link: "https://tasks.example/reset-password?token=abc&x",
            expires_at: DateTime::parse_from_rfc3339("2026-12-01T18:30:00Z").unwrap().to_utc(),
        };
        for part in [mail.text(), mail.html()] {
            assert!(part.contains("expires in 30 minutes (at 18:30 UTC on 1 December 2026)"), "{part}");
            assert!(part.contains("If you didn't ask for this, you can ignore this email"), "{part}");
        }
        assert!(mail.text().contains("https://tasks.example/reset-password?token=abc&x"));
        assert!(mail.html().contains("href=\"https://tasks.example/reset-password?token=abc&amp;x\""));
        assert!(mail.html().contains("Ann &lt;script&gt;"));
    }
}
