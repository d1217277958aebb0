//! The sync API: a first pass over everything public, then only what
//! changed, with tombstones for what left the public.

use std::sync::Arc;

use newsdesk::domain::time::ManualClock;
use serde_json::{Value, json};

use crate::support::fixtures::{newsroom, newsroom_in, published_draft};
use crate::support::{TestApp, TestResponse};

/// Every page of a sync from `first`, and its `next_sync_token`.
async fn all_pages(app: &TestApp, first: &str) -> (Vec<Value>, String) {
    let mut items = Vec::new();
    let mut uri = first.to_owned();
    for _ in 0..50 {
        let page = app.get(&uri).await;
        assert_eq!(page.status, 200, "{}", page.text());
        let body = page.json();
        items.extend(body["data"].as_array().unwrap().iter().cloned());
        match body["page"]["next_cursor"].as_str() {
            Some(cursor) => {
                assert_eq!(body["next_sync_token"], Value::Null);
                uri = format!("/api/v1/sync?cursor={cursor}");
            }
            None => return (items, body["next_sync_token"].as_str().unwrap().to_owned()),
        }
    }
    panic!("the sync never ended");
}

fn kinds_and_slugs(items: &[Value]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|i| {
            (
                i["type"].as_str().unwrap().to_owned(),
                i["slug"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn delta(app: &TestApp, token: &str) -> TestResponse {
    app.get(&format!("/api/v1/sync?sync_token={token}")).await
}

#[tokio::test]
async fn the_first_pass_pages_through_everything_public_once() {
    let (app, token) = newsroom().await;
    published_draft(&app, &token).await;
    app.article("old-news").create().await;
    app.article("a-draft").draft().create().await;

    let (items, _) = all_pages(&app, "/api/v1/sync?initial=true&limit=2").await;

    let seen = kinds_and_slugs(&items);
    assert_eq!(
        seen,
        [
            ("section", "world"),
            ("section", "news"),
            ("author", "ada"),
            ("tag", "trade"),
            ("article", "port-talks-resume"),
            ("article", "old-news"),
        ]
        .map(|(k, s)| (k.to_owned(), s.to_owned()))
    );
    let article = &items[4]["data"];
    assert_eq!(article["title"], "Port Talks Resume");
    assert_eq!(
        article,
        &app.get("/api/v1/articles/port-talks-resume").await.json()
    );
}

#[tokio::test]
async fn a_sync_after_unpublishing_brings_the_tombstone() {
    let (app, token) = newsroom().await;
    let (id, etag) = published_draft(&app, &token).await;
    let (_, sync_token) = all_pages(&app, "/api/v1/sync?initial=true").await;

    app.send_if_match(
        "POST",
        &format!("/api/v1/manage/articles/{id}/unpublish"),
        &etag,
        None,
        &token,
    )
    .await;
    let changes = delta(&app, &sync_token).await;

    assert_eq!(changes.status, 200, "{}", changes.text());
    assert_eq!(
        changes.json()["data"],
        json!([{ "type": "deleted", "resource": "article", "id": id, "slug": "port-talks-resume" }])
    );
}

#[tokio::test]
async fn a_sync_brings_each_changed_thing_once_in_its_newest_form() {
    let (app, token) = newsroom().await;
    let (_, sync_token) = all_pages(&app, "/api/v1/sync?initial=true").await;
    let (id, etag) = published_draft(&app, &token).await;
    app.send_if_match(
        "PATCH",
        &format!("/api/v1/manage/articles/{id}"),
        &etag,
        Some(json!({"title": "Port Talks Resume at Last"})),
        &token,
    )
    .await;

    let changes = delta(&app, &sync_token).await.json();

    let items = changes["data"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["type"], "article");
    assert_eq!(items[0]["data"]["title"], "Port Talks Resume at Last");
    let next = changes["next_sync_token"].as_str().unwrap();
    assert_eq!(delta(&app, next).await.json()["data"], json!([]));
}

#[tokio::test]
async fn nothing_changed_is_an_empty_page_and_a_repeat_is_not_modified() {
    let clock = Arc::new(ManualClock::starting_now());
    let (app, _) = newsroom_in(TestApp::builder().clock(clock.clone()).build().await).await;
    let (_, sync_token) = all_pages(&app, "/api/v1/sync?initial=true").await;

    let first = delta(&app, &sync_token).await;
    let etag = first.header("etag").unwrap().to_owned();
    // However much later the repeat comes, nothing changed.
    clock.advance(chrono::Duration::minutes(1));
    let again = app
        .send(
            axum::http::Request::get(format!("/api/v1/sync?sync_token={sync_token}"))
                .header("if-none-match", etag)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;

    assert_eq!(first.json()["data"], json!([]));
    assert_eq!(again.status, 304);
}

#[tokio::test]
async fn a_deleted_tag_comes_as_a_tombstone() {
    let (app, token) = newsroom().await;
    let (_, sync_token) = all_pages(&app, "/api/v1/sync?initial=true").await;
    let tag = app.tag("weather").await;
    let deleted = app
        .send_json(
            "DELETE",
            &format!("/api/v1/manage/tags/{tag}"),
            json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text());

    let changes = delta(&app, &sync_token).await.json();

    assert_eq!(
        changes["data"],
        json!([{ "type": "deleted", "resource": "tag", "id": tag, "slug": "weather" }])
    );
}

#[tokio::test]
async fn an_edited_or_made_up_token_is_refused() {
    let (app, _) = newsroom().await;
    let (_, sync_token) = all_pages(&app, "/api/v1/sync?initial=true").await;
    let mut forged = sync_token.clone();
    forged.replace_range(0..1, if forged.starts_with('Z') { "Y" } else { "Z" });

    for bad in [forged.as_str(), "nonsense"] {
        let refused = delta(&app, bad).await;
        assert_eq!(refused.status, 400, "{bad}");
        assert_eq!(refused.error_fields(), ["sync_token"]);
    }
    let neither = app.get("/api/v1/sync").await;
    assert_eq!(neither.status, 400);
}

#[tokio::test]
async fn a_token_older_than_the_events_kept_is_gone() {
    let clock = Arc::new(ManualClock::starting_now());
    let (app, _) = newsroom_in(TestApp::builder().clock(clock.clone()).build().await).await;
    let (_, sync_token) = all_pages(&app, "/api/v1/sync?initial=true").await;

    clock.advance(chrono::Duration::days(31));
    let gone = delta(&app, &sync_token).await;

    assert_eq!(gone.status, 410, "{}", gone.text());
    assert!(
        gone.json()["detail"]
            .as_str()
            .unwrap()
            .contains("initial=true")
    );
}

#[tokio::test]
async fn an_approved_comment_brings_its_article_again() {
    let (app, token) = newsroom().await;
    let (id, _) = published_draft(&app, &token).await;
    let (_, sync_token) = all_pages(&app, "/api/v1/sync?initial=true").await;
    let comment = app.comment(id).status("pending").create().await;
    let moderator = app.token("comments:moderate").await;
    app.post_json(
        &format!("/api/v1/manage/comments/{comment}/approve"),
        json!({}),
        Some(&moderator),
    )
    .await;

    let changes = delta(&app, &sync_token).await.json();

    assert_eq!(
        kinds_and_slugs(changes["data"].as_array().unwrap()),
        [("article".to_owned(), "port-talks-resume".to_owned())]
    );
}
