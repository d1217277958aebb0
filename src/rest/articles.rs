//! `/api/v1/articles`: lists, one article, its comments, "more like this", views.

use axum::http::StatusCode;
use serde::Deserialize;

use super::envelopes::{PageParams, RawJson, data_json, list_json, with_list};
use super::extract::{AppPath, AppQuery, Reading, path_slug};
use crate::domain::articles::ListArticles;
use crate::domain::cache_tags::CacheTags;
use crate::domain::page::{BOX_LIMIT, CursorKind, DEFAULT_LIMIT, Limit, PageRequest};
use crate::error::{Error, Resource, Result};

#[derive(Deserialize)]
pub struct ListParams {
    section: Option<String>,
    tag: Option<String>,
    author: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

/// `GET /api/v1/articles`
pub async fn list_articles(
    Reading(reader): Reading,
    AppQuery(params): AppQuery<ListParams>,
) -> Result<(CacheTags, RawJson)> {
    let query = ListArticles::from_input(
        params.section.as_deref(),
        params.tag.as_deref(),
        params.author.as_deref(),
        PageRequest::parse(
            CursorKind::Articles,
            params.limit.as_deref(),
            params.cursor.as_deref(),
        ),
    )?;
    let list = reader.article_list_json(&query.filter, &query.page).await?;
    Ok((list.tags, RawJson(list_json(&list.value.page))))
}

#[derive(Deserialize)]
pub struct ArticleParams {
    include: Option<String>,
}

/// `GET /api/v1/articles/{slug}`: the article, and with `include=comments`
/// the first page of its comment threads under `comments`.
pub async fn get_article(
    Reading(reader): Reading,
    AppPath(slug): AppPath<String>,
    AppQuery(params): AppQuery<ArticleParams>,
) -> Result<(CacheTags, RawJson)> {
    let comments = match params.include.as_deref() {
        None => None,
        Some("comments") => Some(PageRequest::first(Limit::of(DEFAULT_LIMIT))),
        Some(_) => {
            return Err(Error::invalid(
                "include",
                "the only inclusion is `comments`",
            ));
        }
    };
    let slug = path_slug(&slug, Resource::Article)?;
    let found = reader.article_json(&slug, comments.as_ref()).await?;
    let body = match &found.value.comments {
        Some(threads) => with_list(&found.value.article, "comments", threads),
        None => found.value.article,
    };
    Ok((found.tags, RawJson(body)))
}

/// `GET /api/v1/articles/{slug}/comments`
pub async fn list_article_comments(
    Reading(reader): Reading,
    AppPath(slug): AppPath<String>,
    AppQuery(params): AppQuery<PageParams>,
) -> Result<(CacheTags, RawJson)> {
    let page = PageRequest::parse(
        CursorKind::Comments,
        params.limit.as_deref(),
        params.cursor.as_deref(),
    )?;
    let slug = path_slug(&slug, Resource::Article)?;
    let threads = reader.comments_json(&slug, &page).await?;
    Ok((threads.tags, RawJson(list_json(&threads.value))))
}

#[derive(Deserialize)]
pub struct LimitParams {
    limit: Option<String>,
}

/// `GET /api/v1/articles/{slug}/more-like-this`
pub async fn more_like_this(
    Reading(reader): Reading,
    AppPath(slug): AppPath<String>,
    AppQuery(params): AppQuery<LimitParams>,
) -> Result<(CacheTags, RawJson)> {
    let limit = Limit::parse("limit", params.limit.as_deref(), BOX_LIMIT)?;
    let slug = path_slug(&slug, Resource::Article)?;
    let similar = reader.more_like_this_json(&slug, limit).await?;
    Ok((similar.tags, RawJson(data_json(&similar.value))))
}

/// `POST /api/v1/articles/{slug}/views`
pub async fn record_view(
    Reading(reader): Reading,
    AppPath(slug): AppPath<String>,
) -> Result<StatusCode> {
    let slug = path_slug(&slug, Resource::Article)?;
    reader.record_view(&slug).await?;
    Ok(StatusCode::NO_CONTENT)
}
