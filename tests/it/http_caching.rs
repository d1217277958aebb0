//! HTTP caching as browsers and CDNs see it: ETags and 304, Cache-Control,
//! Vary, Surrogate-Key, and compression.

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::{TestApp, TestResponse};

async fn get_with(app: &TestApp, uri: &str, name: &str, value: &str) -> TestResponse {
    app.send(
        Request::get(uri)
            .header(name, value)
            .body(Body::empty())
            .expect("a valid request"),
    )
    .await
}

#[tokio::test]
async fn a_public_read_has_a_strong_etag_and_may_be_shared() {
    let app = TestApp::new().await;
    app.article("story").create().await;

    let res = app.get("/api/v1/articles/story").await;

    let etag = res.header("etag").expect("an etag");
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    assert_eq!(
        res.header("cache-control"),
        Some("public, max-age=60, s-maxage=300, stale-while-revalidate=60")
    );
    assert_eq!(res.header("vary"), Some("Accept-Encoding, Authorization"));
}

#[tokio::test]
async fn cache_lifetimes_follow_the_configuration() {
    let app = TestApp::builder()
        .http(|http| {
            http.cache.freshness.max_age = std::time::Duration::from_secs(5);
            http.cache.freshness.shared_max_age = std::time::Duration::from_secs(900);
            http.cache.freshness.stale_while_revalidate = std::time::Duration::from_secs(0);
        })
        .build()
        .await;

    let res = app.get("/api/v1/sections").await;

    assert_eq!(
        res.header("cache-control"),
        Some("public, max-age=5, s-maxage=900, stale-while-revalidate=0")
    );
}

#[tokio::test]
async fn a_matching_if_none_match_gets_304_without_a_body() {
    let app = TestApp::new().await;
    app.article("story").create().await;
    let etag = app
        .get("/api/v1/articles")
        .await
        .header("etag")
        .unwrap()
        .to_owned();

    let res = get_with(&app, "/api/v1/articles", "if-none-match", &etag).await;

    assert_eq!(res.status, 304);
    assert!(res.body.is_empty());
    assert_eq!(res.header("etag"), Some(etag.as_str()));
    assert!(res.header("cache-control").unwrap().starts_with("public"));
}

#[tokio::test]
async fn an_outdated_if_none_match_gets_the_whole_response() {
    let app = TestApp::new().await;
    app.article("story").create().await;

    let res = get_with(&app, "/api/v1/articles", "if-none-match", "\"outdated\"").await;

    assert_eq!(res.status, 200);
    assert_eq!(res.slugs(), ["story"]);
}

#[tokio::test]
async fn the_same_content_always_gets_the_same_etag() {
    let app = TestApp::uncached().await;
    app.article("story").create().await;

    let first = app.get("/api/v1/articles/story").await;
    let second = app.get("/api/v1/articles/story").await;

    assert_eq!(first.header("etag"), second.header("etag"));
}

#[tokio::test]
async fn an_authenticated_read_is_private_but_still_revalidates() {
    let app = TestApp::new().await;
    app.article("story").create().await;
    let token = app.token("content:read").await;

    let res = app.get_as("/api/v1/articles", &token).await;
    assert_eq!(res.header("cache-control"), Some("private, no-store"));
    assert!(res.header("surrogate-key").is_none());
    let etag = res.header("etag").expect("an etag");

    let again = app
        .send(
            Request::get("/api/v1/articles")
                .header("authorization", format!("Bearer {token}"))
                .header("if-none-match", etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, 304);
}

#[tokio::test]
async fn writes_are_never_stored() {
    let app = TestApp::new().await;
    app.article("story").create().await;

    let res = app
        .post_json(
            "/api/v1/articles/story/comments",
            serde_json::json!({ "author_name": "R", "author_email": "r@example.org", "body": "Hi" }),
            None,
        )
        .await;

    assert_eq!(res.header("cache-control"), Some("private, no-store"));
}

#[tokio::test]
async fn errors_are_never_stored() {
    let app = TestApp::new().await;

    let res = app.get("/api/v1/articles/missing").await;

    assert_eq!(res.status, 404);
    assert_eq!(res.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn surrogate_keys_name_the_article_and_the_lists_a_response_shows() {
    let app = TestApp::new().await;
    let id = app.article("story").create().await;

    let page = app.get("/api/v1/articles/story").await;
    let list = app.get("/api/v1/articles").await;

    assert_eq!(
        page.header("surrogate-key"),
        Some(format!("article-{id} taxonomy").as_str())
    );
    assert_eq!(
        page.header("cache-tag"),
        Some(format!("article-{id},taxonomy").as_str())
    );
    assert_eq!(list.header("surrogate-key"), Some("articles taxonomy"));
}

#[tokio::test]
async fn head_answers_with_the_headers_of_get_and_no_body() {
    let app = TestApp::new().await;
    app.article("story").create().await;
    let get = app.get("/api/v1/articles/story").await;

    let head = app
        .send(
            Request::head("/api/v1/articles/story")
                .body(Body::empty())
                .unwrap(),
        )
        .await;

    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), get.header("etag"));
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );
}

