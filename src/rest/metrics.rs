//! `GET /metrics`: Prometheus text, for tokens with `metrics:read` on the
//! API's address, or for anyone on `NEWSDESK_METRICS_BIND`'s, which the
//! operator keeps private.

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::RestState;
use super::extract::Caller;
use crate::domain::Newsdesk;
use crate::domain::actor::Actor;
use crate::error::Result;

/// Prometheus's text exposition format.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// `GET /metrics` on the API.
pub async fn metrics(
    State(state): State<RestState>,
    Caller(actor): Caller,
) -> Result<impl IntoResponse> {
    exposition(&state.desk, &actor).await
}

async fn exposition(desk: &Newsdesk, actor: &Actor) -> Result<impl IntoResponse + use<>> {
    let now = desk.operations(actor).await?;
    Ok((
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        crate::http::metrics::render(&now),
    ))
}

/// The router of the private metrics address: `/metrics` and nothing else,
/// read with the operator's rights.
pub fn private_router(desk: Newsdesk) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(|State(desk): State<Newsdesk>| async move {
                exposition(&desk, &Actor::Operator).await
            }),
        )
        .with_state(desk)
}
