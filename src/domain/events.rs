//! Public changes as they happen, for subscribers: a live entry added, a
//! comment approved, an article updated. The source is the audit log, which
//! every write fills inside its own transaction: it is complete, ordered and
//! shared by every node over one database, so an event written on one node
//! reaches subscribers on all of them, and none is invented by a write that
//! rolled back. While anyone subscribes, each node reads the log's new
//! entries and fans them out in memory: on PostgreSQL as soon as a write
//! commits (every audited write sends `NOTIFY` on [`CHANNEL`] in its own
//! transaction, so the wake-up arrives with the commit and never before it),
//! with a read every [`FALLBACK`] in case a notification is lost; on SQLite,
//! whose writers share one machine, every [`POLL`].

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::postgres::{PgListener, PgPoolOptions};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QuerySelect,
};
use tokio::sync::{Mutex, broadcast};

use super::audit::{self, AuditAction, AuditEntry, Audited};
use super::ids::ArticleId;
use super::newsdesk::Newsdesk;
use super::visibility::{ArticleStatus, CommentStatus, PUBLIC_COMMENT_STATUS};
use crate::db::entities::comments;
use crate::error::Result;

/// How often the log is read while someone listens, on SQLite.
pub const POLL: Duration = Duration::from_millis(100);
/// How often the log is read on PostgreSQL when no notification came: the
/// safety net for one lost while the listener reconnects. Longer than the
/// tests wait for an event, so the PostgreSQL run of the subscription tests
/// fails if notifications stop working.
pub const FALLBACK: Duration = Duration::from_secs(10);
/// The PostgreSQL channel every audited write notifies.
pub const CHANNEL: &str = "newsdesk_changes";
/// Events a slow subscriber may fall behind by before it hears it lagged.
const BACKLOG: usize = 1024;
/// Entries read per statement.
const BATCH: u64 = 500;

/// A change the public may hear of. Subscribers read what it names through
/// the read policy, so an event about something not public shows nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicEvent {
    LiveEntryAdded { article: ArticleId, entry: i64 },
    CommentApproved { article: ArticleId, comment: i64 },
    ArticleUpdated { article: ArticleId },
}

impl PublicEvent {
    pub fn article(&self) -> ArticleId {
        match *self {
            PublicEvent::LiveEntryAdded { article, .. }
            | PublicEvent::CommentApproved { article, .. }
            | PublicEvent::ArticleUpdated { article } => article,
        }
    }
}

/// The fan-out of one node.
pub(crate) struct EventHub {
    sender: broadcast::Sender<PublicEvent>,
    /// The last log entry fanned out; `None` while nobody listens.
    position: Arc<Mutex<Option<i64>>>,
}

impl Default for EventHub {
    fn default() -> Self {
        EventHub {
            sender: broadcast::channel(BACKLOG).0,
            position: Arc::new(Mutex::new(None)),
        }
    }
}

impl Newsdesk {
    /// Starts listening: every public change committed from now on, on any
    /// node, arrives on the receiver.
    pub async fn subscribe_events(&self) -> Result<broadcast::Receiver<PublicEvent>> {
        let hub = self.events();
        let mut position = hub.position.lock().await;
        if position.is_none() {
            // Listen before noting where the log stands: a write that
            // commits in between is then either before the position or
            // notified, never lost.
            let wake = Wake::start(self.db(), POLL, FALLBACK).await;
            *position = Some(audit::latest_id(self.db()).await?);
            let desk = self.clone();
            tokio::spawn(async move { desk.fan_out(wake).await });
        }
        // Counted as a subscriber only now, with the fan-out in place: what
        // commits from here on reaches this receiver.
        Ok(hub.sender.subscribe())
    }

    /// How many subscriptions this node is serving now.
    pub fn event_subscribers(&self) -> usize {
        self.events().sender.receiver_count()
    }

    /// Reads the log and sends what it says until nobody listens.
    async fn fan_out(self, mut wake: Wake) {
        let mut behind = false;
        loop {
            // A full batch may have left more to read: read on at once.
            if !behind {
                wake.wait().await;
            }
            let hub = self.events();
            let mut position = hub.position.lock().await;
            if hub.sender.receiver_count() == 0 {
                *position = None;
                return;
            }
            let Some(after) = *position else { return };
            match self.events_after(after).await {
                Ok((last, events, full)) => {
                    behind = full;
                    *position = Some(last);
                    for event in events {
                        // No receiver left is not an error: the next tick ends the loop.
                        let _ = hub.sender.send(event);
                    }
                }
                Err(e) => {
                    behind = false;
                    tracing::warn!(error = %e, "could not read the change feed for subscribers; retrying")
                }
            }
        }
    }

