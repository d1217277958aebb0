//! GET /api/v1/popular and POST /api/v1/articles/{slug}/views.

use chrono::{Duration, Utc};
use newsdesk::domain::ids::ArticleId;

use crate::support::TestApp;

#[tokio::test]
async fn recorded_views_are_counted_in_memory_until_flushed() {
    let app = TestApp::new().await;
    app.article("story").create().await;

    for _ in 0..3 {
        assert_eq!(app.post("/api/v1/articles/story/views").await.status, 204);
    }

    assert_eq!(app.state.desk.pending_views(), 3);
    assert!(
        app.get("/api/v1/popular").await.slugs().is_empty(),
        "nothing written before a flush"
    );
    app.state.flush_views().await.unwrap();
    assert_eq!(app.state.desk.pending_views(), 0);
    let popular = app.get("/api/v1/popular").await.json();
    assert_eq!(popular["data"][0]["slug"], "story");
    assert_eq!(popular["data"][0]["views"], 3);
}

#[tokio::test]
async fn flushes_add_to_what_is_already_stored() {
    let app = TestApp::new().await;
    app.article("story").create().await;
    app.post("/api/v1/articles/story/views").await;
    app.state.flush_views().await.unwrap();
    app.post("/api/v1/articles/story/views").await;
    app.post("/api/v1/articles/story/views").await;
    app.state.flush_views().await.unwrap();

    assert_eq!(
        app.get("/api/v1/popular").await.json()["data"][0]["views"],
        3
    );
}

#[tokio::test]
async fn popular_ranks_by_views_within_the_window() {
    let app = TestApp::new().await;
    let recent = app.article("recent-hit").create().await;
    let steady = app.article("steady").create().await;
    let old = app.article("old-hit").create().await;
    let today = Utc::now().date_naive();
    app.state.desk.add_views(ArticleId(recent), today, 50);
    app.state.desk.add_views(ArticleId(steady), today, 10);
    app.state
        .desk
        .add_views(ArticleId(steady), today - Duration::days(5), 30);
    app.state
        .desk
        .add_views(ArticleId(old), today - Duration::days(20), 500);
    app.state.flush_views().await.unwrap();

    assert_eq!(
        app.get("/api/v1/popular?window=24h").await.slugs(),
        ["recent-hit", "steady"]
    );
    assert_eq!(
        app.get("/api/v1/popular?window=7d").await.slugs(),
        ["recent-hit", "steady"]
    );
    assert_eq!(
        app.get("/api/v1/popular?window=30d").await.slugs(),
        ["old-hit", "recent-hit", "steady"]
    );
    assert_eq!(
        app.get("/api/v1/popular?window=30d&limit=1").await.slugs(),
        ["old-hit"]
    );
}

#[tokio::test]
async fn an_unknown_window_is_a_400_naming_window() {
    let app = TestApp::new().await;

    let res = app.get("/api/v1/popular?window=forever").await;

    assert_eq!(res.status, 400);
    assert_eq!(res.json()["errors"][0]["field"], "window");
}

#[tokio::test]
async fn views_of_unpublished_or_missing_articles_are_404_and_not_counted() {
    let app = TestApp::new().await;
    app.article("draft").draft().create().await;

    assert_eq!(app.post("/api/v1/articles/draft/views").await.status, 404);
    assert_eq!(app.post("/api/v1/articles/missing/views").await.status, 404);
    assert_eq!(app.state.desk.pending_views(), 0);
}
