//! GraphQL mutations: the same rules as REST, decided once in the domain.

use newsdesk::domain::actor::Role;
use serde_json::{Value, json};

use crate::support::TestApp;

const CREATE: &str = r#"mutation($input: ArticleInput!) { createArticle(input: $input) { id version slug status } }"#;
const UPDATE: &str = r#"mutation($id: ID!, $version: Int!, $title: String) { updateArticle(id: $id, version: $version, input: { title: $title }) { version title } }"#;

fn input() -> Value {
    json!({ "input": { "title": "Grid Storage Doubles", "bodyMarkdown": "Batteries.\n\n- more\n", "section": "climate" } })
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no code: {body:#}"))
}

async fn newsroom() -> (TestApp, String) {
    let app = TestApp::new().await;
    app.section("climate").create().await;
    app.editor("ed@news.example", Role::Editor).await;
    let token = app.login("ed@news.example").await;
    (app, token)
}

#[tokio::test]
async fn an_editor_creates_and_publishes_through_graphql() {
    let (app, token) = newsroom().await;

    let created = app.graphql_as(CREATE, input(), &token).await.json();
    let article = &created["data"]["createArticle"];
    assert_eq!(article["status"], "DRAFT");
    let published = app
        .graphql_as(
            "mutation($id: ID!, $v: Int!) { publishArticle(id: $id, version: $v) { status version } }",
            json!({ "id": article["id"], "v": article["version"] }),
            &token,
        )
        .await
        .json();

    assert_eq!(
        published["data"]["publishArticle"],
        json!({ "status": "PUBLISHED", "version": 2 })
    );
    let public = app
        .graphql_data(
            r#"{ article(slug: "grid-storage-doubles") { title } }"#,
            json!({}),
        )
        .await;
    assert_eq!(public["article"]["title"], "Grid Storage Doubles");
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_changes_nothing() {
    let (app, token) = newsroom().await;
    let created = app.graphql_as(CREATE, input(), &token).await.json();
    let id = created["data"]["createArticle"]["id"].clone();
    app.graphql_as(
        UPDATE,
        json!({ "id": id, "version": 1, "title": "First edit" }),
        &token,
    )
    .await;

    let stale = app
        .graphql_as(
            UPDATE,
            json!({ "id": id, "version": 1, "title": "Lost edit" }),
            &token,
        )
        .await
        .json();

    assert_eq!(code(&stale), "CONFLICT");
    let stored = app
        .graphql_as(r#"mutation($id: ID!) { updateArticle(id: $id, version: 2, input: {}) { title version } }"#, json!({ "id": id }), &token)
        .await
        .json();
    assert_eq!(stored["data"]["updateArticle"]["title"], "First edit");
}

#[tokio::test]
async fn writers_without_content_write_are_refused_with_codes() {
    let (app, _) = newsroom().await;
    let commenter = app.token("comments:write").await;

    let anonymous = app.graphql(CREATE, input()).await.json();
    let forbidden = app.graphql_as(CREATE, input(), &commenter).await.json();

    assert_eq!(code(&anonymous), "UNAUTHENTICATED");
    assert_eq!(code(&forbidden), "FORBIDDEN");
}

#[tokio::test]
async fn validation_errors_are_bad_user_input_naming_each_field() {
    let (app, token) = newsroom().await;

    let body = app
        .graphql_as(
            CREATE,
            json!({ "input": { "title": "", "section": "nowhere", "canonicalUrl": "ftp://x" } }),
            &token,
        )
        .await
        .json();

    assert_eq!(code(&body), "BAD_USER_INPUT");
    let fields: Vec<String> = body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    for expected in ["title", "bodyMarkdown", "canonicalUrl", "section"] {
        assert!(
            fields.contains(&expected.to_owned()),
            "{expected} missing from {fields:?}"
        );
    }
}

#[tokio::test]
async fn a_comment_added_through_graphql_waits_then_shows_once_approved() {
    let (app, token) = newsroom().await;
    app.article("story").create().await;
    let add = r#"mutation { addComment(articleSlug: "story", authorName: "Reader", authorEmail: "r@example.org", body: "Good piece") { id status } }"#;

    let submitted = app.graphql_data(add, json!({})).await;
    assert_eq!(submitted["addComment"]["status"], "pending");
    let shown = r#"{ article(slug: "story") { commentCount } }"#;
    assert_eq!(
        app.graphql_data(shown, json!({})).await["article"]["commentCount"],
        0
    );

    let approved = app
        .graphql_as(
            "mutation($id: ID!) { approveComment(id: $id) { status } }",
            json!({ "id": submitted["addComment"]["id"] }),
            &token,
        )
        .await
        .json();

    assert_eq!(approved["data"]["approveComment"]["status"], "approved");
    assert_eq!(
        app.graphql_data(shown, json!({})).await["article"]["commentCount"],
        1
    );
}

#[tokio::test]
async fn moderation_needs_comments_moderate() {
    let (app, _) = newsroom().await;
    let story = app.article("story").create().await;
    let id = app.comment(story).status("pending").create().await;
    let commenter = app.token("comments:write").await;
    use base64::Engine;
    let gid = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Comment:{id}"));

    let body = app
        .graphql_as(
            "mutation($id: ID!) { approveComment(id: $id) { status } }",
            json!({ "id": gid }),
            &commenter,
        )
        .await
        .json();

    assert_eq!(code(&body), "FORBIDDEN");
}
