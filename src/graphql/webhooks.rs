//! Webhook endpoints for admins: which exist, what was sent to them, and
//! the mutations that manage them (`mutations::webhooks`).

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::ids::WebhookId;
use crate::domain::page::{DEFAULT_LIMIT, Limit};
use crate::domain::webhooks::{Endpoint, deliveries};
use crate::graphql::context::ContextExt;
use crate::graphql::error::GqlResult;
use crate::graphql::node::plain_id;

/// An endpoint told of the events it subscribed to, signed per Standard
/// Webhooks. Its secret is shown only when it is created.
pub struct Webhook(pub Endpoint);

#[Object]
impl Webhook {
    async fn id(&self) -> ID {
        ID(self.0.id.0.to_string())
    }

    async fn url(&self) -> &str {
        &self.0.url
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Event types or families (`article.*`), or `*`.
    async fn events(&self) -> &[String] {
        &self.0.events
    }

    async fn enabled(&self) -> bool {
        self.0.enabled
    }

    /// Why deliveries stopped: the receiver answered 410, or an admin paused it.
    async fn disabled_reason(&self) -> Option<&str> {
        self.0.disabled_reason.as_deref()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The newest deliveries, newest first, each with every attempt.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        first: Option<i64>,
    ) -> async_graphql::Result<Vec<WebhookDelivery>> {
        let limit = Limit::from_number("first", first, DEFAULT_LIMIT).gql()?;
        let found = ctx
            .desk()
            .webhook_deliveries(ctx.actor(), self.0.id, limit)
            .await
            .gql()?;
        Ok(found.into_iter().map(WebhookDelivery::from).collect())
    }
}

/// One try at a delivery.
#[derive(SimpleObject)]
pub struct WebhookAttempt {
    pub at: DateTime<Utc>,
    /// The receiver's status, when it answered.
    pub status_code: Option<i32>,
    pub latency_ms: i64,
    /// What went wrong without an answer: a timeout, a refused connection.
    pub error: Option<String>,
    /// The start of the receiver's answer.
    pub response_excerpt: String,
}

/// A delivery of one event to one endpoint.
#[derive(SimpleObject)]
pub struct WebhookDelivery {
    pub id: ID,
    /// The event's place in the outbox's sequence.
    pub event_sequence: i64,
    /// `article.published`, `comment.approved`, …
    pub event_type: String,
    /// The `webhook-id` header: the same on every attempt and redelivery.
    pub message_id: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub attempts: Vec<WebhookAttempt>,
}

impl From<deliveries::Delivery> for WebhookDelivery {
    fn from(d: deliveries::Delivery) -> Self {
        WebhookDelivery {
            id: ID(d.id.to_string()),
            event_sequence: d.event_seq,
            event_type: d.event_type.as_str().to_owned(),
            message_id: d.message_id,
            status: d.status.as_str().to_owned(),
            next_attempt_at: d.next_attempt_at,
            created_at: d.created_at,
            attempts: d
                .attempts
                .into_iter()
                .map(|a| WebhookAttempt {
                    at: a.at,
                    status_code: a.status_code.map(i32::from),
                    latency_ms: a.latency_ms,
                    error: a.error,
                    response_excerpt: a.response_excerpt,
                })
                .collect(),
        }
    }
}

#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// Every webhook endpoint (admin).
    async fn webhooks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Webhook>> {
        ctx.keep_private();
        let all = ctx.desk().webhooks(ctx.actor()).await.gql()?;
        Ok(all.into_iter().map(Webhook).collect())
    }

    /// One webhook endpoint (admin).
    async fn webhook(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Webhook> {
        ctx.keep_private();
        let id = WebhookId(plain_id(&id, "webhook")?);
        Ok(Webhook(ctx.desk().webhook(ctx.actor(), id).await.gql()?))
    }
}
