//! Fixed-window rate limits: in Redis when the fleet shares one, so a limit
//! holds across every node; otherwise in this process's memory, where each
//! node counts its own share.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::config::RedisFailure;
use crate::db::redis::SharedStore;
use crate::error::{Error, Result};

/// Where a fleet's limits are counted, and what to do when it cannot be reached.
#[derive(Clone, Debug)]
pub struct SharedLimits {
    pub store: Arc<SharedStore>,
    pub on_failure: RedisFailure,
}

/// Where a caller stands after a counted request, for the RateLimit-* headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateInfo {
    pub limit: u32,
    pub remaining: u32,
    pub reset_secs: u64,
}

#[derive(Debug)]
struct Window {
    started: Instant,
    count: u32,
}

/// Counts requests per key in windows of a fixed length.
#[derive(Debug)]
pub struct RateLimiter {
    /// What is limited, for the rejection metric: `token`, `login`, `comment`…
    name: &'static str,
    window: Duration,
    shared: Option<SharedLimits>,
    counts: Mutex<HashMap<String, Window>>,
}

impl RateLimiter {
    /// A limiter counting in this process only.
    pub fn new(name: &'static str, window: Duration) -> Self {
        Self::shared(name, window, None)
    }

    /// A limiter counting in `shared` when given.
    pub fn shared(name: &'static str, window: Duration, shared: Option<SharedLimits>) -> Self {
        RateLimiter {
            name,
            window,
            shared,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Refuses when `key` has used its `limit` in the current window, without counting.
    pub async fn check(&self, key: &str, limit: u32) -> Result<()> {
        let Some(shared) = &self.shared else {
            return self.refused(self.check_here(key, limit));
        };
        let outcome = match shared.store.window_peek(&self.shared_key(key)).await {
            Ok((count, left)) if count >= u64::from(limit) => Err(Error::RateLimited {
                retry_after_secs: left.as_secs().max(1),
            }),
            Ok(_) => Ok(()),
            Err(_) => self.unshared(shared.on_failure).map(|_| ()),
        };
        self.refused(outcome)
    }

    /// Counts one request for `key`; past `limit` in the window it is refused.
    pub async fn hit(&self, key: &str, limit: u32) -> Result<RateInfo> {
        let Some(shared) = &self.shared else {
            return self.refused(self.hit_here(key, limit));
        };
        let outcome = match shared
            .store
            .window_hit(&self.shared_key(key), self.window)
            .await
        {
            Ok((count, left)) => {
                let reset_secs = left.as_secs().max(1);
                if count > u64::from(limit) {
                    Err(Error::RateLimited {
                        retry_after_secs: reset_secs,
                    })
                } else {
                    Ok(RateInfo {
                        limit,
                        remaining: limit.saturating_sub(u32::try_from(count).unwrap_or(limit)),
                        reset_secs,
                    })
                }
            }
            Err(_) => self.unshared(shared.on_failure).map(|()| RateInfo {
                limit,
                remaining: limit,
                reset_secs: self.window.as_secs().max(1),
            }),
        };
        self.refused(outcome)
    }

    /// The answer while Redis is away: let the request through, or turn it
    /// away as the operator chose; either way, never a server error.
    fn unshared(&self, on_failure: RedisFailure) -> Result<()> {
        match on_failure {
            RedisFailure::Open => Ok(()),
            RedisFailure::Closed => Err(Error::Unavailable),
        }
    }

    fn shared_key(&self, key: &str) -> String {
        format!("limit:{}:{key}", self.window.as_millis())
    }

    /// Counts a refusal for the metrics on its way out.
    fn refused<T>(&self, outcome: Result<T>) -> Result<T> {
        if let Err(e) = &outcome {
            let reason = match e {
                Error::RateLimited { .. } => "limit",
                _ => "shared_store_unreachable",
            };
            metrics::counter!("newsdesk_rate_limit_rejections_total", "limit" => self.name, "reason" => reason)
                .increment(1);
        }
        outcome
    }

    fn check_here(&self, key: &str, limit: u32) -> Result<()> {
        let now = Instant::now();
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        match counts.get(key) {
            Some(w) if now.duration_since(w.started) < self.window && w.count >= limit => {
                Err(Error::RateLimited {
                    retry_after_secs: self
                        .window
                        .saturating_sub(now.duration_since(w.started))
                        .as_secs()
                        .max(1),
                })
            }
            _ => Ok(()),
        }
    }

    fn hit_here(&self, key: &str, limit: u32) -> Result<RateInfo> {
        let now = Instant::now();
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if counts.len() > 100_000 {
            // Forget finished windows so the map cannot grow without bound.
            counts.retain(|_, w| now.duration_since(w.started) < self.window);
        }
        let entry = counts.entry(key.to_owned()).or_insert(Window {
            started: now,
            count: 0,
        });
        if now.duration_since(entry.started) >= self.window {
            *entry = Window {
                started: now,
                count: 0,
            };
        }
        let reset_secs = self
            .window
            .saturating_sub(now.duration_since(entry.started))
            .as_secs()
            .max(1);
        if entry.count >= limit {
            return Err(Error::RateLimited {
                retry_after_secs: reset_secs,
            });
        }
        entry.count += 1;
        Ok(RateInfo {
            limit,
            remaining: limit - entry.count,
            reset_secs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_request_past_the_limit_is_refused_with_a_wait() {
        let limiter = RateLimiter::new("test", Duration::from_secs(60));
        assert_eq!(limiter.hit("k", 2).await.unwrap().remaining, 1);
        assert_eq!(limiter.hit("k", 2).await.unwrap().remaining, 0);
        let Err(Error::RateLimited { retry_after_secs }) = limiter.hit("k", 2).await else {
            panic!("expected a refusal");
        };
        assert!((1..=60).contains(&retry_after_secs));
        assert!(
            limiter.hit("other", 2).await.is_ok(),
            "keys are counted apart"
        );
    }

    #[tokio::test]
    async fn a_new_window_starts_afresh() {
        let limiter = RateLimiter::new("test", Duration::from_millis(20));
        limiter.hit("k", 1).await.unwrap();
        assert!(limiter.hit("k", 1).await.is_err());
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert!(limiter.hit("k", 1).await.is_ok());
    }

    fn unreachable_redis(on_failure: RedisFailure) -> RateLimiter {
        // Port 1 on loopback: nothing listens, so every call is refused.
        let store = SharedStore::new(&crate::config::Secret::new("redis://127.0.0.1:1"), "test:")
            .expect("a well-formed URL");
        RateLimiter::shared(
            "test",
            Duration::from_secs(60),
            Some(SharedLimits {
                store: Arc::new(store),
                on_failure,
            }),
        )
    }

    #[tokio::test]
    async fn with_redis_away_an_open_limit_lets_requests_through() {
        let limiter = unreachable_redis(RedisFailure::Open);
        for _ in 0..3 {
            assert!(limiter.hit("k", 1).await.is_ok());
        }
        assert!(limiter.check("k", 1).await.is_ok());
    }

    #[tokio::test]
    async fn with_redis_away_a_closed_limit_answers_unavailable() {
        let limiter = unreachable_redis(RedisFailure::Closed);
        assert!(matches!(limiter.hit("k", 1).await, Err(Error::Unavailable)));
        assert!(matches!(
            limiter.check("k", 1).await,
            Err(Error::Unavailable)
        ));
    }
}
