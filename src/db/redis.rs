//! Redis, where a fleet of nodes keeps what they must count and remember
//! together: rate-limit windows and persisted queries. Optional: one node
//! needs nothing. Redis is never allowed to make a request wait long or fail
//! with a 500: every call is bounded in time, a call that fails reports
//! [`Unreachable`] for the caller's policy to decide, and an outage is logged
//! once when it starts and once when it ends.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::{Mutex, RwLock};

use crate::config::Secret;

/// How long one call may take before Redis counts as unreachable.
const CALL_TIMEOUT: Duration = Duration::from_millis(250);
/// After a failed attempt to connect, the next waits this long.
const RECONNECT_EVERY: Duration = Duration::from_secs(1);

/// Redis did not answer in time, or refused the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unreachable;

/// Counts one hit in a fixed window and tells where the window stands:
/// the window starts with its first hit and ends `ARGV[1]` ms later.
const WINDOW_HIT: &str = r"
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
";

/// Where a window stands, without counting.
const WINDOW_PEEK: &str = r"
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
return {n, redis.call('PTTL', KEYS[1])}
";

/// A lazily connected Redis, shared by every request of a node.
pub struct SharedStore {
    client: redis::Client,
    /// What every key this store writes starts with.
    prefix: String,
    connection: RwLock<Option<ConnectionManager>>,
    last_attempt: Mutex<Option<Instant>>,
    down: AtomicBool,
    hit: redis::Script,
    peek: redis::Script,
}

impl std::fmt::Debug for SharedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedStore").finish_non_exhaustive()
    }
}

impl SharedStore {
    /// A store for `url` (`redis://…`). Nothing is connected yet: a node
    /// starts while Redis is away and connects once it is back.
    pub fn new(url: &Secret, prefix: &str) -> Result<SharedStore, redis::RedisError> {
        Ok(SharedStore {
            client: redis::Client::open(url.expose())?,
            prefix: prefix.to_owned(),
            connection: RwLock::new(None),
            last_attempt: Mutex::new(None),
            down: AtomicBool::new(false),
            hit: redis::Script::new(WINDOW_HIT),
            peek: redis::Script::new(WINDOW_PEEK),
        })
    }

    /// Counts a hit on window `key` lasting `window`: the hits so far in
    /// it, and the time left until it ends.
    pub async fn window_hit(
        &self,
        key: &str,
        window: Duration,
    ) -> Result<(u64, Duration), Unreachable> {
        let millis = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        let (count, ttl): (u64, i64) = self
            .call(|mut conn| {
                let mut invocation = self.hit.key(format!("{}{key}", self.prefix));
                invocation.arg(millis);
                async move { invocation.invoke_async(&mut conn).await }
            })
            .await?;
        Ok((count, remaining(ttl)))
    }

    /// The hits counted on window `key`, and the time left in it.
    pub async fn window_peek(&self, key: &str) -> Result<(u64, Duration), Unreachable> {
        let (count, ttl): (u64, i64) = self
            .call(|mut conn| {
                let invocation = self.peek.key(format!("{}{key}", self.prefix));
                async move { invocation.invoke_async(&mut conn).await }
            })
            .await?;
        Ok((count, remaining(ttl)))
    }

    /// The text kept under `key`, if any.
    pub async fn get(&self, key: &str) -> Result<Option<String>, Unreachable> {
        let key = format!("{}{key}", self.prefix);
        self.call(
            |mut conn| async move { redis::cmd("GET").arg(&key).query_async(&mut conn).await },
        )
        .await
    }

    /// Keeps `value` under `key` for `ttl`.
    pub async fn set(&self, key: &str, value: &str, ttl: Duration) -> Result<(), Unreachable> {
        let key = format!("{}{key}", self.prefix);
        let seconds = ttl.as_secs().max(1);
        self.call(|mut conn| async move {
            redis::cmd("SET")
                .arg(&key)
                .arg(value)
                .arg("EX")
                .arg(seconds)
                .query_async(&mut conn)
                .await
        })
        .await
    }

    /// Runs one call on the shared connection, within [`CALL_TIMEOUT`].
    async fn call<T, F, Fut>(&self, run: F) -> Result<T, Unreachable>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: std::future::Future<Output = redis::RedisResult<T>>,
    {
        let conn = match self.connection().await {
            Ok(conn) => conn,
            Err(reason) => return Err(self.failed(&reason)),
        };
        match tokio::time::timeout(CALL_TIMEOUT, run(conn)).await {
            Ok(Ok(value)) => {
                if self.down.swap(false, Ordering::SeqCst) {
                    tracing::info!("Redis answers again; shared limits are counted there again");
                }
                Ok(value)
            }
            Ok(Err(e)) => Err(self.failed(&e.to_string())),
            Err(_) => Err(self.failed("no answer in time")),
        }
    }

    /// The connection, made on first use: one caller connects while the
    /// others wait for it (a node's first requests must not pass uncounted).
    /// While Redis is away, one attempt per [`RECONNECT_EVERY`], so requests
    /// do not queue on connecting.
    async fn connection(&self) -> Result<ConnectionManager, String> {
        if let Some(conn) = self.connection.read().await.as_ref() {
            return Ok(conn.clone());
        }
        let mut last_attempt = tokio::time::timeout(CALL_TIMEOUT * 2, self.last_attempt.lock())
            .await
            .map_err(|_| "still connecting".to_owned())?;
        if let Some(conn) = self.connection.read().await.as_ref() {
            return Ok(conn.clone());
        }
        if last_attempt.is_some_and(|at| at.elapsed() < RECONNECT_EVERY) {
            return Err("not connected".to_owned());
        }
        *last_attempt = Some(Instant::now());
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CALL_TIMEOUT))
            .set_response_timeout(Some(CALL_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(RECONNECT_EVERY);
        let conn = tokio::time::timeout(
            CALL_TIMEOUT * 2,
            self.client.get_connection_manager_with_config(config),
        )
        .await
        .map_err(|_| "no answer in time".to_owned())?
        .map_err(|e| e.to_string())?;
        *self.connection.write().await = Some(conn.clone());
        Ok(conn)
    }

    /// Notes a failed call; logs only the first of an outage.
    fn failed(&self, reason: &str) -> Unreachable {
        if !self.down.swap(true, Ordering::SeqCst) {
            tracing::warn!(
                reason,
                "Redis is unreachable; shared limits follow NEWSDESK_REDIS_FAILURE until it answers"
            );
        }
        Unreachable
    }
}

/// A key's time to live as Redis reports it (-1: none, -2: no key).
fn remaining(ttl_millis: i64) -> Duration {
    Duration::from_millis(u64::try_from(ttl_millis).unwrap_or(0))
}
