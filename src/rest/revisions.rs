//! `/api/v1/manage/articles/{id}/revisions`: every saved version of an
//! article, a field-by-field comparison of two, and restoring one.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::RestState;
use super::envelopes::{DataResponse, ListResponse, PageParams};
use super::extract::{AppPath, AppQuery, Caller};
use super::publishing::{expected_version, with_etag};
use super::wire::{RevisionDiffJson, RevisionJson, RevisionSummaryJson};
use crate::domain::ids::ArticleId;
use crate::domain::page::{CursorKind, PageRequest};
use crate::domain::revisions;
use crate::error::{Error, Result};

/// `GET /api/v1/manage/articles/{id}/revisions`: newest first.
pub async fn list_revisions(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<ArticleId>,
    AppQuery(params): AppQuery<PageParams>,
) -> Result<Json<ListResponse<RevisionSummaryJson>>> {
    let page = PageRequest::parse(
        CursorKind::Revisions,
        params.limit.as_deref(),
        params.cursor.as_deref(),
    )?;
    let listed = revisions::list(&state.desk, &actor, id, &page).await?;
    Ok(Json(ListResponse::of(listed.map(|r| r.summary))))
}

/// `GET /api/v1/manage/articles/{id}/revisions/{revision}`
pub async fn get_revision(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath((id, revision)): AppPath<(ArticleId, i64)>,
) -> Result<Json<DataResponse<RevisionJson>>> {
    let found = revisions::get(&state.desk, &actor, id, revision).await?;
    Ok(Json(DataResponse { data: found.into() }))
}

#[derive(Deserialize)]
pub struct DiffParams {
    from: Option<String>,
    to: Option<String>,
}

/// A revision id named by a query parameter.
fn revision_param(field: &str, raw: Option<&str>) -> Result<i64> {
    let raw = raw.ok_or_else(|| Error::invalid(field, "is required: a revision id"))?;
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| Error::invalid(field, "is not a revision id"))
}

/// `GET /api/v1/manage/articles/{id}/revisions/diff?from=&to=`: what changed
/// from one revision to the other, field by field; the body as a line diff.
pub async fn diff_revisions(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<ArticleId>,
    AppQuery(params): AppQuery<DiffParams>,
) -> Result<Json<DataResponse<RevisionDiffJson>>> {
    let (from, to) = match (
        revision_param("from", params.from.as_deref()),
        revision_param("to", params.to.as_deref()),
    ) {
        (Ok(from), Ok(to)) => (from, to),
        (from, to) => {
            return Err(
                crate::error::merge_errors([from.err(), to.err()]).expect("one of the two failed")
            );
        }
    };
    let diff = revisions::diff(&state.desk, &actor, id, from, to).await?;
    Ok(Json(DataResponse { data: diff.into() }))
}

/// `POST /api/v1/manage/articles/{id}/revisions/{revision}/restore`: a new
/// save of the revision's fields, based on the version in `If-Match`.
pub async fn restore_revision(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath((id, revision)): AppPath<(ArticleId, i64)>,
    headers: HeaderMap,
) -> Result<Response> {
    let version = expected_version(&headers, id)?;
    let article = revisions::restore(&state.desk, &actor, id, revision, version).await?;
    Ok(with_etag(StatusCode::OK, article))
}
