//! The test harness: a real app on a fresh database, requests through the
//! real service (the cache's front door and the router behind it), and
//! fixture builders.

pub mod contract;
pub mod db;
pub mod fixtures;
pub mod process;
pub mod receiver;
pub mod smtp;
pub mod streams;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use newsdesk::app::{self, App, AppState};
use newsdesk::config::HttpConfig;
use newsdesk::domain::time::ManualClock;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sea_orm::DatabaseConnection;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower::ServiceExt;

/// A running Newsdesk on its own database.
pub struct TestApp {
    pub service: App,
    pub state: AppState,
    /// The app's pool, for fixtures that write directly.
    db: DatabaseConnection,
    /// SQL statements executed on the app's pool since it was built.
    statements: Arc<AtomicUsize>,
    /// Where the database is, for other nodes over it.
    db_url: String,
    http: HttpConfig,
    // Dropped last: the database outlives the pool that uses it.
    _db: db::TestDb,
}

/// Builds a [`TestApp`] with non-default settings.
#[derive(Default)]
pub struct TestAppBuilder {
    http: HttpConfig,
    clock: Option<Arc<ManualClock>>,
}

impl TestAppBuilder {
    /// The app reads the time from `clock`, which stands still until moved.
    pub fn clock(mut self, clock: Arc<ManualClock>) -> Self {
        self.clock = Some(clock);
        self
    }

    pub fn http(mut self, change: impl FnOnce(&mut HttpConfig)) -> Self {
        change(&mut self.http);
        self
    }

    pub async fn build(self) -> TestApp {
        let (test_db, mut conn, db_url) = db::TestDb::create().await;
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        let count: newsdesk::db::reads::StatementHook = Arc::new(move |info| {
            counter.fetch_add(1, Ordering::SeqCst);
            // What the app's own pool reports, as in production.
            newsdesk::db::statements::record(info);
        });
        let hook = count.clone();
        conn.set_metric_callback(move |info| hook(info));
        let state = match self.clock {
            Some(clock) => AppState::with_clock(conn.clone(), &self.http, clock),
            None => AppState::new(conn.clone(), &self.http),
        };
        state.desk.report_statements_to(count);
        TestApp {
            db: conn,
            service: app::build(state.clone(), &self.http),
            state,
            statements,
            db_url,
            http: self.http,
            _db: test_db,
        }
    }
}

/// A response, read whole.
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `field` of each entry of a problem's `errors`, in order.
    pub fn error_fields(&self) -> Vec<String> {
        self.json()["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("expected a problem with errors: {}", self.text()))
            .iter()
            .map(|e| e["field"].as_str().expect("errors name fields").to_owned())
            .collect()
    }

    /// The slugs of a list response's `data`.
    pub fn slugs(&self) -> Vec<String> {
        slugs(&self.json()["data"])
    }
}

/// `text` percent-encoded for a query string.
pub fn url_encode(text: &str) -> String {
    const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// The SHA-256 of `text` in lowercase hex, as persisted queries name queries.
pub fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `slug` of each item of a JSON array.
pub fn slugs(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("expected an array, got {items}"))
        .iter()
        .map(|item| item["slug"].as_str().expect("items have slugs").to_owned())
        .collect()
}

/// Another Newsdesk node over a test app's database, with a pool, caches
/// and subscribers of its own: what a second machine would be.
pub struct Node {
    pub service: App,
    pub state: AppState,
}

impl TestApp {
    /// A second node over this app's database.
    pub async fn another_node(&self) -> Node {
        let conn = db::connect(&self.db_url).await;
        let state = AppState::new(conn, &self.http);
        Node {
            service: app::build(state.clone(), &self.http),
            state,
        }
    }

    pub fn builder() -> TestAppBuilder {
        TestAppBuilder::default()
    }

    /// A default app on an empty, migrated database.
    pub async fn new() -> TestApp {
        Self::builder().build().await
    }

