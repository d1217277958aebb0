//! Draft previews: a link shows an article in any status, in the public
//! shape, to whoever holds it — and to nobody once it expires or is revoked.

use std::sync::Arc;

use newsdesk::domain::time::ManualClock;
use serde_json::{Value, json};

use crate::support::fixtures::{created_draft, newsroom, newsroom_in};
use crate::support::{TestApp, slugs};

/// A draft and a preview link to it: (article id, link).
async fn previewed_draft(app: &TestApp, token: &str) -> (i64, Value) {
    let (id, _) = created_draft(app, token).await;
    let minted = app
        .post_json(
            &format!("/api/v1/manage/articles/{id}/preview-links"),
            json!({}),
            Some(token),
        )
        .await;
    assert_eq!(minted.status, 201);
    (id, minted.json()["data"].clone())
}

fn preview_path(link: &Value) -> String {
    format!("/api/v1/preview/{}", link["token"].as_str().unwrap())
}

#[tokio::test]
async fn a_preview_link_shows_a_draft_that_every_public_path_hides() {
    let (app, token) = newsroom().await;
    let (_, link) = previewed_draft(&app, &token).await;

    let preview = app.get(&preview_path(&link)).await;

    assert_eq!(preview.status, 200);
    let article = preview.json();
    assert_eq!(article["slug"], "port-talks-resume");
    assert_eq!(article["authors"][0]["slug"], "ada");
    assert!(article["body_html"].as_str().unwrap().contains("What next"));
    assert_eq!(preview.header("cache-control"), Some("private, no-store"));
    assert_eq!(preview.header("surrogate-key"), None);
    assert_eq!(
        app.get("/api/v1/articles/port-talks-resume").await.status,
        404
    );
    assert!(slugs(&app.get("/api/v1/articles").await.json()["data"]).is_empty());
    assert!(slugs(&app.get("/api/v1/sections/world/articles").await.json()["data"]).is_empty());
}

#[tokio::test]
async fn a_link_points_at_the_rest_preview_unless_the_frontend_s_page_is_configured() {
    let (app, token) = newsroom().await;
    let (_, link) = previewed_draft(&app, &token).await;
    assert_eq!(link["url"], preview_path(&link));

    let configured = TestApp::builder()
        .http(|c| {
            c.preview_url_template = Some("https://www.example.com/preview?token={token}".into())
        })
        .build()
        .await;
    let (configured, token) = newsroom_in(configured).await;
    let (_, link) = previewed_draft(&configured, &token).await;
    assert_eq!(
        link["url"],
        format!(
            "https://www.example.com/preview?token={}",
            link["token"].as_str().unwrap()
        )
    );
}

#[tokio::test]
async fn a_preview_shows_the_latest_saved_version_and_is_never_served_from_cache() {
    let (app, token) = newsroom().await;
    let (id, link) = previewed_draft(&app, &token).await;
    assert_eq!(
        app.get(&preview_path(&link)).await.json()["title"],
        "Port Talks Resume"
    );

    let edited = app
        .send_if_match(
            "PATCH",
            &format!("/api/v1/manage/articles/{id}"),
            &format!("\"a{id}v1\""),
            Some(json!({ "title": "Port Talks Stall" })),
            &token,
        )
        .await;
    assert_eq!(edited.status, 200);

    assert_eq!(
        app.get(&preview_path(&link)).await.json()["title"],
        "Port Talks Stall"
    );
}

#[tokio::test]
async fn a_link_stops_working_when_it_expires() {
    let clock = Arc::new(ManualClock::starting_now());
    let (app, token) = newsroom_in(TestApp::builder().clock(clock.clone()).build().await).await;
    let (_, link) = previewed_draft(&app, &token).await;

    clock.advance(chrono::Duration::minutes(59));
    assert_eq!(app.get(&preview_path(&link)).await.status, 200);

    clock.advance(chrono::Duration::minutes(1));
    let expired = app.get(&preview_path(&link)).await;
    assert_eq!(expired.status, 404);
    assert_eq!(expired.json()["code"], "not_found");
}

#[tokio::test]
async fn revoking_an_article_s_links_stops_each_of_them() {
    let (app, token) = newsroom().await;
    let (id, first) = previewed_draft(&app, &token).await;
    let second = app
        .post_json(
            &format!("/api/v1/manage/articles/{id}/preview-links"),
            json!({}),
            Some(&token),
        )
        .await
        .json()["data"]
        .clone();

    let revoked = app
        .send_json(
            "DELETE",
            &format!("/api/v1/manage/articles/{id}/preview-links"),
            json!({}),
            Some(&token),
        )
        .await;

    assert_eq!(revoked.status, 200);
    assert_eq!(revoked.json()["data"]["revoked"], 2);
    assert_eq!(app.get(&preview_path(&first)).await.status, 404);
    assert_eq!(app.get(&preview_path(&second)).await.status, 404);
}

#[tokio::test]
async fn an_edited_or_made_up_token_opens_nothing() {
    let (app, token) = newsroom().await;
    let (_, link) = previewed_draft(&app, &token).await;
    let real = link["token"].as_str().unwrap();
    // One character changed, whatever it was.
    let last = if real.ends_with('A') { "B" } else { "A" };
    let edited = format!("{}{last}", &real[..real.len() - 1]);

    for path in [
        format!("/api/v1/preview/{edited}"),
        "/api/v1/preview/ndp_made-up".to_owned(),
        "/api/v1/preview/nd_not-a-preview-token".to_owned(),
    ] {
        assert_eq!(app.get(&path).await.status, 404, "{path}");
    }
}

#[tokio::test]
async fn only_the_newsroom_mints_preview_links() {
    let (app, _) = newsroom().await;
    let reader = app.token("content:read").await;

    let anonymous = app
        .post_json("/api/v1/manage/articles/1/preview-links", json!({}), None)
        .await;
    let partner = app
        .post_json(
            "/api/v1/manage/articles/1/preview-links",
            json!({}),
            Some(&reader),
        )
        .await;

    assert_eq!(anonymous.status, 401);
    assert_eq!(partner.status, 403);
}

#[tokio::test]
async fn graphql_previews_a_draft_and_answers_not_found_for_a_dead_link() {
    let (app, token) = newsroom().await;
    let (_, link) = previewed_draft(&app, &token).await;
    let query = "query($t: String!) { preview(token: $t) { slug title authors { slug } section { slug } } }";

    let shown = app.graphql(query, json!({ "t": link["token"] })).await;
    let missing = app
        .graphql(query, json!({ "t": "ndp_made-up" }))
        .await
        .json();

    assert_eq!(shown.json()["data"]["preview"]["slug"], "port-talks-resume");
    assert_eq!(shown.json()["data"]["preview"]["section"]["slug"], "world");
    assert_eq!(shown.header("cache-control"), Some("private, no-store"));
    assert_eq!(missing["data"]["preview"], Value::Null);
    assert_eq!(missing["errors"][0]["extensions"]["code"], "NOT_FOUND");
}
