//! HTTP caching for every response (RFC 9110, RFC 9111): strong ETags and
//! `304 Not Modified`, `Cache-Control` that shares public reads and keeps
//! anything credentialed private, `Vary`, `Surrogate-Key`/`Cache-Tag` for
//! CDN purges, and the in-process store in front of the handlers.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use xxhash_rust::xxh3::xxh3_128;

use super::ResponseCache;
use super::store::CachedResponse;
use crate::config::Freshness;
use crate::domain::Newsdesk;
use crate::domain::cache_tags::CacheTags;
use crate::http::problem::Problem;

pub const SURROGATE_KEY: HeaderName = HeaderName::from_static("surrogate-key");
pub const CACHE_TAG: HeaderName = HeaderName::from_static("cache-tag");
const PRIVATE: HeaderValue = HeaderValue::from_static("private, no-store");
const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");
/// Whether a response shown to one reader can be shown to another depends on
/// their credentials and the encoding they accept; GraphQL also negotiates
/// its media type.
const VARY: HeaderValue = HeaderValue::from_static("Accept-Encoding, Authorization");
const VARY_GRAPHQL: HeaderValue =
    HeaderValue::from_static("Accept, Accept-Encoding, Authorization");

/// A handler returns a read's tags with its body; their presence is what
/// marks a response as shareable by caches, so a handler that forgets them
/// yields an uncached response, never a stale one.
impl IntoResponseParts for CacheTags {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        res.extensions_mut().insert(self);
        Ok(res)
    }
}

/// What the caching layer needs.
#[derive(Clone)]
pub struct HttpCaching {
    cache: Arc<ResponseCache>,
    desk: Newsdesk,
    graphql_path: &'static str,
    body_limit: usize,
    /// `Cache-Control` of shared responses, made once.
    public: HeaderValue,
}

impl HttpCaching {
    pub fn new(
        cache: Arc<ResponseCache>,
        desk: Newsdesk,
        graphql_path: &'static str,
        body_limit: usize,
    ) -> Self {
        let public = public_cache_control(cache.freshness);
        HttpCaching {
            cache,
            desk,
            graphql_path,
            body_limit,
            public,
        }
    }
}

/// The request's side of caching, read before the request is handed on.
struct Asked {
    method: Method,
    if_none_match: Option<HeaderValue>,
    vary: HeaderValue,
}

