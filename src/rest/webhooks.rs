//! `/api/v1/manage/webhooks`: the endpoints told of changes, what was sent
//! to them, and sending it again. Admins only.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::RestState;
use super::envelopes::DataResponse;
use super::extract::{AppJson, AppPath, AppQuery, Caller};
use super::wire::{CreatedWebhookJson, DeliveryJson, WebhookJson};
use crate::domain::ids::WebhookId;
use crate::domain::page::{DEFAULT_LIMIT, Limit};
use crate::domain::webhooks::EndpointFields;
use crate::error::Result;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookBody {
    url: Option<String>,
    description: Option<String>,
    events: Option<Vec<String>>,
    enabled: Option<bool>,
}

impl From<WebhookBody> for EndpointFields {
    fn from(b: WebhookBody) -> Self {
        EndpointFields {
            url: b.url,
            description: b.description,
            events: b.events,
            enabled: b.enabled,
        }
    }
}

/// `POST /api/v1/manage/webhooks`: the answer holds the signing secret, once.
pub async fn create_webhook(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppJson(body): AppJson<WebhookBody>,
) -> Result<(StatusCode, Json<DataResponse<CreatedWebhookJson>>)> {
    let created = state.desk.create_webhook(&actor, body.into()).await?;
    Ok((
        StatusCode::CREATED,
        Json(DataResponse {
            data: created.into(),
        }),
    ))
}

/// `GET /api/v1/manage/webhooks`
pub async fn list_webhooks(
    State(state): State<RestState>,
    Caller(actor): Caller,
) -> Result<Json<DataResponse<Vec<WebhookJson>>>> {
    let all = state.desk.webhooks(&actor).await?;
    Ok(Json(DataResponse {
        data: all.into_iter().map(WebhookJson::from).collect(),
    }))
}

/// `GET /api/v1/manage/webhooks/{id}`
pub async fn get_webhook(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<WebhookId>,
) -> Result<Json<DataResponse<WebhookJson>>> {
    let found = state.desk.webhook(&actor, id).await?;
    Ok(Json(DataResponse { data: found.into() }))
}

/// `PATCH /api/v1/manage/webhooks/{id}`
pub async fn update_webhook(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<WebhookId>,
    AppJson(body): AppJson<WebhookBody>,
) -> Result<Json<DataResponse<WebhookJson>>> {
    let saved = state.desk.update_webhook(&actor, id, body.into()).await?;
    Ok(Json(DataResponse { data: saved.into() }))
}

/// `DELETE /api/v1/manage/webhooks/{id}`
pub async fn delete_webhook(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<WebhookId>,
) -> Result<StatusCode> {
    state.desk.delete_webhook(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct LimitParams {
    limit: Option<String>,
}

/// `GET /api/v1/manage/webhooks/{id}/deliveries`: newest first, with every try.
pub async fn list_deliveries(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<WebhookId>,
    AppQuery(params): AppQuery<LimitParams>,
) -> Result<Json<DataResponse<Vec<DeliveryJson>>>> {
    let limit = Limit::parse("limit", params.limit.as_deref(), DEFAULT_LIMIT)?;
    let found = state.desk.webhook_deliveries(&actor, id, limit).await?;
    Ok(Json(DataResponse {
        data: found.into_iter().map(DeliveryJson::from).collect(),
    }))
}

/// `POST /api/v1/manage/webhooks/{id}/deliveries/{delivery}/redeliver`:
/// queued again at once, with the same `webhook-id`.
pub async fn redeliver(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath((id, delivery)): AppPath<(WebhookId, i64)>,
) -> Result<(StatusCode, Json<DataResponse<DeliveryJson>>)> {
    let queued = state.desk.redeliver(&actor, id, delivery).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(DataResponse {
            data: queued.into(),
        }),
    ))
}
