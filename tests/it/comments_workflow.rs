//! Readers' comments: validated, held for moderation, approved into view; spam never shows.

use newsdesk::domain::actor::Role;
use serde_json::{Value, json};

use crate::support::TestApp;

fn comment(body: &str) -> Value {
    json!({ "author_name": "Reader", "author_email": "reader@example.org", "body": body })
}

async fn public_bodies(app: &TestApp) -> String {
    app.get("/api/v1/articles/story/comments").await.text()
}

#[tokio::test]
async fn a_comment_waits_for_approval_then_shows() {
    let app = TestApp::new().await;
    app.article("story").create().await;
    app.editor("mod@news.example", Role::Editor).await;
    let moderator = app.login("mod@news.example").await;

    let submitted = app
        .post_json("/api/v1/articles/story/comments", comment("First!"), None)
        .await;

    assert_eq!(submitted.status, 202);
    assert_eq!(submitted.json()["status"], "pending");
    assert!(!public_bodies(&app).await.contains("First!"));
    let queue = app
        .get_as("/api/v1/manage/comments", &moderator)
        .await
        .json();
    assert_eq!(queue["data"][0]["author_email"], "reader@example.org");
    let id = queue["data"][0]["id"].as_i64().unwrap();
    let approved = app
        .post_json(
            &format!("/api/v1/manage/comments/{id}/approve"),
            json!(null),
            Some(&moderator),
        )
        .await;
    assert_eq!(approved.status, 200);
    assert!(public_bodies(&app).await.contains("First!"));
}

