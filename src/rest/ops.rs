//! Probes and the contract: `/healthz`, `/readyz`, `/openapi.yaml`.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::problem::Problem;
use crate::app::AppState;
use crate::cache::CacheTags;

/// The REST contract, served as written.
pub const OPENAPI_YAML: &str = include_str!("../../openapi.yaml");

/// `GET /healthz`: the process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers.
pub async fn readyz(State(state): State<AppState>) -> Result<&'static str, Problem> {
    state.db.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "readiness check failed");
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "Service Unavailable",
            "the database does not answer",
        )
    })?;
    Ok("ready")
}

/// `GET /openapi.yaml`
pub async fn openapi() -> impl IntoResponse {
    (
        CacheTags::immutable(),
        [(header::CONTENT_TYPE, "application/yaml")],
        OPENAPI_YAML,
    )
}
