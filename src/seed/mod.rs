//! The demo newsroom: a week-one site to browse, written for this project
//! through the same domain commands an editor uses, so every piece of it is
//! validated and in the audit log. Seeded into an empty database by
//! `newsdesk seed --demo` and on first start; `newsdesk seed --scale`
//! generates a newsroom of any size for benchmarks, in bulk.

pub mod coverage;
mod newsroom;
pub mod scale;

use sea_orm::DatabaseConnection;

use crate::domain::Newsdesk;
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

/// Seeds the demo newsroom into an empty database. Refuses a database that
/// has content, so nothing stored is ever mixed with or overwritten by demo data.
pub async fn demo(desk: &Newsdesk) -> Result<(), SeedError> {
    if !desk.is_empty().await? {
        return Err(SeedError::NotEmpty);
    }
    newsroom::seed(desk).await?;
    Ok(())
}

/// Records a bulk seeding as one write in the audit log, so running nodes
/// hear of it and retire every cached response: the benchmark generator
/// writes past the domain's one-record commands, and this is its one entry.
pub(crate) async fn record_seeding(db: &DatabaseConnection, what: &str) -> Result<(), SeedError> {
    let txn = crate::db::begin_write(db).await?;
    audit::record(
        &txn,
        &Actor::Operator,
        AuditAction::Seed,
        Audited::Newsroom,
        None,
        what,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
