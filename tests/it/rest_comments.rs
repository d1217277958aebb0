//! GET /api/v1/articles/{slug}/comments: approved threads with nested replies.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::support::TestApp;

fn bodies(comments: &Value) -> Vec<String> {
    comments
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn replies_nest_under_their_parents_oldest_first() {
    let app = TestApp::new().await;
    let story = app.article("story").create().await;
    let t = Utc::now() - Duration::hours(1);
    let first = app.comment(story).body("first").at(t).create().await;
    let second = app
        .comment(story)
        .body("second")
        .at(t + Duration::minutes(1))
        .create()
        .await;
    let reply = app
        .comment(story)
        .reply_to(first)
        .body("reply")
        .at(t + Duration::minutes(2))
        .create()
        .await;
    app.comment(story)
        .reply_to(reply)
        .body("reply to reply")
        .at(t + Duration::minutes(3))
        .create()
        .await;
    app.comment(story)
        .reply_to(second)
        .body("other reply")
        .at(t + Duration::minutes(4))
        .create()
        .await;

    let data = app.get("/api/v1/articles/story/comments").await.json()["data"].clone();

    assert_eq!(bodies(&data), ["first", "second"]);
    assert_eq!(bodies(&data[0]["replies"]), ["reply"]);
    assert_eq!(
        bodies(&data[0]["replies"][0]["replies"]),
        ["reply to reply"]
    );
    assert_eq!(bodies(&data[1]["replies"]), ["other reply"]);
}

#[tokio::test]
async fn comments_show_name_body_and_time_but_never_email_or_address() {
    let app = TestApp::new().await;
    let story = app.article("story").create().await;
    app.comment(story)
        .by("Ada Lovelace")
        .body("Hello")
        .create()
        .await;

    let res = app.get("/api/v1/articles/story/comments").await;

    let comment = &res.json()["data"][0];
    assert_eq!(comment["author_name"], "Ada Lovelace");
    assert_eq!(comment["replies"], json!([]));
    let text = res.text();
    assert!(!text.contains("private.example"), "email leaked: {text}");
    assert!(
        !text.contains("hash-of-the-client-ip"),
        "ip hash leaked: {text}"
    );
}

#[tokio::test]
async fn comment_bodies_are_returned_as_written_never_rendered() {
    let app = TestApp::new().await;
    let story = app.article("story").create().await;
    app.comment(story)
        .body("<script>alert(1)</script> **bold**")
        .create()
        .await;

    let comment = &app.get("/api/v1/articles/story/comments").await.json()["data"][0];

    assert_eq!(comment["body"], "<script>alert(1)</script> **bold**");
}

#[tokio::test]
async fn walking_comment_pages_meets_every_thread_once() {
    let app = TestApp::new().await;
    let story = app.article("story").create().await;
    let t = Utc::now() - Duration::hours(2);
    for i in 0..7 {
        let id = app
            .comment(story)
            .body(&format!("c{i}"))
            .at(t + Duration::minutes(i))
            .create()
            .await;
        app.comment(story)
            .reply_to(id)
            .body(&format!("r{i}"))
            .at(t + Duration::minutes(30 + i))
            .create()
            .await;
    }

    let mut seen = Vec::new();
    let mut uri = "/api/v1/articles/story/comments?limit=3".to_owned();
    loop {
        let body = app.get(&uri).await.json();
        for thread in body["data"].as_array().unwrap() {
            seen.push(thread["body"].as_str().unwrap().to_owned());
            assert_eq!(
                thread["replies"].as_array().unwrap().len(),
                1,
                "replies travel with their thread"
            );
        }
        match body["page"]["next_cursor"].as_str() {
            Some(cursor) => {
                uri = format!("/api/v1/articles/story/comments?limit=3&cursor={cursor}")
            }
            None => break,
        }
    }

    assert_eq!(seen, ["c0", "c1", "c2", "c3", "c4", "c5", "c6"]);
}

#[tokio::test]
async fn comments_of_an_unpublished_article_are_404() {
    let app = TestApp::new().await;
    let draft = app.article("draft").draft().create().await;
    app.comment(draft).create().await;

    assert_eq!(app.get("/api/v1/articles/draft/comments").await.status, 404);
}
