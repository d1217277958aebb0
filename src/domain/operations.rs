//! What an operator watches: the pool, the queue of deliveries owed, the
//! subscriptions open. Read when `/metrics` is scraped, so nothing is kept
//! up to date between scrapes.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::actor::{Actor, Scope};
use super::newsdesk::Newsdesk;
use super::webhooks::deliveries::PENDING;
use crate::db::PoolUse;
use crate::db::entities::webhook_deliveries;
use crate::error::Result;

/// Who may read the numbers.
pub const SCOPE: Scope = Scope::MetricsRead;

/// This node's state now.
#[derive(Clone, Debug)]
pub struct Operations {
    pub pool: PoolUse,
    /// Deliveries not yet sent or waiting for a retry, by target
    /// (`webhook`, `purge`, `mail`): shared by the fleet.
    pub deliveries_waiting: Vec<(String, u64)>,
    /// GraphQL subscriptions and event streams this node serves.
    pub subscribers: usize,
    /// Article views counted in memory and not yet written.
    pub views_pending: i64,
}

impl Newsdesk {
    /// The numbers behind `/metrics`.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn operations(&self, actor: &Actor) -> Result<Operations> {
        actor.require(SCOPE)?;
        let waiting: Vec<(String, i64)> = webhook_deliveries::Entity::find()
            .select_only()
            .column(webhook_deliveries::Column::Target)
            .column_as(webhook_deliveries::Column::Id.count(), "waiting")
            .filter(webhook_deliveries::Column::Status.eq(PENDING))
            .group_by(webhook_deliveries::Column::Target)
            .into_tuple()
            .all(self.db())
            .await?;
        Ok(Operations {
            pool: crate::db::pool_use(self.db()),
            deliveries_waiting: waiting
                .into_iter()
                .map(|(target, n)| (target, u64::try_from(n).unwrap_or(0)))
                .collect(),
            subscribers: self.event_subscribers(),
            views_pending: self.pending_views(),
        })
    }
}
