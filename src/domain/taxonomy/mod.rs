//! Editing what articles are filed under and credited to: sections, authors
//! and tags. Each command checks `content:write`, names every invalid field,
//! and records itself in the audit log.

mod credits;
mod sections;

pub use credits::{
    create_author, create_tag, delete_author, delete_tag, update_author, update_tag,
};
pub use sections::{create_section, delete_section, update_section};

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::db::entities::{authors, sections as section_rows, tags};
use crate::domain::Newsdesk;
use crate::domain::actor::{Actor, Scope};
use crate::domain::audit::{self, AuditAction, Audited};
use crate::domain::checks::{Checks, free_slug};
use crate::domain::outbox::EventKind;
use crate::error::{Error, Resource, Result};

/// What a caller needs for these commands.
pub const SCOPE: Scope = Scope::ContentWrite;

pub(super) const MAX_NAME: usize = 120;
pub(super) const MAX_TEXT: usize = 2_000;

/// A section's fields, untrusted. On update `None` keeps what is stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SectionFields {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// The parent's slug; an empty string makes it top-level.
    pub parent: Option<String>,
    pub position: Option<i32>,
}

/// An author's fields, untrusted. On update `None` keeps what is stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthorFields {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub bio: Option<String>,
    /// An empty string removes the avatar.
    pub avatar_url: Option<String>,
}

/// A tag's fields, untrusted. On update `None` keeps what is stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagFields {
    pub slug: Option<String>,
    pub name: Option<String>,
}

/// What sections, authors and tags share: a name, and a slug unique among
/// their kind. Each command below is written once for all three.
pub(super) trait Named: EntityTrait<Model: Sync> {
    const RESOURCE: Resource;
    const AUDITED: Audited;
    const SLUG: Self::Column;
    const ID: Self::Column;
    /// What the outside hears when one is created, edited, deleted.
    const EVENTS: [EventKind; 3];

    fn events(action: AuditAction) -> EventKind {
        match action {
            AuditAction::Create => Self::EVENTS[0],
            AuditAction::Delete => Self::EVENTS[2],
            _ => Self::EVENTS[1],
        }
    }
}

impl Named for section_rows::Entity {
    const RESOURCE: Resource = Resource::Section;
    const AUDITED: Audited = Audited::Section;
    const SLUG: section_rows::Column = section_rows::Column::Slug;
    const ID: section_rows::Column = section_rows::Column::Id;
    const EVENTS: [EventKind; 3] = [
        EventKind::SectionCreated,
        EventKind::SectionUpdated,
        EventKind::SectionDeleted,
    ];
}

impl Named for authors::Entity {
    const RESOURCE: Resource = Resource::Author;
    const AUDITED: Audited = Audited::Author;
    const SLUG: authors::Column = authors::Column::Slug;
    const ID: authors::Column = authors::Column::Id;
    const EVENTS: [EventKind; 3] = [
        EventKind::AuthorCreated,
        EventKind::AuthorUpdated,
        EventKind::AuthorDeleted,
    ];
}

impl Named for tags::Entity {
    const RESOURCE: Resource = Resource::Tag;
    const AUDITED: Audited = Audited::Tag;
    const SLUG: tags::Column = tags::Column::Slug;
    const ID: tags::Column = tags::Column::Id;
    const EVENTS: [EventKind; 3] = [
        EventKind::TagCreated,
        EventKind::TagUpdated,
        EventKind::TagDeleted,
    ];
}

/// The row with this id, or not found as its kind.
pub(super) async fn find<E: Named>(db: &impl ConnectionTrait, id: i64) -> Result<E::Model> {
    E::find()
        .filter(E::ID.eq(id))
        .one(db)
        .await?
        .ok_or(Error::NotFound(E::RESOURCE))
}

/// The slug to store for a row of `E` (`except`: the row itself, on update):
/// on create, the given one or one made from the name; on update, only a
/// newly given one (`None` keeps the stored slug). Problems go to `checks`.
pub(super) async fn named_slug<E: Named>(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    given: Option<&str>,
    name: &str,
    except: Option<i64>,
) -> Result<Option<String>> {
    if except.is_some() && given.is_none() {
        return Ok(None);
    }
    free_slug(given, name, "untitled", checks, |slug| async move {
        Ok(crate::db::slug_in_use::<E>(db, E::SLUG, E::ID, &slug, except).await?)
    })
    .await
}

/// Records the write of the row of `E` with `id` and `slug` in the audit
/// log, tells the outside, and commits it.
pub(super) async fn record<E: Named>(
    desk: &Newsdesk,
    txn: DatabaseTransaction,
    actor: &Actor,
    action: AuditAction,
    (id, slug): (i64, &str),
    detail: impl Into<String>,
) -> Result<()> {
    audit::record(&txn, actor, action, E::AUDITED, Some(id), detail).await?;
    let kind = E::events(action);
    super::outbox::taxonomy_written(desk, &txn, kind, id, slug).await?;
    txn.commit().await?;
    Ok(())
}
