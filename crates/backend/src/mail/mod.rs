//! Outgoing account mail: reset links and notices of a changed password or address,
//! sent over SMTP by lettre (rustls), or, with `SMTP_URL=log`, written to the log.

mod notices;
mod reset;

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{MailSettings, MailTransport};

pub use notices::{EmailChangedMail, PasswordChangedMail, half_masked};
pub use reset::ResetMail;

/// The longest one SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// One message: its recipient and both of its parts. The recipient is an address
/// alone, never with the account's name, which its holder chose.
pub trait Letter: Send + Sync {
    fn to(&self) -> &str;
    fn subject(&self) -> &'static str;
    fn text(&self) -> String;
    fn html(&self) -> String;
}

enum Route {
    Off,
    Log,
    Smtp(AsyncSmtpTransport<Tokio1Executor>, Mailbox),
}

pub struct Mailer {
    route: Route,
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
        let route = match (&settings.transport, &settings.from) {
            (MailTransport::Log, _) => Route::Log,
            // The URL was checked when the configuration was read.
            (MailTransport::Smtp(url), Some(from)) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|builder| Route::Smtp(builder.timeout(Some(SMTP_TIMEOUT)).build(), from.clone()))
                .unwrap_or(Route::Off),
            _ => Route::Off,
        };
        Self { route }
    }

    /// Whether mail can go out at all (or, with `SMTP_URL=log`, be logged).
    pub fn is_available(&self) -> bool {
        !matches!(self.route, Route::Off)
    }

    pub async fn send(&self, letter: &dyn Letter) -> Result<(), MailError> {
        let (transport, from) = match &self.route {
            Route::Off => return Err(MailError::NotConfigured),
            Route::Log => {
                tracing::warn!(
                    event = "mail_logged",
                    to = letter.to(),
                    subject = letter.subject(),
                    text = %letter.text(),
                    "SMTP_URL=log: this mail was written to the log instead of sent; \
                     whoever reads this log can use its links (development only)"
                );
                return Ok(());
            }
            Route::Smtp(transport, from) => (transport, from),
        };
        let address: Address = letter.to().parse().map_err(|e| MailError::Message(format!("{e}")))?;
        let message = Message::builder()
            .from(from.clone())
            .to(Mailbox::new(None, address))
            .subject(letter.subject())
            .multipart(MultiPart::alternative_plain_html(letter.text(), letter.html()))
            .map_err(|e| MailError::Message(e.to_string()))?;
        transport.send(message).await?;
        Ok(())
    }
}

/// The HTML page around `body`, a few paragraphs already escaped.
fn html_page(body: &str) -> String {
    format!(
        "<!doctype html>\r\n<html><body style=\"font-family: sans-serif; line-height: 1.5\">\r\n\
         {body}</body></html>\r\n"
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// How a moment reads in mail.
fn moment(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%H:%M UTC on %-d %B %Y").to_string()
}
