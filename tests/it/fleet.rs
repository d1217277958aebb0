//! Several nodes over one database act as one site: a write reaches every
//! node's cache at once, and with Redis (NEWSDESK_TEST_REDIS_URL) rate
//! limits, failed logins and persisted queries are shared. Redis away is
//! answered as configured, never with a 500.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use newsdesk::config::RedisFailure;
use serde_json::json;

use crate::support::fixtures::{newsroom_in, published_draft, retitle};
use crate::support::{Node, TestApp, sha256_hex, url_encode};

/// The variable that points the fleet tests at a Redis server.
const REDIS_ENV: &str = "NEWSDESK_TEST_REDIS_URL";

/// A Redis nothing listens on.
const NO_REDIS: &str = "redis://127.0.0.1:1";

fn redis_url() -> Option<String> {
    match std::env::var(REDIS_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("{REDIS_ENV} is not set: skipping a test that needs Redis");
            None
        }
    }
}

/// Keys of their own for each app, so tests sharing one Redis never meet.
fn unique_prefix() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "newsdesk-test-{}-{}-{}:",
        std::process::id(),
        chrono::Utc::now().timestamp_micros(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

/// An app whose nodes share the Redis at `url`, failing as `on_failure` says.
async fn fleet_app(url: &str, on_failure: RedisFailure) -> TestApp {
    TestApp::builder()
        .http(|http| {
            http.fleet.redis_url = Some(newsdesk::config::Secret::new(url));
            http.fleet.redis_failure = on_failure;
            http.fleet.redis_prefix = unique_prefix();
        })
        .build()
        .await
}

#[tokio::test]
async fn a_token_limit_holds_across_nodes() {
    let Some(url) = redis_url() else { return };
    let app = fleet_app(&url, RedisFailure::Open).await;
    let other = app.another_node().await;
    let token = app.token_with_rate("content:read", 4).await;

    let mut remaining = Vec::new();
    for node in [0, 1, 0, 1] {
        let res = if node == 0 {
            app.get_as("/api/v1/sections", &token).await
        } else {
            other.get_as("/api/v1/sections", &token).await
        };
        assert_eq!(res.status, 200, "{}", res.text());
        remaining.push(res.header("ratelimit-remaining").unwrap().to_owned());
    }
    let fifth = other.get_as("/api/v1/sections", &token).await;

    assert_eq!(remaining, ["3", "2", "1", "0"]);
    assert_eq!(fifth.status, 429);
    assert!(fifth.header("retry-after").is_some());
}

#[tokio::test]
async fn a_nodes_first_requests_are_counted_even_when_they_arrive_together() {
    let Some(url) = redis_url() else { return };
    let app = fleet_app(&url, RedisFailure::Open).await;
    let token = app.token_with_rate("content:read", 3).await;

    let read = || app.get_as("/api/v1/sections", &token);
    let answers = tokio::join!(read(), read(), read(), read(), read(), read());
    let statuses = [
        answers.0.status,
        answers.1.status,
        answers.2.status,
        answers.3.status,
        answers.4.status,
        answers.5.status,
    ];

    let served = statuses.iter().filter(|s| s.as_u16() == 200).count();
    assert_eq!(served, 3, "{statuses:?}");
}

async fn failed_login(node: &Node) -> u16 {
    node.post_json(
        "/api/v1/auth/login",
        json!({ "email": "ed@news.example", "password": "not the password" }),
    )
    .await
    .status
    .as_u16()
}

#[tokio::test]
async fn failed_logins_are_counted_across_nodes() {
    let Some(url) = redis_url() else { return };
    let (app, _) = newsroom_in(fleet_app(&url, RedisFailure::Open).await).await;
    let (a, b) = (app.another_node().await, app.another_node().await);

    let attempts = newsdesk::auth::LOGIN_ATTEMPTS_PER_WINDOW;
    for i in 0..attempts {
        let node = if i % 2 == 0 { &a } else { &b };
        assert_eq!(failed_login(node).await, 401);
    }

    assert_eq!(failed_login(&a).await, 429);
    assert_eq!(failed_login(&b).await, 429);
}

fn persisted_get(query: Option<&str>) -> String {
    const QUERY: &str = "{ sections { slug } }";
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256_hex(QUERY) } });
    let mut uri = format!(
        "/graphql?extensions={}",
        url_encode(&extensions.to_string())
    );
    if let Some(query) = query {
        assert_eq!(query, QUERY);
        uri.push_str(&format!("&query={}", url_encode(query)));
    }
    uri
}

