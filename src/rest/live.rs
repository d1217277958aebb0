//! Live coverage: readers page an article's entries; editors add, edit and
//! delete them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::RestState;
use super::envelopes::{DataResponse, ListResponse};
use super::extract::{AppJson, AppPath, AppQuery, Caller, Reading, path_slug};
use super::wire::LiveEntryJson;
use crate::domain::cache_tags::CacheTags;
use crate::domain::ids::ArticleId;
use crate::domain::live::{EntryFields, EntryPage};
use crate::error::{Resource, Result};

#[derive(Deserialize)]
pub struct LiveParams {
    limit: Option<String>,
    cursor: Option<String>,
    since: Option<String>,
}

/// `GET /api/v1/articles/{slug}/live`: newest first; `since` keeps only
/// entries added after the one whose cursor it is.
pub async fn list_live_entries(
    Reading(reader): Reading,
    AppPath(slug): AppPath<String>,
    AppQuery(params): AppQuery<LiveParams>,
) -> Result<(CacheTags, Json<ListResponse<LiveEntryJson>>)> {
    let page = EntryPage::parse(
        params.limit.as_deref(),
        params.cursor.as_deref(),
        params.since.as_deref(),
    )?;
    let slug = path_slug(&slug, Resource::Article)?;
    let entries = reader.live_entries(&slug, &page).await?;
    Ok((entries.tags, Json(ListResponse::of(entries.value))))
}

/// An entry's fields as JSON. On PATCH, absent fields are kept.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryBody {
    body_markdown: Option<String>,
    /// An author slug; empty removes the credit.
    author: Option<String>,
    pinned: Option<bool>,
}

impl From<EntryBody> for EntryFields {
    fn from(b: EntryBody) -> Self {
        EntryFields {
            body_markdown: b.body_markdown,
            author: b.author,
            pinned: b.pinned,
        }
    }
}

/// `POST /api/v1/manage/articles/{id}/live-entries`
pub async fn add_live_entry(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<ArticleId>,
    AppJson(body): AppJson<EntryBody>,
) -> Result<(StatusCode, Json<DataResponse<LiveEntryJson>>)> {
    let entry = state.desk.add_live_entry(&actor, id, body.into()).await?;
    Ok((
        StatusCode::CREATED,
        Json(DataResponse { data: entry.into() }),
    ))
}

/// `PATCH /api/v1/manage/articles/{id}/live-entries/{entry}`
pub async fn update_live_entry(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath((id, entry)): AppPath<(ArticleId, i64)>,
    AppJson(body): AppJson<EntryBody>,
) -> Result<Json<DataResponse<LiveEntryJson>>> {
    let entry = state
        .desk
        .edit_live_entry(&actor, id, entry, body.into())
        .await?;
    Ok(Json(DataResponse { data: entry.into() }))
}

/// `DELETE /api/v1/manage/articles/{id}/live-entries/{entry}`
pub async fn delete_live_entry(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath((id, entry)): AppPath<(ArticleId, i64)>,
) -> Result<StatusCode> {
    state.desk.delete_live_entry(&actor, id, entry).await?;
    Ok(StatusCode::NO_CONTENT)
}
