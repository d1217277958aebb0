//! `/api/v1/articles`: lists, one article, its comments, "more like this", views.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::extract::{AppPath, AppQuery, Reader, path_slug};
use super::views::{DataResponse, ListResponse, PageParams};
use crate::app::AppState;
use crate::cache::CacheTags;
use crate::domain::articles::{self, Article, ArticleSummary, ListArticles};
use crate::domain::comments::{self, Comment};
use crate::domain::more_like_this;
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
    State(state): State<AppState>,
    _: Reader,
    AppQuery(params): AppQuery<ListParams>,
) -> Result<(CacheTags, Json<ListResponse<ArticleSummary>>)> {
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
    let page = articles::list_articles(&state.db, &query).await?;
    Ok((CacheTags::article_lists(), Json(page.into())))
}

#[derive(Deserialize)]
pub struct ArticleParams {
    include: Option<String>,
}

/// An article, with its first page of comments when asked.
#[derive(Serialize)]
pub struct ArticleResponse {
    #[serde(flatten)]
    article: Article,
    #[serde(skip_serializing_if = "Option::is_none")]
    comments: Option<ListResponse<Comment>>,
}

/// `GET /api/v1/articles/{slug}`
pub async fn get_article(
    State(state): State<AppState>,
    _: Reader,
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
    let article = articles::get_article(&state.db, &slug).await?;
    let comments = if with_comments {
        let first = PageRequest::first(Limit::of(DEFAULT_LIMIT));
        Some(
            comments::threads(&state.db, article.summary.id, &first)
                .await?
                .into(),
        )
    } else {
        None
    };
    let tags = CacheTags::article_page(&article);
    Ok((tags, Json(ArticleResponse { article, comments })))
}

/// `GET /api/v1/articles/{slug}/comments`
pub async fn list_article_comments(
    State(state): State<AppState>,
    _: Reader,
    AppPath(slug): AppPath<String>,
    AppQuery(params): AppQuery<PageParams>,
) -> Result<(CacheTags, Json<ListResponse<Comment>>)> {
    let page = PageRequest::parse(
        CursorKind::Comments,
        params.limit.as_deref(),
        params.cursor.as_deref(),
    )?;
    let slug = path_slug(&slug, Resource::Article)?;
    let article = articles::public_id(&state.db, &slug).await?;
    let threads = comments::threads(&state.db, article, &page).await?;
    Ok((CacheTags::article(article), Json(threads.into())))
}

#[derive(Deserialize)]
pub struct LimitParams {
    limit: Option<String>,
}

/// `GET /api/v1/articles/{slug}/more-like-this`
pub async fn more_like_this(
    State(state): State<AppState>,
    _: Reader,
    AppPath(slug): AppPath<String>,
    AppQuery(params): AppQuery<LimitParams>,
) -> Result<(CacheTags, Json<DataResponse<Vec<ArticleSummary>>>)> {
    let limit = Limit::parse("limit", params.limit.as_deref(), BOX_LIMIT)?;
    let slug = path_slug(&slug, Resource::Article)?;
    let data = more_like_this::more_like_this(&state.db, &slug, limit).await?;
    Ok((CacheTags::article_lists(), Json(DataResponse { data })))
}

/// `POST /api/v1/articles/{slug}/views`
pub async fn record_view(
    State(state): State<AppState>,
    _: Reader,
    AppPath(slug): AppPath<String>,
) -> Result<StatusCode> {
    let slug = path_slug(&slug, Resource::Article)?;
    state.views.record(&state.db, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}