/// Serves one request through the caches.
pub async fn http_caching(
    State(caching): State<HttpCaching>,
    request: Request,
    next: Next,
) -> Response {
    let graphql = request.uri().path() == caching.graphql_path;
    let asked = Asked {
        method: request.method().clone(),
        if_none_match: request.headers().get(header::IF_NONE_MATCH).cloned(),
        vary: if graphql { VARY_GRAPHQL } else { VARY },
    };
    let credentialed = request.headers().contains_key(header::AUTHORIZATION);
    let read = matches!(asked.method, Method::GET | Method::HEAD)
        || (asked.method == Method::POST && graphql);
    if credentialed || !read {
        let response = next.run(request).await;
        return finish_unshared(&caching, &asked, response, credentialed).await;
    }

    if let Err(e) = caching.cache.ready_for_read(&caching.desk).await {
        tracing::warn!(error = %e, "cache freshness check failed; serving without the cache");
        let response = next.run(request).await;
        return finish_unshared(&caching, &asked, response, false).await;
    }
    let (request, key) = match cache_key(request, graphql, caching.body_limit).await {
        Ok(keyed) => keyed,
        Err(response) => return response,
    };
    if let Some(hit) = caching.cache.store.get(&key, &caching.cache.clock) {
        return cache_hit(&asked, &hit, &caching.public);
    }
    let _leading = if caching.cache.store.enabled() {
        match caching.cache.flights.lead_or_follow(&key).await {
            Some(leader) => Some(leader),
            None => {
                if let Some(hit) = caching.cache.store.get(&key, &caching.cache.clock) {
                    return cache_hit(&asked, &hit, &caching.public);
                }
                None
            }
        }
    } else {
        None
    };
    if caching.cache.store.enabled() {
        metrics::counter!("newsdesk_response_cache_misses_total").increment(1);
    }
    let began = caching.cache.clock.now();
    let response = next.run(request).await;
    let tags = response.extensions().get::<CacheTags>().cloned();
    match tags {
        Some(tags) if response.status() == StatusCode::OK => {
            let (parts, body) = response.into_parts();
            let Some(body) = collect(body).await else {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            let Some(content_type) = parts.headers.get(header::CONTENT_TYPE).cloned() else {
                return Response::from_parts(parts, Body::from(body));
            };
            let stored = Arc::new(CachedResponse::new(
                content_type,
                strong_etag(&body),
                tags,
                body,
                began,
            ));
            caching.cache.store.insert(key, stored.clone());
            shared(&asked, &stored, &caching.public)
        }
        _ => finish_unshared(&caching, &asked, response, false).await,
    }
}

/// The key of a read: method, path and query, and for GraphQL what it
/// negotiates on and a digest of the body it was posted.
/// HEAD is answered from what GET would send, so it is asked as GET.
pub(super) async fn cache_key(
    mut request: Request,
    graphql: bool,
    body_limit: usize,
) -> Result<(Request, String), Response> {
    if request.method() == Method::HEAD {
        *request.method_mut() = Method::GET;
    }
    if let Some(Keyed(key)) = request.extensions_mut().remove::<Keyed>() {
        return Ok((request, key));
    }
    if request.method() != Method::POST {
        let key = get_key(&request, graphql);
        return Ok((request, key));
    }
    let uri = request.uri().to_string();
    let negotiated = negotiated(request.headers());
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, body_limit).await else {
        return Err(Problem::payload_too_large(body_limit).into_response());
    };
    let digest = URL_SAFE_NO_PAD.encode(Sha256::digest(&bytes));
    let key = format!("POST {uri} {negotiated} body={digest}");
    Ok((Request::from_parts(parts, Body::from(bytes)), key))
}

/// The key the front door already worked out for a request it hands on, so
/// a GraphQL body is not read and digested twice.
#[derive(Clone)]
pub(super) struct Keyed(pub String);

/// The key of a GET (or HEAD) read: its path and query, and for GraphQL
/// what it negotiates on.
pub fn get_key(request: &Request, graphql: bool) -> String {
    let uri = request.uri();
    if graphql {
        format!("GET {uri} {}", negotiated(request.headers()))
    } else {
        format!("GET {uri}")
    }
}

/// What a GraphQL response's form depends on besides the request.
fn negotiated(headers: &HeaderMap) -> String {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    format!(
        "accept={} content-type={}",
        header(header::ACCEPT),
        header(header::CONTENT_TYPE)
    )
}

/// A public response, fresh or from the store, as this request asked for it.
/// A response served from the store, counted for the metrics.
fn cache_hit(asked: &Asked, stored: &Arc<CachedResponse>, cache_control: &HeaderValue) -> Response {
    metrics::counter!("newsdesk_response_cache_hits_total").increment(1);
    metrics::counter!("newsdesk_response_cache_hit_bytes_total")
        .increment(stored.body.len() as u64);
    shared(asked, stored, cache_control)
}

fn shared(asked: &Asked, stored: &Arc<CachedResponse>, cache_control: &HeaderValue) -> Response {
    let not_modified = asked.method.is_safe()
        && asked
            .if_none_match
            .as_ref()
            .is_some_and(|wanted| etag_matches(wanted, &stored.etag));
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else if asked.method == Method::HEAD {
        let mut response = StatusCode::OK.into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(stored.body.len()));
        response
    } else {
        Response::new(Body::from(stored.body.clone()))
    };
    let headers = response.headers_mut();
    if !not_modified {
        headers.insert(header::CONTENT_TYPE, stored.content_type.clone());
    }
    headers.insert(header::ETAG, stored.etag.clone());
    headers.insert(header::CACHE_CONTROL, cache_control.clone());
    headers.insert(header::VARY, asked.vary.clone());
    if let Some(keys) = &stored.surrogate_key {
        headers.insert(SURROGATE_KEY, keys.clone());
    }
    if let Some(keys) = &stored.cache_tag {
        headers.insert(CACHE_TAG, keys.clone());
    }
    response.extensions_mut().insert(Served(stored.clone()));
    response
}

