//! Fixed-window rate limits, counted in this process's memory. Several nodes
//! each count their own share; a shared limit would live in Redis.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

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
    window: Duration,
    counts: Mutex<HashMap<String, Window>>,
}

impl RateLimiter {
    pub fn new(window: Duration) -> Self {
        RateLimiter {
            window,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Refuses when `key` has used its `limit` in the current window, without counting.
    pub fn check(&self, key: &str, limit: u32) -> Result<()> {
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

    /// Counts one request for `key`; past `limit` in the window it is refused.
    pub fn hit(&self, key: &str, limit: u32) -> Result<RateInfo> {
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

    #[test]
    fn the_request_past_the_limit_is_refused_with_a_wait() {
        let limiter = RateLimiter::new(Duration::from_secs(60));
        assert_eq!(limiter.hit("k", 2).unwrap().remaining, 1);
        assert_eq!(limiter.hit("k", 2).unwrap().remaining, 0);
        let Err(Error::RateLimited { retry_after_secs }) = limiter.hit("k", 2) else {
            panic!("expected a refusal");
        };
        assert!((1..=60).contains(&retry_after_secs));
        assert!(limiter.hit("other", 2).is_ok(), "keys are counted apart");
    }

    #[test]
    fn a_new_window_starts_afresh() {
        let limiter = RateLimiter::new(Duration::from_millis(20));
        limiter.hit("k", 1).unwrap();
        assert!(limiter.hit("k", 1).is_err());
        std::thread::sleep(Duration::from_millis(30));
        assert!(limiter.hit("k", 1).is_ok());
    }
}
