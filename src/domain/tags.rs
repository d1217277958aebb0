//! Tags, with the first page of their public articles.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::articles::{self, ArticleSummary, Scope};
use super::ids::Slug;
use super::page::{Page, PageRequest};
use crate::db::entities::tags;
use crate::error::{Error, Resource, Result};

/// A tag.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tag {
    pub slug: String,
    pub name: String,
}

/// A tag and a page of its public articles, newest first.
pub async fn get_tag(
    db: &impl ConnectionTrait,
    slug: &Slug,
    page: &PageRequest,
) -> Result<(Tag, Page<ArticleSummary>)> {
    let tag = tags::Entity::find()
        .filter(tags::Column::Slug.eq(slug.as_str()))
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Tag))?;
    let scope = Scope {
        tag_id: Some(tag.id),
        ..Scope::default()
    };
    let articles = articles::list_in_scope(db, &scope, page).await?;
    Ok((
        Tag {
            slug: tag.slug,
            name: tag.name,
        },
        articles,
    ))
}
