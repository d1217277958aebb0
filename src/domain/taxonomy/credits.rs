//! Creating, editing and deleting authors and tags.

use crate::domain::Newsdesk;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, TransactionTrait,
};

use super::{AuthorFields, MAX_NAME, MAX_TEXT, TagFields};
use crate::db::entities::{article_authors, article_tags, authors, tags};
use crate::domain::actor::Actor;
use crate::domain::audit::{self, AuditAction, Audited};
use crate::domain::authors::Author;
use crate::domain::checks::{Checks, free_slug, taken_by_another_write};
use crate::domain::tags::Tag;
use crate::domain::time;
use crate::error::{Error, Resource, Result};

async fn author_slug_taken(
    db: &impl ConnectionTrait,
    slug: String,
    except: Option<i64>,
) -> Result<bool> {
    Ok(crate::db::slug_in_use::<authors::Entity>(
        db,
        authors::Column::Slug,
        authors::Column::Id,
        &slug,
        except,
    )
    .await?)
}

async fn tag_slug_taken(
    db: &impl ConnectionTrait,
    slug: String,
    except: Option<i64>,
) -> Result<bool> {
    Ok(crate::db::slug_in_use::<tags::Entity>(
        db,
        tags::Column::Slug,
        tags::Column::Id,
        &slug,
        except,
    )
    .await?)
}

/// Creates an author.
pub async fn create_author(desk: &Newsdesk, actor: &Actor, fields: AuthorFields) -> Result<Author> {
    let db = desk.db();
    actor.require(super::SCOPE)?;
    let mut checks = Checks::new();
    checks.name("name", fields.name.as_deref(), MAX_NAME, true);
    checks.text("bio", fields.bio.as_deref(), MAX_TEXT);
    checks.url("avatar_url", fields.avatar_url.as_deref());
    let name = fields.name.unwrap_or_default().trim().to_owned();
    let slug = free_slug(
        fields.slug.as_deref(),
        &name,
        "untitled",
        &mut checks,
        |s| author_slug_taken(db, s, None),
    )
    .await?;
    checks.finish()?;
    let now = time::now();
    let txn = db.begin().await?;
    let model = authors::ActiveModel {
        slug: Set(slug.unwrap_or_default()),
        name: Set(name),
        bio: Set(fields.bio.unwrap_or_default()),
        avatar_url: Set(fields.avatar_url.filter(|u| !u.is_empty())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(taken_by_another_write("slug"))?;
    audit::record(
        &txn,
        actor,
        AuditAction::Create,
        Audited::Author,
        Some(model.id),
        model.slug.clone(),
    )
    .await?;
    txn.commit().await?;
    Ok(model.into())
}

/// Edits an author.
pub async fn update_author(
    desk: &Newsdesk,
    actor: &Actor,
    id: i64,
    fields: AuthorFields,
) -> Result<Author> {
    let db = desk.db();
    actor.require(super::SCOPE)?;
    let current = authors::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Author))?;
    let mut checks = Checks::new();
    checks.name("name", fields.name.as_deref(), MAX_NAME, false);
    checks.text("bio", fields.bio.as_deref(), MAX_TEXT);
    checks.url("avatar_url", fields.avatar_url.as_deref());
    let slug = match fields.slug.as_deref() {
        Some(given) => {
            free_slug(Some(given), &current.name, "untitled", &mut checks, |s| {
                author_slug_taken(db, s, Some(id))
            })
            .await?
        }
        None => None,
    };
    checks.finish()?;
    let txn = db.begin().await?;
    let mut model = current.into_active_model();
    if let Some(slug) = slug {
        model.slug = Set(slug);
    }
    if let Some(name) = fields.name {
        model.name = Set(name.trim().to_owned());
    }
    if let Some(bio) = fields.bio {
        model.bio = Set(bio);
    }
    if let Some(avatar) = fields.avatar_url {
        model.avatar_url = Set(Some(avatar).filter(|u| !u.is_empty()));
    }
    model.updated_at = Set(time::now());
    let model = model
        .update(&txn)
        .await
        .map_err(taken_by_another_write("slug"))?;
    audit::record(
        &txn,
        actor,
        AuditAction::Update,
        Audited::Author,
        Some(id),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(model.into())
}

/// Deletes an author no article credits.
pub async fn delete_author(desk: &Newsdesk, actor: &Actor, id: i64) -> Result<()> {
    let db = desk.db();
    actor.require(super::SCOPE)?;
    authors::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Author))?;
    let credited = article_authors::Entity::find()
        .filter(article_authors::Column::AuthorId.eq(id))
        .count(db)
        .await?;
    if credited > 0 {
        return Err(Error::Conflict(
            "articles still credit this author; change their bylines first",
        ));
    }
    let txn = db.begin().await?;
    authors::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        AuditAction::Delete,
        Audited::Author,
        Some(id),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Creates a tag.
pub async fn create_tag(desk: &Newsdesk, actor: &Actor, fields: TagFields) -> Result<Tag> {
    let db = desk.db();
    actor.require(super::SCOPE)?;
    let mut checks = Checks::new();
    checks.name("name", fields.name.as_deref(), MAX_NAME, true);
    let name = fields.name.unwrap_or_default().trim().to_owned();
    let slug = free_slug(
        fields.slug.as_deref(),
        &name,
        "untitled",
        &mut checks,
        |s| tag_slug_taken(db, s, None),
    )
    .await?;
    checks.finish()?;
    let txn = db.begin().await?;
    let model = tags::ActiveModel {
        slug: Set(slug.unwrap_or_default()),
        name: Set(name),
        created_at: Set(time::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(taken_by_another_write("slug"))?;
    audit::record(
        &txn,
        actor,
        AuditAction::Create,
        Audited::Tag,
        Some(model.id),
        model.slug.clone(),
    )
    .await?;
    txn.commit().await?;
    Ok(model.into())
}

/// Edits a tag.
pub async fn update_tag(desk: &Newsdesk, actor: &Actor, id: i64, fields: TagFields) -> Result<Tag> {
    let db = desk.db();
    actor.require(super::SCOPE)?;
    let current = tags::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Tag))?;
    let mut checks = Checks::new();
    checks.name("name", fields.name.as_deref(), MAX_NAME, false);
    let slug = match fields.slug.as_deref() {
        Some(given) => {
            free_slug(Some(given), &current.name, "untitled", &mut checks, |s| {
                tag_slug_taken(db, s, Some(id))
            })
            .await?
        }
        None => None,
    };
    checks.finish()?;
    let txn = db.begin().await?;
    let mut model = current.into_active_model();
    if let Some(slug) = slug {
        model.slug = Set(slug);
    }
    if let Some(name) = fields.name {
        model.name = Set(name.trim().to_owned());
    }
    let model = model
        .update(&txn)
        .await
        .map_err(taken_by_another_write("slug"))?;
    audit::record(&txn, actor, AuditAction::Update, Audited::Tag, Some(id), "").await?;
    txn.commit().await?;
    Ok(model.into())
}

/// Deletes a tag; articles simply lose it.
pub async fn delete_tag(desk: &Newsdesk, actor: &Actor, id: i64) -> Result<()> {
    let db = desk.db();
    actor.require(super::SCOPE)?;
    tags::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Tag))?;
    let txn = db.begin().await?;
    article_tags::Entity::delete_many()
        .filter(article_tags::Column::TagId.eq(id))
        .exec(&txn)
        .await?;
    tags::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, actor, AuditAction::Delete, Audited::Tag, Some(id), "").await?;
    txn.commit().await?;
    Ok(())
}
