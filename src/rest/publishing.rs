//! `/api/v1/manage/articles`: the newsroom's write API for articles. Every
//! change names the version it read in `If-Match`; a stale one gets 412.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

use super::RestState;
use super::envelopes::ListResponse;
use super::extract::{AppJson, AppPath, AppQuery, Caller};
use super::wire::{ManagedArticleJson, ManagedSummaryJson};
use crate::domain::articles::FeaturedImage;
use crate::domain::ids::ArticleId;
use crate::domain::page::{CursorKind, PageRequest};
use crate::domain::publishing::{
    self, ArticleFields, ManagedArticle, RelatedLinkInput, Transition,
};
use crate::error::{Error, Result};

/// Present-but-null and absent differ: `null` clears, absent keeps.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> std::result::Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageBody {
    url: String,
    alt: Option<String>,
    caption: Option<String>,
    credit: Option<String>,
}

/// An article's fields as JSON. On PATCH, absent fields are kept.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleBody {
    title: Option<String>,
    slug: Option<String>,
    subtitle: Option<String>,
    excerpt: Option<String>,
    body_markdown: Option<String>,
    section: Option<String>,
    authors: Option<Vec<String>>,
    tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    featured_image: Option<Option<ImageBody>>,
    canonical_url: Option<String>,
    seo_title: Option<String>,
    seo_description: Option<String>,
    comments_open: Option<bool>,
    live: Option<bool>,
}

impl From<ArticleBody> for ArticleFields {
    fn from(b: ArticleBody) -> Self {
        ArticleFields {
            title: b.title,
            slug: b.slug,
            subtitle: b.subtitle,
            excerpt: b.excerpt,
            body_markdown: b.body_markdown,
            section: b.section,
            authors: b.authors,
            tags: b.tags,
            featured_image: b.featured_image.map(|image| {
                image.map(|i| FeaturedImage {
                    url: i.url,
                    alt: i.alt,
                    caption: i.caption,
                    credit: i.credit,
                })
            }),
            canonical_url: b.canonical_url,
            seo_title: b.seo_title,
            seo_description: b.seo_description,
            comments_open: b.comments_open,
            live: b.live,
        }
    }
}

/// The version a write is based on, from `If-Match`: none without the header
/// (the domain answers 428), none that can match for an ETag that is not one
/// of this article's (the write is then stale, 412), and a 400 for a value
/// that is not an entity tag at all. `*` (RFC 9110: "any current version")
/// would overwrite whatever another editor saved meanwhile, so it is refused
/// like a missing header: 428, asking for the version read.
pub(super) fn expected_version(headers: &HeaderMap, id: ArticleId) -> Result<Option<i32>> {
    let Some(raw) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let raw = raw.to_str().unwrap_or_default().trim();
    if raw == "*" {
        return Err(Error::VersionRequired);
    }
    let quoted = raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"');
    if !quoted {
        return Err(Error::invalid(
            "If-Match",
            "is not an entity tag like \"a12v3\"",
        ));
    }
    Ok(Some(
        publishing::version_from_etag(id, raw).unwrap_or(NO_VERSION),
    ))
}

/// A version no article ever has.
const NO_VERSION: i32 = -1;

pub(super) fn with_etag(status: StatusCode, article: ManagedArticle) -> Response {
    let etag = publishing::etag(article.id, article.version);
    let location = format!("/api/v1/manage/articles/{}", article.id);
    let mut response = (status, Json(ManagedArticleJson::from(article))).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if status == StatusCode::CREATED
        && let Ok(value) = HeaderValue::from_str(&location)
    {
        headers.insert(header::LOCATION, value);
    }
    response
}

/// `POST /api/v1/manage/articles`: a new draft.
pub async fn create_article(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppJson(body): AppJson<ArticleBody>,
) -> Result<Response> {
    let article = publishing::create(&state.desk, &actor, body.into()).await?;
    Ok(with_etag(StatusCode::CREATED, article))
}

