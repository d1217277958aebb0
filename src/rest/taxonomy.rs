//! Authors, tags and sections: reading an author or a tag with its articles, and the newsroom editing all three.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::RestState;
use super::envelopes::{PageParams, RawJson, with_list};
use super::extract::{AppJson, AppPath, AppQuery, Caller, Reading, path_slug};
use super::wire::{AuthorJson, SectionInfoJson, TagJson};
use crate::domain::cache_tags::CacheTags;
use crate::domain::ids::{AuthorId, SectionId, TagId};
use crate::domain::page::{CursorKind, PageRequest};
use crate::domain::sections::SectionInfo;
use crate::domain::taxonomy::{self, AuthorFields, SectionFields, TagFields};
use crate::error::{Resource, Result};

/// `GET /api/v1/authors/{slug}`: the author with a page of their articles.
pub async fn get_author(
    Reading(reader): Reading,
    AppPath(slug): AppPath<String>,
    AppQuery(params): AppQuery<PageParams>,
) -> Result<(CacheTags, RawJson)> {
    let page = articles_page(&params)?;
    let slug = path_slug(&slug, Resource::Author)?;
    let found = reader.author_json(&slug, &page).await?;
    let (author, articles) = &found.value;
    Ok((found.tags, RawJson(with_list(author, "articles", articles))))
}

/// `GET /api/v1/tags/{slug}`: the tag with a page of its articles.
pub async fn get_tag(
    Reading(reader): Reading,
    AppPath(slug): AppPath<String>,
    AppQuery(params): AppQuery<PageParams>,
) -> Result<(CacheTags, RawJson)> {
    let page = articles_page(&params)?;
    let slug = path_slug(&slug, Resource::Tag)?;
    let found = reader.tag_json(&slug, &page).await?;
    let (tag, articles) = &found.value;
    Ok((found.tags, RawJson(with_list(tag, "articles", articles))))
}

fn articles_page(params: &PageParams) -> Result<PageRequest> {
    PageRequest::parse(
        CursorKind::Articles,
        params.limit.as_deref(),
        params.cursor.as_deref(),
    )
}

/// A section, author or tag as the newsroom edits it: with its id.
#[derive(Serialize)]
pub struct Managed<J> {
    id: i64,
    #[serde(flatten)]
    item: J,
}

impl<J> Managed<J> {
    fn of<A: Into<J>>(id: impl Into<i64>, item: A) -> Self {
        Managed {
            id: id.into(),
            item: item.into(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionBody {
    slug: Option<String>,
    name: Option<String>,
    description: Option<String>,
    parent: Option<String>,
    position: Option<i32>,
}

impl From<SectionBody> for SectionFields {
    fn from(b: SectionBody) -> Self {
        SectionFields {
            slug: b.slug,
            name: b.name,
            description: b.description,
            parent: b.parent,
            position: b.position,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorBody {
    slug: Option<String>,
    name: Option<String>,
    bio: Option<String>,
    avatar_url: Option<String>,
}

impl From<AuthorBody> for AuthorFields {
    fn from(b: AuthorBody) -> Self {
        AuthorFields {
            slug: b.slug,
            name: b.name,
            bio: b.bio,
            avatar_url: b.avatar_url,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagBody {
    slug: Option<String>,
    name: Option<String>,
}

impl From<TagBody> for TagFields {
    fn from(b: TagBody) -> Self {
        TagFields {
            slug: b.slug,
            name: b.name,
        }
    }
}

fn section_view(s: SectionInfo) -> Managed<SectionInfoJson> {
    Managed::of(s.id, s)
}

/// `POST /api/v1/manage/sections`
pub async fn create_section(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppJson(body): AppJson<SectionBody>,
) -> Result<(StatusCode, Json<Managed<SectionInfoJson>>)> {
    let section = taxonomy::create_section(&state.desk, &actor, body.into()).await?;
    Ok((StatusCode::CREATED, Json(section_view(section))))
}

/// `PATCH /api/v1/manage/sections/{id}`
pub async fn update_section(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<SectionId>,
    AppJson(body): AppJson<SectionBody>,
) -> Result<Json<Managed<SectionInfoJson>>> {
    Ok(Json(section_view(
        taxonomy::update_section(&state.desk, &actor, id, body.into()).await?,
    )))
}

/// `DELETE /api/v1/manage/sections/{id}`
pub async fn delete_section(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<SectionId>,
) -> Result<StatusCode> {
    taxonomy::delete_section(&state.desk, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/manage/authors`
pub async fn create_author(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppJson(body): AppJson<AuthorBody>,
) -> Result<(StatusCode, Json<Managed<AuthorJson>>)> {
    let author = taxonomy::create_author(&state.desk, &actor, body.into()).await?;
    Ok((StatusCode::CREATED, Json(Managed::of(author.id, author))))
}

/// `PATCH /api/v1/manage/authors/{id}`
pub async fn update_author(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<AuthorId>,
    AppJson(body): AppJson<AuthorBody>,
) -> Result<Json<Managed<AuthorJson>>> {
    let author = taxonomy::update_author(&state.desk, &actor, id, body.into()).await?;
    Ok(Json(Managed::of(author.id, author)))
}

/// `DELETE /api/v1/manage/authors/{id}`
pub async fn delete_author(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<AuthorId>,
) -> Result<StatusCode> {
    taxonomy::delete_author(&state.desk, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/manage/tags`
pub async fn create_tag(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppJson(body): AppJson<TagBody>,
) -> Result<(StatusCode, Json<Managed<TagJson>>)> {
    let tag = taxonomy::create_tag(&state.desk, &actor, body.into()).await?;
    Ok((StatusCode::CREATED, Json(Managed::of(tag.id, tag))))
}

/// `PATCH /api/v1/manage/tags/{id}`
pub async fn update_tag(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<TagId>,
    AppJson(body): AppJson<TagBody>,
) -> Result<Json<Managed<TagJson>>> {
    let tag = taxonomy::update_tag(&state.desk, &actor, id, body.into()).await?;
    Ok(Json(Managed::of(tag.id, tag)))
}

/// `DELETE /api/v1/manage/tags/{id}`
pub async fn delete_tag(
    State(state): State<RestState>,
    Caller(actor): Caller,
    AppPath(id): AppPath<TagId>,
) -> Result<StatusCode> {
    taxonomy::delete_tag(&state.desk, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
