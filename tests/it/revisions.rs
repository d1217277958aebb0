//! Revisions: every save of an article's fields is kept; editors list,
//! read and compare them, and restore one as a new, versioned save.

use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::fixtures::{created_draft, newsroom};

/// Creates the draft and edits it once: (article id, current ETag).
async fn edited_draft(app: &TestApp, token: &str) -> (i64, String) {
    let (id, etag) = created_draft(app, token).await;
    let edited = app
        .send_if_match(
            "PATCH",
            &format!("/api/v1/manage/articles/{id}"),
            &etag,
            Some(json!({
                "title": "Port Talks Stall",
                "body_markdown": "Negotiators walked out.\n\n## What next\n\n- a date\n"
            })),
            token,
        )
        .await;
    assert_eq!(edited.status, 200);
    (id, edited.header("etag").unwrap().to_owned())
}

async fn revisions(app: &TestApp, id: i64, token: &str) -> Vec<Value> {
    let res = app
        .get_as(&format!("/api/v1/manage/articles/{id}/revisions"), token)
        .await;
    assert_eq!(res.status, 200);
    res.json()["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn every_save_is_a_revision_newest_first_with_who_and_which_version() {
    let (app, token) = newsroom().await;
    let (id, _) = edited_draft(&app, &token).await;

    let listed = revisions(&app, id, &token).await;

    let versions: Vec<_> = listed
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [2, 1]);
    assert!(
        listed[0]["actor"]
            .as_str()
            .unwrap()
            .contains("ed@news.example")
    );
}

#[tokio::test]
async fn a_revision_holds_the_fields_that_save_left() {
    let (app, token) = newsroom().await;
    let (id, _) = edited_draft(&app, &token).await;
    let first = revisions(&app, id, &token).await[1]["id"].as_i64().unwrap();

    let revision = app
        .get_as(
            &format!("/api/v1/manage/articles/{id}/revisions/{first}"),
            &token,
        )
        .await
        .json();

    assert_eq!(revision["data"]["fields"]["title"], "Port Talks Resume");
    assert_eq!(revision["data"]["fields"]["authors"], json!(["ada"]));
    assert_eq!(revision["data"]["fields"]["section"], "world");
}

#[tokio::test]
async fn a_diff_names_each_changed_field_and_diffs_the_body_by_line() {
    let (app, token) = newsroom().await;
    let (id, _) = edited_draft(&app, &token).await;
    let listed = revisions(&app, id, &token).await;
    let (newer, older) = (listed[0]["id"].clone(), listed[1]["id"].clone());

    let diff = app
        .get_as(
            &format!("/api/v1/manage/articles/{id}/revisions/diff?from={older}&to={newer}"),
            &token,
        )
        .await;

    assert_eq!(diff.status, 200);
    let changes = diff.json()["data"]["changes"].as_array().unwrap().clone();
    let fields: Vec<_> = changes
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "body_markdown"]);
    assert_eq!(changes[0]["before"], "Port Talks Resume");
    assert_eq!(changes[0]["after"], "Port Talks Stall");
    assert_eq!(
        changes[1]["lines"][0],
        json!({ "op": "delete", "text": "Negotiators met again." })
    );
    assert_eq!(
        changes[1]["lines"][1],
        json!({ "op": "insert", "text": "Negotiators walked out." })
    );
}

#[tokio::test]
async fn a_diff_needs_both_ends() {
    let (app, token) = newsroom().await;
    let (id, _) = edited_draft(&app, &token).await;

    let res = app
        .get_as(
            &format!("/api/v1/manage/articles/{id}/revisions/diff?from=x"),
            &token,
        )
        .await;

    assert_eq!(res.status, 400);
    assert_eq!(res.error_fields(), ["from", "to"]);
}

#[tokio::test]
async fn restoring_a_revision_is_a_new_save_visible_in_the_next_read() {
    let (app, token) = newsroom().await;
    let (id, etag) = edited_draft(&app, &token).await;
    let first = revisions(&app, id, &token).await[1]["id"].as_i64().unwrap();

    let restored = app
        .send_if_match(
            "POST",
            &format!("/api/v1/manage/articles/{id}/revisions/{first}/restore"),
            &etag,
            None,
            &token,
        )
        .await;

    assert_eq!(restored.status, 200);
    assert_eq!(restored.json()["version"], 3);
    assert_eq!(
        restored.header("etag"),
        Some(format!("\"a{id}v3\"").as_str())
    );
    let read = app
        .get_as(&format!("/api/v1/manage/articles/{id}"), &token)
        .await
        .json();
    assert_eq!(read["title"], "Port Talks Resume");
    assert!(
        read["body_markdown"]
            .as_str()
            .unwrap()
            .starts_with("Negotiators met again.")
    );
    let versions: Vec<_> = revisions(&app, id, &token)
        .await
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2, 1]);
}

