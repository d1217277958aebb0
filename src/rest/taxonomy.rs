//! `/api/v1/authors/{slug}` and `/api/v1/tags/{slug}`: who wrote what, and what is filed where.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use super::extract::{AppPath, AppQuery, Reader, path_slug};
use super::views::{ListResponse, PageParams};
use crate::app::AppState;
use crate::domain::articles::ArticleSummary;
use crate::domain::authors::{self, Author};
use crate::domain::page::{CursorKind, PageRequest};
use crate::domain::tags::{self, Tag};
use crate::error::{Resource, Result};

/// A resource with a page of its articles.
#[derive(Serialize)]
pub struct WithArticles<T> {
    #[serde(flatten)]
    item: T,
    articles: ListResponse<ArticleSummary>,
}

/// `GET /api/v1/authors/{slug}`
pub async fn get_author(
    State(state): State<AppState>,
    _: Reader,
    AppPath(slug): AppPath<String>,
    AppQuery(params): AppQuery<PageParams>,
) -> Result<Json<WithArticles<Author>>> {
    let page = PageRequest::parse(
        CursorKind::Articles,
        params.limit.as_deref(),
        params.cursor.as_deref(),
    )?;
    let slug = path_slug(&slug, Resource::Author)?;
    let (item, articles) = authors::get_author(&state.db, &slug, &page).await?;
    Ok(Json(WithArticles {
        item,
        articles: articles.into(),
    }))
}

/// `GET /api/v1/tags/{slug}`
pub async fn get_tag(
    State(state): State<AppState>,
    _: Reader,
    AppPath(slug): AppPath<String>,
    AppQuery(params): AppQuery<PageParams>,
) -> Result<Json<WithArticles<Tag>>> {
    let page = PageRequest::parse(
        CursorKind::Articles,
        params.limit.as_deref(),
        params.cursor.as_deref(),
    )?;
    let slug = path_slug(&slug, Resource::Tag)?;
    let (item, articles) = tags::get_tag(&state.db, &slug, &page).await?;
    Ok(Json(WithArticles {
        item,
        articles: articles.into(),
    }))
}