#[tokio::test]
async fn a_graphql_get_is_shared_and_varies_on_accept() {
    let app = TestApp::new().await;
    app.article("story").create().await;

    let res = app.get("/graphql?query=%7Bsections%7Bslug%7D%7D").await;

    assert_eq!(res.status, 200);
    assert!(res.header("cache-control").unwrap().starts_with("public"));
    assert_eq!(
        res.header("vary"),
        Some("Accept, Accept-Encoding, Authorization")
    );
    assert!(res.header("etag").is_some());
}

#[tokio::test]
async fn a_graphql_mutation_is_never_stored() {
    let app = TestApp::new().await;
    app.article("story").create().await;

    let res = app
        .graphql(
            r#"mutation { addComment(articleSlug: "story", authorName: "R", authorEmail: "r@example.org", body: "Hi") { status } }"#,
            serde_json::json!({}),
        )
        .await;

    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("cache-control"), Some("private, no-store"));
}

/// Sends through the service without the contract check, which reads bodies as JSON.
async fn raw_get(app: &TestApp, uri: &str, accept_encoding: &str) -> (Option<String>, Vec<u8>) {
    let response = app
        .service
        .clone()
        .oneshot(
            Request::get(uri)
                .header("accept-encoding", accept_encoding)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let encoding = response
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (encoding, body.to_vec())
}

#[tokio::test]
async fn large_responses_are_compressed_as_the_client_accepts() {
    let app = TestApp::new().await;
    for n in 0..10 {
        app.article(&format!("story-{n}")).create().await;
    }
    let (_, plain) = raw_get(&app, "/api/v1/articles", "identity").await;

    let (gzip, gzipped) = raw_get(&app, "/api/v1/articles", "gzip").await;
    let (br, brotli) = raw_get(&app, "/api/v1/articles", "br;q=1, gzip;q=0.5").await;

    assert_eq!(gzip.as_deref(), Some("gzip"));
    assert_eq!(br.as_deref(), Some("br"));
    assert!(gzipped.len() < plain.len() && brotli.len() < plain.len());
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&gzipped[..]),
        &mut unzipped,
    )
    .unwrap();
    assert_eq!(unzipped, plain);
}

#[tokio::test]
async fn small_responses_are_sent_as_they_are() {
    let app = TestApp::new().await;

    let (encoding, body) = raw_get(&app, "/healthz", "gzip, br").await;

    assert_eq!(encoding, None);
    assert_eq!(body, b"ok");
}

#[tokio::test]
async fn a_graphql_body_over_the_limit_without_a_declared_length_is_a_413_problem() {
    let app = TestApp::builder()
        .http(|http| http.body_limit_bytes = 64)
        .build()
        .await;
    let query = format!("{{ sections {{ slug }} }} #{}", "x".repeat(100));
    let body = serde_json::json!({ "query": query }).to_string();

    let res = app
        .send(
            Request::post("/graphql")
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;

    assert_eq!(res.status, 413);
    assert_eq!(res.json()["code"], "payload_too_large");
    assert_eq!(res.header("content-type"), Some("application/problem+json"));
}
