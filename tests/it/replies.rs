//! Replies are paged: a thread shows the first few under each comment, says
//! how many there are, and the rest are read a page at a time, in REST and
//! GraphQL alike.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::support::TestApp;

fn bodies(comments: &Value) -> Vec<String> {
    comments
        .as_array()
        .unwrap_or_else(|| panic!("expected a list, got {comments}"))
        .iter()
        .map(|c| c["body"].as_str().unwrap().to_owned())
        .collect()
}

/// A story whose one thread has `n` replies, oldest first: "reply 0", "reply 1", …
async fn thread_with_replies(app: &TestApp, n: i64) -> i64 {
    let story = app.article("story").create().await;
    let t = Utc::now() - Duration::hours(2);
    let top = app.comment(story).body("top").at(t).create().await;
    for i in 0..n {
        app.comment(story)
            .reply_to(top)
            .body(&format!("reply {i}"))
            .at(t + Duration::minutes(i + 1))
            .create()
            .await;
    }
    top
}

#[tokio::test]
async fn a_thread_shows_its_first_replies_and_counts_them_all() {
    let app = TestApp::new().await;
    thread_with_replies(&app, 7).await;

    let thread = &app.get("/api/v1/articles/story/comments").await.json()["data"][0];

    assert_eq!(
        bodies(&thread["replies"]),
        ["reply 0", "reply 1", "reply 2", "reply 3", "reply 4"]
    );
    assert_eq!(thread["reply_count"], 7);
    assert!(thread["replies_next_cursor"].is_string());
}

#[tokio::test]
async fn the_rest_of_the_replies_follow_from_the_thread_cursor_once_each() {
    let app = TestApp::new().await;
    let top = thread_with_replies(&app, 7).await;
    let thread = &app.get("/api/v1/articles/story/comments").await.json()["data"][0];
    let cursor = thread["replies_next_cursor"].as_str().unwrap().to_owned();

    let rest = app
        .get(&format!("/api/v1/comments/{top}/replies?cursor={cursor}"))
        .await;

    assert_eq!(rest.status, 200, "{}", rest.text());
    let rest = rest.json();
    assert_eq!(bodies(&rest["data"]), ["reply 5", "reply 6"]);
    assert_eq!(rest["total"], 7);
    assert_eq!(rest["page"]["has_more"], false);
}

#[tokio::test]
async fn a_full_thread_has_no_next_cursor() {
    let app = TestApp::new().await;
    thread_with_replies(&app, 2).await;

    let thread = &app.get("/api/v1/articles/story/comments").await.json()["data"][0];

    assert_eq!(thread["reply_count"], 2);
    assert_eq!(thread["replies_next_cursor"], Value::Null);
}

#[tokio::test]
async fn replies_deeper_than_a_thread_nests_are_counted_and_read_on_request() {
    let app = TestApp::new().await;
    let story = app.article("story").create().await;
    let t = Utc::now() - Duration::hours(1);
    let mut parent = app.comment(story).body("level 0").at(t).create().await;
    let mut ids = vec![parent];
    for level in 1..=4 {
        parent = app
            .comment(story)
            .reply_to(parent)
            .body(&format!("level {level}"))
            .at(t + Duration::minutes(level))
            .create()
            .await;
        ids.push(parent);
    }

    let thread = &app.get("/api/v1/articles/story/comments").await.json()["data"][0];
    let second = &thread["replies"][0]["replies"][0];

    assert_eq!(second["body"], "level 2");
    assert_eq!(second["replies"], json!([]));
    assert_eq!(second["reply_count"], 1);
    let deeper = app
        .get(&format!("/api/v1/comments/{}/replies", ids[2]))
        .await
        .json();
    assert_eq!(bodies(&deeper["data"]), ["level 3"]);
    assert_eq!(bodies(&deeper["data"][0]["replies"]), ["level 4"]);
}

#[tokio::test]
async fn the_replies_of_a_comment_the_public_cannot_see_are_not_found() {
    let app = TestApp::new().await;
    let story = app.article("story").create().await;
    let pending = app.comment(story).status("pending").create().await;
    let visible = app.comment(story).create().await;

    assert_eq!(
        app.get(&format!("/api/v1/comments/{pending}/replies"))
            .await
            .status,
        404
    );
    assert_eq!(app.get("/api/v1/comments/999999/replies").await.status, 404);
    assert_eq!(
        app.get(&format!("/api/v1/comments/{visible}/replies"))
            .await
            .status,
        200,
        "a visible comment without replies answers an empty page"
    );
}

const REPLIES_QUERY: &str = r#"
query Replies($first: Int, $after: String) {
  article(slug: "story") {
    comments(first: 1) {
      nodes {
        replies(first: $first, after: $after) {
          totalCount
          nodes { body }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }
}
"#;

#[tokio::test]
async fn graphql_pages_replies_as_a_connection_with_a_count() {
    let app = TestApp::new().await;
    thread_with_replies(&app, 7).await;

    let first = app.graphql_data(REPLIES_QUERY, json!({ "first": 3 })).await;
    let replies = &first["article"]["comments"]["nodes"][0]["replies"];
    let after = replies["pageInfo"]["endCursor"].clone();
    let rest = app
        .graphql_data(REPLIES_QUERY, json!({ "first": 10, "after": after }))
        .await;
    let more = &rest["article"]["comments"]["nodes"][0]["replies"];

    assert_eq!(replies["totalCount"], 7);
    assert_eq!(bodies(&replies["nodes"]), ["reply 0", "reply 1", "reply 2"]);
    assert_eq!(replies["pageInfo"]["hasNextPage"], true);
    assert_eq!(
        bodies(&more["nodes"]),
        ["reply 3", "reply 4", "reply 5", "reply 6"]
    );
    assert_eq!(more["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn graphql_counts_replies_in_a_query_s_complexity() {
    let app = TestApp::new().await;
    thread_with_replies(&app, 1).await;
    let query = r#"{ article(slug: "story") { comments(first: 100) { nodes {
        replies(first: 100) { nodes { body replies(first: 100) { nodes { body } } } } } } } }"#;

    let res = app.graphql(query, json!({})).await;

    assert_eq!(
        res.json()["errors"][0]["extensions"]["code"],
        "QUERY_TOO_COMPLEX"
    );
}
