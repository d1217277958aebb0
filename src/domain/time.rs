//! Time as the domain sees it: UTC, to the microsecond, read from a clock
//! the handle owns. The server's is the system's; tests move one by hand, so
//! a scheduled publication is tested without waiting for it.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// Where the domain reads the time.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        now()
    }
}

/// A clock that stands still until it is moved.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    /// Stopped at the system's time.
    pub fn starting_now() -> Self {
        ManualClock(Mutex::new(now()))
    }

    pub fn advance(&self, by: TimeDelta) {
        let mut at = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *at = truncate(*at + by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The system's time, truncated to microseconds: PostgreSQL keeps no more,
/// and a cursor made from a stored time must compare equal to what is
/// stored. For what does not decide visibility (accounts, audit stamps);
/// everything that does reads the handle's clock.
pub fn now() -> DateTime<Utc> {
    truncate(Utc::now())
}

/// Truncates a time to the precision every supported database stores.
pub fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}
