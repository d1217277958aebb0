//! The in-process store of public responses, and the clock that tells a
//! stored response from one a later write has replaced.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue};
use moka::notification::RemovalCause;

use crate::domain::cache_tags::{CacheTag, CacheTags};
use crate::http::metrics::RequestSeries;

/// A public response as it was sent.
#[derive(Debug)]
pub struct CachedResponse {
    pub content_type: HeaderValue,
    pub etag: HeaderValue,
    pub tags: CacheTags,
    pub body: Bytes,
    /// The clock when the request that made it began, before it read anything.
    pub epoch: u64,
    /// The tags as headers, made once rather than on every hit.
    pub surrogate_key: Option<HeaderValue>,
    pub cache_tag: Option<HeaderValue>,
    /// The response as it left the whole middleware stack for a plain
    /// request, noted the first time one is served, so the front door
    /// ([`super::front`]) can answer the next without that stack.
    pub front: OnceLock<FrontCopy>,
}

/// A stored response as the front door replays it: the forms it left the
/// stack in, one per `Accept-Encoding` asked, and the series a hit is
/// counted in.
#[derive(Debug)]
pub struct FrontCopy {
    pub encodings: RwLock<Vec<Encoded>>,
    pub served: RequestSeries,
    pub not_modified: RequestSeries,
    pub hits: metrics::Counter,
    pub hit_bytes: metrics::Counter,
}

/// How many encoded forms of one response are kept: browsers send a handful
/// of distinct `Accept-Encoding` values, and the store's weight counts only
/// the response's own bytes.
const MOST_ENCODINGS: usize = 4;

/// One form of a stored response: its final headers (all but the request
/// id, the date and the length, which are each response's own) and body,
/// for requests with this `Accept-Encoding`.
#[derive(Clone, Debug)]
pub struct Encoded {
    pub accept_encoding: Option<HeaderValue>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl FrontCopy {
    /// The form for requests with `accept_encoding`, if noted.
    pub fn encoded(&self, accept_encoding: Option<&HeaderValue>) -> Option<Encoded> {
        let encodings = self
            .encodings
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        encodings
            .iter()
            .find(|e| e.accept_encoding.as_ref() == accept_encoding)
            .cloned()
    }

    /// Notes a form, unless as many as are kept are noted already.
    pub fn note(&self, encoded: Encoded) {
        let mut encodings = self
            .encodings
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let known = encodings
            .iter()
            .any(|e| e.accept_encoding == encoded.accept_encoding);
        if !known && encodings.len() < MOST_ENCODINGS {
            encodings.push(encoded);
        }
    }
}

impl CachedResponse {
    pub fn new(
        content_type: HeaderValue,
        etag: HeaderValue,
        tags: CacheTags,
        body: Bytes,
        epoch: u64,
    ) -> Self {
        CachedResponse {
            content_type,
            etag,
            surrogate_key: HeaderValue::from_str(&tags.surrogate_key()).ok(),
            cache_tag: HeaderValue::from_str(&tags.cache_tag()).ok(),
            tags,
            body,
            epoch,
            front: OnceLock::new(),
        }
    }
}

/// A logical clock, and the time each tag last changed. A response made by a
/// request that began at `epoch` is current while none of its tags changed
/// after `epoch`: a request racing a write can store what it read, but never
/// serve it again.
#[derive(Debug, Default)]
pub struct TagClock {
    now: AtomicU64,
    changed: RwLock<HashMap<CacheTag, u64>>,
    /// Responses made before this tick show nothing current.
    floor: AtomicU64,
}

impl TagClock {
    pub fn now(&self) -> u64 {
        self.now.load(Ordering::SeqCst)
    }

    /// Marks every response showing one of `tags` as out of date.
    pub fn changed(&self, tags: impl IntoIterator<Item = CacheTag>) {
        let mut changed = self.changed.write().unwrap_or_else(PoisonError::into_inner);
        let at = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        for tag in tags {
            changed.insert(tag, at);
        }
    }

    /// Marks every response as out of date: what it showed changed wholesale.
    pub fn changed_everything(&self) {
        let at = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.floor.fetch_max(at, Ordering::SeqCst);
    }

