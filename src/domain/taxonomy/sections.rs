//! Creating, editing and deleting sections, kept a tree.

use crate::domain::Newsdesk;
use crate::domain::ids::SectionId;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter,
};

use super::{MAX_NAME, MAX_TEXT, SectionFields, find, named_slug, record};
use crate::db::entities::{articles, sections};
use crate::domain::actor::Actor;
use crate::domain::audit::AuditAction;
use crate::domain::checks::{Checks, taken_by_another_write};
use crate::domain::section_paths::refresh_section_paths;
use crate::domain::sections::SectionInfo;
use crate::domain::time;
use crate::error::{Error, Result};

/// The parent a section would get; a section cannot sit under itself or its own descendants.
async fn resolve_parent(
    db: &impl ConnectionTrait,
    parent: Option<&str>,
    this: Option<i64>,
    checks: &mut Checks,
) -> Result<Option<Option<i64>>> {
    let Some(parent) = parent else {
        return Ok(None);
    };
    if parent.is_empty() {
        return Ok(Some(None));
    }
    let all = sections::Entity::find().all(db).await?;
    let Some(found) = all.iter().find(|s| s.slug == parent) else {
        checks.require(
            false,
            "parent",
            format!("no section has the slug {parent:?}"),
        );
        return Ok(None);
    };
    if let Some(this) = this {
        let mut cursor = Some(found.id);
        while let Some(id) = cursor {
            if id == this {
                checks.require(false, "parent", "a section cannot sit under itself");
                return Ok(None);
            }
            cursor = all.iter().find(|s| s.id == id).and_then(|s| s.parent_id);
        }
    }
    Ok(Some(Some(found.id)))
}

fn section_info(model: sections::Model) -> SectionInfo {
    SectionInfo::from(&model)
}

/// Creates a section.
#[tracing::instrument(level = "info", skip_all)]
pub async fn create_section(
    desk: &Newsdesk,
    actor: &Actor,
    fields: SectionFields,
) -> Result<SectionInfo> {
    let db = desk.db();
    actor.require(super::SCOPE)?;
    let mut checks = Checks::new();
    checks.name("name", fields.name.as_deref(), MAX_NAME, true);
    checks.text("description", fields.description.as_deref(), MAX_TEXT);
    let parent = resolve_parent(db, fields.parent.as_deref(), None, &mut checks).await?;
    let name = fields.name.unwrap_or_default().trim().to_owned();
    let slug = named_slug::<sections::Entity>(db, &mut checks, fields.slug.as_deref(), &name, None)
        .await?;
    checks.finish()?;
    let now = time::now();
    let txn = crate::db::begin_write(db).await?;
    let model = sections::ActiveModel {
        slug: Set(slug.unwrap_or_default()),
        name: Set(name),
        description: Set(fields.description.unwrap_or_default()),
        parent_id: Set(parent.flatten()),
        position: Set(fields.position.unwrap_or(0)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(taken_by_another_write("slug"))?;
    refresh_section_paths(&txn).await?;
    let detail = model.slug.clone();
    record::<sections::Entity>(
        desk,
        txn,
        actor,
        AuditAction::Create,
        (model.id, &model.slug),
        detail,
    )
    .await?;
    Ok(section_info(model))
}

/// Edits a section.
#[tracing::instrument(level = "info", skip_all)]
pub async fn update_section(
    desk: &Newsdesk,
    actor: &Actor,
    id: SectionId,
    fields: SectionFields,
) -> Result<SectionInfo> {
    let id = id.0;
    let db = desk.db();
    actor.require(super::SCOPE)?;
    let current = find::<sections::Entity>(db, id).await?;
    let mut checks = Checks::new();
    checks.name("name", fields.name.as_deref(), MAX_NAME, false);
    checks.text("description", fields.description.as_deref(), MAX_TEXT);
    let parent = resolve_parent(db, fields.parent.as_deref(), Some(id), &mut checks).await?;
    let slug = named_slug::<sections::Entity>(
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
    if let Some(description) = fields.description {
        model.description = Set(description);
    }
    if let Some(parent) = parent {
        model.parent_id = Set(parent);
    }
    if let Some(position) = fields.position {
        model.position = Set(position);
    }
    model.updated_at = Set(time::now());
    let model = model
        .update(&txn)
        .await
        .map_err(taken_by_another_write("slug"))?;
    refresh_section_paths(&txn).await?;
    record::<sections::Entity>(desk, txn, actor, AuditAction::Update, (id, &model.slug), "")
        .await?;
    Ok(section_info(model))
}

/// Deletes a section that no article and no subsection uses.
#[tracing::instrument(level = "info", skip_all)]
pub async fn delete_section(desk: &Newsdesk, actor: &Actor, id: SectionId) -> Result<()> {
    let id = id.0;
    let db = desk.db();
    actor.require(super::SCOPE)?;
    let gone = find::<sections::Entity>(db, id).await?;
    let filed = articles::Entity::find()
        .filter(articles::Column::SectionId.eq(id))
        .count(db)
        .await?;
    let children = sections::Entity::find()
        .filter(sections::Column::ParentId.eq(id))
        .count(db)
        .await?;
    if filed > 0 || children > 0 {
        return Err(Error::Conflict(
            "the section still has articles or subsections; move them first",
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    sections::Entity::delete_by_id(id).exec(&txn).await?;
    refresh_section_paths(&txn).await?;
    record::<sections::Entity>(desk, txn, actor, AuditAction::Delete, (id, &gone.slug), "").await?;
    Ok(())
}
