//! Fast public reads. Every public response carries a strong ETag, a
//! `Cache-Control` and the tags of what it shows (`Surrogate-Key`), so
//! browsers, CDNs and this process's own store can all keep it until a write
//! changes what it shows, and no longer.

pub mod flights;
pub mod front;
pub mod invalidation;
pub mod middleware;
pub mod store;

use std::sync::Arc;

use crate::config::{CacheConfig, Freshness};
use crate::domain::Newsdesk;
use crate::domain::cache_tags::CacheTag;
use crate::error::Result;
use invalidation::Invalidation;
use store::{ResponseStore, TagClock};

/// The response cache and what keeps it true.
pub struct ResponseCache {
    pub store: ResponseStore,
    pub flights: flights::Flights,
    pub clock: Arc<TagClock>,
    pub invalidation: Invalidation,
    pub freshness: Freshness,
}

impl ResponseCache {
    pub fn new(config: CacheConfig) -> Self {
        ResponseCache {
            store: ResponseStore::new(config.capacity_bytes),
            flights: flights::Flights::default(),
            clock: Arc::new(TagClock::default()),
            invalidation: Invalidation::default(),
            freshness: config.freshness,
        }
    }

    /// Retires what writes since the last call changed, on this node or any other.
    pub async fn catch_up(&self, desk: &Newsdesk) -> Result<()> {
        self.invalidation.catch_up(desk, &self.clock).await
    }

    /// Makes sure what is served reflects every write and every publication
    /// time passed so far; call before reading for a public response.
    pub async fn ready_for_read(&self, desk: &Newsdesk) -> Result<()> {
        self.invalidation.publish_due(desk, &self.clock).await?;
        if !self.invalidation.started() {
            self.catch_up(desk).await?;
        }
        Ok(())
    }

    /// Reading counts were written: retire what ranks by them.
    pub fn views_flushed(&self) {
        self.clock.changed([CacheTag::Popular]);
    }
}