    /// Whether nothing `tags` names changed after `epoch`.
    pub fn unchanged_since(&self, tags: &CacheTags, epoch: u64) -> bool {
        if epoch < self.floor.load(Ordering::SeqCst) {
            return false;
        }
        let changed = self.changed.read().unwrap_or_else(PoisonError::into_inner);
        tags.iter()
            .all(|tag| changed.get(&tag).is_none_or(|&at| at <= epoch))
    }
}

/// Time alone changes a few answers with no write to announce it (the
/// Popular window moves on at midnight), so no entry is kept longer than this.
const LONGEST_STAY: Duration = Duration::from_secs(600);

/// Responses by request key, bounded in bytes. Switched off, it stores
/// nothing and the clock still runs, so turning it on needs no other change.
pub struct ResponseStore {
    entries: Option<moka::sync::Cache<String, Arc<CachedResponse>>>,
}

impl ResponseStore {
    /// A store of at most `capacity_bytes`; none at all for 0.
    pub fn new(capacity_bytes: u64) -> Self {
        let entries = (capacity_bytes > 0).then(|| {
            moka::sync::Cache::builder()
                .weigher(|key: &String, value: &Arc<CachedResponse>| {
                    // What the entry costs beyond its bytes: headers, tags, the map's own slots.
                    const OVERHEAD: usize = 256;
                    u32::try_from(key.len() + value.body.len() + OVERHEAD).unwrap_or(u32::MAX)
                })
                .max_capacity(capacity_bytes)
                .time_to_live(LONGEST_STAY)
                .eviction_listener(|_, _, cause| {
                    let cause = match cause {
                        RemovalCause::Size => "size",
                        RemovalCause::Expired => "expired",
                        RemovalCause::Explicit => "retired",
                        RemovalCause::Replaced => return,
                    };
                    metrics::counter!("newsdesk_response_cache_evictions_total", "cause" => cause)
                        .increment(1);
                })
                .build()
        });
        ResponseStore { entries }
    }

    pub fn enabled(&self) -> bool {
        self.entries.is_some()
    }

    /// The stored response for `key` if no write has changed what it shows.
    pub fn get(&self, key: &str, clock: &TagClock) -> Option<Arc<CachedResponse>> {
        let entries = self.entries.as_ref()?;
        let hit = entries.get(key)?;
        if clock.unchanged_since(&hit.tags, hit.epoch) {
            Some(hit)
        } else {
            entries.invalidate(key);
            None
        }
    }

    pub fn insert(&self, key: String, response: Arc<CachedResponse>) {
        if let Some(entries) = &self.entries {
            entries.insert(key, response);
            metrics::gauge!("newsdesk_response_cache_bytes").set(entries.weighted_size() as f64);
            metrics::gauge!("newsdesk_response_cache_entries").set(entries.entry_count() as f64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::ArticleId;

    fn stored(tags: CacheTags, epoch: u64) -> Arc<CachedResponse> {
        Arc::new(CachedResponse::new(
            HeaderValue::from_static("application/json"),
            HeaderValue::from_static("\"x\""),
            tags,
            Bytes::from_static(b"{}"),
            epoch,
        ))
    }

    #[test]
    fn a_change_to_one_of_its_tags_retires_a_response() {
        let clock = TagClock::default();
        let store = ResponseStore::new(1 << 20);
        let (one, two) = (ArticleId(1), ArticleId(2));
        store.insert("k".into(), stored(CacheTags::article(one), clock.now()));
        clock.changed([CacheTag::Article(two)]);
        assert!(store.get("k", &clock).is_some());
        clock.changed([CacheTag::Article(one)]);
        assert!(store.get("k", &clock).is_none());
    }

    #[test]
    fn a_response_read_before_a_change_and_stored_after_it_is_never_served() {
        let clock = TagClock::default();
        let store = ResponseStore::new(1 << 20);
        let began = clock.now();
        clock.changed([CacheTag::Articles]);
        store.insert("k".into(), stored(CacheTags::article_lists(), began));
        assert!(store.get("k", &clock).is_none());
    }

    #[test]
    fn a_store_of_zero_bytes_keeps_nothing() {
        let clock = TagClock::default();
        let store = ResponseStore::new(0);
        store.insert("k".into(), stored(CacheTags::immutable(), clock.now()));
        assert!(!store.enabled());
        assert!(store.get("k", &clock).is_none());
    }
}