    /// The public events among the next log entries after `after`, the new
    /// position, and whether the batch was full (more may follow).
    async fn events_after(&self, after: i64) -> Result<(i64, Vec<PublicEvent>, bool)> {
        let entries = audit::since(self.db(), after, BATCH).await?;
        let full = entries.len() as u64 == BATCH;
        let last = entries.last().map_or(after, |e| e.id);
        let approved: Vec<i64> = entries
            .iter()
            .filter(|e| is_approval(e))
            .filter_map(|e| e.resource_id)
            .collect();
        let on: Vec<(i64, i64)> = if approved.is_empty() {
            Vec::new()
        } else {
            comments::Entity::find()
                .select_only()
                .columns([comments::Column::Id, comments::Column::ArticleId])
                .filter(comments::Column::Id.is_in(approved))
                .filter(comments::Column::Status.eq(PUBLIC_COMMENT_STATUS))
                .into_tuple()
                .all(self.db())
                .await?
        };
        let events = entries.iter().filter_map(|e| event_of(e, &on)).collect();
        Ok((last, events, full))
    }
}

impl Newsdesk {
    /// Something to wait on for the next committed write, on any node: on
    /// PostgreSQL a notification (or `fallback` passing without one), on
    /// SQLite every `poll`.
    pub async fn change_signal(&self, poll: Duration, fallback: Duration) -> ChangeSignal {
        ChangeSignal(Wake::start(self.db(), poll, fallback).await)
    }
}

/// Wakes whoever follows the change feed when there may be news.
pub struct ChangeSignal(Wake);

impl ChangeSignal {
    /// Returns when a write may have committed since the last call.
    pub async fn wait(&mut self) {
        self.0.wait().await;
    }
}

/// What wakes the fan-out: a notification, or the clock.
enum Wake {
    Listen(PgListener, Duration),
    Poll(tokio::time::Interval),
}

impl Wake {
    /// Listens on PostgreSQL, on a connection of its own so that the pool
    /// keeps every connection for requests; polls otherwise, or if listening fails.
    async fn start(db: &DatabaseConnection, poll: Duration, fallback: Duration) -> Wake {
        if db.get_database_backend() == DbBackend::Postgres {
            let pool = db.get_postgres_connection_pool();
            let own = PgPoolOptions::new()
                .max_connections(1)
                .connect_lazy_with((*pool.connect_options()).clone());
            match PgListener::connect_with(&own).await {
                Ok(mut listener) => match listener.listen(CHANNEL).await {
                    Ok(()) => return Wake::Listen(listener, fallback),
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot LISTEN for changes; polling instead")
                    }
                },
                Err(e) => tracing::warn!(error = %e, "cannot LISTEN for changes; polling instead"),
            }
        }
        let mut tick = tokio::time::interval(poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Wake::Poll(tick)
    }

    async fn wait(&mut self) {
        match self {
            // A lost connection is reconnected by the listener; the fallback
            // read covers whatever was written meanwhile.
            Wake::Listen(listener, fallback) => {
                let _ = tokio::time::timeout(*fallback, listener.recv()).await;
            }
            Wake::Poll(tick) => {
                tick.tick().await;
            }
        }
    }
}

/// The advisory lock that orders audit entries on PostgreSQL (see
/// `audit::record`); any number will do as long as nothing else takes it.
const FEED_LOCK: i64 = 0x6e65_7773_6465_736b; // "newsdesk"

/// On PostgreSQL: waits for the feed's lock, held until the caller's
/// transaction ends, and wakes every node's fan-out when it commits.
pub(crate) async fn serialize_and_notify(txn: &DatabaseTransaction) -> Result<()> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!(
            "SELECT pg_advisory_xact_lock({FEED_LOCK}), pg_notify('{CHANNEL}', '')"
        ))
        .await?;
    }
    Ok(())
}

fn is_approval(e: &AuditEntry) -> bool {
    e.resource == Audited::Comment
        && (e.action == AuditAction::Moderated(CommentStatus::Approved)
            || (e.action == AuditAction::Submit && e.detail == PUBLIC_COMMENT_STATUS))
}

/// What one log entry tells subscribers, if anything. `on` maps approved
/// comments to their articles.
fn event_of(e: &AuditEntry, on: &[(i64, i64)]) -> Option<PublicEvent> {
    let id = e.resource_id?;
    match e.resource {
        Audited::LiveEntry if e.action == AuditAction::Create => {
            Some(PublicEvent::LiveEntryAdded {
                article: ArticleId(id),
                entry: e.detail.parse().ok()?,
            })
        }
        Audited::Comment if is_approval(e) => {
            let (comment, article) = on.iter().find(|(comment, _)| *comment == id)?;
            Some(PublicEvent::CommentApproved {
                article: ArticleId(*article),
                comment: *comment,
            })
        }
        Audited::Article
            if matches!(
                e.action,
                AuditAction::Update
                    | AuditAction::SetRelatedLinks
                    | AuditAction::Restore
                    | AuditAction::Annotate
                    | AuditAction::RemoveNote
                    | AuditAction::Moved(ArticleStatus::Published)
            ) =>
        {
            Some(PublicEvent::ArticleUpdated {
                article: ArticleId(id),
            })
        }
        _ => None,
    }
}
