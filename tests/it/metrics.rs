//! `/metrics`: Prometheus text a real parser reads, behind `metrics:read`,
//! with every family an operator watches.

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use prometheus_parse::{Scrape, Value};
use tower::ServiceExt;

use crate::support::TestApp;

fn parse(text: &str) -> Scrape {
    Scrape::parse(text.lines().map(|line| Ok(line.to_owned())))
        .unwrap_or_else(|e| panic!("not Prometheus text ({e}):\n{text}"))
}

/// The sample of `name` whose labels include every pair of `labels`.
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == name)
        .find(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match &s.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
            Value::Histogram(buckets) => buckets.last().map_or(0.0, |b| b.count),
            Value::Summary(_) => f64::NAN,
        })
}

async fn scrape(app: &TestApp) -> Scrape {
    let token = app.token("metrics:read").await;
    let res = app.get_as("/metrics", &token).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(
        res.header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    parse(&res.text())
}

#[tokio::test]
async fn metrics_need_a_token_holding_metrics_read() {
    let app = TestApp::new().await;
    let reader = app.token("content:read").await;

    assert_eq!(app.get("/metrics").await.status, 401);
    assert_eq!(app.get_as("/metrics", &reader).await.status, 403);
}

#[tokio::test]
async fn requests_are_counted_by_route_template_and_status() {
    let app = TestApp::new().await;
    let section = app.section("world").create().await;
    app.article("port-talks").section(section).create().await;
    let route = [
        ("route", "/api/v1/articles/:slug"),
        ("method", "GET"),
        ("status", "200"),
    ];
    let before = value(&scrape(&app).await, "newsdesk_http_requests_total", &route).unwrap_or(0.0);

    app.get("/api/v1/articles/port-talks").await;
    app.get("/api/v1/articles/port-talks").await;
    app.get("/no/such/page").await;
    let after = scrape(&app).await;

    // Other tests of this process count too: at least ours were added.
    let counted = value(&after, "newsdesk_http_requests_total", &route).unwrap();
    assert!(counted >= before + 2.0, "{before} then {counted}");
    assert!(
        value(
            &after,
            "newsdesk_http_requests_total",
            &[("route", "unmatched"), ("status", "404")]
        )
        .is_some(),
        "unknown paths share one series"
    );
    assert!(
        !after
            .samples
            .iter()
            .any(|s| s.labels.get("route") == Some("/no/such/page")),
        "raw paths never become labels"
    );
}

#[tokio::test]
async fn a_method_no_specification_names_is_counted_as_other() {
    let app = TestApp::new().await;
    let invented = "FROBNICATE";
    let request = Request::builder()
        .method(invented)
        .uri("/api/v1/articles")
        .body(Body::empty())
        .unwrap();

    let res = app.service.clone().oneshot(request).await.unwrap();
    let scraped = scrape(&app).await;

    assert!(res.status().is_client_error(), "{}", res.status());
    assert!(
        value(
            &scraped,
            "newsdesk_http_requests_total",
            &[("route", "/api/v1/articles"), ("method", "other")]
        )
        .is_some(),
        "unnamed methods share one series"
    );
    assert!(
        !scraped
            .samples
            .iter()
            .any(|s| s.labels.get("method") == Some(invented)),
        "a client's token never becomes a label"
    );
}

#[tokio::test]
async fn the_exposition_shows_every_family_an_operator_watches() {
    let app = TestApp::new().await;
    let section = app.section("world").create().await;
    app.article("port-talks").section(section).create().await;
    let limited = app.token_with_rate("content:read", 1).await;
    app.get("/api/v1/articles/port-talks").await;
    app.get("/api/v1/articles/port-talks").await;
    app.get_as("/api/v1/sections", &limited).await;
    app.get_as("/api/v1/sections", &limited).await;
    app.post("/api/v1/articles/port-talks/views").await;
    app.state.flush_views().await.unwrap();

    let scraped = scrape(&app).await;

    for family in [
        "newsdesk_http_requests_total",
        "newsdesk_http_request_duration_seconds",
        "newsdesk_db_statements_per_request",
        "newsdesk_db_statement_duration_seconds",
        "newsdesk_db_pool_connections",
        "newsdesk_db_pool_max_connections",
        "newsdesk_db_pool_acquire_failures_total",
        "newsdesk_response_cache_hits_total",
        "newsdesk_response_cache_hit_bytes_total",
        "newsdesk_response_cache_misses_total",
        "newsdesk_response_cache_evictions_total",
        "newsdesk_response_cache_bytes",
        "newsdesk_rate_limit_rejections_total",
        "newsdesk_view_flush_views",
        "newsdesk_view_flush_duration_seconds",
        "newsdesk_deliveries_waiting",
        "newsdesk_delivery_attempts_total",
        "newsdesk_subscriptions_open",
    ] {
        assert!(
            scraped.samples.iter().any(|s| s.metric == family),
            "{family} is missing"
        );
    }
    assert!(value(&scraped, "newsdesk_response_cache_hits_total", &[]).unwrap() >= 1.0);
    assert!(
        value(
            &scraped,
            "newsdesk_rate_limit_rejections_total",
            &[("limit", "token"), ("reason", "limit")]
        )
        .unwrap()
            >= 1.0
    );
    assert_eq!(
        value(&scraped, "newsdesk_db_pool_max_connections", &[]),
        Some(4.0),
        "the test pool's size"
    );
}

/// How many observations of histogram `name` (with `labels`) were at most `le`.
fn at_most(scrape: &Scrape, name: &str, labels: &[(&str, &str)], le: f64) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == name)
        .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .find_map(|s| match &s.value {
            Value::Histogram(buckets) => {
                buckets.iter().find(|b| b.less_than == le).map(|b| b.count)
            }
            _ => None,
        })
        .unwrap_or(0.0)
}

#[tokio::test]
async fn the_statements_a_request_ran_are_counted() {
    let app = TestApp::new().await;
    let route = [("route", "/api/v1/sections")];
    let family = "newsdesk_db_statements_per_request";
    let before = scrape(&app).await;

    app.get("/api/v1/sections").await;
    let after = scrape(&app).await;

    let requests = |s: &Scrape| value(s, family, &route).unwrap_or(0.0);
    assert!(requests(&after) > requests(&before));
    assert_eq!(
        at_most(&after, family, &route, 0.0),
        at_most(&before, family, &route, 0.0),
        "the request ran at least one statement"
    );
}

#[tokio::test]
async fn the_private_metrics_address_needs_no_token() {
    let app = TestApp::new().await;
    let router = newsdesk::rest::metrics::private_router(app.state.desk.clone());

    let res = router
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();

    assert_eq!(res.status(), 200);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let scraped = parse(&String::from_utf8_lossy(&body));
    assert!(
        scraped
            .samples
            .iter()
            .any(|s| s.metric == "newsdesk_subscriptions_open")
    );
}
