//! Probes, request ids and CORS.

use axum::body::Body;
use axum::http::Request;
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn healthz_answers_while_the_process_is_up() {
    let app = TestApp::new().await;

    let res = app.get("/healthz").await;

    assert_eq!(res.status, 200);
    assert_eq!(res.text(), "ok");
}

#[tokio::test]
async fn readyz_answers_when_the_database_does() {
    let app = TestApp::new().await;

    assert_eq!(app.get("/readyz").await.text(), "ready");
}

#[tokio::test]
async fn readyz_is_503_when_the_database_is_gone() {
    let app = TestApp::new().await;
    app.db().clone().close().await.unwrap();

    let res = app.get("/readyz").await;

    assert_eq!(res.status, 503);
    assert_eq!(res.json()["code"], "not_ready");
}

#[tokio::test]
async fn readyz_asks_to_retry_while_the_database_is_gone() {
    let app = TestApp::new().await;
    app.db().clone().close().await.unwrap();

    let res = app.get("/readyz").await;

    assert_eq!(res.header("retry-after"), Some("1"));
}

#[tokio::test]
async fn a_read_while_the_database_is_gone_is_503_with_retry_after_never_500() {
    let app = TestApp::new().await;
    app.db().clone().close().await.unwrap();

    let rest = app.get("/api/v1/articles").await;
    let graphql = app.graphql("{ sections { slug } }", json!({})).await;

    assert_eq!(rest.status, 503, "{}", rest.text());
    assert_eq!(rest.header("retry-after"), Some("1"));
    assert_eq!(rest.json()["code"], "unavailable");
    assert_eq!(
        graphql.json()["errors"][0]["extensions"]["code"],
        "UNAVAILABLE"
    );
}

/// On SQLite one writer at a time holds the database; a write that waits
/// for it past the busy timeout (5 s) is an outage to retry, not a fault.
#[tokio::test]
async fn a_write_kept_waiting_past_the_busy_timeout_is_503_with_retry_after_never_500() {
    let app = TestApp::new().await;
    if app.db().get_database_backend() != sea_orm::DbBackend::Sqlite {
        return;
    }
    let token = app.token("content:write").await;
    let elsewhere = crate::support::db::connect(app.db_url()).await;
    let holding = newsdesk::db::begin_write(&elsewhere)
        .await
        .expect("the write lock");

    let res = app
        .post_json(
            "/api/v1/manage/tags",
            json!({ "name": "Waiting" }),
            Some(&token),
        )
        .await;

    assert_eq!(res.status, 503, "{}", res.text());
    assert_eq!(res.header("retry-after"), Some("1"));
    assert_eq!(res.json()["code"], "unavailable");
    drop(holding);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::new().await;

    let first = app.get("/healthz").await;
    let second = app.get("/healthz").await;

    let (a, b) = (
        first.header("x-request-id").unwrap(),
        second.header("x-request-id").unwrap(),
    );
    assert!(!a.is_empty());
    assert_ne!(a, b);
}

#[tokio::test]
async fn a_callers_request_id_is_echoed() {
    let app = TestApp::new().await;

    let res = app
        .send(
            Request::get("/api/v1/nope")
                .header("x-request-id", "trace-123")
                .body(Body::empty())
                .unwrap(),
        )
        .await;

    assert_eq!(res.header("x-request-id"), Some("trace-123"));
    assert_eq!(res.json()["request_id"], "trace-123");
}

#[tokio::test]
async fn public_reads_are_allowed_from_any_origin_by_default() {
    let app = TestApp::new().await;

    let res = app
        .send(
            Request::get("/api/v1/sections")
                .header("origin", "https://frontend.example")
                .body(Body::empty())
                .unwrap(),
        )
        .await;

    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn cors_preflight_names_the_allowed_methods() {
    let app = TestApp::new().await;

    let res = app
        .send(
            Request::options("/api/v1/articles")
                .header("origin", "https://frontend.example")
                .header("access-control-request-method", "GET")
                .body(Body::empty())
                .unwrap(),
        )
        .await;

    assert_eq!(res.status, 200);
    assert!(
        res.header("access-control-allow-methods")
            .unwrap()
            .contains("GET")
    );
}

#[tokio::test]
async fn configured_origins_are_the_only_ones_allowed() {
    let allowed = axum::http::HeaderValue::from_static("https://news.example");
    let app = TestApp::builder()
        .http(|http| http.cors_origins = newsdesk::config::CorsOrigins::List(vec![allowed]))
        .build()
        .await;

    let request = |origin: &'static str| {
        Request::get("/healthz")
            .header("origin", origin)
            .body(Body::empty())
            .unwrap()
    };
    let good = app.send(request("https://news.example")).await;
    let bad = app.send(request("https://evil.example")).await;

    assert_eq!(
        good.header("access-control-allow-origin"),
        Some("https://news.example")
    );
    assert_eq!(bad.header("access-control-allow-origin"), None);
}

/// PostgreSQL ended every Newsdesk connection (a restart, a failover):
/// a read that finds its connection gone is asked again on a new one, so
/// the reader never sees the outage that already ended.
#[tokio::test]
async fn a_read_on_a_connection_postgres_ended_is_answered_on_a_new_one() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::new().await;
    if app.db().get_database_backend() != sea_orm::DbBackend::Postgres {
        return;
    }
    // Each read its own URL, so none is answered from the response cache.
    assert_eq!(app.get("/api/v1/articles?limit=1").await.status, 200);
    app.db()
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .await
        .unwrap();

    let res = app.get("/api/v1/articles?limit=2").await;

    assert_eq!(res.status, 200, "{}", res.text());
}
