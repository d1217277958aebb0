//! Authors, and the public articles they wrote.

use crate::domain::ids::AuthorId;
use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::batch;
use super::ids::Slug;
use crate::db::entities::authors;
use crate::error::{Error, Resource, Result};

/// An author's public profile.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct Author {
    pub id: AuthorId,
    pub slug: String,
    pub name: String,
    pub bio: String,
    pub avatar_url: Option<String>,
}

impl From<authors::Model> for Author {
    fn from(a: authors::Model) -> Self {
        Author {
            id: AuthorId(a.id),
            slug: a.slug,
            name: a.name,
            bio: a.bio,
            avatar_url: a.avatar_url,
        }
    }
}

/// One author by slug.
pub async fn find_author(db: &impl ConnectionTrait, slug: &Slug) -> Result<Author> {
    authors::Entity::find()
        .filter(authors::Column::Slug.eq(slug.as_str()))
        .one(db)
        .await?
        .map(Author::from)
        .ok_or(Error::NotFound(Resource::Author))
}

/// Authors by id.
pub async fn authors_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Author>> {
    let found = authors::Entity::find()
        .filter(authors::Column::Id.is_in(batch::dedup(ids)))
        .all(db)
        .await?;
    Ok(found.into_iter().map(|a| (a.id, Author::from(a))).collect())
}
