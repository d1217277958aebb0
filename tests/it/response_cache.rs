//! The in-process response cache: a repeated public read does not touch the
//! database, and after every kind of write the very next read shows it.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use newsdesk::domain::time::ManualClock;
use serde_json::{Value, json};

use crate::support::fixtures::{draft as draft_body, newsroom, newsroom_in};
use crate::support::{TestApp, TestResponse};

const PAGE: &str = "/api/v1/articles/port-talks-resume";
const LIST: &str = "/api/v1/articles";

/// Reads `uri` twice and checks the second answer came from the cache.
async fn read_cached(app: &TestApp, uri: &str) -> TestResponse {
    let first = app.get(uri).await;
    assert_eq!(first.status, 200, "{uri}: {}", first.text());
    let before = app.statements();
    let second = app.get(uri).await;
    assert_eq!(
        app.statements(),
        before,
        "{uri}: the repeat read reached the database"
    );
    assert_eq!(second.body, first.body);
    second
}

/// An editor's write with `If-Match`, which must succeed.
async fn write(
    app: &TestApp,
    token: &str,
    method: &str,
    uri: &str,
    etag: &str,
    body: Value,
) -> TestResponse {
    let res = app
        .send_if_match(method, uri, etag, Some(body), token)
        .await;
    assert!(res.status.is_success(), "{method} {uri}: {}", res.text());
    res
}

/// A draft made through the write API: its id and ETag.
async fn draft(app: &TestApp, token: &str) -> (i64, String) {
    let created = app
        .post_json("/api/v1/manage/articles", draft_body(), Some(token))
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let etag = created.header("etag").expect("an etag").to_owned();
    (created.json()["id"].as_i64().expect("an id"), etag)
}

/// A published article made through the write API: its id and ETag.
async fn published(app: &TestApp, token: &str) -> (i64, String) {
    let (id, etag) = draft(app, token).await;
    let res = write(
        app,
        token,
        "POST",
        &format!("/api/v1/manage/articles/{id}/publish"),
        &etag,
        json!(null),
    )
    .await;
    (id, res.header("etag").expect("an etag").to_owned())
}

#[tokio::test]
async fn a_repeated_public_read_is_served_without_touching_the_database() {
    let app = TestApp::new().await;
    app.article("story").create().await;

    for uri in [
        "/api/v1/articles",
        "/api/v1/articles/story?include=comments",
        "/api/v1/articles/story/comments",
        "/api/v1/sections",
        "/api/v1/popular",
    ] {
        read_cached(&app, uri).await;
    }
}

#[tokio::test]
async fn with_the_cache_off_every_read_reaches_the_database() {
    let app = TestApp::uncached().await;
    app.article("story").create().await;
    app.get("/api/v1/articles").await;

    let before = app.statements();
    app.get("/api/v1/articles").await;

    assert!(app.statements() > before);
}

#[tokio::test]
async fn an_edit_shows_on_the_next_read_of_the_page_and_of_lists() {
    let (app, token) = newsroom().await;
    let (id, etag) = published(&app, &token).await;
    read_cached(&app, PAGE).await;
    read_cached(&app, LIST).await;

    write(
        &app,
        &token,
        "PATCH",
        &format!("/api/v1/manage/articles/{id}"),
        &etag,
        json!({ "subtitle": "A second round" }),
    )
    .await;

    assert_eq!(app.get(PAGE).await.json()["subtitle"], "A second round");
    assert_eq!(
        app.get(LIST).await.json()["data"][0]["subtitle"],
        "A second round"
    );
}

#[tokio::test]
async fn publishing_puts_the_article_into_cached_lists() {
    let (app, token) = newsroom().await;
    let (id, etag) = draft(&app, &token).await;
    assert!(read_cached(&app, LIST).await.slugs().is_empty());

    write(
        &app,
        &token,
        "POST",
        &format!("/api/v1/manage/articles/{id}/publish"),
        &etag,
        json!(null),
    )
    .await;

    assert_eq!(app.get(LIST).await.slugs(), ["port-talks-resume"]);
}

/// Takes a published article down with `action` and checks neither its
/// cached page nor a cached list shows it any more.
async fn taken_down_by(action: &str) {
    let (app, token) = newsroom().await;
    let (id, etag) = published(&app, &token).await;
    read_cached(&app, PAGE).await;
    read_cached(&app, LIST).await;

    let uri = format!("/api/v1/manage/articles/{id}/{action}");
    write(&app, &token, "POST", &uri, &etag, json!(null)).await;

    assert_eq!(app.get(PAGE).await.status, 404);
    assert!(app.get(LIST).await.slugs().is_empty());
}

