//! Fast public reads. Every public response carries a strong ETag, a
//! `Cache-Control` and the tags of what it shows (`Surrogate-Key`), so
//! browsers, CDNs and this process's own store can all keep it until a write
//! changes what it shows, and no longer.

pub mod flights;
pub mod http;
pub mod invalidation;
pub mod store;
pub mod tags;

use std::time::Duration;

use sea_orm::ConnectionTrait;

pub use tags::{CacheTag, CacheTags, TagCollector};

use crate::error::Result;
use invalidation::Invalidation;
use store::{ResponseStore, TagClock};

/// How long others may keep public responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Freshness {
    /// `max-age`: browsers and apps.
    pub max_age: Duration,
    /// `s-maxage`: shared caches, which can be purged by `Surrogate-Key`.
    pub shared_max_age: Duration,
    /// `stale-while-revalidate`.
    pub stale_while_revalidate: Duration,
}

impl Default for Freshness {
    fn default() -> Self {
        Freshness {
            max_age: Duration::from_secs(60),
            shared_max_age: Duration::from_secs(300),
            stale_while_revalidate: Duration::from_secs(60),
        }
    }
}

/// Settings of the response cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheConfig {
    /// Bytes the in-process store may hold; 0 switches it off.
    pub capacity_bytes: u64,
    pub freshness: Freshness,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            capacity_bytes: 32 * 1024 * 1024,
            freshness: Freshness::default(),
        }
    }
}

/// The response cache and what keeps it true.
pub struct ResponseCache {
    pub store: ResponseStore,
    pub flights: flights::Flights,
    pub clock: TagClock,
    pub invalidation: Invalidation,
    pub freshness: Freshness,
}

impl ResponseCache {
    pub fn new(config: CacheConfig) -> Self {
        ResponseCache {
            store: ResponseStore::new(config.capacity_bytes),
            flights: flights::Flights::default(),
            clock: TagClock::default(),
            invalidation: Invalidation::default(),
            freshness: config.freshness,
        }
    }

    /// Retires what writes since the last call changed, on this node or any other.
    pub async fn catch_up(&self, db: &impl ConnectionTrait) -> Result<()> {
        self.invalidation.catch_up(db, &self.clock).await
    }

    /// Makes sure what is served reflects every write and every publication
    /// time passed so far; call before reading for a public response.
    pub async fn ready_for_read(&self, db: &impl ConnectionTrait) -> Result<()> {
        self.invalidation.publish_due(db, &self.clock).await?;
        if !self.invalidation.started() {
            self.catch_up(db).await?;
        }
        Ok(())
    }

    /// Reading counts were written: retire what ranks by them.
    pub fn views_flushed(&self) {
        self.clock.changed([CacheTag::Popular]);
    }
}
