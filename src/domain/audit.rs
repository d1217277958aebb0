//! The audit log: who wrote what, to which record, and when. Every write
//! records itself in the same transaction as the change.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::actor::{Actor, Scope};
use super::page::Limit;
use super::time;
use crate::db::entities::audit_log;
use crate::error::Result;

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
pub async fn recent(
    db: &impl ConnectionTrait,
    actor: &Actor,
    limit: Limit,
) -> Result<Vec<AuditEntry>> {
    actor.require(Scope::Admin)?;
    let rows = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::CreatedAt)
        .order_by_desc(audit_log::Column::Id)
        .limit(limit.get())
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            actor: r.actor,
            action: r.action,
            resource: r.resource,
            resource_id: r.resource_id,
            detail: r.detail,
            at: r.created_at,
        })
        .collect())
}