#[tokio::test]
async fn a_persisted_query_registered_on_one_node_runs_by_hash_on_another() {
    let Some(url) = redis_url() else { return };
    let app = fleet_app(&url, RedisFailure::Open).await;
    let other = app.another_node().await;

    let registered = app.get(&persisted_get(Some("{ sections { slug } }"))).await;
    let by_hash = other.get(&persisted_get(None)).await;

    assert_eq!(registered.status, 200, "{}", registered.text());
    assert_eq!(by_hash.status, 200, "{}", by_hash.text());
    assert_eq!(by_hash.json()["data"]["sections"], json!([]));
}

#[tokio::test]
async fn with_redis_away_an_open_limit_serves_uncounted() {
    let app = fleet_app(NO_REDIS, RedisFailure::Open).await;
    let token = app.token_with_rate("content:read", 1).await;

    for _ in 0..3 {
        let res = app.get_as("/api/v1/sections", &token).await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
}

#[tokio::test]
async fn with_redis_away_a_closed_limit_answers_503_with_retry_after() {
    let app = fleet_app(NO_REDIS, RedisFailure::Closed).await;
    let token = app.token_with_rate("content:read", 100).await;

    let rest = app.get_as("/api/v1/sections", &token).await;
    let anonymous = app.get("/api/v1/sections").await;

    assert_eq!(rest.status, 503, "{}", rest.text());
    assert_eq!(rest.header("retry-after"), Some("1"));
    assert_eq!(rest.json()["code"], "unavailable");
    assert_eq!(anonymous.status, 200, "reads without a limit are served");
}

/// The title node `node` serves for the article, polling until `expected`
/// or `within` passes; how long it took.
async fn seen_within(
    node: &Node,
    slug: &str,
    expected: &str,
    within: Duration,
) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < within {
        let res = node.get(&format!("/api/v1/articles/{slug}")).await;
        if res.json()["title"] == expected {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    None
}

#[tokio::test]
async fn a_write_reaches_another_nodes_cache_without_waiting_for_a_poll() {
    let (app, token) = newsroom_in(TestApp::new().await).await;
    let other = app.another_node().await;
    let follower = other.state.follow_changes();
    let (id, mut etag) = published_draft(&app, &token).await;
    let slug = "port-talks-resume";
    // Cached on the other node, and its follower listening.
    other.get(&format!("/api/v1/articles/{slug}")).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    for round in 0..5 {
        let title = format!("Port talks resume, update {round}");
        etag = retitle(&app, &token, id, &etag, &title).await;

        // The safety-net read comes once a second: this is well inside it.
        let seen = seen_within(&other, slug, &title, Duration::from_millis(400)).await;
        assert!(
            seen.is_some(),
            "update {round} did not reach the other node in time"
        );
    }
    follower.abort();
}

#[tokio::test]
async fn a_node_sees_the_other_nodes_serving_its_postgresql_database() {
    let app = TestApp::new().await;
    if app.db().get_database_backend() != sea_orm::DbBackend::Postgres {
        assert_eq!(app.state.desk.other_nodes().await.unwrap(), 0);
        return;
    }
    let separator = if app.db_url().contains('?') { '&' } else { '?' };
    let elsewhere = sea_orm::Database::connect(format!(
        "{}{separator}application_name=newsdesk/elsewhere",
        app.db_url()
    ))
    .await
    .unwrap();
    elsewhere.ping().await.unwrap();

    assert_eq!(app.state.desk.other_nodes().await.unwrap(), 1);
    elsewhere.close().await.unwrap();
}
