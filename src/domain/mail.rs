//! Outgoing mail over SMTP (lettre): the newsletter's confirmations. Sent
//! after the sign-up commits, off the request, so a slow mail server never
//! holds a reader's answer, and a known address takes no longer than an
//! unknown one.

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::newsdesk::MailSettings;
use super::newsletter::Confirmation;

/// Mails `confirmation` in the background when SMTP is configured.
pub(in crate::domain) fn send_confirmation(settings: &MailSettings, confirmation: Confirmation) {
    let Some(url) = settings.smtp_url.clone() else {
        return;
    };
    let from = settings.from.clone();
    tokio::spawn(async move {
        if let Err(why) = send(url.expose(), &from, &confirmation).await {
            tracing::warn!(error = %why, "the newsletter confirmation could not be mailed");
        }
    });
}

async fn send(url: &str, from: &str, c: &Confirmation) -> Result<(), String> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| format!("NEWSDESK_SMTP_URL: {e}"))?
        .build();
    let body = format!(
        "Someone, hopefully you, asked to receive these newsletters: {}.\n\n\
         To confirm, open this link within 7 days:\n{}\n\n\
         If it was not you, ignore this message and nothing will be sent.\n\n\
         To stop every newsletter at any time:\n{}\n",
        c.lists.join(", "),
        c.confirm_url,
        c.unsubscribe_url
    );
    let message = Message::builder()
        .from(
            from.parse()
                .map_err(|e| format!("NEWSDESK_MAIL_FROM: {e}"))?,
        )
        .to(c.email.parse().map_err(|e| format!("the address: {e}"))?)
        .subject("Confirm your newsletter subscription")
        .header(ContentType::TEXT_PLAIN)
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{}>", c.unsubscribe_url),
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
