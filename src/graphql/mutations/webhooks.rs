//! Managing webhook endpoints (admin): the secret is in `createWebhook`'s
//! answer and nowhere else.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use crate::domain::ids::WebhookId;
use crate::domain::webhooks::EndpointFields;
use crate::graphql::context::ContextExt;
use crate::graphql::error::GqlResult;
use crate::graphql::node::plain_id;
use crate::graphql::webhooks::{Webhook, WebhookDelivery};

/// An endpoint's fields; creating needs `url` and `events`, updating keeps
/// what is omitted.
#[derive(InputObject)]
pub struct WebhookInput {
    /// http(s); addresses inside the network are refused unless allowed.
    pub url: Option<String>,
    pub description: Option<String>,
    /// Event types (`article.published`), families (`article.*`) or `*`.
    pub events: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

impl From<WebhookInput> for EndpointFields {
    fn from(i: WebhookInput) -> Self {
        EndpointFields {
            url: i.url,
            description: i.description,
            events: i.events,
            enabled: i.enabled,
        }
    }
}

/// A new endpoint and its signing secret, shown this once.
#[derive(SimpleObject)]
pub struct CreatedWebhook {
    pub webhook: Webhook,
    /// `whsec_…`: verify deliveries with it (Standard Webhooks).
    pub secret: String,
}

#[derive(Default)]
pub struct WebhookMutations;

#[Object]
impl WebhookMutations {
    /// Registers an endpoint (admin).
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        input: WebhookInput,
    ) -> async_graphql::Result<CreatedWebhook> {
        let created = ctx
            .desk()
            .create_webhook(ctx.actor(), input.into())
            .await
            .gql()?;
        Ok(CreatedWebhook {
            webhook: Webhook(created.endpoint),
            secret: created.secret,
        })
    }

    /// Changes an endpoint (admin); enabling it again clears why it stopped.
    async fn update_webhook(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: WebhookInput,
    ) -> async_graphql::Result<Webhook> {
        let id = WebhookId(plain_id(&id, "webhook")?);
        let saved = ctx
            .desk()
            .update_webhook(ctx.actor(), id, input.into())
            .await
            .gql()?;
        Ok(Webhook(saved))
    }

    /// Removes an endpoint and what was owed to it (admin); answers its id.
    async fn delete_webhook(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ID> {
        let webhook = WebhookId(plain_id(&id, "webhook")?);
        ctx.desk()
            .delete_webhook(ctx.actor(), webhook)
            .await
            .gql()?;
        Ok(id)
    }

    /// Sends a delivery again, under the same `webhook-id` (admin).
    async fn redeliver_webhook(
        &self,
        ctx: &Context<'_>,
        id: ID,
        delivery: ID,
    ) -> async_graphql::Result<WebhookDelivery> {
        let webhook = WebhookId(plain_id(&id, "webhook")?);
        let delivery = plain_id(&delivery, "delivery")?;
        let queued = ctx
            .desk()
            .redeliver(ctx.actor(), webhook, delivery)
            .await
            .gql()?;
        Ok(queued.into())
    }
}
