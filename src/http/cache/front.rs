//! The response cache's front door. A plain public read (a GET with no
//! credentials, no `Origin` and no body) that the store can answer is
//! answered here, before routing and before the middleware stack: request
//! context, metrics, CORS, compression, caching and credentials are paid
//! for only by requests the store cannot answer.
//!
//! What the stack would have added is not worked out again here: the first
//! time a stored response leaves the stack for a plain request with a given
//! `Accept-Encoding`, its final headers and (encoded) bytes are noted beside
//! it ([`FrontCopy`]), and hits replay them with a request id of their own,
//! so a browser's hit is compressed once, not on every hit. A request that
//! is not plain, or whose form is not noted yet, takes the whole way.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tower::{Service, ServiceExt};

use super::ResponseCache;
use super::middleware::{Keyed, Served, cache_key, etag_matches};
use super::store::{Encoded, FrontCopy};
use crate::domain::Newsdesk;
use crate::http::metrics::RequestMetrics;
use crate::http::request::{self, REQUEST_ID_HEADER};

/// The response cache's front door, with the router it hands the rest to.
#[derive(Clone)]
pub struct CacheFront {
    inner: Router,
    door: Arc<Door>,
}

struct Door {
    cache: Arc<ResponseCache>,
    desk: Newsdesk,
    graphql_path: &'static str,
    body_limit: usize,
    metrics: Arc<RequestMetrics>,
}

impl CacheFront {
    pub fn new(
        inner: Router,
        cache: Arc<ResponseCache>,
        desk: Newsdesk,
        graphql_path: &'static str,
        body_limit: usize,
        metrics: Arc<RequestMetrics>,
    ) -> Self {
        CacheFront {
            inner,
            door: Arc::new(Door {
                cache,
                desk,
                graphql_path,
                body_limit,
                metrics,
            }),
        }
    }
}

impl Service<Request> for CacheFront {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let inner = self.inner.clone();
        let door = self.door.clone();
        Box::pin(async move { Ok(door.serve(request, inner).await) })
    }
}

impl Door {
    async fn serve(&self, request: Request, inner: Router) -> Response {
        let graphql = request.uri().path() == self.graphql_path;
        if !plain(&request, graphql, self.body_limit) || !self.cache.store.enabled() {
            return through(inner, request).await;
        }
        let started = Instant::now();
        let (request, key) = match cache_key(request, graphql, self.body_limit).await {
            Ok(keyed) => keyed,
            Err(refused) => return refused,
        };
        let asked = Asked {
            started,
            key,
            method: request.method().clone(),
            uri: request.uri().clone(),
            if_none_match: request.headers().get(header::IF_NONE_MATCH).cloned(),
            request_id: request.headers().get(REQUEST_ID_HEADER).cloned(),
            accept_encoding: request.headers().get(header::ACCEPT_ENCODING).cloned(),
        };
        if let Some(response) = self.hit(&asked).await {
            return response;
        }
        let mut request = request;
        request.extensions_mut().insert(Keyed(asked.key.clone()));
        let response = through(inner, request).await;
        self.note_form(&asked, response).await
    }

    /// The stored response for the request, as the stack would have sent it.
    async fn hit(&self, asked: &Asked) -> Option<Response> {
        // Failing, the stack's own caching logs it and serves uncached.
        self.cache.ready_for_read(&self.desk).await.ok()?;
        let stored = self.cache.store.get(&asked.key, &self.cache.clock)?;
        let front = stored.front.get()?;
        let form = front.encoded(asked.accept_encoding.as_ref())?;
        let not_modified = asked.method == Method::GET
            && asked
                .if_none_match
                .as_ref()
                .is_some_and(|wanted| etag_matches(wanted, &stored.etag));
        let (mut response, series) = if not_modified {
            // The stack encodes no empty body.
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            *response.headers_mut() = form.headers;
            response.headers_mut().remove(header::CONTENT_TYPE);
            response.headers_mut().remove(header::CONTENT_ENCODING);
            (response, &front.not_modified)
        } else {
            front.hit_bytes.increment(stored.body.len() as u64);
            let mut response = Response::new(Body::from(form.body));
            *response.headers_mut() = form.headers;
            (response, &front.served)
        };
        front.hits.increment(1);
        let id = request::request_id(asked.request_id.as_ref());
        if let Ok(value) = HeaderValue::from_str(&id) {
            response.headers_mut().insert(REQUEST_ID_HEADER, value);
        }
        series.record(asked.started);
        request::log_answered(
            &request::request_span(&id, &asked.method, asked.uri.path()),
            response.status(),
            asked.started,
        );
        Some(response)
    }

