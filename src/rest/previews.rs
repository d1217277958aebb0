//! Draft previews: editors mint and revoke links; whoever holds one reads
//! the article in its public shape, privately.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::RestState;
use super::envelopes::{DataResponse, RawJson};
use super::extract::{AppPath, Caller};
use super::wire::{PreviewLinkJson, RevokedJson};
use crate::domain::ids::ArticleId;
use crate::error::Result;

/// `POST /api/v1/manage/articles/{id}/preview-links`
pub async fn create_preview_link(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<ArticleId>,
) -> Result<(StatusCode, Json<DataResponse<PreviewLinkJson>>)> {
    let link = state.desk.mint_preview_link(&actor, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(DataResponse { data: link.into() }),
    ))
}

/// `DELETE /api/v1/manage/articles/{id}/preview-links`: every working link
/// to the article stops working.
pub async fn revoke_preview_links(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<ArticleId>,
) -> Result<Json<DataResponse<RevokedJson>>> {
    let revoked = state.desk.revoke_preview_links(&actor, id).await?;
    Ok(Json(DataResponse {
        data: RevokedJson { revoked },
    }))
}

/// `GET /api/v1/preview/{token}`: the article as the public will see it.
/// The token is the credential, so no cache may keep the answer.
pub async fn get_preview(
    State(state): State<RestState>,
    AppPath(token): AppPath<String>,
) -> Result<Response> {
    let found = state.desk.preview_json(&token).await?;
    let mut response = RawJson(found.article).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}
