//! Which cached responses a write retired. Every write records itself in the
//! audit log inside its own transaction, so the log is a complete, ordered
//! feed of changes: the node that served a write reads it at once, and every
//! node polls it, which keeps a fleet of stateless nodes over one database
//! consistent without a message bus. Scheduled articles have no write at the
//! moment they go live; the clock is watched for them instead.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use sea_orm::ConnectionTrait;
use tokio::sync::Mutex;

use super::store::TagClock;
use super::tags::CacheTag;
use crate::domain::audit::{self, AuditEntry};
use crate::domain::{comments, time, visibility};
use crate::error::Result;

/// Entries read from the log per statement.
const FEED_BATCH: u64 = 500;
/// Not yet looked up.
const UNKNOWN: i64 = i64::MIN;
/// No article is waiting for its time.
const NOTHING_SCHEDULED: i64 = i64::MAX;

/// Article actions that cannot change what the public sees while the article
/// is neither published nor scheduled.
const EDITS: [&str; 3] = ["create", "update", "set_related_links"];

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
    pub async fn catch_up(&self, db: &impl ConnectionTrait, clock: &TagClock) -> Result<()> {
        let mut applied = self.applied.lock().await;
        let Some(mut after) = *applied else {
            *applied = Some(audit::latest_id(db).await?);
            self.started.store(true, Ordering::SeqCst);
            return Ok(());
        };
        loop {
            let entries = audit::since(db, after, FEED_BATCH).await?;
            let Some(last) = entries.last() else { break };
            after = last.id;
            let touched_articles = self.apply(db, clock, &entries).await?;
            *applied = Some(after);
            if touched_articles {
                self.recheck_schedule(db, clock, true).await?;
            }
            if (entries.len() as u64) < FEED_BATCH {
                break;
            }
        }
        Ok(())
    }

    /// Whether the log's position has been noted.
    pub fn started(&self) -> bool {
        self.started.load(Ordering::SeqCst)
    }

    /// Retires what `entries` changed; says whether any touched an article.
    async fn apply(
        &self,
        db: &impl ConnectionTrait,
        clock: &TagClock,
        entries: &[AuditEntry],
    ) -> Result<bool> {
        let mut tags = Vec::new();
        let articles = ids(entries, "article", |_| true);
        tags.extend(articles.iter().map(|&id| CacheTag::Article(id)));
        let edited = ids(entries, "article", |e| EDITS.contains(&e.action.as_str()));
        let moved =
            articles.len() > edited.len() || !visibility::live_among(db, &edited).await?.is_empty();
        if moved {
            tags.push(CacheTag::Articles);
        }
        // A comment held for moderation or caught as spam changes nothing public.
        let comments = ids(entries, "comment", |e| {
            e.action != "submit" || e.detail == visibility::PUBLIC_COMMENT_STATUS
        });
        if !comments.is_empty() {
            tags.push(CacheTag::Comments);
            let on = comments::articles_of(db, &comments).await?;
            tags.extend(on.into_iter().map(CacheTag::Article));
        }
        if entries
            .iter()
            .any(|e| ["section", "author", "tag"].contains(&e.resource.as_str()))
        {
            tags.push(CacheTag::Taxonomy);
        }
        if !tags.is_empty() {
            clock.changed(tags);
        }
        Ok(!articles.is_empty())
    }

    /// Retires every list once a scheduled article's time has come. Cheap
    /// when nothing is due: one atomic read.
    pub async fn publish_due(&self, db: &impl ConnectionTrait, clock: &TagClock) -> Result<()> {
        let now = time::now().timestamp_millis();
        if now < self.next_publication.load(Ordering::SeqCst) {
            return Ok(());
        }
        self.recheck_schedule(db, clock, false).await
    }

    /// Looks up the next publication time again, first retiring lists if the
    /// one known before has passed. `always` after writes, which may have
    /// scheduled something sooner.
    async fn recheck_schedule(
        &self,
        db: &impl ConnectionTrait,
        clock: &TagClock,
        always: bool,
    ) -> Result<()> {
        let _one_at_a_time = self.recheck.lock().await;
        let now = time::now();
        let known = self.next_publication.load(Ordering::SeqCst);
        let due = known != UNKNOWN && known <= now.timestamp_millis();
        if !due && !always && known != UNKNOWN {
            return Ok(());
        }
        if due {
            clock.changed([CacheTag::Articles]);
        }
        let next = visibility::next_publication(db, now).await?;
        self.next_publication.store(
            next.map_or(NOTHING_SCHEDULED, |at| at.timestamp_millis()),
            Ordering::SeqCst,
        );
        Ok(())
    }
}

/// The ids of `resource` records that entries matching `keep` wrote.
fn ids(entries: &[AuditEntry], resource: &str, keep: impl Fn(&AuditEntry) -> bool) -> Vec<i64> {
    entries
        .iter()
        .filter(|e| e.resource == resource && keep(e))
        .filter_map(|e| e.resource_id)
        .collect()
}
