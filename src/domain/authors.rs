//! Authors, with the first page of their public articles.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::articles::{self, ArticleSummary, Scope};
use super::ids::Slug;
use super::page::{Page, PageRequest};
use crate::db::entities::authors;
use crate::error::{Error, Resource, Result};

/// An author's public profile.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Author {
    pub slug: String,
    pub name: String,
    pub bio: String,
    pub avatar_url: Option<String>,
}

/// An author and a page of their public articles, newest first.
pub async fn get_author(
    db: &impl ConnectionTrait,
    slug: &Slug,
    page: &PageRequest,
) -> Result<(Author, Page<ArticleSummary>)> {
    let author = authors::Entity::find()
        .filter(authors::Column::Slug.eq(slug.as_str()))
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Author))?;
    let scope = Scope {
        author_id: Some(author.id),
        ..Scope::default()
    };
    let articles = articles::list_in_scope(db, &scope, page).await?;
    let author = Author {
        slug: author.slug,
        name: author.name,
        bio: author.bio,
        avatar_url: author.avatar_url,
    };
    Ok((author, articles))
}
