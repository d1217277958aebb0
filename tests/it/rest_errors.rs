//! Errors are RFC 9457 problems with real statuses, never a 500 for bad input.

use axum::body::Body;
use axum::http::Request;
use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::support::TestApp;

#[tokio::test]
async fn an_unknown_route_is_a_404_problem() {
    let app = TestApp::new().await;

    let res = app.get("/api/v1/nothing-here").await;

    assert_eq!(res.status, 404);
    assert_eq!(res.header("content-type"), Some("application/problem+json"));
    let problem = res.json();
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["title"], "Not Found");
    assert_eq!(problem["code"], "not_found");
    assert!(problem["type"].as_str().unwrap().starts_with("https://"));
    assert_eq!(problem["request_id"].as_str(), res.header("x-request-id"));
}

#[tokio::test]
async fn a_wrong_method_is_a_405_problem_with_allow() {
    let app = TestApp::new().await;

    let res = app
        .send(
            Request::delete("/api/v1/articles")
                .body(Body::empty())
                .unwrap(),
        )
        .await;

    assert_eq!(res.status, 405);
    assert_eq!(res.header("allow"), Some("GET,HEAD"));
    assert_eq!(res.json()["code"], "method_not_allowed");
}

#[tokio::test]
async fn an_unreadable_query_string_is_a_400_problem() {
    let app = TestApp::new().await;

    let res = app.get("/api/v1/articles?limit=1&limit=2").await;

    assert_eq!(res.status, 400);
    assert_eq!(res.json()["code"], "invalid_input");
}

#[tokio::test]
async fn a_slug_that_cannot_exist_is_404_not_400() {
    let app = TestApp::new().await;

    for path in [
        "/api/v1/articles/UPPER",
        "/api/v1/articles/a%20b",
        "/api/v1/articles/%F0%9F%92%A5",
    ] {
        assert_eq!(app.get(path).await.status, 404, "{path}");
    }
}

#[tokio::test]
async fn a_database_failure_is_a_500_problem_that_shows_no_sql() {
    let app = TestApp::new().await;
    app.db()
        .execute_unprepared("DROP TABLE article_views")
        .await
        .unwrap();

    let res = app.get("/api/v1/popular").await;

    assert_eq!(res.status, 500);
    let text = res.text().to_lowercase();
    for leak in [
        "select",
        "article_views",
        "sqlx",
        "error returned",
        "no such table",
        "relation",
    ] {
        assert!(!text.contains(leak), "{leak} leaked: {text}");
    }
    assert_eq!(res.json()["code"], "internal");
}

#[tokio::test]
async fn a_request_past_the_time_limit_is_a_503_problem() {
    let app = TestApp::builder()
        .http(|http| http.request_timeout = std::time::Duration::from_millis(300))
        .build()
        .await;
    // Holding every pooled connection makes the next query wait past the limit.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(app.db().begin().await.unwrap());
    }

    let res = app.get("/api/v1/articles").await;
    drop(held);

    assert_eq!(res.status, 503);
    assert_eq!(res.json()["code"], "timeout");
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_problem() {
    let app = TestApp::builder()
        .http(|http| http.body_limit_bytes = 16)
        .build()
        .await;
    app.article("story").create().await;

    let res = app
        .send(
            Request::post("/api/v1/articles/story/views")
                .header("content-length", "17")
                .body(Body::from(vec![b'x'; 17]))
                .unwrap(),
        )
        .await;

    assert_eq!(res.status, 413);
    assert_eq!(res.json()["code"], "payload_too_large");
}

#[tokio::test]
async fn a_lookup_by_id_that_finds_nothing_says_so_without_speaking_of_slugs() {
    let app = TestApp::new().await;
    let token = app.token("content:write").await;

    let res = app.get_as("/api/v1/manage/articles/999999", &token).await;

    assert_eq!(res.status, 404);
    let detail = res.json()["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("article"), "{detail}");
    assert!(!detail.contains("slug"), "{detail}");
}