/// Marks a response as the stored one, for the front door to note how it
/// left the middleware stack.
#[derive(Clone)]
pub struct Served(pub Arc<CachedResponse>);

/// A response no shared cache may keep: credentialed, a write, an error, or
/// a read its handler did not mark public. Writes retire what they changed
/// before their response leaves, so the writer's next read sees its write.
async fn finish_unshared(
    caching: &HttpCaching,
    asked: &Asked,
    response: Response,
    credentialed: bool,
) -> Response {
    if !asked.method.is_safe()
        && response.status().is_success()
        && let Err(e) = caching.cache.catch_up(&caching.desk).await
    {
        tracing::error!(error = %e, "could not read what this write changed; caches may lag until the next poll");
    }
    let mut response = if response.status() == StatusCode::OK && is_json(response.headers()) {
        with_etag(asked, response).await
    } else {
        response
    };
    let headers = response.headers_mut();
    let cache_control = if credentialed || !asked.method.is_safe() {
        PRIVATE
    } else {
        NO_STORE
    };
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(cache_control);
    headers.insert(header::VARY, asked.vary.clone());
    response
}

/// Gives a JSON response a strong ETag if it has none, and answers a
/// matching `If-None-Match` with 304.
async fn with_etag(asked: &Asked, response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Some(body) = collect(body).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let etag = parts
        .headers
        .get(header::ETAG)
        .cloned()
        .unwrap_or_else(|| strong_etag(&body));
    parts.headers.insert(header::ETAG, etag.clone());
    let matched = asked.method.is_safe()
        && asked
            .if_none_match
            .as_ref()
            .is_some_and(|wanted| etag_matches(wanted, &etag));
    if matched {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_TYPE);
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(body))
}

async fn collect(body: Body) -> Option<Bytes> {
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            tracing::error!(error = %e, "a response body could not be read");
            None
        }
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"))
}

/// The same bytes always give the same tag, on every node. A 128-bit XXH3
/// of the body: every uncached response is digested, and SHA-256 was 5 % of
/// a section list's CPU. The tag only tells a client whether the bytes it
/// holds changed; the shared cache's keys, which an attacker choosing the
/// bytes could otherwise collide, stay SHA-256.
fn strong_etag(body: &[u8]) -> HeaderValue {
    let digest = xxh3_128(body).to_be_bytes();
    let tag = format!("\"{}\"", URL_SAFE_NO_PAD.encode(digest));
    HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\""))
}

/// `If-None-Match` uses the weak comparison (RFC 9110, 13.1.2).
pub(super) fn etag_matches(wanted: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(wanted) = wanted.to_str() else {
        return false;
    };
    let Ok(etag) = etag.to_str() else {
        return false;
    };
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    wanted
        .split(',')
        .any(|candidate| candidate.trim() == "*" || opaque(candidate) == opaque(etag))
}

fn public_cache_control(freshness: Freshness) -> HeaderValue {
    let value = format!(
        "public, max-age={}, s-maxage={}, stale-while-revalidate={}",
        freshness.max_age.as_secs(),
        freshness.shared_max_age.as_secs(),
        freshness.stale_while_revalidate.as_secs()
    );
    HeaderValue::from_str(&value).unwrap_or(NO_STORE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        let etag = HeaderValue::from_static("\"abc\"");
        for wanted in ["\"abc\"", "W/\"abc\"", "\"x\", \"abc\"", "*"] {
            assert!(
                etag_matches(&HeaderValue::from_static(wanted), &etag),
                "{wanted}"
            );
        }
        assert!(!etag_matches(&HeaderValue::from_static("\"abd\""), &etag));
    }

    #[test]
    fn equal_bodies_get_equal_tags_and_different_bodies_different_ones() {
        assert_eq!(strong_etag(b"{\"a\":1}"), strong_etag(b"{\"a\":1}"));
        assert_ne!(strong_etag(b"{\"a\":1}"), strong_etag(b"{\"a\":2}"));
    }
}