#[tokio::test]
async fn unpublishing_takes_the_article_out_of_cached_pages_and_lists() {
    taken_down_by("unpublish").await;
}

#[tokio::test]
async fn archiving_takes_the_article_out_of_cached_pages_and_lists() {
    taken_down_by("archive").await;
}

#[tokio::test]
async fn a_scheduled_article_enters_cached_lists_at_its_time() {
    let clock = Arc::new(ManualClock::starting_now());
    let (app, token) = newsroom_in(TestApp::builder().clock(clock.clone()).build().await).await;
    let (id, etag) = draft(&app, &token).await;
    let at = app.state.desk.now() + chrono::Duration::hours(1);
    write(
        &app,
        &token,
        "POST",
        &format!("/api/v1/manage/articles/{id}/schedule"),
        &etag,
        json!({ "publish_at": at.to_rfc3339() }),
    )
    .await;
    assert!(read_cached(&app, LIST).await.slugs().is_empty());
    clock.advance(chrono::Duration::minutes(59));
    assert!(app.get(LIST).await.slugs().is_empty(), "a minute early");

    clock.advance(chrono::Duration::minutes(1));

    assert_eq!(app.get(LIST).await.slugs(), ["port-talks-resume"]);
}

#[tokio::test]
async fn an_approved_comment_shows_on_the_next_read_of_cached_comments() {
    let (app, token) = newsroom().await;
    published(&app, &token).await;
    let comments = format!("{PAGE}/comments");
    let submitted = app
        .post_json(
            &comments,
            json!({ "author_name": "Reader", "author_email": "r@example.org", "body": "First!" }),
            None,
        )
        .await;
    assert_eq!(submitted.status, 202, "{}", submitted.text());
    let id = submitted.json()["id"].as_i64().expect("an id");
    assert!(!read_cached(&app, &comments).await.text().contains("First!"));
    read_cached(&app, &format!("{PAGE}?include=comments")).await;

    let approve = format!("/api/v1/manage/comments/{id}/approve");
    app.post_json(&approve, json!(null), Some(&token)).await;

    assert!(app.get(&comments).await.text().contains("First!"));
    assert!(
        app.get(&format!("{PAGE}?include=comments"))
            .await
            .text()
            .contains("First!")
    );
}

#[tokio::test]
async fn a_held_comment_leaves_cached_responses_in_place() {
    let (app, token) = newsroom().await;
    published(&app, &token).await;
    let comments = format!("{PAGE}/comments");
    read_cached(&app, &comments).await;

    let held = app
        .post_json(
            &comments,
            json!({ "author_name": "Reader", "author_email": "r@example.org", "body": "Held" }),
            None,
        )
        .await;
    assert_eq!(held.status, 202, "{}", held.text());
    assert_eq!(held.json()["status"], "pending");

    let before = app.statements();
    app.get(&comments).await;
    assert_eq!(
        app.statements(),
        before,
        "a pending comment changed nothing public"
    );
}

/// Renames one taxonomy item through the write API and checks the cached
/// article page shows the new name.
async fn rename_shows_on_the_article_page(kind: &str, slug: &str, field: &str) {
    let (app, token) = newsroom().await;
    published(&app, &token).await;
    read_cached(&app, PAGE).await;
    let id = newsdesk_id(&app, kind, slug).await;

    let res = app
        .send_json(
            "PATCH",
            &format!("/api/v1/manage/{kind}s/{id}"),
            json!({ "name": "Renamed" }),
            Some(&token),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());

    let page = app.get(PAGE).await.json();
    assert!(
        page[field].to_string().contains("Renamed"),
        "{kind}: {page:#}"
    );
}

/// The id of a section, author or tag, read straight from the database.
async fn newsdesk_id(app: &TestApp, kind: &str, slug: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let table = match kind {
        "section" => "sections",
        "author" => "authors",
        _ => "tags",
    };
    let sql = format!("SELECT id FROM {table} WHERE slug = '{slug}'");
    let row = app
        .db()
        .query_one_raw(Statement::from_string(app.db().get_database_backend(), sql))
        .await
        .expect("the query runs")
        .expect("the row exists");
    row.try_get_by_index::<i64>(0).expect("an id")
}

#[tokio::test]
async fn a_section_rename_shows_on_cached_article_pages() {
    rename_shows_on_the_article_page("section", "world", "section").await;
}

