//! Corrections, clarifications and updates: public notes on a published
//! article, newest first, that move its public `updated_at` when a silent
//! fix does not; a removed note leaves the public article and stays on record.

use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::fixtures::{created_draft, newsroom, published_draft};

async fn note(app: &TestApp, token: &str, id: i64, kind: &str, text: &str) -> Value {
    let res = app
        .post_json(
            &format!("/api/v1/manage/articles/{id}/notes"),
            json!({ "kind": kind, "body_markdown": text }),
            Some(token),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["data"].clone()
}

async fn public(app: &TestApp) -> Value {
    app.get("/api/v1/articles/port-talks-resume").await.json()
}

#[tokio::test]
async fn notes_show_on_the_public_article_newest_first() {
    let (app, token) = newsroom().await;
    let (id, _) = published_draft(&app, &token).await;
    note(
        &app,
        &token,
        id,
        "correction",
        "An earlier version misnamed the port.",
    )
    .await;
    note(&app, &token, id, "update", "Talks resumed on *Tuesday*.").await;

    let notes = public(&app).await["notes"].clone();

    assert_eq!(notes[0]["kind"], "update");
    assert_eq!(
        notes[0]["body_html"],
        "<p>Talks resumed on <em>Tuesday</em>.</p>\n"
    );
    assert_eq!(notes[1]["kind"], "correction");
    assert_eq!(notes.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_note_moves_the_public_updated_at_and_a_silent_fix_does_not() {
    let (app, token) = newsroom().await;
    let (id, etag) = published_draft(&app, &token).await;
    let before = public(&app).await["updated_at"].clone();
    assert_eq!(before, public(&app).await["published_at"]);

    let fixed = app
        .send_if_match(
            "PATCH",
            &format!("/api/v1/manage/articles/{id}"),
            &etag,
            Some(json!({ "title": "Port Talks Resume Again" })),
            &token,
        )
        .await;
    assert_eq!(fixed.status, 200);
    assert_eq!(public(&app).await["updated_at"], before);

    let added = note(&app, &token, id, "clarification", "The talks are indirect.").await;
    let after = public(&app).await["updated_at"].clone();
    assert_ne!(after, before);
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(after.as_str().unwrap()).unwrap(),
        chrono::DateTime::parse_from_rfc3339(added["created_at"].as_str().unwrap()).unwrap()
    );
}

#[tokio::test]
async fn a_removed_note_leaves_the_public_article_but_stays_for_the_newsroom() {
    let (app, token) = newsroom().await;
    let (id, _) = published_draft(&app, &token).await;
    let added = note(&app, &token, id, "correction", "Wrong date.").await;

    let removed = app
        .send_json(
            "DELETE",
            &format!("/api/v1/manage/articles/{id}/notes/{}", added["id"]),
            json!({}),
            Some(&token),
        )
        .await;

    assert_eq!(removed.status, 200);
    assert!(public(&app).await["notes"].as_array().unwrap().is_empty());
    let kept = app
        .get_as(&format!("/api/v1/manage/articles/{id}/notes"), &token)
        .await
        .json();
    assert_eq!(kept["data"][0]["body_markdown"], "Wrong date.");
    assert!(
        kept["data"][0]["removed_by"]
            .as_str()
            .unwrap()
            .contains("ed@news.example")
    );
    let admin = app.token("admin").await;
    let audit = app.get_as("/api/v1/manage/audit", &admin).await.json();
    assert!(
        audit["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "remove_note" && e["resource_id"] == id),
        "the removal is audited"
    );
}

#[tokio::test]
async fn a_draft_takes_no_notes() {
    let (app, token) = newsroom().await;
    let (id, _) = created_draft(&app, &token).await;

    let res = app
        .post_json(
            &format!("/api/v1/manage/articles/{id}/notes"),
            json!({ "kind": "correction", "body_markdown": "x" }),
            Some(&token),
        )
        .await;

    assert_eq!(res.status, 409);
    let kept = app
        .get_as(&format!("/api/v1/manage/articles/{id}/notes"), &token)
        .await
        .json();
    assert_eq!(kept["data"], json!([]));
}

#[tokio::test]
async fn a_note_needs_a_known_kind_and_text() {
    let (app, token) = newsroom().await;
    let (id, _) = published_draft(&app, &token).await;

    let res = app
        .post_json(
            &format!("/api/v1/manage/articles/{id}/notes"),
            json!({ "kind": "retraction", "body_markdown": " " }),
            Some(&token),
        )
        .await;

    assert_eq!(res.status, 400);
    assert_eq!(res.error_fields(), ["kind", "body_markdown"]);
}

#[tokio::test]
async fn graphql_shows_notes_and_the_moved_updated_at() {
    let (app, token) = newsroom().await;
    let (id, _) = published_draft(&app, &token).await;
    let added = note(&app, &token, id, "update", "More to come.").await;

    let data = app
        .graphql_data(
            r#"{ article(slug: "port-talks-resume") { updatedAt notes { kind bodyMarkdown } } }"#,
            json!({}),
        )
        .await;

    assert_eq!(
        data["article"]["notes"],
        json!([{ "kind": "UPDATE", "bodyMarkdown": "More to come." }])
    );
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(data["article"]["updatedAt"].as_str().unwrap())
            .unwrap(),
        chrono::DateTime::parse_from_rfc3339(added["created_at"].as_str().unwrap()).unwrap()
    );
}
