//! Keeping the response cache true. The domain's change feed says which tags
//! each write retired: the node that served a write reads it at once, and
//! every node polls it, which keeps a fleet of stateless nodes over one
//! database consistent without a message bus. Scheduled articles have no
//! write at the moment they go live; the clock is watched for them instead.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use tokio::sync::Mutex;

use super::store::TagClock;
use crate::domain::Newsdesk;
use crate::domain::cache_tags::CacheTag;
use crate::error::Result;

/// Entries read from the log per statement.
const FEED_BATCH: u64 = 500;
/// Not yet looked up.
const UNKNOWN: i64 = i64::MIN;
/// No article is waiting for its time.
const NOTHING_SCHEDULED: i64 = i64::MAX;

#[derive(Debug)]
pub struct Invalidation {
    /// The last audit entry applied; `None` until the first look.
    applied: Mutex<Option<i64>>,
    started: AtomicBool,
    /// When the next scheduled article goes live, in Unix milliseconds.
    next_publication: AtomicI64,
    recheck: Mutex<()>,
}

impl Default for Invalidation {
    fn default() -> Self {
        Invalidation {
            applied: Mutex::new(None),
            started: AtomicBool::new(false),
            next_publication: AtomicI64::new(UNKNOWN),
            recheck: Mutex::new(()),
        }
    }
}

impl Invalidation {
    /// Applies every write logged since the last call. The first call only
    /// notes where the log stands: nothing was cached before it.
    pub async fn catch_up(&self, desk: &Newsdesk, clock: &Arc<TagClock>) -> Result<()> {
        let mut applied = self.applied.lock().await;
        let Some(mut after) = *applied else {
            *applied = Some(desk.change_feed_position().await?);
            self.started.store(true, Ordering::SeqCst);
            return Ok(());
        };
        loop {
            let changes = desk.changes_after(after, FEED_BATCH).await?;
            let Some(last) = changes.last else { break };
            after = last;
            if changes.everything {
                clock.changed_everything();
            } else if !changes.retired.is_empty() {
                clock.changed(changes.retired.iter().copied());
            }
            if let Some(lag) = desk.replica_lag_bound() {
                retire_again_after(lag, clock, changes.retired, changes.everything);
            }
            *applied = Some(after);
            if changes.touched_articles || changes.everything {
                self.recheck_schedule(desk, clock, true).await?;
            }
            if (changes.writes as u64) < FEED_BATCH {
                break;
            }
        }
        Ok(())
    }

    /// Whether the log's position has been noted.
    pub fn started(&self) -> bool {
        self.started.load(Ordering::SeqCst)
    }

    /// Retires every list once a scheduled article's time has come. Cheap
    /// when nothing is due: one atomic read.
    pub async fn publish_due(&self, desk: &Newsdesk, clock: &TagClock) -> Result<()> {
        let now = desk.now().timestamp_millis();
        if now < self.next_publication.load(Ordering::SeqCst) {
            return Ok(());
        }
        self.recheck_schedule(desk, clock, false).await
    }

    /// Looks up the next publication time again, first retiring lists if the
    /// one known before has passed. `always` after writes, which may have
    /// scheduled something sooner.
    async fn recheck_schedule(
        &self,
        desk: &Newsdesk,
        clock: &TagClock,
        always: bool,
    ) -> Result<()> {
        let _one_at_a_time = self.recheck.lock().await;
        let now = desk.now();
        let known = self.next_publication.load(Ordering::SeqCst);
        let due = known != UNKNOWN && known <= now.timestamp_millis();
        if !due && !always && known != UNKNOWN {
            return Ok(());
        }
        if due {
            clock.changed([CacheTag::Articles]);
        }
        let next = desk.next_publication(now).await?;
        self.next_publication.store(
            next.map_or(NOTHING_SCHEDULED, |at| at.timestamp_millis()),
            Ordering::SeqCst,
        );
        Ok(())
    }
}

/// With read replicas, a read that follows a write may still see a replica
/// from before it, and the cache would keep that answer under the new
/// state. Replicas in use are never further behind than `lag`, so retiring
/// the same tags once more after it drops whatever such a read stored.
fn retire_again_after(lag: Duration, clock: &Arc<TagClock>, tags: Vec<CacheTag>, everything: bool) {
    if tags.is_empty() && !everything {
        return;
    }
    let clock = clock.clone();
    tokio::spawn(async move {
        tokio::time::sleep(lag).await;
        if everything {
            clock.changed_everything();
        } else {
            clock.changed(tags);
        }
    });
}
