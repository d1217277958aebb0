//! The audit log: who wrote what, to which record, and when. Every write
//! records itself in the same transaction as the change.

use crate::domain::Newsdesk;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::actor::{Actor, Scope};
use super::page::Limit;
use super::time;
use super::visibility::{ArticleStatus, CommentStatus};
use crate::db::entities::audit_log;
use crate::error::{Error, Result};

/// What a caller needs for these commands.
pub const SCOPE: Scope = Scope::Admin;

/// What a write did. Stored as text: the names below, or the status an
/// article moved to or a comment was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    Create,
    Update,
    Delete,
    SetRelatedLinks,
    /// An article's fields were put back as an earlier revision left them.
    Restore,
    /// A public note (correction, clarification, update) went on an article.
    Annotate,
    /// A public note came off an article.
    RemoveNote,
    /// A reader's comment came in; the detail says in which status.
    Submit,
    Revoke,
    /// A webhook delivery was queued again by hand.
    Redeliver,
    /// A whole newsroom was written at once, by the seed commands.
    Seed,
    /// An article moved to this status.
    Moved(ArticleStatus),
    /// A moderator gave a comment this status.
    Moderated(CommentStatus),
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::SetRelatedLinks => "set_related_links",
            AuditAction::Restore => "restore",
            AuditAction::Annotate => "annotate",
            AuditAction::RemoveNote => "remove_note",
            AuditAction::Submit => "submit",
            AuditAction::Revoke => "revoke",
            AuditAction::Redeliver => "redeliver",
            AuditAction::Seed => "seed",
            AuditAction::Moved(status) => status.as_str(),
            AuditAction::Moderated(status) => status.as_str(),
        }
    }

    fn stored(raw: &str) -> Result<AuditAction> {
        use AuditAction::*;
        let plain = [
            Create,
            Update,
            Delete,
            SetRelatedLinks,
            Restore,
            Annotate,
            RemoveNote,
            Submit,
            Revoke,
            Redeliver,
            Seed,
        ];
        let all = plain
            .into_iter()
            .chain(ArticleStatus::ALL.map(Moved))
            .chain(CommentStatus::ALL.map(Moderated));
        stored("audit action", all, AuditAction::as_str, raw)
    }
}

/// The value of `all` stored as `raw`; text this code never writes is a fault.
fn stored<T: Copy>(
    what: &str,
    all: impl IntoIterator<Item = T>,
    text: fn(T) -> &'static str,
    raw: &str,
) -> Result<T> {
    all.into_iter()
        .find(|value| text(*value) == raw)
        .ok_or_else(|| Error::Internal(format!("unknown stored {what} {raw:?}")))
}

/// What kind of record a write touched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audited {
    Article,
    Comment,
    Section,
    Author,
    Tag,
    User,
    Token,
    Newsroom,
    /// The preview links of the article the entry names.
    PreviewLink,
    /// The live coverage of the article the entry names; the detail is the
    /// entry's id.
    LiveEntry,
    /// A webhook endpoint, or the deliveries owed to it.
    Webhook,
}

impl Audited {
    const ALL: [Audited; 11] = [
        Audited::Article,
        Audited::Comment,
        Audited::Section,
        Audited::Author,
        Audited::Tag,
        Audited::User,
        Audited::Token,
        Audited::Newsroom,
        Audited::PreviewLink,
        Audited::LiveEntry,
        Audited::Webhook,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Audited::Article => "article",
            Audited::Comment => "comment",
            Audited::Section => "section",
            Audited::Author => "author",
            Audited::Tag => "tag",
            Audited::User => "user",
            Audited::Token => "token",
            Audited::Newsroom => "newsroom",
            Audited::PreviewLink => "preview_link",
            Audited::LiveEntry => "live_entry",
            Audited::Webhook => "webhook",
        }
    }

    fn stored(raw: &str) -> Result<Audited> {
        stored("audited resource", Self::ALL, Audited::as_str, raw)
    }

    /// Sections, authors and tags: what every response names.
    pub fn is_taxonomy(self) -> bool {
        matches!(self, Audited::Section | Audited::Author | Audited::Tag)
    }
}

/// One recorded write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub actor: String,
    pub action: AuditAction,
    pub resource: Audited,
    pub resource_id: Option<i64>,
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// Records a write by `actor`, inside the write's own transaction.
///
/// The log is read as an ordered feed ("everything after entry N"), so its
/// ids must follow commit order. PostgreSQL hands out ids when a row is
/// inserted, not when it commits: two writes committing in the other order
/// would let a reader pass an id whose entry was not yet visible, and miss
/// it for good. On PostgreSQL each write therefore holds one advisory lock
/// from its entry to its commit, so entries become visible in id order; the
/// same statement sends the `NOTIFY` that wakes subscribers at that commit.
/// SQLite has a single writer, so it needs neither.
#[tracing::instrument(level = "info", skip_all)]
pub async fn record(
    db: &DatabaseTransaction,
    actor: &Actor,
    action: AuditAction,
    resource: Audited,
    resource_id: Option<i64>,
    detail: impl Into<String>,
) -> Result<()> {
    super::events::serialize_and_notify(db).await?;
    audit_log::ActiveModel {
        actor: Set(actor.to_string()),
        action: Set(action.as_str().to_owned()),
        resource: Set(resource.as_str().to_owned()),
        resource_id: Set(resource_id),
        detail: Set(detail.into()),
        created_at: Set(time::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The newest entries; admins only.
#[tracing::instrument(level = "info", skip_all)]
pub async fn recent(desk: &Newsdesk, actor: &Actor, limit: Limit) -> Result<Vec<AuditEntry>> {
    let db = desk.db();
    actor.require(SCOPE)?;
    let rows = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::CreatedAt)
        .order_by_desc(audit_log::Column::Id)
        .limit(limit.get())
        .all(db)
        .await?;
    rows.into_iter().map(AuditEntry::try_from).collect()
}

/// Entries written after entry `after`, oldest first, at most `limit` of
/// them: the feed that tells every API node what changed. Not an actor's read.
pub async fn since(db: &impl ConnectionTrait, after: i64, limit: u64) -> Result<Vec<AuditEntry>> {
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::Id.gt(after))
        .order_by_asc(audit_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    rows.into_iter().map(AuditEntry::try_from).collect()
}

/// The id of the newest entry, 0 when there is none.
pub async fn latest_id(db: &impl ConnectionTrait) -> Result<i64> {
    let newest = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .one(db)
        .await?;
    Ok(newest.map_or(0, |r| r.id))
}

impl TryFrom<audit_log::Model> for AuditEntry {
    type Error = Error;

    fn try_from(r: audit_log::Model) -> Result<Self> {
        let action = AuditAction::stored(&r.action)?;
        let resource = Audited::stored(&r.resource)?;
        Ok(AuditEntry {
            id: r.id,
            actor: r.actor,
            action,
            resource,
            resource_id: r.resource_id,
            detail: r.detail,
            at: r.created_at,
        })
    }
}
