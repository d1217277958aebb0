//! Creating, editing and deleting authors and tags: what articles are
//! credited to and labelled with.

use crate::domain::ids::{AuthorId, TagId};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter,
};

use super::{AuthorFields, MAX_NAME, MAX_TEXT, TagFields, find, named_slug, record};
use crate::db::entities::{article_authors, article_tags, authors, tags};
use crate::domain::Newsdesk;
use crate::domain::actor::Actor;
use crate::domain::audit::AuditAction;
use crate::domain::authors::Author;
use crate::domain::checks::{Checks, taken_by_another_write};
use crate::domain::tags::Tag;
use crate::domain::time;
use crate::error::{Error, Result};

/// Checks an author's fields; the name is required on create.
fn check_author(checks: &mut Checks, fields: &AuthorFields, creating: bool) {
    checks.name("name", fields.name.as_deref(), MAX_NAME, creating);
    checks.text("bio", fields.bio.as_deref(), MAX_TEXT);
    checks.url("avatar_url", fields.avatar_url.as_deref());
}

/// Creates an author.
#[tracing::instrument(level = "info", skip_all)]
pub async fn create_author(desk: &Newsdesk, actor: &Actor, fields: AuthorFields) -> Result<Author> {
    actor.require(super::SCOPE)?;
    let db = desk.db();
    let mut checks = Checks::new();
    check_author(&mut checks, &fields, true);
    let name = fields.name.unwrap_or_default().trim().to_owned();
    let slug =
        named_slug::<authors::Entity>(db, &mut checks, fields.slug.as_deref(), &name, None).await?;
    checks.finish()?;
    let now = time::now();
    let txn = crate::db::begin_write(db).await?;
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
    let detail = model.slug.clone();
    record::<authors::Entity>(
        desk,
        txn,
        actor,
        AuditAction::Create,
        (model.id, &model.slug),
        detail,
    )
    .await?;
    Ok(model.into())
}

/// Edits an author; absent fields keep what is stored.
#[tracing::instrument(level = "info", skip_all)]
pub async fn update_author(
    desk: &Newsdesk,
    actor: &Actor,
    id: AuthorId,
    fields: AuthorFields,
) -> Result<Author> {
    let id = id.0;
    actor.require(super::SCOPE)?;
    let db = desk.db();
    let current = find::<authors::Entity>(db, id).await?;
    let mut checks = Checks::new();
    check_author(&mut checks, &fields, false);
    let slug = named_slug::<authors::Entity>(
        db,
        &mut checks,
        fields.slug.as_deref(),
        &current.name,
        Some(id),
    )
    .await?;
    checks.finish()?;
    let txn = crate::db::begin_write(db).await?;
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
    record::<authors::Entity>(desk, txn, actor, AuditAction::Update, (id, &model.slug), "").await?;
    Ok(model.into())
}

/// Deletes an author no article credits.
#[tracing::instrument(level = "info", skip_all)]
pub async fn delete_author(desk: &Newsdesk, actor: &Actor, id: AuthorId) -> Result<()> {
    let id = id.0;
    actor.require(super::SCOPE)?;
    let db = desk.db();
    let gone = find::<authors::Entity>(db, id).await?;
    let credited = article_authors::Entity::find()
        .filter(article_authors::Column::AuthorId.eq(id))
        .count(db)
        .await?;
    if credited > 0 {
        return Err(Error::Conflict(
            "articles still credit this author; change their bylines first",
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    authors::Entity::delete_by_id(id).exec(&txn).await?;
    record::<authors::Entity>(desk, txn, actor, AuditAction::Delete, (id, &gone.slug), "").await
}

/// Creates a tag.
#[tracing::instrument(level = "info", skip_all)]
pub async fn create_tag(desk: &Newsdesk, actor: &Actor, fields: TagFields) -> Result<Tag> {
    actor.require(super::SCOPE)?;
    let db = desk.db();
    let mut checks = Checks::new();
    checks.name("name", fields.name.as_deref(), MAX_NAME, true);
    let name = fields.name.unwrap_or_default().trim().to_owned();
    let slug =
        named_slug::<tags::Entity>(db, &mut checks, fields.slug.as_deref(), &name, None).await?;
    checks.finish()?;
    let txn = crate::db::begin_write(db).await?;
    let model = tags::ActiveModel {
        slug: Set(slug.unwrap_or_default()),
        name: Set(name),
        created_at: Set(time::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(taken_by_another_write("slug"))?;
    let detail = model.slug.clone();
    record::<tags::Entity>(
        desk,
        txn,
        actor,
        AuditAction::Create,
        (model.id, &model.slug),
        detail,
    )
    .await?;
    Ok(model.into())
}

/// Edits a tag; absent fields keep what is stored.
#[tracing::instrument(level = "info", skip_all)]
pub async fn update_tag(
    desk: &Newsdesk,
    actor: &Actor,
    id: TagId,
    fields: TagFields,
) -> Result<Tag> {
    let id = id.0;
    actor.require(super::SCOPE)?;
    let db = desk.db();
    let current = find::<tags::Entity>(db, id).await?;
    let mut checks = Checks::new();
    checks.name("name", fields.name.as_deref(), MAX_NAME, false);
    let slug = named_slug::<tags::Entity>(
        db,
        &mut checks,
        fields.slug.as_deref(),
        &current.name,
        Some(id),
    )
    .await?;
    checks.finish()?;
    let txn = crate::db::begin_write(db).await?;
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
    record::<tags::Entity>(desk, txn, actor, AuditAction::Update, (id, &model.slug), "").await?;
    Ok(model.into())
}

/// Deletes a tag; articles simply lose it.
#[tracing::instrument(level = "info", skip_all)]
pub async fn delete_tag(desk: &Newsdesk, actor: &Actor, id: TagId) -> Result<()> {
    let id = id.0;
    actor.require(super::SCOPE)?;
    let db = desk.db();
    let gone = find::<tags::Entity>(db, id).await?;
    let txn = crate::db::begin_write(db).await?;
    article_tags::Entity::delete_many()
        .filter(article_tags::Column::TagId.eq(id))
        .exec(&txn)
        .await?;
    tags::Entity::delete_by_id(id).exec(&txn).await?;
    record::<tags::Entity>(desk, txn, actor, AuditAction::Delete, (id, &gone.slug), "").await
}
