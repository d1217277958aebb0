//! The demo newsroom: a week-one site to browse, written for this project.
//! Seeded into an empty database by `newsdesk seed --demo` and on first start;
//! `newsdesk seed --scale` generates a newsroom of any size for benchmarks.

mod newsroom;
pub mod scale;

use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::db::entities::{articles, sections};
use crate::domain::actor::Actor;
use crate::domain::audit::{self, AuditAction, Audited};

/// Why seeding stopped.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("the database already has content; the demo is only seeded into an empty one")]
    NotEmpty,
    #[error(transparent)]
    Domain(#[from] crate::error::Error),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

/// True when there are neither sections nor articles.
pub async fn is_empty(db: &impl ConnectionTrait) -> Result<bool, sea_orm::DbErr> {
    Ok(sections::Entity::find().count(db).await? == 0
        && articles::Entity::find().count(db).await? == 0)
}

/// Seeds the demo newsroom into an empty database. Refuses a database that
/// has content, so nothing stored is ever mixed with or overwritten by demo data.
pub async fn demo(db: &DatabaseConnection) -> Result<(), SeedError> {
    if !is_empty(db).await? {
        return Err(SeedError::NotEmpty);
    }
    newsroom::seed(db).await?;
    record_seeding(db, "the demo newsroom").await
}

/// Records a seeding as one write in the audit log, so running nodes hear
/// of it and retire every cached response. Seeding writes in bulk, past the
/// domain's one-record commands; this is its one entry.
pub(crate) async fn record_seeding(db: &DatabaseConnection, what: &str) -> Result<(), SeedError> {
    audit::record(
        db,
        &Actor::Operator,
        AuditAction::Seed,
        Audited::Newsroom,
        None,
        what,
    )
    .await?;
    Ok(())
}