    /// Notes the form in which a stored response left the stack for this
    /// request's `Accept-Encoding`, unless noted before; the response goes
    /// on as it was.
    async fn note_form(&self, asked: &Asked, response: Response) -> Response {
        let Some(Served(stored)) = response.extensions().get::<Served>().cloned() else {
            return response;
        };
        let front = stored.front.get_or_init(|| self.front_copy(asked));
        if response.status() != StatusCode::OK
            || front.encoded(asked.accept_encoding.as_ref()).is_some()
        {
            return response;
        }
        let (parts, body) = response.into_parts();
        let body = match axum::body::to_bytes(body, usize::MAX).await {
            Ok(body) => body,
            Err(e) => {
                tracing::error!(error = %e, "a response body could not be read");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        let mut headers = parts.headers.clone();
        for own in [REQUEST_ID_HEADER, header::DATE.as_str()] {
            headers.remove(own);
        }
        // An encoded body leaves the stack without a length (it is streamed);
        // here it is whole, and hyper writes its length.
        headers.remove(header::CONTENT_LENGTH);
        front.note(Encoded {
            accept_encoding: asked.accept_encoding.clone(),
            headers,
            body: body.clone(),
        });
        Response::from_parts(parts, Body::from(body))
    }

    fn front_copy(&self, asked: &Asked) -> FrontCopy {
        let (path, method) = (asked.uri.path(), &asked.method);
        FrontCopy {
            encodings: Default::default(),
            served: self.metrics.series(path, method, 200),
            not_modified: self.metrics.series(path, method, 304),
            hits: metrics::counter!("newsdesk_response_cache_hits_total"),
            hit_bytes: metrics::counter!("newsdesk_response_cache_hit_bytes_total"),
        }
    }
}

/// What a plain request asks, read before it is handed on.
struct Asked {
    started: Instant,
    key: String,
    method: Method,
    uri: Uri,
    if_none_match: Option<HeaderValue>,
    request_id: Option<HeaderValue>,
    accept_encoding: Option<HeaderValue>,
}

async fn through(inner: Router, request: Request) -> Response {
    match inner.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// A request whose answer depends on nothing but its key and its
/// `Accept-Encoding`: a GET with no body, or a GraphQL POST with a body of a
/// declared length within the limit (the stack refuses the others before
/// reading them), and neither credentials (a private answer) nor `Origin`
/// (CORS headers for that origin).
fn plain(request: &Request, graphql: bool, body_limit: usize) -> bool {
    let headers = request.headers();
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .map(|v| v.to_str().ok().and_then(|v| v.parse::<u64>().ok()));
    let body_fits = match *request.method() {
        Method::GET => declared.is_none(),
        Method::POST => graphql && declared.flatten().is_some_and(|n| n <= body_limit as u64),
        _ => false,
    };
    body_fits
        && !headers.contains_key(header::TRANSFER_ENCODING)
        && !headers.contains_key(header::AUTHORIZATION)
        && !headers.contains_key(header::ORIGIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 1024;

    fn request(method: Method, headers: &[(&str, &str)]) -> Request {
        let mut request = Request::builder().method(method).uri("/x");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(Body::empty()).unwrap()
    }

    #[test]
    fn a_get_with_nothing_that_changes_its_answer_is_plain() {
        assert!(plain(
            &request(Method::GET, &[("accept", "*/*")]),
            false,
            LIMIT
        ));
    }

    #[test]
    fn credentials_an_origin_or_a_body_make_a_get_go_the_whole_way() {
        for header in [
            ("authorization", "Bearer t"),
            ("origin", "https://example.com"),
            ("content-length", "0"),
            ("transfer-encoding", "chunked"),
        ] {
            assert!(
                !plain(&request(Method::GET, &[header]), false, LIMIT),
                "{header:?}"
            );
        }
    }

    #[test]
    fn only_a_graphql_post_of_declared_length_within_the_limit_is_plain() {
        let post = |length: &str, graphql| {
            plain(
                &request(Method::POST, &[("content-length", length)]),
                graphql,
                LIMIT,
            )
        };
        assert!(post("1024", true));
        assert!(!post("1025", true));
        assert!(!post("10", false));
        assert!(!plain(&request(Method::POST, &[]), true, LIMIT));
        assert!(!plain(&request(Method::HEAD, &[]), false, LIMIT));
    }
}
