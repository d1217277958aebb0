//! `/api/v1/sections`: the menu tree, one section, and its articles.

use axum::Json;
use axum::extract::State;

use super::extract::{AppPath, AppQuery, Reader, path_slug};
use super::views::{DataResponse, ListResponse, PageParams};
use crate::app::AppState;
use crate::cache::{CacheTag, CacheTags};
use crate::domain::articles::ArticleSummary;
use crate::domain::page::{CursorKind, PageRequest};
use crate::domain::sections::{self, Section, SectionNode};
use crate::error::{Resource, Result};

/// `GET /api/v1/sections`
pub async fn list_sections(
    State(state): State<AppState>,
    _: Reader,
) -> Result<(CacheTags, Json<DataResponse<Vec<SectionNode>>>)> {
    let data = sections::section_tree(&state.db).await?;
    Ok((
        CacheTags::of([CacheTag::Taxonomy]),
        Json(DataResponse { data }),
    ))
}

/// `GET /api/v1/sections/{slug}`
pub async fn get_section(
    State(state): State<AppState>,
    _: Reader,
    AppPath(slug): AppPath<String>,
) -> Result<(CacheTags, Json<Section>)> {
    let slug = path_slug(&slug, Resource::Section)?;
    let section = sections::get_section(&state.db, &slug).await?;
    Ok((CacheTags::of([CacheTag::Taxonomy]), Json(section)))
}

/// `GET /api/v1/sections/{slug}/articles`
pub async fn list_section_articles(
    State(state): State<AppState>,
    _: Reader,
    AppPath(slug): AppPath<String>,
    AppQuery(params): AppQuery<PageParams>,
) -> Result<(CacheTags, Json<ListResponse<ArticleSummary>>)> {
    let page = PageRequest::parse(
        CursorKind::Articles,
        params.limit.as_deref(),
        params.cursor.as_deref(),
    )?;
    let slug = path_slug(&slug, Resource::Section)?;
    let page = sections::section_articles(&state.db, &slug, &page).await?;
    Ok((CacheTags::article_lists(), Json(page.into())))
}
