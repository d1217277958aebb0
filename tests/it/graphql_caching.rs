//! GraphQL reads made cacheable: automatic persisted queries, and responses
//! whose bytes depend only on the query and the data.

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};

use crate::support::{TestApp, TestResponse, sha256_hex, url_encode};

const QUERY: &str = "{ sections { slug name } }";

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

async fn post(app: &TestApp, body: Value) -> TestResponse {
    app.send(
        Request::post("/graphql")
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

async fn get_by_hash(app: &TestApp, hash: &str) -> TestResponse {
    let extensions = persisted(hash).to_string();
    let uri = format!("/graphql?extensions={}", url_encode(&extensions));
    app.send(
        Request::get(uri)
            .header("accept", "application/json")
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn an_unknown_hash_asks_for_the_query() {
    let app = TestApp::new().await;

    let res = get_by_hash(&app, &sha256_hex(QUERY)).await;

    let body = res.json();
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
    assert_eq!(res.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn a_query_sent_once_with_its_hash_is_then_served_by_hash_alone() {
    let app = TestApp::new().await;
    app.section("world").create().await;
    let hash = sha256_hex(QUERY);
    let registered = post(
        &app,
        json!({ "query": QUERY, "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(registered.json()["data"]["sections"][0]["slug"], "world");

    let res = get_by_hash(&app, &hash).await;

    assert_eq!(res.status, 200);
    assert_eq!(res.json()["data"]["sections"][0]["slug"], "world");
    assert!(res.header("cache-control").unwrap().starts_with("public"));
}

#[tokio::test]
async fn a_query_with_a_hash_that_is_not_its_own_is_refused() {
    let app = TestApp::new().await;
    let wrong = sha256_hex("{ other }");

    let res = post(
        &app,
        json!({ "query": QUERY, "extensions": persisted(&wrong) }),
    )
    .await;

    assert_eq!(res.status, 400);
    assert_eq!(res.json()["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    let later = get_by_hash(&app, &wrong).await;
    assert_eq!(
        later.json()["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
}

#[tokio::test]
async fn an_unsupported_persisted_query_version_is_refused() {
    let app = TestApp::new().await;
    let extensions = json!({ "persistedQuery": { "version": 2, "sha256Hash": sha256_hex(QUERY) } });

    let res = post(&app, json!({ "query": QUERY, "extensions": extensions })).await;

    assert_eq!(res.status, 400);
}

#[tokio::test]
async fn response_fields_come_in_query_order_every_time() {
    let app = TestApp::uncached().await;
    let id = app.article("story").create().await;
    app.comment(id).create().await;
    let query = r#"{
        zeta: article(slug: "story") { title commentCount ...F section { slug name } }
        alpha: sections { name slug }
        popular { views article { slug } }
    }
    fragment F on Article { slug authors { name } tags { slug } }"#;

    let first = app.graphql(query, json!({})).await;
    let text = first.text();
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle} in {text}"))
    };
    assert!(at("\"zeta\"") < at("\"alpha\"") && at("\"alpha\"") < at("\"popular\""));
    assert!(at("\"title\"") < at("\"commentCount\"") && at("\"commentCount\"") < at("\"slug\""));
    assert!(at("\"authors\"") < at("\"tags\"") && at("\"tags\"") < at("\"section\""));
    for _ in 0..5 {
        assert_eq!(app.graphql(query, json!({})).await.body, first.body);
    }
}
