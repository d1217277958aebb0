//! `/api/v1/articles`: lists, one article, its comments, "more like this", views.

use axum::Json;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::envelopes::{DataResponse, ListResponse, PageParams};
use super::extract::{AppPath, AppQuery, Reading, path_slug};
use super::wire::{self, ArticleJson, CommentJson, TeaserJson};
use crate::domain::Tagged;
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
) -> Result<(CacheTags, Json<ListResponse<TeaserJson>>)> {
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
    let page = reader.articles(&query).await?;
    Ok((page.tags, Json(ListResponse::of(page.value))))
}

#[derive(Deserialize)]
pub struct ArticleParams {
    include: Option<String>,
}

/// An article, with its first page of comments when asked.
#[derive(Serialize)]
pub struct ArticleResponse {
    #[serde(flatten)]
    article: ArticleJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    comments: Option<ListResponse<CommentJson>>,
}

/// `GET /api/v1/articles/{slug}`
pub async fn get_article(
    Reading(reader): Reading,
    AppPath(slug): AppPath<String>,
    AppQuery(params): AppQuery<ArticleParams>,
) -> Result<(CacheTags, Json<ArticleResponse>)> {
    let with_comments = match params.include.as_deref() {
        None => false,
        Some("comments") => true,
        Some(_) => {
            return Err(Error::invalid(
                "include",
                "the only inclusion is `comments`",
            ));
        }
    };
    let slug = path_slug(&slug, Resource::Article)?;
    let Tagged {
        value: article,
        mut tags,
    } = reader.article(&slug).await?;
    let comments = if with_comments {
        let first = PageRequest::first(Limit::of(DEFAULT_LIMIT));
        let threads = reader.threads(article.summary.id, &first).await?;
        tags.extend(threads.tags);
        Some(ListResponse::of(threads.value))
    } else {
        None
    };
    let article = article.into();
    Ok((tags, Json(ArticleResponse { article, comments })))
}

/// `GET /api/v1/articles/{slug}/comments`
pub async fn list_article_comments(
    Reading(reader): Reading,
    AppPath(slug): AppPath<String>,
    AppQuery(params): AppQuery<PageParams>,
) -> Result<(CacheTags, Json<ListResponse<CommentJson>>)> {
    let page = PageRequest::parse(
        CursorKind::Comments,
        params.limit.as_deref(),
        params.cursor.as_deref(),
    )?;
    let slug = path_slug(&slug, Resource::Article)?;
    let threads = reader.comments_on(&slug, &page).await?;
    Ok((threads.tags, Json(ListResponse::of(threads.value))))
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
) -> Result<(CacheTags, Json<DataResponse<Vec<TeaserJson>>>)> {
    let limit = Limit::parse("limit", params.limit.as_deref(), BOX_LIMIT)?;
    let slug = path_slug(&slug, Resource::Article)?;
    let similar = reader.more_like_this(&slug, limit).await?;
    Ok((
        similar.tags,
        Json(DataResponse {
            data: wire::all(similar.value),
        }),
    ))
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
