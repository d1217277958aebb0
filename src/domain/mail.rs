//! Outgoing mail over SMTP (lettre): the newsletter's confirmations. A
//! confirmation is a delivery of its event like any webhook, sent by the
//! outbox worker after the sign-up commits: off the request (a known address
//! takes no longer than an unknown one), retried on the same schedule, and
//! not lost to a restart.

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::newsdesk::MailSettings;
use super::outbox::Event;
use super::webhooks::sender::Outcome;

/// Mails the confirmation a `newsletter.confirmation_requested` event holds.
pub(in crate::domain) async fn send(settings: &MailSettings, event: &Event) -> Outcome {
    let started = std::time::Instant::now();
    let mut outcome = match send_confirmation(settings, event).await {
        Ok(()) => Outcome {
            succeeded: true,
            ..Outcome::default()
        },
        Err(why) => Outcome::refused(&why),
    };
    outcome.latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    outcome
}

async fn send_confirmation(settings: &MailSettings, event: &Event) -> Result<(), String> {
    let url = settings
        .smtp_url
        .as_ref()
        .ok_or("NEWSDESK_SMTP_URL is not set on this node")?;
    let field = |name: &str| {
        event.data[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("the event has no {name}"))
    };
    let (email, confirm, unsubscribe) = (
        field("email")?,
        field("confirm_url")?,
        field("unsubscribe_url")?,
    );
    let lists: Vec<&str> = event.data["lists"]
        .as_array()
        .map(|l| l.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
        .map_err(|e| format!("NEWSDESK_SMTP_URL: {e}"))?
        .build();
    let body = format!(
        "Someone, hopefully you, asked to receive these newsletters: {}.\n\n\
         To confirm, open this link within 7 days:\n{confirm}\n\n\
         If it was not you, ignore this message and nothing will be sent.\n\n\
         To stop every newsletter at any time:\n{unsubscribe}\n",
        lists.join(", "),
    );
    let message = Message::builder()
        .from(
            settings
                .from
                .parse()
                .map_err(|e| format!("NEWSDESK_MAIL_FROM: {e}"))?,
        )
        .to(email.parse().map_err(|e| format!("the address: {e}"))?)
        .subject("Confirm your newsletter subscription")
        .header(ContentType::TEXT_PLAIN)
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{unsubscribe}>"),
        ))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".to_owned(),
        ))
        .body(body)
        .map_err(|e| e.to_string())?;
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
