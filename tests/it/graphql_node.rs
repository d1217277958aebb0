//! Relay object identification: every type is a Node with an opaque global id.

use serde_json::{Value, json};

use crate::support::TestApp;

const NODE: &str = r#"
query Node($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Article { slug }
    ... on Section { slug }
    ... on Author { slug }
    ... on Tag { slug }
    ... on Comment { body replies { nodes { body } } }
    ... on RelatedLink { title }
  }
}"#;

async fn node(app: &TestApp, id: &Value) -> Value {
    app.graphql_data(NODE, json!({ "id": id })).await["node"].clone()
}

#[tokio::test]
async fn every_type_is_found_again_by_its_global_id() {
    let app = TestApp::new().await;
    let world = app.section("world").create().await;
    let ada = app.author("ada").await;
    let trade = app.tag("trade").await;
    let story = app
        .article("story")
        .section(world)
        .authors(&[ada])
        .tags(&[trade])
        .related_url("https://example.org", "Elsewhere")
        .create()
        .await;
    let top = app.comment(story).body("top").create().await;
    app.comment(story)
        .reply_to(top)
        .body("reply")
        .create()
        .await;

    let data = app
        .graphql_data(
            r#"{ article(slug: "story") { id section { id } authors { id } tags { id } relatedLinks { id }
                 comments(first: 1) { edges { node { id } } } } }"#,
            json!({}),
        )
        .await;
    let article = &data["article"];

    assert_eq!(node(&app, &article["id"]).await["slug"], "story");
    assert_eq!(node(&app, &article["section"]["id"]).await["slug"], "world");
    assert_eq!(
        node(&app, &article["authors"][0]["id"]).await["slug"],
        "ada"
    );
    assert_eq!(node(&app, &article["tags"][0]["id"]).await["slug"], "trade");
    assert_eq!(
        node(&app, &article["relatedLinks"][0]["id"]).await["title"],
        "Elsewhere"
    );
    let comment = node(&app, &article["comments"]["edges"][0]["node"]["id"]).await;
    assert_eq!(
        comment,
        json!({ "__typename": "Comment", "id": article["comments"]["edges"][0]["node"]["id"], "body": "top", "replies": { "nodes": [{ "body": "reply" }] } })
    );
}

#[tokio::test]
async fn nodes_answers_in_the_order_asked_with_null_for_unknown_ids() {
    let app = TestApp::new().await;
    app.article("a").hours_ago(2).create().await;
    app.article("b").hours_ago(1).create().await;
    let ids = app
        .graphql_data("{ articles { edges { node { id } } } }", json!({}))
        .await;
    let (b, a) = (
        &ids["articles"]["edges"][0]["node"]["id"],
        &ids["articles"]["edges"][1]["node"]["id"],
    );
    let unknown = "QXJ0aWNsZTo5OTk5OQ";

    let data = app
        .graphql_data(
            "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Article { slug } } }",
            json!({ "ids": [a, unknown, b] }),
        )
        .await;

    assert_eq!(
        data["nodes"],
        json!([{ "slug": "a" }, null, { "slug": "b" }])
    );
}

#[tokio::test]
async fn a_draft_or_hidden_comment_is_no_node() {
    let app = TestApp::new().await;
    let draft = app.article("draft").draft().create().await;
    let story = app.article("story").create().await;
    let pending = app.comment(story).status("pending").create().await;
    let on_draft = app.comment(draft).create().await;
    let encode = |s: String| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    };

    for id in [
        format!("Article:{draft}"),
        format!("Comment:{pending}"),
        format!("Comment:{on_draft}"),
    ] {
        assert_eq!(
            node(&app, &json!(encode(id.clone()))).await,
            Value::Null,
            "{id}"
        );
    }
}

#[tokio::test]
async fn a_malformed_id_is_bad_user_input() {
    let app = TestApp::new().await;

    let body = app
        .graphql(NODE, json!({ "id": "definitely not ours" }))
        .await
        .json();

    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[tokio::test]
async fn more_than_a_hundred_nodes_is_bad_user_input() {
    let app = TestApp::new().await;
    let ids: Vec<String> = (1..=101).map(|i| format!("id{i}")).collect();

    let body = app
        .graphql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": ids }),
        )
        .await
        .json();

    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}
