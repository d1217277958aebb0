//! `/api/v1/sections`: the menu tree, one section, and its articles.

use axum::Json;
use axum::extract::State;

use super::extract::{AppPath, AppQuery, Reader, path_slug};
use super::views::{DataResponse, ListResponse, PageParams};
use crate::app::AppState;
use crate::domain::articles::ArticleSummary;
use crate::domain::page::{CursorKind, PageRequest};
use crate::domain::sections::{self, Section, SectionNode};
use crate::error::{Resource, Result};

/// `GET /api/v1/sections`
pub async fn list_sections(
    State(state): State<AppState>,
    _: Reader,
) -> Result<Json<DataResponse<Vec<SectionNode>>>> {
    Ok(Json(DataResponse {
        data: sections::section_tree(&state.db).await?,
    }))
}

/// `GET /api/v1/sections/{slug}`
pub async fn get_section(
    State(state): State<AppState>,
    _: Reader,
    AppPath(slug): AppPath<String>,
) -> Result<Json<Section>> {
    let slug = path_slug(&slug, Resource::Section)?;
    Ok(Json(sections::get_section(&state.db, &slug).await?))
}

/// `GET /api/v1/sections/{slug}/articles`
pub async fn list_section_articles(
    State(state): State<AppState>,
    _: Reader,
    AppPath(slug): AppPath<String>,
    AppQuery(params): AppQuery<PageParams>,
) -> Result<Json<ListResponse<ArticleSummary>>> {
    let page = PageRequest::parse(
        CursorKind::Articles,
        params.limit.as_deref(),
        params.cursor.as_deref(),
    )?;
    let slug = path_slug(&slug, Resource::Section)?;
    Ok(Json(
        sections::section_articles(&state.db, &slug, &page)
            .await?
            .into(),
    ))
}
