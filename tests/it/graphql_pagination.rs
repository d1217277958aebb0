//! Relay connections: forward paging meets every published article exactly once.

use serde_json::{Value, json};

use crate::support::TestApp;

const LIST: &str = r#"
query List($first: Int, $after: String) {
  articles(first: $first, after: $after) {
    edges { cursor node { slug } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {body:#}"))
}

#[tokio::test]
async fn paging_forward_meets_every_published_article_once_in_order() {
    let app = TestApp::new().await;
    for i in 0..11 {
        app.article(&format!("a-{i:02}"))
            .hours_ago(i + 1)
            .create()
            .await;
    }
    app.article("draft").draft().create().await;

    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .graphql_data(LIST, json!({ "first": 4, "after": after }))
            .await;
        let connection = &data["articles"];
        for edge in connection["edges"].as_array().unwrap() {
            seen.push(edge["node"]["slug"].as_str().unwrap().to_owned());
        }
        let info = &connection["pageInfo"];
        assert_eq!(info["hasPreviousPage"], false);
        assert_eq!(
            info["endCursor"],
            connection["edges"].as_array().unwrap().last().unwrap()["cursor"]
        );
        if info["hasNextPage"] == false {
            break;
        }
        after = info["endCursor"].clone();
    }

    let expected: Vec<String> = (0..11).map(|i| format!("a-{i:02}")).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn total_count_counts_the_whole_filtered_list() {
    let app = TestApp::new().await;
    let trade = app.tag("trade").await;
    for i in 0..5 {
        app.article(&format!("t-{i}")).tags(&[trade]).create().await;
    }
    app.article("other").create().await;

    let data = app
        .graphql_data(
            r#"{ articles(first: 2, tag: "trade") { totalCount edges { node { slug } } } }"#,
            json!({}),
        )
        .await;

    assert_eq!(data["articles"]["totalCount"], 5);
    assert_eq!(data["articles"]["edges"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn first_outside_one_to_a_hundred_is_bad_user_input() {
    let app = TestApp::new().await;

    for first in [0, -1, 101] {
        let body = app.graphql(LIST, json!({ "first": first })).await.json();
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "first: {first}");
        assert_eq!(
            body["errors"][0]["extensions"]["fields"][0]["field"],
            "first"
        );
    }
}

#[tokio::test]
async fn an_edited_cursor_is_bad_user_input() {
    let app = TestApp::new().await;

    let body = app
        .graphql(LIST, json!({ "first": 2, "after": "not-a-cursor" }))
        .await
        .json();

    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(
        body["errors"][0]["extensions"]["fields"][0]["field"],
        "after"
    );
}

#[tokio::test]
async fn section_author_and_tag_connections_page_too() {
    let app = TestApp::new().await;
    let world = app.section("world").create().await;
    let ada = app.author("ada").await;
    let trade = app.tag("trade").await;
    for i in 0..3 {
        app.article(&format!("s-{i}"))
            .section(world)
            .authors(&[ada])
            .tags(&[trade])
            .hours_ago(i + 1)
            .create()
            .await;
    }

    let data = app
        .graphql_data(
            r#"{
              section(slug: "world") { articles(first: 2) { totalCount edges { node { slug } } pageInfo { hasNextPage } } }
              author(slug: "ada") { articles(first: 3) { edges { node { slug } } pageInfo { hasNextPage } } }
              tag(slug: "trade") { articles(first: 1) { edges { node { slug } } } }
            }"#,
            json!({}),
        )
        .await;

    assert_eq!(data["section"]["articles"]["totalCount"], 3);
    assert_eq!(data["section"]["articles"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(data["author"]["articles"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(data["tag"]["articles"]["edges"][0]["node"]["slug"], "s-0");
}