#[tokio::test]
async fn spam_never_shows() {
    let app = TestApp::new().await;
    app.article("story").create().await;
    let links = "see http://a.example http://b.example http://c.example";
    let mut trap = comment("Honest words");
    trap["website"] = json!("http://bot.example");

    let by_links = app
        .post_json("/api/v1/articles/story/comments", comment(links), None)
        .await;
    let by_honeypot = app
        .post_json("/api/v1/articles/story/comments", trap, None)
        .await;

    assert_eq!(
        by_links.json()["status"],
        "pending",
        "a spammer learns nothing"
    );
    assert_eq!(by_honeypot.json()["status"], "pending");
    assert!(!public_bodies(&app).await.contains("example"));
    let token = app.token("comments:moderate").await;
    let spam = app
        .get_as("/api/v1/manage/comments?status=spam", &token)
        .await
        .json();
    assert_eq!(spam["data"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn invalid_comments_name_each_field() {
    let app = TestApp::new().await;
    app.article("story").create().await;

    let res = app
        .post_json(
            "/api/v1/articles/story/comments",
            json!({ "author_name": "", "author_email": "not-an-email", "body": "x".repeat(5001) }),
            None,
        )
        .await;

    assert_eq!(res.status, 400);
    let fields: Vec<Value> = res.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(
        fields,
        [json!("author_name"), json!("author_email"), json!("body")]
    );
}

#[tokio::test]
async fn a_reply_must_answer_a_public_comment_on_the_same_article() {
    let app = TestApp::new().await;
    let story = app.article("story").create().await;
    let other = app.article("other").create().await;
    let elsewhere = app.comment(other).create().await;
    let pending = app.comment(story).status("pending").create().await;
    let shown = app.comment(story).create().await;

    for parent in [elsewhere, pending, 999_999] {
        let mut body = comment("reply");
        body["parent_id"] = json!(parent);
        let res = app
            .post_json("/api/v1/articles/story/comments", body, None)
            .await;
        assert_eq!(res.status, 400, "parent {parent}");
        assert_eq!(res.json()["errors"][0]["field"], "parent_id");
    }
    let mut body = comment("a fine reply");
    body["parent_id"] = json!(shown);
    assert_eq!(
        app.post_json("/api/v1/articles/story/comments", body, None)
            .await
            .status,
        202
    );
}

#[tokio::test]
async fn comments_on_unpublished_articles_are_404() {
    let app = TestApp::new().await;
    app.article("draft").draft().create().await;

    let res = app
        .post_json("/api/v1/articles/draft/comments", comment("hello"), None)
        .await;

    assert_eq!(res.status, 404);
}

#[tokio::test]
async fn comments_are_rate_limited_per_client() {
    let app = TestApp::builder()
        .http(|http| http.comments_per_minute = 2)
        .build()
        .await;
    app.article("story").create().await;

    for _ in 0..2 {
        assert_eq!(
            app.post_json("/api/v1/articles/story/comments", comment("hi"), None)
                .await
                .status,
            202
        );
    }
    let res = app
        .post_json("/api/v1/articles/story/comments", comment("hi"), None)
        .await;

    assert_eq!(res.status, 429);
    assert!(res.header("retry-after").is_some());
}

#[tokio::test]
async fn auto_approval_publishes_at_once() {
    let app = TestApp::builder()
        .http(|http| http.auto_approve_comments = true)
        .build()
        .await;
    app.article("story").create().await;

    let res = app
        .post_json(
            "/api/v1/articles/story/comments",
            comment("Straight in"),
            None,
        )
        .await;

    assert_eq!(res.json()["status"], "approved");
    assert!(public_bodies(&app).await.contains("Straight in"));
}

#[tokio::test]
async fn a_comments_write_token_can_comment_but_not_edit_articles_or_moderate() {
    let app = TestApp::new().await;
    app.article("story").create().await;
    let token = app.token("comments:write").await;

    assert_eq!(
        app.post_json(
            "/api/v1/articles/story/comments",
            comment("via partner"),
            Some(&token)
        )
        .await
        .status,
        202
    );
    assert_eq!(
        app.get_as("/api/v1/manage/comments", &token).await.status,
        403
    );
    assert_eq!(
        app.get_as("/api/v1/manage/articles/1", &token).await.status,
        403
    );
}

#[tokio::test]
async fn deleted_comments_disappear_but_stay_stored() {
    let app = TestApp::new().await;
    let story = app.article("story").create().await;
    let id = app.comment(story).body("regrettable").create().await;
    let moderator = app.token("comments:moderate").await;

    let res = app
        .send(
            axum::http::Request::delete(format!("/api/v1/manage/comments/{id}"))
                .header("authorization", format!("Bearer {moderator}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;

    assert_eq!(res.json()["status"], "deleted");
    assert!(!public_bodies(&app).await.contains("regrettable"));
    let kept = app
        .get_as("/api/v1/manage/comments?status=deleted", &moderator)
        .await
        .json();
    assert_eq!(kept["data"][0]["body"], "regrettable");
}

#[tokio::test]
async fn an_article_closed_for_comments_refuses_them() {
    let app = TestApp::new().await;
    app.article("story").comments_closed().create().await;

    let res = app
        .post_json("/api/v1/articles/story/comments", comment("Too late"), None)
        .await;

    assert_eq!(res.status, 400);
    assert_eq!(res.json()["errors"][0]["field"], "article");
    assert!(!public_bodies(&app).await.contains("Too late"));
}

/// Moderators deciding side by side are each answered. A decision reads the
/// comment before it writes; on SQLite such a transaction must wait for the
/// write lock, not be refused with "database is locked" (a 500 before).
#[tokio::test]
async fn moderators_deciding_at_once_are_each_answered() {
    let app = TestApp::new().await;
    let story = app.article("story").create().await;
    let mut held = Vec::new();
    for _ in 0..16 {
        held.push(app.comment(story).status("pending").create().await);
    }
    let moderator = app.token("comments:moderate").await;
    let uris: Vec<String> = held
        .iter()
        .map(|id| format!("/api/v1/manage/comments/{id}/approve"))
        .collect();

    let answers = futures_util::future::join_all(
        uris.iter()
            .map(|uri| app.post_json(uri, json!(null), Some(&moderator))),
    )
    .await;

    for answer in answers {
        assert_eq!(answer.status, 200, "{}", answer.text());
    }
}
