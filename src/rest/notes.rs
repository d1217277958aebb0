//! `/api/v1/manage/articles/{id}/notes`: corrections, clarifications and
//! updates on published articles. The public reads them with the article.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::RestState;
use super::envelopes::DataResponse;
use super::extract::{AppJson, AppPath, Caller};
use super::wire::NoteJson;
use crate::domain::ids::ArticleId;
use crate::domain::notes::NoteFields;
use crate::error::Result;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    kind: Option<String>,
    body_markdown: Option<String>,
}

/// `POST /api/v1/manage/articles/{id}/notes`
pub async fn add_note(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<ArticleId>,
    AppJson(body): AppJson<NoteBody>,
) -> Result<(StatusCode, Json<DataResponse<NoteJson>>)> {
    let fields = NoteFields {
        kind: body.kind,
        body_markdown: body.body_markdown,
    };
    let note = state.desk.add_note(&actor, id, fields).await?;
    Ok((
        StatusCode::CREATED,
        Json(DataResponse { data: note.into() }),
    ))
}

/// `GET /api/v1/manage/articles/{id}/notes`: removed ones too, newest first.
pub async fn list_notes(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<ArticleId>,
) -> Result<Json<DataResponse<Vec<NoteJson>>>> {
    let notes = state.desk.managed_notes(&actor, id).await?;
    Ok(Json(DataResponse {
        data: notes.into_iter().map(NoteJson::from).collect(),
    }))
}

/// `DELETE /api/v1/manage/articles/{id}/notes/{note}`: off the public
/// article, kept for the record.
pub async fn remove_note(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath((id, note)): AppPath<(ArticleId, i64)>,
) -> Result<Json<DataResponse<NoteJson>>> {
    let note = state.desk.remove_note(&actor, id, note).await?;
    Ok(Json(DataResponse { data: note.into() }))
}