#[tokio::test]
async fn restoring_on_a_stale_version_conflicts_and_changes_nothing() {
    let (app, token) = newsroom().await;
    let (id, _) = edited_draft(&app, &token).await;
    let first = revisions(&app, id, &token).await[1]["id"].as_i64().unwrap();

    let stale = app
        .send_if_match(
            "POST",
            &format!("/api/v1/manage/articles/{id}/revisions/{first}/restore"),
            &format!("\"a{id}v1\""),
            None,
            &token,
        )
        .await;

    assert_eq!(stale.status, 412);
    let read = app
        .get_as(&format!("/api/v1/manage/articles/{id}"), &token)
        .await
        .json();
    assert_eq!(read["title"], "Port Talks Stall");
    assert_eq!(revisions(&app, id, &token).await.len(), 2);
}

#[tokio::test]
async fn restoring_without_if_match_is_refused() {
    let (app, token) = newsroom().await;
    let (id, _) = edited_draft(&app, &token).await;
    let first = revisions(&app, id, &token).await[1]["id"].as_i64().unwrap();

    let res = app
        .post_json(
            &format!("/api/v1/manage/articles/{id}/revisions/{first}/restore"),
            json!({}),
            Some(&token),
        )
        .await;

    assert_eq!(res.status, 428);
}

#[tokio::test]
async fn restore_puts_back_the_further_reading_list_too() {
    let (app, token) = newsroom().await;
    let (id, etag) = edited_draft(&app, &token).await;
    let linked = app
        .send_if_match(
            "PUT",
            &format!("/api/v1/manage/articles/{id}/related-links"),
            &etag,
            Some(json!([{ "url": "https://example.com/a", "title": "Background" }])),
            &token,
        )
        .await;
    assert_eq!(linked.status, 200);
    let before_links = revisions(&app, id, &token).await[1]["id"].as_i64().unwrap();

    let restored = app
        .send_if_match(
            "POST",
            &format!("/api/v1/manage/articles/{id}/revisions/{before_links}/restore"),
            linked.header("etag").unwrap(),
            None,
            &token,
        )
        .await;

    assert_eq!(restored.status, 200);
    let latest = revisions(&app, id, &token).await[0]["id"].as_i64().unwrap();
    let fields = app
        .get_as(
            &format!("/api/v1/manage/articles/{id}/revisions/{latest}"),
            &token,
        )
        .await
        .json()["data"]["fields"]
        .clone();
    assert_eq!(fields["links"], json!([]));
}

#[tokio::test]
async fn a_revision_of_another_article_is_not_found() {
    let (app, token) = newsroom().await;
    let (id, _) = edited_draft(&app, &token).await;
    let first = revisions(&app, id, &token).await[1]["id"].as_i64().unwrap();
    let other = app
        .post_json(
            "/api/v1/manage/articles",
            json!({ "title": "Other", "body_markdown": "x", "section": "world" }),
            Some(&token),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();

    let res = app
        .get_as(
            &format!("/api/v1/manage/articles/{other}/revisions/{first}"),
            &token,
        )
        .await;

    assert_eq!(res.status, 404);
}

#[tokio::test]
async fn retention_keeps_only_the_newest_revisions_when_configured() {
    let app = TestApp::builder()
        .http(|c| c.revisions_kept = Some(1))
        .build()
        .await;
    let (app, token) = crate::support::fixtures::newsroom_in(app).await;
    let (id, _) = edited_draft(&app, &token).await;

    let versions: Vec<_> = revisions(&app, id, &token)
        .await
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();

    assert_eq!(versions, [2]);
}

#[tokio::test]
async fn partners_without_content_write_see_no_revisions() {
    let (app, token) = newsroom().await;
    let (id, _) = edited_draft(&app, &token).await;
    let reader = app.token("content:read").await;

    let res = app
        .get_as(&format!("/api/v1/manage/articles/{id}/revisions"), &reader)
        .await;

    assert_eq!(res.status, 403);
}
