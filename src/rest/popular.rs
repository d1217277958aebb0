//! `/api/v1/popular`: the most viewed articles.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::extract::{AppQuery, Reader};
use super::views::DataResponse;
use crate::app::AppState;
use crate::cache::{CacheTag, CacheTags};
use crate::domain::page::{BOX_LIMIT, Limit};
use crate::domain::popular::{self, PopularArticle, Window};
use crate::error::Result;

#[derive(Deserialize)]
pub struct PopularParams {
    window: Option<String>,
    limit: Option<String>,
}

/// `GET /api/v1/popular`
pub async fn list_popular(
    State(state): State<AppState>,
    _: Reader,
    AppQuery(params): AppQuery<PopularParams>,
) -> Result<(CacheTags, Json<DataResponse<Vec<PopularArticle>>>)> {
    let window = Window::parse("window", params.window.as_deref().unwrap_or("7d"))?;
    let limit = Limit::parse("limit", params.limit.as_deref(), BOX_LIMIT)?;
    let data = popular::popular(&state.db, window, limit).await?;
    let mut tags = CacheTags::article_lists();
    tags.insert(CacheTag::Popular);
    Ok((tags, Json(DataResponse { data })))
}
