//! Read replicas. Public reads go to a replica that answers and is not too
//! far behind; writes, every read made for a write, and the reads of anyone
//! who may write go to the primary, so a writer always reads its own writes
//! (editors and write-scoped tokens are few; anonymous readers and read-only
//! partner tokens are the load). A replica is checked every second: one that
//! stops answering, or falls behind by more than the configured lag, is
//! skipped until it is back within it. With no replica usable, the primary
//! serves everything.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use super::actor::{Actor, Scope};

/// How long one replica check may take before the replica counts as down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(1);

/// How far a PostgreSQL standby is behind, in milliseconds: nothing when it
/// has replayed all it received (an idle primary sends nothing new, which
/// must not read as lag), else the age of the last transaction it replayed.
/// A server that is not a standby (a copy standing in for one) is not behind.
const LAG_QUERY: &str = "SELECT CAST(CASE \
    WHEN NOT pg_is_in_recovery() THEN 0 \
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) * 1000, 0) \
    END AS BIGINT) AS lag_ms";

struct Replica {
    /// Where it is, for the log: host and database, never credentials.
    name: String,
    db: DatabaseConnection,
    usable: AtomicBool,
}

/// The replicas public reads may use.
pub struct Replicas {
    members: Vec<Replica>,
    max_lag: Duration,
    next: AtomicUsize,
}

impl std::fmt::Debug for Replicas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replicas")
            .field(
                "members",
                &self.members.iter().map(|r| &r.name).collect::<Vec<_>>(),
            )
            .field("max_lag", &self.max_lag)
            .finish()
    }
}

impl Replicas {
    /// Replicas by name and pool, skipped once behind by more than
    /// `max_lag`. None is used before its first check.
    pub fn new(members: Vec<(String, DatabaseConnection)>, max_lag: Duration) -> Replicas {
        Replicas {
            members: members
                .into_iter()
                .map(|(name, db)| Replica {
                    name,
                    db,
                    usable: AtomicBool::new(false),
                })
                .collect(),
            max_lag,
            next: AtomicUsize::new(0),
        }
    }

    /// The most a replica in use may be behind: a response read from one
    /// may be that much older than the writes the cache has heard of.
    pub fn max_lag(&self) -> Duration {
        self.max_lag
    }

    /// A usable replica, taking turns; `None` when none is.
    pub(in crate::domain) fn pick(&self) -> Option<&DatabaseConnection> {
        let count = self.members.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        (0..count)
            .map(|i| &self.members[(start + i) % count])
            .find(|r| r.usable.load(Ordering::Relaxed))
            .map(|r| &r.db)
    }

    /// Asks each replica how far behind it is, and uses it only while it
    /// answers within [`CHECK_TIMEOUT`] and is within the allowed lag.
    pub async fn check(&self) {
        for replica in &self.members {
            let lag = match tokio::time::timeout(CHECK_TIMEOUT, lag_of(&replica.db)).await {
                Ok(Ok(lag)) => Ok(lag),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err("no answer within a second".to_owned()),
            };
            let usable = matches!(&lag, Ok(lag) if *lag <= self.max_lag);
            let was = replica.usable.swap(usable, Ordering::SeqCst);
            match (&lag, was, usable) {
                (_, false, true) => tracing::info!(replica = %replica.name, "read replica in use"),
                (Ok(lag), true, false) => tracing::warn!(
                    replica = %replica.name,
                    lag_ms = lag.as_millis() as u64,
                    "read replica is too far behind; reading elsewhere until it catches up"
                ),
                (Err(reason), true, false) => tracing::warn!(
                    replica = %replica.name,
                    reason,
                    "read replica does not answer; reading elsewhere until it does"
                ),
                _ => {}
            }
        }
    }

    /// How many replicas are in use now.
    pub fn usable(&self) -> usize {
        self.members
            .iter()
            .filter(|r| r.usable.load(Ordering::Relaxed))
            .count()
    }
}

async fn lag_of(db: &DatabaseConnection) -> Result<Duration, sea_orm::DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        // A SQLite file has no replication to lag behind: it answers or not.
        db.ping().await?;
        return Ok(Duration::ZERO);
    }
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, LAG_QUERY))
        .await?;
    let millis: i64 = match row {
        Some(row) => row.try_get("", "lag_ms")?,
        None => 0,
    };
    Ok(Duration::from_millis(u64::try_from(millis).unwrap_or(0)))
}

/// Whether `actor` may change anything, and so reads from the primary to
/// see its own writes at once.
pub(in crate::domain) fn may_write(actor: &Actor) -> bool {
    [
        Scope::ContentWrite,
        Scope::CommentsWrite,
        Scope::CommentsModerate,
        Scope::Admin,
    ]
    .into_iter()
    .any(|scope| actor.has(scope))
}
