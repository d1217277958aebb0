//! Tags, and the public articles that carry them.

use crate::domain::ids::TagId;
use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::batch;
use super::ids::Slug;
use crate::db::entities::tags;
use crate::error::{Error, Resource, Result};

/// A tag.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct Tag {
    pub id: TagId,
    pub slug: String,
    pub name: String,
}

impl From<tags::Model> for Tag {
    fn from(t: tags::Model) -> Self {
        Tag {
            id: TagId(t.id),
            slug: t.slug,
            name: t.name,
        }
    }
}

/// One tag by slug.
pub async fn find_tag(db: &impl ConnectionTrait, slug: &Slug) -> Result<Tag> {
    tags::Entity::find()
        .filter(tags::Column::Slug.eq(slug.as_str()))
        .one(db)
        .await?
        .map(Tag::from)
        .ok_or(Error::NotFound(Resource::Tag))
}

/// Tags by id.
pub async fn tags_by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, Tag>> {
    let found = tags::Entity::find()
        .filter(tags::Column::Id.is_in(batch::dedup(ids)))
        .all(db)
        .await?;
    Ok(found.into_iter().map(|t| (t.id, Tag::from(t))).collect())
}
