//! GraphQL over HTTP: methods, media types and status codes.

use axum::body::Body;
use axum::http::Request;
use serde_json::json;

use crate::support::{TestApp, TestResponse, url_encode};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

async fn get(app: &TestApp, query: &str, accept: Option<&str>) -> TestResponse {
    let uri = format!("/graphql?query={}", url_encode(query));
    let mut request = Request::get(uri);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

async fn post(app: &TestApp, body: &str, content_type: &str, accept: &str) -> TestResponse {
    app.send(
        Request::post("/graphql")
            .header("content-type", content_type)
            .header("accept", accept)
            .body(Body::from(body.to_owned()))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_query_can_be_sent_by_get_for_caching() {
    let app = TestApp::new().await;
    app.section("world").create().await;

    let res = get(
        &app,
        "{ sections { slug } }",
        Some("application/graphql-response+json"),
    )
    .await;

    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some(GRAPHQL_RESPONSE));
    assert_eq!(
        res.json(),
        json!({ "data": { "sections": [{ "slug": "world" }] } })
    );
}

#[tokio::test]
async fn get_takes_variables_and_an_operation_name() {
    let app = TestApp::new().await;
    app.article("story").create().await;
    let uri = format!(
        "/graphql?query={}&variables={}&operationName=B",
        url_encode(
            "query A { sections { slug } } query B($s: String!) { article(slug: $s) { slug } }"
        ),
        url_encode(r#"{"s":"story"}"#)
    );

    let res = app
        .send(Request::get(uri).body(Body::empty()).unwrap())
        .await;

    assert_eq!(
        res.json(),
        json!({ "data": { "article": { "slug": "story" } } })
    );
}

#[tokio::test]
async fn a_mutation_sent_by_get_is_405_and_names_post() {
    let app = TestApp::new().await;

    let res = get(
        &app,
        "mutation { anything }",
        Some("application/graphql-response+json"),
    )
    .await;

    assert_eq!(res.status, 405);
    assert_eq!(res.header("allow"), Some("POST"));
    assert_eq!(
        res.json()["errors"][0]["extensions"]["code"],
        "METHOD_NOT_ALLOWED"
    );
}

#[tokio::test]
async fn the_answer_is_json_unless_graphql_response_json_is_accepted() {
    let app = TestApp::new().await;

    let plain = post(
        &app,
        r#"{"query":"{ sections { slug } }"}"#,
        "application/json",
        "application/json",
    )
    .await;
    let none = app
        .send(
            Request::post("/graphql")
                .header("content-type", "application/json")
                .body(Body::from(r#"{"query":"{ sections { slug } }"}"#))
                .unwrap(),
        )
        .await;
    let new = post(
        &app,
        r#"{"query":"{ sections { slug } }"}"#,
        "application/json",
        "application/graphql-response+json",
    )
    .await;

    assert_eq!(plain.header("content-type"), Some(JSON));
    assert_eq!(none.header("content-type"), Some(JSON));
    assert_eq!(new.header("content-type"), Some(GRAPHQL_RESPONSE));
}

#[tokio::test]
async fn an_unacceptable_accept_header_is_406() {
    let app = TestApp::new().await;

    let res = post(
        &app,
        r#"{"query":"{ sections { slug } }"}"#,
        "application/json",
        "text/xml",
    )
    .await;

    assert_eq!(res.status, 406);
}

#[tokio::test]
async fn a_parse_error_is_400_with_the_new_media_type_and_200_with_json() {
    let app = TestApp::new().await;

    let new = post(
        &app,
        r#"{"query":"{ sections { "}"#,
        "application/json",
        "application/graphql-response+json",
    )
    .await;
    let old = post(
        &app,
        r#"{"query":"{ sections { "}"#,
        "application/json",
        "application/json",
    )
    .await;

    assert_eq!(new.status, 400);
    assert_eq!(old.status, 200);
    for res in [&new, &old] {
        let body = res.json();
        assert!(
            body.get("data").is_none(),
            "no data for a request that never ran: {body}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "GRAPHQL_PARSE_FAILED"
        );
    }
}

#[tokio::test]
async fn a_validation_error_is_400_with_the_new_media_type() {
    let app = TestApp::new().await;

    let res = post(
        &app,
        r#"{"query":"{ noSuchField }"}"#,
        "application/json",
        "application/graphql-response+json",
    )
    .await;

    assert_eq!(res.status, 400);
    let body = res.json();
    assert!(body.get("data").is_none());
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
}

#[tokio::test]
async fn a_query_that_ran_before_is_still_refused_when_its_variables_do_not_fit() {
    let app = TestApp::uncached().await;
    let accept = "application/graphql-response+json";
    // The value is read before execution only by validation: `article` has
    // no complexity of its own to read it, and `sections` would answer.
    let query = "query A($s: String!) { article(slug: $s) { title } sections { slug } }";
    let with = |s: &str| format!(r#"{{"query":"{query}","variables":{{"s":{s}}}}}"#);

    let fits = post(
        &app,
        &with(r#""no-such-story""#),
        "application/json",
        accept,
    )
    .await;
    let does_not = post(&app, &with("5"), "application/json", accept).await;

    assert_eq!(fits.status, 200);
    assert_eq!(does_not.status, 400);
    assert_eq!(
        does_not.json()["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
}

#[tokio::test]
async fn malformed_requests_are_400() {
    let app = TestApp::new().await;
    let accept = "application/graphql-response+json";

    for body in [
        "not json",
        "[]",
        r#"{"variables":{}}"#,
        r#"{"query":42}"#,
        r#"{"query":"{ sections { slug } }","variables":[1]}"#,
        r#"{"query":"{ sections { slug } }","operationName":7}"#,
    ] {
        let res = post(&app, body, "application/json", accept).await;
        assert_eq!(res.status, 400, "{body}");
        assert_eq!(
            res.json()["errors"][0]["extensions"]["code"],
            "BAD_REQUEST",
            "{body}"
        );
    }
    let no_query = app
        .send(
            Request::get("/graphql")
                .header("accept", accept)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(no_query.status, 400);
    let bad_variables = app
        .send(
            Request::get("/graphql?query=%7Bsections%7Bslug%7D%7D&variables=nope")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(bad_variables.status, 400);
}

#[tokio::test]
async fn a_post_that_is_not_json_is_415() {
    let app = TestApp::new().await;

    let res = post(
        &app,
        "{ sections { slug } }",
        "text/plain",
        "application/json",
    )
    .await;

    assert_eq!(res.status, 415);
}

#[tokio::test]
async fn browsers_get_graphiql() {
    let app = TestApp::new().await;

    let res = get_html(&app).await;

    assert_eq!(res.status, 200);
    assert!(res.text().contains("GraphiQL"));
}

#[tokio::test]
async fn graphiql_can_be_switched_off() {
    let app = TestApp::builder()
        .http(|http| http.graphiql = false)
        .build()
        .await;

    let res = get_html(&app).await;

    assert_eq!(
        res.status, 406,
        "without GraphiQL there is nothing HTML to offer"
    );
    assert!(!res.text().contains("<html"));
}

async fn get_html(app: &TestApp) -> TestResponse {
    app.send(
        Request::get("/graphql")
            .header("accept", "text/html,application/xhtml+xml")
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let on = TestApp::new().await;
    let off = TestApp::builder()
        .http(|http| http.introspection = false)
        .build()
        .await;
    let query = "{ __schema { queryType { name } } }";

    let allowed = on.graphql(query, json!({})).await.json();
    let refused = off.graphql(query, json!({})).await.json();

    assert_eq!(allowed["data"]["__schema"]["queryType"]["name"], "Query");
    assert_eq!(
        refused["data"]["__schema"],
        serde_json::Value::Null,
        "{refused}"
    );
}