#[tokio::test]
async fn an_author_rename_shows_on_cached_article_pages() {
    rename_shows_on_the_article_page("author", "ada", "authors").await;
}

#[tokio::test]
async fn a_tag_rename_shows_on_cached_article_pages() {
    rename_shows_on_the_article_page("tag", "trade", "tags").await;
}

#[tokio::test]
async fn flushed_views_show_in_the_cached_popular_box() {
    let app = TestApp::new().await;
    app.article("story").create().await;
    assert!(
        read_cached(&app, "/api/v1/popular")
            .await
            .slugs()
            .is_empty()
    );

    app.post("/api/v1/articles/story/views").await;
    app.state.flush_views().await.expect("views are written");

    assert_eq!(app.get("/api/v1/popular").await.slugs(), ["story"]);
}

#[tokio::test]
async fn a_cached_graphql_query_shows_an_approved_comment_next_time() {
    let (app, token) = newsroom().await;
    published(&app, &token).await;
    let query = r#"{ article(slug: "port-talks-resume") { comments { nodes { body } } } }"#;
    app.graphql_data(query, json!({})).await;
    let before = app.statements();
    app.graphql_data(query, json!({})).await;
    assert_eq!(
        app.statements(),
        before,
        "the repeat query reached the database"
    );
    let submitted = app
        .post_json(
            &format!("{PAGE}/comments"),
            json!({ "author_name": "Reader", "author_email": "r@example.org", "body": "First!" }),
            None,
        )
        .await;
    assert_eq!(submitted.status, 202, "{}", submitted.text());
    let id = submitted.json()["id"].as_i64().expect("an id");

    let approve = format!("/api/v1/manage/comments/{id}/approve");
    app.post_json(&approve, json!(null), Some(&token)).await;

    let data = app.graphql_data(query, json!({})).await;
    assert_eq!(data["article"]["comments"]["nodes"][0]["body"], "First!");
}

#[tokio::test]
async fn a_partners_response_is_never_served_to_an_anonymous_reader() {
    let app = TestApp::builder()
        .http(|http| http.public_reads = false)
        .build()
        .await;
    app.article("story").create().await;
    let token = app.token("content:read").await;

    for _ in 0..2 {
        let partner = app.get_as(LIST, &token).await;
        assert_eq!(partner.status, 200);
        assert_eq!(partner.header("cache-control"), Some("private, no-store"));
    }

    assert_eq!(app.get(LIST).await.status, 401);
}

#[tokio::test]
async fn an_editors_newsroom_list_is_never_served_to_anyone_else() {
    let (app, token) = newsroom().await;
    draft(&app, &token).await;
    let newsroom = "/api/v1/manage/articles";
    assert_eq!(app.get_as(newsroom, &token).await.status, 200);

    assert_eq!(app.get(newsroom).await.status, 401);
}

#[tokio::test]
async fn a_flush_with_no_views_leaves_the_cached_popular_box_in_place() {
    let app = TestApp::new().await;
    app.article("story").create().await;
    read_cached(&app, "/api/v1/popular").await;

    app.state.flush_views().await.expect("nothing to write");

    let before = app.statements();
    app.get("/api/v1/popular").await;
    assert_eq!(app.statements(), before, "an empty flush retired the box");
}

#[tokio::test]
async fn concurrent_misses_for_one_page_are_answered_by_one_computation() {
    let app = TestApp::new().await;
    app.article("story").create().await;
    let uri = "/api/v1/articles/story/comments";
    // The same work under another cache key: what one computation costs.
    let one = {
        let before = app.statements();
        app.get(&format!("{uri}?limit=20")).await;
        app.statements() - before
    };

    let before = app.statements();
    let answers = futures_util::future::join_all((0..8).map(|_| app.get(uri))).await;

    assert!(answers.iter().all(|a| a.status == 200));
    assert!(
        app.statements() - before <= one,
        "8 concurrent misses ran {} statements",
        app.statements() - before
    );
}

#[tokio::test]
async fn unpublishing_an_article_drops_it_from_cached_further_reading_elsewhere() {
    let (app, token) = newsroom().await;
    let (id, etag) = published(&app, &token).await;
    app.article("linking").related_article(id).create().await;
    let page = "/api/v1/articles/linking";
    assert!(
        read_cached(&app, page)
            .await
            .text()
            .contains("port-talks-resume")
    );

    write(
        &app,
        &token,
        "POST",
        &format!("/api/v1/manage/articles/{id}/unpublish"),
        &etag,
        json!(null),
    )
    .await;

    assert!(!app.get(page).await.text().contains("port-talks-resume"));
}

