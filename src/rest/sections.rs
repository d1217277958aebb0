//! `/api/v1/sections`: the menu tree, one section, and its articles.

use axum::Json;

use super::envelopes::{DataResponse, PageParams, RawJson, list_json};
use super::extract::{AppPath, AppQuery, Reading, path_slug};
use super::wire::{self, SectionJson, SectionNodeJson};
use crate::domain::articles::ArticleFilter;
use crate::domain::cache_tags::CacheTags;
use crate::domain::page::{CursorKind, PageRequest};
use crate::error::{Resource, Result};

/// `GET /api/v1/sections`
pub async fn list_sections(
    Reading(reader): Reading,
) -> Result<(CacheTags, Json<DataResponse<Vec<SectionNodeJson>>>)> {
    let tree = reader.section_tree().await?;
    Ok((
        tree.tags,
        Json(DataResponse {
            data: wire::all(tree.value),
        }),
    ))
}

/// `GET /api/v1/sections/{slug}`
pub async fn get_section(
    Reading(reader): Reading,
    AppPath(slug): AppPath<String>,
) -> Result<(CacheTags, Json<SectionJson>)> {
    let slug = path_slug(&slug, Resource::Section)?;
    let section = reader.section(&slug).await?;
    Ok((section.tags, Json(section.value.into())))
}

/// `GET /api/v1/sections/{slug}/articles`
pub async fn list_section_articles(
    Reading(reader): Reading,
    AppPath(slug): AppPath<String>,
    AppQuery(params): AppQuery<PageParams>,
) -> Result<(CacheTags, RawJson)> {
    let page = PageRequest::parse(
        CursorKind::Articles,
        params.limit.as_deref(),
        params.cursor.as_deref(),
    )?;
    let filter = ArticleFilter {
        section: Some(path_slug(&slug, Resource::Section)?),
        ..ArticleFilter::default()
    };
    let list = reader.article_list_json(&filter, &page).await?;
    Ok((list.tags, RawJson(list_json(&list.value.page))))
}
