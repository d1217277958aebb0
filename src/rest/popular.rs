//! `/api/v1/popular`: the most viewed articles.

use serde::Deserialize;

use super::envelopes::{RawJson, data_json};
use super::extract::{AppQuery, Reading};
use crate::domain::cache_tags::CacheTags;
use crate::domain::page::{BOX_LIMIT, Limit};
use crate::domain::popular::Window;
use crate::error::Result;

#[derive(Deserialize)]
pub struct PopularParams {
    window: Option<String>,
    limit: Option<String>,
}

/// `GET /api/v1/popular`
pub async fn list_popular(
    Reading(reader): Reading,
    AppQuery(params): AppQuery<PopularParams>,
) -> Result<(CacheTags, RawJson)> {
    let window = Window::parse("window", params.window.as_deref().unwrap_or("7d"))?;
    let limit = Limit::parse("limit", params.limit.as_deref(), BOX_LIMIT)?;
    let ranked = reader.popular_json(window, limit).await?;
    Ok((ranked.tags, RawJson(data_json(&ranked.value))))
}
