//! `newsdesk webhook …`: the operator registers, lists and removes webhook
//! endpoints through the same admin commands (checked and audited) the API
//! serves.

use super::{StartupError, WebhookCommand};
use crate::domain::Newsdesk;
use crate::domain::actor::Actor;
use crate::domain::ids::WebhookId;
use crate::domain::webhooks::EndpointFields;

pub(super) async fn run_webhook(
    desk: &Newsdesk,
    command: WebhookCommand,
) -> Result<(), StartupError> {
    match command {
        WebhookCommand::Create {
            url,
            events,
            description,
        } => {
            let fields = EndpointFields {
                url: Some(url),
                description,
                events: Some(
                    events
                        .split(',')
                        .map(str::trim)
                        .filter(|e| !e.is_empty())
                        .map(str::to_owned)
                        .collect(),
                ),
                enabled: Some(true),
            };
            let created = desk.create_webhook(&Actor::Operator, fields).await?;
            println!(
                "webhook {} created for {}. Its signing secret is shown this once; store it now:",
                created.endpoint.id, created.endpoint.url
            );
            println!("{}", created.secret);
        }
        WebhookCommand::List => {
            println!("{:<5} {:<50} {:<40} {:<10}", "id", "url", "events", "state");
            for e in desk.webhooks(&Actor::Operator).await? {
                let state = match (&e.enabled, &e.disabled_reason) {
                    (true, _) => "enabled".to_owned(),
                    (false, Some(why)) => format!("disabled: {why}"),
                    (false, None) => "disabled".to_owned(),
                };
                println!(
                    "{:<5} {:<50} {:<40} {:<10}",
                    e.id,
                    e.url,
                    e.events.join(","),
                    state
                );
            }
        }
        WebhookCommand::Delete { id } => {
            desk.delete_webhook(&Actor::Operator, WebhookId(id)).await?;
            println!("webhook {id} deleted");
        }
    }
    Ok(())
}