// The front door: a plain public read the store can answer is answered
// before routing and the middleware stack, with what the stack would send.

/// The headers every response has of its own: its id, date and length.
fn shared_headers(res: &TestResponse) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = res
        .headers
        .iter()
        .filter(|(name, _)| !["x-request-id", "date", "content-length"].contains(&name.as_str()))
        .map(|(name, value)| {
            (
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    headers.sort();
    headers
}

/// `uri` as a plain GET (answered at the front door once stored) with
/// `headers`, and as the same GET sent the whole way: a declared empty
/// body asks for the same answer but is not plain.
async fn at_the_front_and_through_the_stack(
    app: &TestApp,
    uri: &str,
    headers: &[(&str, &str)],
) -> (TestResponse, TestResponse) {
    let request = |whole_way: bool| {
        let mut request = Request::get(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if whole_way {
            request = request.header("content-length", "0");
        }
        request.body(Body::empty()).expect("a valid request")
    };
    (
        app.send(request(false)).await,
        app.send(request(true)).await,
    )
}

#[tokio::test]
async fn a_hit_at_the_front_door_sends_the_headers_and_bytes_the_whole_stack_sends() {
    let (app, token) = newsroom().await;
    published(&app, &token).await;
    for uri in [PAGE, LIST, "/api/v1/sections"] {
        read_cached(&app, uri).await;

        let (front, stack) =
            at_the_front_and_through_the_stack(&app, uri, &[("x-request-id", "front-door-1")])
                .await;

        assert_eq!(front.status, 200, "{uri}");
        assert_eq!(shared_headers(&front), shared_headers(&stack), "{uri}");
        assert_eq!(front.body, stack.body, "{uri}");
        assert_eq!(front.header("x-request-id"), Some("front-door-1"));
    }
}

#[tokio::test]
async fn a_revalidation_at_the_front_door_is_answered_304_as_the_stack_answers_it() {
    let (app, token) = newsroom().await;
    published(&app, &token).await;
    let etag = read_cached(&app, PAGE)
        .await
        .header("etag")
        .expect("an etag")
        .to_owned();

    let (front, stack) =
        at_the_front_and_through_the_stack(&app, PAGE, &[("if-none-match", &etag)]).await;

    assert_eq!(front.status, 304);
    assert_eq!(stack.status, 304);
    assert!(front.body.is_empty());
    assert_eq!(shared_headers(&front), shared_headers(&stack));
    assert!(front.header("x-request-id").is_some());
}

#[tokio::test]
async fn a_graphql_post_of_declared_length_is_answered_at_the_front_door_as_the_stack_answers_it() {
    let (app, token) = newsroom().await;
    published(&app, &token).await;
    let body = json!({ "query": "{ article(slug: \"port-talks-resume\") { title } }" }).to_string();
    let post = |whole_way: bool| {
        let mut request = Request::post("/graphql")
            .header("content-type", "application/json")
            .header("content-length", body.len());
        if whole_way {
            request = request.header("accept-encoding", "identity");
        }
        request
            .body(Body::from(body.clone()))
            .expect("a valid request")
    };
    let first = app.send(post(false)).await;
    assert_eq!(first.status, 200, "{}", first.text());
    let before = app.statements();

    let front = app.send(post(false)).await;
    let stack = app.send(post(true)).await;

    assert_eq!(app.statements(), before, "a repeat reached the database");
    assert_eq!(front.body, first.body);
    assert_eq!(front.body, stack.body);
    assert_eq!(front.header("etag"), stack.header("etag"));
}

#[tokio::test]
async fn a_hit_at_the_front_door_is_encoded_as_the_stack_encodes_it() {
    let (app, token) = newsroom().await;
    published(&app, &token).await;
    let page = "/api/v1/articles/port-talks-resume?include=comments";
    read_cached(&app, page).await;
    for accepted in ["gzip", "br", "gzip, deflate, br", "identity"] {
        let encoding = [("accept-encoding", accepted)];
        // The first answer of each encoding is noted on its way out.
        at_the_front_and_through_the_stack(&app, page, &encoding).await;

        let (front, stack) = at_the_front_and_through_the_stack(&app, page, &encoding).await;

        assert_eq!(front.status, 200, "{accepted}");
        assert_eq!(shared_headers(&front), shared_headers(&stack), "{accepted}");
        assert_eq!(front.body, stack.body, "{accepted}");
    }
    let (gzipped, _) =
        at_the_front_and_through_the_stack(&app, page, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
}
