//! Live coverage: editors append entries to an article; readers page them
//! newest first and ask for what is new since the entry they hold.

use newsdesk::domain::visibility::ArticleStatus;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::fixtures::newsroom;

/// Adds an entry to article `id` as `token`, and returns it.
async fn add(app: &TestApp, token: &str, id: i64, body: Value) -> Value {
    let res = app
        .post_json(
            &format!("/api/v1/manage/articles/{id}/live-entries"),
            body,
            Some(token),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["data"].clone()
}

fn bodies(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["body_markdown"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn entries_are_rendered_on_save_and_listed_newest_first() {
    let (app, token) = newsroom().await;
    let id = app.article("storm").create().await;
    add(
        &app,
        &token,
        id,
        json!({ "body_markdown": "Winds **rise**." }),
    )
    .await;
    let second = add(
        &app,
        &token,
        id,
        json!({ "body_markdown": "Roads close.", "author": "ada", "pinned": true }),
    )
    .await;

    let list = app.get("/api/v1/articles/storm/live").await;

    assert_eq!(list.status, 200);
    let list = list.json();
    assert_eq!(bodies(&list), ["Roads close.", "Winds **rise**."]);
    assert_eq!(
        list["data"][1]["body_html"],
        "<p>Winds <strong>rise</strong>.</p>\n"
    );
    assert_eq!(
        second["author"],
        json!({ "slug": "ada", "name": "Author ada" })
    );
    assert_eq!(second["pinned"], true);
}

#[tokio::test]
async fn since_lists_only_entries_added_after_the_one_the_client_holds() {
    let (app, token) = newsroom().await;
    let id = app.article("storm").create().await;
    let first = add(&app, &token, id, json!({ "body_markdown": "one" })).await;
    add(&app, &token, id, json!({ "body_markdown": "two" })).await;
    add(&app, &token, id, json!({ "body_markdown": "three" })).await;

    let newer = app
        .get(&format!(
            "/api/v1/articles/storm/live?since={}",
            first["cursor"].as_str().unwrap()
        ))
        .await
        .json();

    assert_eq!(bodies(&newer), ["three", "two"]);
}

#[tokio::test]
async fn pages_of_entries_neither_skip_nor_repeat() {
    let (app, token) = newsroom().await;
    let id = app.article("storm").create().await;
    for n in 1..=5 {
        add(
            &app,
            &token,
            id,
            json!({ "body_markdown": format!("entry {n}") }),
        )
        .await;
    }

    let first = app.get("/api/v1/articles/storm/live?limit=2").await.json();
    let cursor = first["page"]["next_cursor"].as_str().unwrap().to_owned();
    let second = app
        .get(&format!(
            "/api/v1/articles/storm/live?limit=2&cursor={cursor}"
        ))
        .await
        .json();

    assert_eq!(bodies(&first), ["entry 5", "entry 4"]);
    assert_eq!(bodies(&second), ["entry 3", "entry 2"]);
}

#[tokio::test]
async fn a_draft_s_coverage_is_hidden_like_the_draft() {
    let (app, token) = newsroom().await;
    let id = app
        .article("embargoed")
        .status(ArticleStatus::Draft)
        .published_at(None)
        .create()
        .await;
    add(&app, &token, id, json!({ "body_markdown": "not yet" })).await;

    assert_eq!(app.get("/api/v1/articles/embargoed/live").await.status, 404);
}

#[tokio::test]
async fn a_new_entry_shows_at_once_even_when_the_list_was_cached() {
    let (app, token) = newsroom().await;
    let id = app.article("storm").create().await;
    assert!(bodies(&app.get("/api/v1/articles/storm/live").await.json()).is_empty());

    add(&app, &token, id, json!({ "body_markdown": "first" })).await;

    assert_eq!(
        bodies(&app.get("/api/v1/articles/storm/live").await.json()),
        ["first"]
    );
}

#[tokio::test]
async fn editing_and_deleting_entries_is_audited() {
    let (app, token) = newsroom().await;
    let id = app.article("storm").create().await;
    let entry = add(&app, &token, id, json!({ "body_markdown": "typo" })).await;
    let path = format!("/api/v1/manage/articles/{id}/live-entries/{}", entry["id"]);

    let edited = app
        .send_json(
            "PATCH",
            &path,
            json!({ "body_markdown": "fixed" }),
            Some(&token),
        )
        .await;
    assert_eq!(edited.status, 200);
    assert_eq!(edited.json()["data"]["body_markdown"], "fixed");
    let deleted = app
        .send_json("DELETE", &path, json!({}), Some(&token))
        .await;
    assert_eq!(deleted.status, 204);

    assert!(bodies(&app.get("/api/v1/articles/storm/live").await.json()).is_empty());
    let admin = app.token("admin").await;
    let audit = app.get_as("/api/v1/manage/audit", &admin).await.json();
    let actions: Vec<_> = audit["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource"] == "live_entry")
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["delete", "update", "create"]);
}

#[tokio::test]
async fn an_entry_needs_a_body_and_a_known_author() {
    let (app, token) = newsroom().await;
    let id = app.article("storm").create().await;

    let res = app
        .post_json(
            &format!("/api/v1/manage/articles/{id}/live-entries"),
            json!({ "author": "nobody" }),
            Some(&token),
        )
        .await;

    assert_eq!(res.status, 400);
    assert_eq!(res.error_fields(), ["body_markdown", "author"]);
}

#[tokio::test]
async fn entries_of_a_missing_article_or_another_article_are_not_found() {
    let (app, token) = newsroom().await;
    let storm = app.article("storm").create().await;
    let other = app.article("other").create().await;
    let entry = add(&app, &token, storm, json!({ "body_markdown": "x" })).await;

    let missing = app
        .post_json(
            "/api/v1/manage/articles/999/live-entries",
            json!({ "body_markdown": "x" }),
            Some(&token),
        )
        .await;
    let elsewhere = app
        .send_json(
            "DELETE",
            &format!(
                "/api/v1/manage/articles/{other}/live-entries/{}",
                entry["id"]
            ),
            json!({}),
            Some(&token),
        )
        .await;

    assert_eq!(missing.status, 404);
    assert_eq!(elsewhere.status, 404);
    assert_eq!(
        bodies(&app.get("/api/v1/articles/storm/live").await.json()),
        ["x"]
    );
}

#[tokio::test]
async fn graphql_pages_live_entries_as_a_connection() {
    let (app, token) = newsroom().await;
    let id = app.article("storm").create().await;
    add(&app, &token, id, json!({ "body_markdown": "one" })).await;
    add(&app, &token, id, json!({ "body_markdown": "two" })).await;

    let data = app
        .graphql_data(
            r#"{ article(slug: "storm") { liveEntries(first: 1) {
                   edges { node { bodyMarkdown } }
                   pageInfo { hasNextPage }
               } } }"#,
            json!({}),
        )
        .await;

    let live = &data["article"]["liveEntries"];
    assert_eq!(live["edges"][0]["node"]["bodyMarkdown"], "two");
    assert_eq!(live["pageInfo"]["hasNextPage"], true);
}

#[tokio::test]
async fn editors_mark_an_article_live_and_every_read_says_so() {
    let (app, token) = newsroom().await;
    let (id, etag) = crate::support::fixtures::created_draft(&app, &token).await;
    let live = app
        .send_if_match(
            "PATCH",
            &format!("/api/v1/manage/articles/{id}"),
            &etag,
            Some(json!({ "live": true })),
            &token,
        )
        .await;
    assert_eq!(live.json()["live"], true);
    app.send_if_match(
        "POST",
        &format!("/api/v1/manage/articles/{id}/publish"),
        live.header("etag").unwrap(),
        None,
        &token,
    )
    .await;

    let article = app.get("/api/v1/articles/port-talks-resume").await.json();
    let listed = app.get("/api/v1/articles").await.json();
    let data = app
        .graphql_data(
            r#"{ article(slug: "port-talks-resume") { live } articles(first: 1) { nodes { live } } }"#,
            json!({}),
        )
        .await;

    assert_eq!(article["live"], true);
    assert_eq!(listed["data"][0]["live"], true);
    assert_eq!(data["article"]["live"], true);
    assert_eq!(data["articles"]["nodes"][0]["live"], true);
}
