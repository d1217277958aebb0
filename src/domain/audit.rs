//! The audit log: who wrote what, to which record, and when. Every write
//! records itself in the same transaction as the change.

use crate::domain::Newsdesk;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::actor::{Actor, Scope};
use super::page::Limit;
use super::time;
use crate::db::entities::audit_log;
use crate::error::Result;

/// What a caller needs for these commands.
pub const SCOPE: Scope = Scope::Admin;

/// One recorded write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub resource: String,
    pub resource_id: Option<i64>,
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// Records a write by `actor`. Call it inside the write's transaction.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    resource: &str,
    resource_id: Option<i64>,
    detail: impl Into<String>,
) -> Result<()> {
    audit_log::ActiveModel {
        actor: Set(actor.to_string()),
        action: Set(action.to_owned()),
        resource: Set(resource.to_owned()),
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
pub async fn recent(desk: &Newsdesk, actor: &Actor, limit: Limit) -> Result<Vec<AuditEntry>> {
    let db = desk.db();
    actor.require(SCOPE)?;
    let rows = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::CreatedAt)
        .order_by_desc(audit_log::Column::Id)
        .limit(limit.get())
        .all(db)
        .await?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
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
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// The id of the newest entry, 0 when there is none.
pub async fn latest_id(db: &impl ConnectionTrait) -> Result<i64> {
    let newest = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .one(db)
        .await?;
    Ok(newest.map_or(0, |r| r.id))
}

impl From<audit_log::Model> for AuditEntry {
    fn from(r: audit_log::Model) -> Self {
        AuditEntry {
            id: r.id,
            actor: r.actor,
            action: r.action,
            resource: r.resource,
            resource_id: r.resource_id,
            detail: r.detail,
            at: r.created_at,
        }
    }
}