    /// A default app without the response cache, so every read executes.
    pub async fn uncached() -> TestApp {
        Self::builder()
            .http(|http| http.cache.capacity_bytes = 0)
            .build()
            .await
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Where the app's database is.
    pub fn db_url(&self) -> &str {
        &self.db_url
    }

    /// How many SQL statements the app's pool has executed so far.
    pub fn statements(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }

    /// GET with `Authorization: Bearer <token>`.
    pub async fn get_as(&self, uri: &str, token: &str) -> TestResponse {
        self.send(
            Request::get(uri)
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .expect("a valid request"),
        )
        .await
    }

    /// Sends a JSON body with any method, as `token` when given.
    pub async fn send_json(
        &self,
        method: &str,
        uri: &str,
        body: Value,
        token: Option<&str>,
    ) -> TestResponse {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        self.send(
            request
                .body(Body::from(body.to_string()))
                .expect("a valid request"),
        )
        .await
    }

    /// A write as `token` naming the version it read, with a JSON body when given.
    pub async fn send_if_match(
        &self,
        method: &str,
        uri: &str,
        etag: &str,
        body: Option<Value>,
        token: &str,
    ) -> TestResponse {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {token}"))
            .header("if-match", etag);
        let body = match body {
            Some(body) => {
                request = request.header("content-type", "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).expect("a valid request"))
            .await
    }

    pub async fn post_json(&self, uri: &str, body: Value, token: Option<&str>) -> TestResponse {
        self.send_json("POST", uri, body, token).await
    }

    /// A GraphQL request sent as `token`.
    pub async fn graphql_as(&self, query: &str, variables: Value, token: &str) -> TestResponse {
        let body = serde_json::json!({ "query": query, "variables": variables });
        self.send(
            Request::post("/graphql")
                .header("content-type", "application/json")
                .header("accept", "application/graphql-response+json")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::from(body.to_string()))
                .expect("a valid request"),
        )
        .await
    }

    /// POSTs a GraphQL request asking for `application/graphql-response+json`.
    pub async fn graphql(&self, query: &str, variables: Value) -> TestResponse {
        let body = serde_json::json!({ "query": query, "variables": variables });
        self.send(
            Request::post("/graphql")
                .header("content-type", "application/json")
                .header("accept", "application/graphql-response+json")
                .body(Body::from(body.to_string()))
                .expect("a valid request"),
        )
        .await
    }

    /// POSTs a GraphQL query and returns its `data`, failing on any error.
    pub async fn graphql_data(&self, query: &str, variables: Value) -> Value {
        let res = self.graphql(query, variables).await;
        let body = res.json();
        assert_eq!(res.status, 200, "{body:#}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        self.send(
            Request::get(uri)
                .body(Body::empty())
                .expect("a valid request"),
        )
        .await
    }

    pub async fn post(&self, uri: &str) -> TestResponse {
        self.send(
            Request::post(uri)
                .body(Body::empty())
                .expect("a valid request"),
        )
        .await
    }

    /// Sends a request through the real service and checks the answer against openapi.yaml.
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        send_through(&self.service, request).await
    }
}

impl Node {
    pub async fn get(&self, uri: &str) -> TestResponse {
        send_through(
            &self.service,
            Request::get(uri)
                .body(Body::empty())
                .expect("a valid request"),
        )
        .await
    }

    pub async fn get_as(&self, uri: &str, token: &str) -> TestResponse {
        send_through(
            &self.service,
            Request::get(uri)
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .expect("a valid request"),
        )
        .await
    }

    pub async fn post_json(&self, uri: &str, body: Value) -> TestResponse {
        send_through(
            &self.service,
            Request::post(uri)
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .expect("a valid request"),
        )
        .await
    }
}

/// Sends a request through `service` and checks the answer against openapi.yaml.
async fn send_through(service: &App, request: Request<Body>) -> TestResponse {
    let method: Method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = service
        .clone()
        .oneshot(request)
        .await
        .expect("the service never fails");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("the body can be read")
        .to_bytes()
        .to_vec();
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok());
    let encoding = headers
        .get("content-encoding")
        .and_then(|v| v.to_str().ok());
    contract::check(
        &method,
        &path,
        status.as_u16(),
        content_type,
        &decoded(encoding, &body),
    );
    TestResponse {
        status,
        headers,
        body,
    }
}

/// A body as it was before `encoding` (a `Content-Encoding`) compressed it.
pub fn decoded(encoding: Option<&str>, body: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    match encoding {
        None | Some("identity") => return body.to_vec(),
        Some("gzip") => flate2::read::GzDecoder::new(body).read_to_end(&mut out),
        Some("br") => brotli_decompressor::Decompressor::new(body, 4096).read_to_end(&mut out),
        Some(other) => panic!("a body in an encoding tests cannot read: {other}"),
    }
    .expect("the body decodes");
    out
}
