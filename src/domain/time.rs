//! Time as the domain sees it: UTC, to the microsecond.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// The current time, truncated to microseconds: PostgreSQL keeps no more, and a
/// cursor made from a stored time must compare equal to what is stored.
pub fn now() -> DateTime<Utc> {
    truncate(Utc::now())
}

/// Truncates a time to the precision every supported database stores.
pub fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}
