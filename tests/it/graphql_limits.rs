//! Hard limits: depth, complexity, page size, aliases and root fields. Each
//! answers an error with a code, never a 500 or a hang.

use serde_json::{Value, json};

use crate::support::TestApp;

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no code: {body:#}"))
}

#[tokio::test]
async fn a_query_nested_too_deep_is_refused() {
    let app = TestApp::new().await;
    let deep = "{ sections { children { children { children { children { children { children { children { children { children { children { children { slug } } } } } } } } } } } } }";

    let res = app.graphql(deep, json!({})).await;

    assert_eq!(res.status, 400);
    assert_eq!(code(&res.json()), "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn a_query_too_complex_is_refused() {
    let app = TestApp::new().await;
    let query = "{ articles(first: 100) { edges { node { slug title excerpt moreLikeThis(first: 100) { slug title excerpt authors { name } } } } } }";

    let res = app.graphql(query, json!({})).await;

    assert_eq!(res.status, 400);
    assert_eq!(code(&res.json()), "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn too_many_aliases_are_refused() {
    let app = TestApp::new().await;
    let fields: String = (0..40)
        .map(|i| format!("a{i}: sections {{ slug }} "))
        .collect();

    let res = app.graphql(&format!("{{ {fields} }}"), json!({})).await;

    assert_eq!(res.status, 400);
    assert_eq!(code(&res.json()), "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn too_many_root_fields_are_refused() {
    let app = TestApp::new().await;
    let fields = "sections { slug } ".repeat(25);

    let res = app.graphql(&format!("{{ {fields} }}"), json!({})).await;

    assert_eq!(res.status, 400);
    assert_eq!(code(&res.json()), "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn a_page_over_a_hundred_is_bad_user_input_everywhere() {
    let app = TestApp::new().await;
    let story = app.article("story").create().await;
    app.comment(story).create().await;

    for query in [
        "{ articles(first: 101) { edges { cursor } } }",
        "{ popular(first: 101) { views } }",
        r#"{ article(slug: "story") { moreLikeThis(first: 101) { slug } } }"#,
        r#"{ article(slug: "story") { comments(first: 101) { edges { cursor } } } }"#,
    ] {
        let body = app.graphql(query, json!({})).await.json();
        assert_eq!(code(&body), "BAD_USER_INPUT", "{query}");
    }
}

#[tokio::test]
async fn operations_past_those_executing_at_once_wait_their_turn_and_all_answer() {
    // No response cache, so every operation executes.
    let app = TestApp::uncached().await;
    for i in 0..3 {
        app.article(&format!("story-{i}")).create().await;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let many = 3 * newsdesk::graphql::EXECUTING_PER_CORE * cores;
    let query = "{ articles(first: 5) { nodes { slug } } }";

    let answers = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        futures_util::future::join_all((0..many).map(|_| app.graphql_data(query, json!({})))),
    )
    .await
    .expect("every operation answered");

    assert_eq!(answers.len(), many);
    for data in answers {
        assert_eq!(data["articles"]["nodes"].as_array().unwrap().len(), 3);
    }
}