#[derive(Deserialize)]
pub struct NewsroomListParams {
    status: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

/// `GET /api/v1/manage/articles`: every article, newest created first.
pub async fn list_managed_articles(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppQuery(params): AppQuery<NewsroomListParams>,
) -> Result<Json<ListResponse<ManagedSummaryJson>>> {
    let status = params
        .status
        .as_deref()
        .map(publishing::parse_status)
        .transpose()?;
    let page = PageRequest::parse(
        CursorKind::Newsroom,
        params.limit.as_deref(),
        params.cursor.as_deref(),
    )?;
    Ok(Json(ListResponse::of(
        publishing::list_managed(&state.desk, &actor, status, &page).await?,
    )))
}

/// `GET /api/v1/manage/articles/{id}`: any status, with its ETag.
pub async fn get_managed_article(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<ArticleId>,
) -> Result<Response> {
    Ok(with_etag(
        StatusCode::OK,
        publishing::get_managed(&state.desk, &actor, id).await?,
    ))
}

/// `PATCH /api/v1/manage/articles/{id}`
pub async fn update_article(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<ArticleId>,
    headers: HeaderMap,
    AppJson(body): AppJson<ArticleBody>,
) -> Result<Response> {
    let version = expected_version(&headers, id)?;
    let article = publishing::update(&state.desk, &actor, id, version, body.into()).await?;
    Ok(with_etag(StatusCode::OK, article))
}

/// `DELETE /api/v1/manage/articles/{id}`
pub async fn delete_article(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<ArticleId>,
    headers: HeaderMap,
) -> Result<StatusCode> {
    let version = expected_version(&headers, id)?;
    publishing::delete(&state.desk, &actor, id, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn move_to(
    state: &RestState,
    actor: Caller,
    id: ArticleId,
    headers: &HeaderMap,
    to: Transition,
) -> Result<Response> {
    let Caller(actor) = actor;
    let version = expected_version(headers, id)?;
    let article = publishing::transition(&state.desk, &actor, id, version, to).await?;
    Ok(with_etag(StatusCode::OK, article))
}

/// `POST /api/v1/manage/articles/{id}/publish`
pub async fn publish_article(
    State(state): State<RestState>,
    caller: Caller,
    AppPath(id): AppPath<ArticleId>,
    headers: HeaderMap,
) -> Result<Response> {
    move_to(&state, caller, id, &headers, Transition::Publish).await
}

/// `POST /api/v1/manage/articles/{id}/unpublish`
pub async fn unpublish_article(
    State(state): State<RestState>,
    caller: Caller,
    AppPath(id): AppPath<ArticleId>,
    headers: HeaderMap,
) -> Result<Response> {
    move_to(&state, caller, id, &headers, Transition::Unpublish).await
}

/// `POST /api/v1/manage/articles/{id}/archive`
pub async fn archive_article(
    State(state): State<RestState>,
    caller: Caller,
    AppPath(id): AppPath<ArticleId>,
    headers: HeaderMap,
) -> Result<Response> {
    move_to(&state, caller, id, &headers, Transition::Archive).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleBody {
    publish_at: DateTime<Utc>,
}

/// `POST /api/v1/manage/articles/{id}/schedule`
pub async fn schedule_article(
    State(state): State<RestState>,
    caller: Caller,
    AppPath(id): AppPath<ArticleId>,
    headers: HeaderMap,
    AppJson(body): AppJson<ScheduleBody>,
) -> Result<Response> {
    move_to(
        &state,
        caller,
        id,
        &headers,
        Transition::Schedule(body.publish_at),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, untagged)]
pub enum LinkBody {
    Article {
        article: String,
        title: Option<String>,
    },
    External {
        url: String,
        title: String,
    },
}

/// `PUT /api/v1/manage/articles/{id}/related-links`: the whole list, in order.
pub async fn set_related_links(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<ArticleId>,
    headers: HeaderMap,
    AppJson(links): AppJson<Vec<LinkBody>>,
) -> Result<Response> {
    let version = expected_version(&headers, id)?;
    let links = links
        .into_iter()
        .map(|l| match l {
            LinkBody::Article { article, title } => RelatedLinkInput::Article {
                slug: article,
                title,
            },
            LinkBody::External { url, title } => RelatedLinkInput::External { url, title },
        })
        .collect();
    let article = publishing::set_related_links(&state.desk, &actor, id, version, links).await?;
    Ok(with_etag(StatusCode::OK, article))
}
