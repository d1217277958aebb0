//! Nothing unpublished is ever public: drafts, scheduled articles before their
//! time, archived articles, and comments that are not approved.

use chrono::{Duration, Utc};
use newsdesk::domain::ids::ArticleId;
use newsdesk::domain::visibility::ArticleStatus;
use serde_json::Value;

use crate::support::{TestApp, TestResponse};

/// Every public response a hidden article could leak into, by address.
async fn public_listings(app: &TestApp) -> Vec<(&'static str, String)> {
    app.state.flush_views().await.expect("flush views");
    let mut all = Vec::new();
    for uri in [
        "/api/v1/articles?limit=100",
        "/api/v1/sections/world/articles?limit=100",
        "/api/v1/authors/ada?limit=100",
        "/api/v1/tags/trade?limit=100",
        "/api/v1/popular?window=30d&limit=100",
        "/api/v1/articles/public/more-like-this?limit=100",
        "/api/v1/articles/public",
    ] {
        let res = app.get(uri).await;
        assert_eq!(res.status, 200, "{uri}: {}", res.text());
        all.push((uri, res.text()));
    }
    all
}

/// All of them, as one text.
async fn every_public_listing(app: &TestApp) -> String {
    public_listings(app)
        .await
        .into_iter()
        .map(|(_, text)| text)
        .collect()
}

async fn newsroom_with(
    app: &TestApp,
    hidden: &str,
    status: ArticleStatus,
    published_ago_hours: Option<i64>,
) {
    let world = app.section("world").create().await;
    let ada = app.author("ada").await;
    let trade = app.tag("trade").await;
    let hidden_id = app
        .article(hidden)
        .section(world)
        .authors(&[ada])
        .tags(&[trade])
        .status(status)
        .published_at(published_ago_hours.map(|h| Utc::now() - Duration::hours(h)))
        .create()
        .await;
    app.article("public")
        .section(world)
        .authors(&[ada])
        .tags(&[trade])
        .related_article(hidden_id)
        .create()
        .await;
    app.state
        .desk
        .add_views(ArticleId(hidden_id), Utc::now().date_naive(), 1000);
}

fn problem_without_request_id(res: &TestResponse) -> Value {
    let mut body = res.json();
    body.as_object_mut().unwrap().remove("request_id");
    body
}

#[tokio::test]
async fn a_draft_appears_in_no_public_response() {
    let app = TestApp::new().await;
    newsroom_with(&app, "secret-draft", ArticleStatus::Draft, None).await;

    assert!(!every_public_listing(&app).await.contains("secret-draft"));
}

/// The control for the tests that find nothing: the same newsroom with the
/// article published shows it in every one of those responses.
#[tokio::test]
async fn every_listing_shows_the_same_article_once_it_is_published() {
    let app = TestApp::new().await;
    newsroom_with(&app, "now-public", ArticleStatus::Published, Some(1)).await;

    for (uri, text) in public_listings(&app).await {
        assert!(text.contains("now-public"), "{uri} does not show it");
    }
}

#[tokio::test]
async fn a_scheduled_article_is_hidden_until_its_time() {
    let app = TestApp::new().await;
    newsroom_with(&app, "embargoed", ArticleStatus::Scheduled, Some(-2)).await;

    assert!(!every_public_listing(&app).await.contains("embargoed"));
    assert_eq!(app.get("/api/v1/articles/embargoed").await.status, 404);
}

#[tokio::test]
async fn a_scheduled_article_appears_once_its_time_has_passed() {
    let app = TestApp::new().await;
    app.article("went-live")
        .status(ArticleStatus::Scheduled)
        .hours_ago(1)
        .create()
        .await;

    assert_eq!(app.get("/api/v1/articles/went-live").await.status, 200);
    assert_eq!(app.get("/api/v1/articles").await.slugs(), ["went-live"]);
}

#[tokio::test]
async fn a_published_article_with_a_future_date_is_hidden_until_then() {
    let app = TestApp::new().await;
    app.article("future").hours_ago(-1).create().await;

    assert_eq!(app.get("/api/v1/articles/future").await.status, 404);
    assert!(app.get("/api/v1/articles").await.slugs().is_empty());
}

#[tokio::test]
async fn an_archived_article_appears_in_no_public_response() {
    let app = TestApp::new().await;
    newsroom_with(&app, "old-news", ArticleStatus::Archived, Some(500)).await;

    assert!(!every_public_listing(&app).await.contains("old-news"));
    assert_eq!(app.get("/api/v1/articles/old-news").await.status, 404);
}

#[tokio::test]
async fn a_draft_slug_answers_404_exactly_like_a_missing_one() {
    let app = TestApp::new().await;
    app.article("secret-draft").draft().create().await;

    let draft = app.get("/api/v1/articles/secret-draft").await;
    let missing = app.get("/api/v1/articles/never-existed").await;

    assert_eq!(draft.status, 404);
    assert_eq!(missing.status, 404);
    assert_eq!(
        problem_without_request_id(&draft),
        problem_without_request_id(&missing)
    );
    assert_eq!(draft.header("content-type"), missing.header("content-type"));
}

#[tokio::test]
async fn pending_spam_and_deleted_comments_are_never_shown_nor_their_replies() {
    let app = TestApp::new().await;
    let story = app.article("story").create().await;
    app.comment(story).body("visible").create().await;
    for status in ["pending", "spam", "deleted"] {
        let hidden = app
            .comment(story)
            .status(status)
            .body(&format!("{status}-comment"))
            .create()
            .await;
        app.comment(story)
            .reply_to(hidden)
            .body(&format!("reply-under-{status}"))
            .create()
            .await;
    }
    let visible_parent = app.comment(story).body("parent").create().await;
    app.comment(story)
        .reply_to(visible_parent)
        .status("spam")
        .body("spam-reply")
        .create()
        .await;

    let comments = app.get("/api/v1/articles/story/comments").await.text();
    let with_article = app
        .get("/api/v1/articles/story?include=comments")
        .await
        .text();

    for text in [&comments, &with_article] {
        assert!(text.contains("visible"));
        for hidden in [
            "pending-comment",
            "spam-comment",
            "deleted-comment",
            "reply-under",
            "spam-reply",
        ] {
            assert!(!text.contains(hidden), "{hidden} leaked: {text}");
        }
    }
}
