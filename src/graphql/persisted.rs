//! Automatic persisted queries, as Apollo clients speak them: a client sends
//! only `extensions.persistedQuery.sha256Hash`; when the server does not know
//! the hash it answers `PersistedQueryNotFound` and the client retries with
//! the query, which is then remembered. Reads by hash fit in a GET URL, which
//! CDNs cache. Each node remembers queries in memory; a fleet sharing Redis
//! also keeps them there, so a query registered through one node runs by
//! hash on every other.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::domain::Newsdesk;

/// Bytes of query text remembered; the least used are forgotten first.
const CAPACITY_BYTES: u64 = 8 * 1024 * 1024;
/// How long the fleet's shared store keeps a query after its registration.
const SHARED_TTL: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// Why a persisted query could not be used.
#[derive(Debug, PartialEq, Eq)]
pub enum PersistedQueryError {
    /// The hash is unknown here: send the query with it.
    NotFound,
    /// The query does not hash to the hash sent with it.
    HashMismatch,
    /// `extensions.persistedQuery` is not version 1 with a SHA-256 hash.
    Malformed(&'static str),
    /// Neither a query nor a persisted-query hash was sent.
    NoQuery,
}

pub struct PersistedQueries {
    queries: moka::sync::Cache<String, Arc<str>>,
}

impl Default for PersistedQueries {
    fn default() -> Self {
        PersistedQueries {
            queries: moka::sync::Cache::builder()
                .weigher(|hash: &String, query: &Arc<str>| {
                    u32::try_from(hash.len() + query.len()).unwrap_or(u32::MAX)
                })
                .max_capacity(CAPACITY_BYTES)
                .build(),
        }
    }
}

impl PersistedQueries {
    /// The query to run, from the request's `query` and `extensions`.
    pub(crate) async fn resolve(
        &self,
        fleet: &impl FleetMemory,
        query: Option<String>,
        extensions: Option<&serde_json::Value>,
    ) -> Result<String, PersistedQueryError> {
        let Some(persisted) = extensions.and_then(|e| e.get("persistedQuery")) else {
            return query.ok_or(PersistedQueryError::NoQuery);
        };
        if persisted.get("version").and_then(serde_json::Value::as_i64) != Some(1) {
            return Err(PersistedQueryError::Malformed(
                "`persistedQuery.version` must be 1",
            ));
        }
        let hash = persisted
            .get("sha256Hash")
            .and_then(serde_json::Value::as_str)
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(str::to_ascii_lowercase)
            .ok_or(PersistedQueryError::Malformed(
                "`persistedQuery.sha256Hash` must be 64 hexadecimal digits",
            ))?;
        match query {
            Some(query) => {
                if sha256_hex(&query) != hash {
                    return Err(PersistedQueryError::HashMismatch);
                }
                fleet.keep(&shared_key(&hash), &query).await;
                self.queries.insert(hash, Arc::from(query.as_str()));
                Ok(query)
            }
            None => {
                if let Some(known) = self.queries.get(&hash) {
                    return Ok(known.to_string());
                }
                let query = fleet
                    .recall(&shared_key(&hash))
                    .await
                    // A value not matching its key was not written by us.
                    .filter(|query| sha256_hex(query) == hash)
                    .ok_or(PersistedQueryError::NotFound)?;
                self.queries.insert(hash, Arc::from(query.as_str()));
                Ok(query)
            }
        }
    }
}

/// What every node of the fleet remembers.
pub(crate) trait FleetMemory {
    async fn recall(&self, key: &str) -> Option<String>;
    async fn keep(&self, key: &str, value: &str);
}

impl FleetMemory for Newsdesk {
    async fn recall(&self, key: &str) -> Option<String> {
        self.recall_shared(key).await
    }

    async fn keep(&self, key: &str, value: &str) {
        self.keep_shared(key, value, SHARED_TTL).await;
    }
}

fn shared_key(hash: &str) -> String {
    format!("apq:{hash}")
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const QUERY: &str = "{ sections { slug } }";

    /// A node of its own: nothing is shared.
    struct Alone;

    impl FleetMemory for Alone {
        async fn recall(&self, _: &str) -> Option<String> {
            None
        }
        async fn keep(&self, _: &str, _: &str) {}
    }

    fn by_hash(hash: &str) -> serde_json::Value {
        json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
    }

    #[tokio::test]
    async fn a_hash_is_unknown_until_sent_with_its_query() {
        let store = PersistedQueries::default();
        let ext = by_hash(&sha256_hex(QUERY));
        assert_eq!(
            store.resolve(&Alone, None, Some(&ext)).await,
            Err(PersistedQueryError::NotFound)
        );
        assert_eq!(
            store
                .resolve(&Alone, Some(QUERY.into()), Some(&ext))
                .await
                .as_deref(),
            Ok(QUERY)
        );
        assert_eq!(
            store.resolve(&Alone, None, Some(&ext)).await.as_deref(),
            Ok(QUERY)
        );
    }

    #[tokio::test]
    async fn a_query_with_someone_elses_hash_is_refused_and_not_stored() {
        let store = PersistedQueries::default();
        let ext = by_hash(&sha256_hex("{ other }"));
        assert_eq!(
            store.resolve(&Alone, Some(QUERY.into()), Some(&ext)).await,
            Err(PersistedQueryError::HashMismatch)
        );
        assert_eq!(
            store.resolve(&Alone, None, Some(&ext)).await,
            Err(PersistedQueryError::NotFound)
        );
    }

    #[tokio::test]
    async fn other_versions_and_malformed_hashes_are_refused() {
        let store = PersistedQueries::default();
        let v2 = json!({ "persistedQuery": { "version": 2, "sha256Hash": sha256_hex(QUERY) } });
        assert!(matches!(
            store.resolve(&Alone, None, Some(&v2)).await,
            Err(PersistedQueryError::Malformed(_))
        ));
        assert!(matches!(
            store.resolve(&Alone, None, Some(&by_hash("abc"))).await,
            Err(PersistedQueryError::Malformed(_))
        ));
    }
}
