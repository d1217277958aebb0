//! Readers' comments coming in, and the moderators' side:
//! `POST /api/v1/articles/{slug}/comments`, `/api/v1/manage/comments…`, `/api/v1/manage/audit`.

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::RestState;
use super::envelopes::DataResponse;
use super::extract::{AppJson, AppPath, AppQuery, Caller, path_slug};
use super::wire::{self, AuditEntryJson, ModeratedCommentJson, SubmittedJson};
use crate::auth::{ClientIp, client_key};
use crate::domain::actor::Actor;
use crate::domain::audit;
use crate::domain::comments::{self, CommentInput};
use crate::domain::ids::CommentId;
use crate::domain::moderation::{self, Decision};
use crate::domain::page::{DEFAULT_LIMIT, Limit};
use crate::domain::visibility::CommentStatus;
use crate::error::{Resource, Result};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    parent_id: Option<CommentId>,
    author_name: String,
    author_email: String,
    body: String,
    /// The honeypot: a field the form hides from people.
    website: Option<String>,
}

/// `POST /api/v1/articles/{slug}/comments`: 202, as the comment may wait for review.
pub async fn add_comment(
    State(state): State<RestState>,
    Caller(actor): Caller,
    Extension(ip): Extension<ClientIp>,
    AppPath(slug): AppPath<String>,
    AppJson(body): AppJson<CommentBody>,
) -> Result<(StatusCode, Json<SubmittedJson>)> {
    let slug = path_slug(&slug, Resource::Article)?;
    let input = CommentInput {
        parent_id: body.parent_id,
        author_name: body.author_name,
        author_email: body.author_email,
        body: body.body,
        honeypot: body.website,
    };
    let submitted =
        comments::submit_comment(&state.desk, &actor, &client_key(&actor, ip), &slug, input)
            .await?;
    Ok((StatusCode::ACCEPTED, Json(submitted.into())))
}

#[derive(Deserialize)]
pub struct QueueParams {
    status: Option<String>,
    limit: Option<String>,
}

/// `GET /api/v1/manage/comments`: the moderation queue (pending, oldest first).
pub async fn list_comments_for_moderation(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppQuery(params): AppQuery<QueueParams>,
) -> Result<Json<DataResponse<Vec<ModeratedCommentJson>>>> {
    let status = CommentStatus::parse("status", params.status.as_deref().unwrap_or("pending"))?;
    let limit = Limit::parse("limit", params.limit.as_deref(), DEFAULT_LIMIT)?;
    Ok(Json(DataResponse {
        data: wire::all(moderation::queue(&state.desk, &actor, status, limit).await?),
    }))
}

async fn decide(
    state: &RestState,
    actor: &Actor,
    id: CommentId,
    decision: Decision,
) -> Result<Json<ModeratedCommentJson>> {
    Ok(Json(
        moderation::decide(&state.desk, actor, id, decision)
            .await?
            .into(),
    ))
}

/// `POST /api/v1/manage/comments/{id}/approve`
pub async fn approve_comment(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<CommentId>,
) -> Result<Json<ModeratedCommentJson>> {
    decide(&state, &actor, id, Decision::Approve).await
}

/// `POST /api/v1/manage/comments/{id}/spam`
pub async fn mark_comment_spam(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<CommentId>,
) -> Result<Json<ModeratedCommentJson>> {
    decide(&state, &actor, id, Decision::Spam).await
}

/// `DELETE /api/v1/manage/comments/{id}`: hidden, kept for the record.
pub async fn delete_comment(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<CommentId>,
) -> Result<Json<ModeratedCommentJson>> {
    decide(&state, &actor, id, Decision::Delete).await
}

#[derive(Deserialize)]
pub struct AuditParams {
    limit: Option<String>,
}

/// `GET /api/v1/manage/audit`: the newest writes; admins only.
pub async fn list_audit_log(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppQuery(params): AppQuery<AuditParams>,
) -> Result<Json<DataResponse<Vec<AuditEntryJson>>>> {
    let limit = Limit::parse("limit", params.limit.as_deref(), DEFAULT_LIMIT)?;
    Ok(Json(DataResponse {
        data: wire::all(audit::recent(&state.desk, &actor, limit).await?),
    }))
}
