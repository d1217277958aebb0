//! The newsroom workflow in GraphQL: the same rules as REST, decided once in
//! the domain — preview links, revisions, notes and live entries.

use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::fixtures::{newsroom, published_draft};

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no code: {body:#}"))
}

/// The version an article ETag (`"a12v3"`) names.
fn version_of(etag: &str) -> i64 {
    let version = etag
        .trim_matches('"')
        .rsplit_once('v')
        .expect("an article ETag")
        .1;
    version.parse().expect("a version number")
}

/// The draft, published, and its global id and version.
async fn published(app: &TestApp, token: &str) -> (Value, i64) {
    let (_, etag) = published_draft(app, token).await;
    let node = app
        .graphql_data(
            r#"{ article(slug: "port-talks-resume") { id } }"#,
            json!({}),
        )
        .await["article"]["id"]
        .clone();
    (node, version_of(&etag))
}

#[tokio::test]
async fn editors_list_revisions_and_restore_one_through_graphql() {
    let (app, token) = newsroom().await;
    let (id, version) = published(&app, &token).await;
    let edited = app
        .graphql_as(
            "mutation($id: ID!, $v: Int!) { updateArticle(id: $id, version: $v, input: { title: \"Port Talks Stall\" }) { version } }",
            json!({ "id": id, "v": version }),
            &token,
        )
        .await
        .json();
    let version = edited["data"]["updateArticle"]["version"].clone();
    let listed = app
        .graphql_as(
            r#"{ article(slug: "port-talks-resume") { revisions(first: 10) { nodes { id version fields } } } }"#,
            json!({}),
            &token,
        )
        .await
        .json();
    let nodes = listed["data"]["article"]["revisions"]["nodes"].clone();
    let (newest, oldest) = (nodes[0]["id"].clone(), nodes[1]["id"].clone());
    let changes = app
        .graphql_as(
            r#"query($slug: String!, $from: ID!) { article(slug: $slug) { revisions(first: 1) { nodes { changesSince(from: $from) { field before after } } } } }"#,
            json!({ "slug": "port-talks-resume", "from": oldest }),
            &token,
        )
        .await
        .json();

    let restored = app
        .graphql_as(
            "mutation($id: ID!, $r: ID!, $v: Int!) { restoreRevision(id: $id, revisionId: $r, version: $v) { title version } }",
            json!({ "id": id, "r": oldest, "v": version }),
            &token,
        )
        .await
        .json();

    assert_ne!(newest, oldest);
    assert_eq!(nodes[0]["fields"]["title"], "Port Talks Stall");
    assert_eq!(nodes[1]["fields"]["title"], "Port Talks Resume");
    assert_eq!(
        changes["data"]["article"]["revisions"]["nodes"][0]["changesSince"],
        json!([{ "field": "title", "before": "Port Talks Resume", "after": "Port Talks Stall" }])
    );
    assert_eq!(
        restored["data"]["restoreRevision"]["title"],
        "Port Talks Resume"
    );
}

#[tokio::test]
async fn restoring_a_stale_version_through_graphql_is_a_conflict() {
    let (app, token) = newsroom().await;
    let (id, version) = published(&app, &token).await;
    let oldest = app
        .graphql_as(
            r#"{ article(slug: "port-talks-resume") { revisions(first: 10) { nodes { id } } } }"#,
            json!({}),
            &token,
        )
        .await
        .json()["data"]["article"]["revisions"]["nodes"][0]["id"]
        .clone();

    let stale = app
        .graphql_as(
            "mutation($id: ID!, $r: ID!, $v: Int!) { restoreRevision(id: $id, revisionId: $r, version: $v) { version } }",
            json!({ "id": id, "r": oldest, "v": version - 1 }),
            &token,
        )
        .await
        .json();

    assert_eq!(code(&stale), "CONFLICT");
}

#[tokio::test]
async fn readers_are_not_shown_revisions() {
    let (app, token) = newsroom().await;
    published(&app, &token).await;

    let body = app
        .graphql(
            r#"{ article(slug: "port-talks-resume") { title revisions { nodes { id } } } }"#,
            json!({}),
        )
        .await
        .json();

    assert_eq!(code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn editors_mint_previews_add_notes_and_live_entries_through_graphql() {
    let (app, token) = newsroom().await;
    let (id, _) = published(&app, &token).await;

    let link = app
        .graphql_as(
            "mutation($id: ID!) { createPreviewLink(id: $id) { token url expiresAt } }",
            json!({ "id": id }),
            &token,
        )
        .await
        .json();
    let note = app
        .graphql_as(
            "mutation($id: ID!) { addArticleNote(id: $id, kind: CORRECTION, bodyMarkdown: \"Fixed the date.\") { kind bodyHtml } }",
            json!({ "id": id }),
            &token,
        )
        .await
        .json();
    let entry = app
        .graphql_as(
            "mutation($id: ID!) { addLiveEntry(id: $id, input: { bodyMarkdown: \"Talks *resume*.\", pinned: true }) { bodyHtml pinned } }",
            json!({ "id": id }),
            &token,
        )
        .await
        .json();

    let token_text = link["data"]["createPreviewLink"]["token"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/preview/{token_text}"))
            .await
            .status,
        200
    );
    assert_eq!(
        note["data"]["addArticleNote"],
        json!({ "kind": "CORRECTION", "bodyHtml": "<p>Fixed the date.</p>\n" })
    );
    assert_eq!(
        entry["data"]["addLiveEntry"],
        json!({ "bodyHtml": "<p>Talks <em>resume</em>.</p>\n", "pinned": true })
    );
}

#[tokio::test]
async fn readers_cannot_write_live_entries_or_notes() {
    let (app, token) = newsroom().await;
    let (id, _) = published(&app, &token).await;

    let entry = app
        .graphql(
            "mutation($id: ID!) { addLiveEntry(id: $id, input: { bodyMarkdown: \"x\" }) { id } }",
            json!({ "id": id }),
        )
        .await
        .json();
    let note = app
        .graphql(
            "mutation($id: ID!) { addArticleNote(id: $id, kind: UPDATE, bodyMarkdown: \"x\") { id } }",
            json!({ "id": id }),
        )
        .await
        .json();

    assert_eq!(code(&entry), "UNAUTHENTICATED");
    assert_eq!(code(&note), "UNAUTHENTICATED");
}
