//! What the outside is told: webhook endpoints, their deliveries, and the
//! sync feed's items.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::webhooks::deliveries::{Attempt, Delivery};
use crate::domain::webhooks::{CreatedEndpoint, Endpoint};

#[derive(Serialize)]
pub struct WebhookJson {
    id: i64,
    url: String,
    description: String,
    events: Vec<String>,
    enabled: bool,
    disabled_reason: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Endpoint> for WebhookJson {
    fn from(e: Endpoint) -> Self {
        WebhookJson {
            id: e.id.0,
            url: e.url,
            description: e.description,
            events: e.events,
            enabled: e.enabled,
            disabled_reason: e.disabled_reason,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// A new endpoint with its signing secret, shown this once.
#[derive(Serialize)]
pub struct CreatedWebhookJson {
    #[serde(flatten)]
    endpoint: WebhookJson,
    secret: String,
}

impl From<CreatedEndpoint> for CreatedWebhookJson {
    fn from(c: CreatedEndpoint) -> Self {
        CreatedWebhookJson {
            endpoint: c.endpoint.into(),
            secret: c.secret,
        }
    }
}

#[derive(Serialize)]
pub struct AttemptJson {
    at: DateTime<Utc>,
    status_code: Option<u16>,
    latency_ms: i64,
    error: Option<String>,
    response_excerpt: String,
}

impl From<Attempt> for AttemptJson {
    fn from(a: Attempt) -> Self {
        AttemptJson {
            at: a.at,
            status_code: a.status_code,
            latency_ms: a.latency_ms,
            error: a.error,
            response_excerpt: a.response_excerpt,
        }
    }
}

#[derive(Serialize)]
pub struct DeliveryJson {
    id: i64,
    event_sequence: i64,
    event_type: &'static str,
    message_id: String,
    status: &'static str,
    next_attempt_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    attempts: Vec<AttemptJson>,
}

impl From<Delivery> for DeliveryJson {
    fn from(d: Delivery) -> Self {
        DeliveryJson {
            id: d.id,
            event_sequence: d.event_seq,
            event_type: d.event_type.as_str(),
            message_id: d.message_id,
            status: d.status.as_str(),
            next_attempt_at: d.next_attempt_at,
            created_at: d.created_at,
            attempts: d.attempts.into_iter().map(AttemptJson::from).collect(),
        }
    }
}
