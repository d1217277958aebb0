//! Probes and the contract: `/healthz`, `/readyz`, `/openapi.yaml`.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use super::RestState;
use crate::domain::cache_tags::CacheTags;
use crate::http::problem::Problem;

/// The REST contract, served as written.
pub const OPENAPI_YAML: &str = include_str!("../../openapi.yaml");

/// `GET /healthz`: the process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers. While it does not, 503 with
/// `Retry-After`, like every request that needed it.
pub async fn readyz(State(state): State<RestState>) -> Result<&'static str, Problem> {
    state.desk.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "readiness check failed");
        Problem::not_ready()
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
