//! Full-text search: finds public articles by the words of their title or
//! body, best first, with a highlighted snippet; never shows a draft; and
//! survives whatever a reader types.

use serde_json::json;

use crate::support::TestApp;
use crate::support::fixtures::{newsroom, published_draft};

async fn search(app: &TestApp, query: &str) -> crate::support::TestResponse {
    app.get(&format!("/api/v1/search?{query}")).await
}

async fn found(app: &TestApp, query: &str) -> Vec<String> {
    let res = search(app, query).await;
    assert_eq!(res.status, 200, "{query}: {}", res.text());
    res.slugs()
}

#[tokio::test]
async fn a_phrase_from_the_body_finds_its_article_with_a_highlighted_snippet() {
    let app = TestApp::new().await;
    app.article("harbour-reopens")
        .body("The old lighthouse keepers returned to the northern harbour at dawn.")
        .create()
        .await;
    app.article("draft-harbour")
        .draft()
        .body("The old lighthouse keepers returned to the northern harbour at dawn.")
        .create()
        .await;
    app.article("elsewhere")
        .body("Nothing about lights.")
        .create()
        .await;

    let res = search(&app, "q=%22lighthouse%20keepers%22").await;

    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.slugs(), ["harbour-reopens"]);
    let snippet = res.json()["data"][0]["snippet"]
        .as_str()
        .unwrap()
        .to_owned();
    // SQLite marks the phrase, PostgreSQL each of its words.
    assert!(snippet.contains("<mark>lighthouse"), "{snippet}");
    assert!(snippet.contains("keepers</mark>"), "{snippet}");
    assert_eq!(res.json()["data"][0]["title"], "Title of harbour-reopens");
}

#[tokio::test]
async fn a_title_match_ranks_above_a_body_match() {
    let app = TestApp::new().await;
    app.article("body-mention")
        .body("Talks mention the harbour once.")
        .create()
        .await;
    app.article("harbour").hours_ago(5).create().await;

    assert_eq!(found(&app, "q=harbour").await, ["harbour", "body-mention"]);
}

#[tokio::test]
async fn filters_narrow_by_section_tag_author_and_date() {
    let app = TestApp::new().await;
    let world = app.section("world").create().await;
    let ada = app.author("ada").await;
    let trade = app.tag("trade").await;
    app.article("tagged-tide")
        .section(world)
        .authors(&[ada])
        .tags(&[trade])
        .body("A tide of trade.")
        .create()
        .await;
    app.article("old-tide")
        .hours_ago(24 * 40)
        .body("A tide long ago.")
        .create()
        .await;

    assert_eq!(found(&app, "q=tide&section=world").await, ["tagged-tide"]);
    assert_eq!(found(&app, "q=tide&tag=trade").await, ["tagged-tide"]);
    assert_eq!(found(&app, "q=tide&author=ada").await, ["tagged-tide"]);
    let since = (chrono::Utc::now() - chrono::Duration::days(7)).format("%Y-%m-%d");
    assert_eq!(
        found(&app, &format!("q=tide&from={since}")).await,
        ["tagged-tide"]
    );
    assert_eq!(
        found(&app, &format!("q=tide&to={since}")).await,
        ["old-tide"]
    );
    assert_eq!(search(&app, "q=tide&section=sport").await.status, 404);
    let malformed = search(&app, "q=tide&author=No%20Slug").await;
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.error_fields(), ["author"]);
}

#[tokio::test]
async fn an_edit_is_found_at_once_and_a_deleted_article_is_gone() {
    let (app, token) = newsroom().await;
    let (id, etag) = published_draft(&app, &token).await;
    let edited = app
        .send_if_match(
            "PATCH",
            &format!("/api/v1/manage/articles/{id}"),
            &etag,
            Some(json!({ "body_markdown": "Negotiators met over marmalade." })),
            &token,
        )
        .await;
    assert_eq!(edited.status, 200);

    assert_eq!(found(&app, "q=marmalade").await, ["port-talks-resume"]);
    assert!(found(&app, "q=%22what%20next%22").await.is_empty());

    app.send_if_match(
        "DELETE",
        &format!("/api/v1/manage/articles/{id}"),
        edited.header("etag").unwrap(),
        None,
        &token,
    )
    .await;
    assert!(found(&app, "q=marmalade").await.is_empty());
}

#[tokio::test]
async fn pages_of_results_neither_repeat_nor_skip() {
    let app = TestApp::new().await;
    for n in 0..5 {
        app.article(&format!("storm-{n}"))
            .hours_ago(n)
            .body("A storm came.")
            .create()
            .await;
    }

    let mut seen = Vec::new();
    let mut uri = "/api/v1/search?q=storm&limit=2".to_owned();
    loop {
        let page = app.get(&uri).await.json();
        seen.extend(crate::support::slugs(&page["data"]));
        match page["page"]["next_cursor"].as_str() {
            Some(c) => uri = format!("/api/v1/search?q=storm&limit=2&cursor={c}"),
            None => break,
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        ["storm-0", "storm-1", "storm-2", "storm-3", "storm-4"]
    );
}

#[tokio::test]
async fn hostile_queries_are_refused_or_find_nothing_never_fail() {
    let app = TestApp::new().await;
    app.article("calm").body("Calm seas.").create().await;
    let long = "a".repeat(2000);
    for query in [
        "q=%22unbalanced",
        "q=AND%20OR%20NOT",
        "q=*%20(%20)%20-%20%5E",
        "q=%00",
        "q=seas%00",
        &format!("q={long}"),
        "q=%E6%9D%B1%E4%BA%AC%E6%B8%AF",
        "q=NEAR(calm%20seas)",
        "q=",
        "q=calm&cursor=made-up",
        "q=calm&from=yesterday",
    ] {
        let res = search(&app, query).await;
        assert!(
            res.status == 400 || (res.status == 200 && res.json()["data"].is_array()),
            "{query}: {} {}",
            res.status,
            res.text()
        );
    }
    // Operators are words like any other: "-seas" does not exclude seas.
    assert_eq!(search(&app, "q=calm%20-seas").await.slugs(), ["calm"]);
}

#[tokio::test]
async fn graphql_searches_as_a_connection_with_snippets() {
    let app = TestApp::new().await;
    for n in 0..3 {
        app.article(&format!("flood-{n}"))
            .hours_ago(n)
            .body("The river flood receded.")
            .create()
            .await;
    }
    app.article("secret-flood")
        .draft()
        .body("flood")
        .create()
        .await;

    let first = app
        .graphql_data(
            r#"{ search(query: "flood", first: 2) { edges { cursor snippet node { slug title } } pageInfo { hasNextPage endCursor } } }"#,
            json!({}),
        )
        .await;
    let page = &first["search"];
    assert_eq!(page["edges"].as_array().unwrap().len(), 2);
    assert!(
        page["edges"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>flood</mark>")
    );
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let rest = app
        .graphql_data(
            r#"query($after: String) { search(query: "flood", first: 2, after: $after) { edges { node { slug } } pageInfo { hasNextPage } } }"#,
            json!({ "after": page["pageInfo"]["endCursor"] }),
        )
        .await;
    let mut slugs: Vec<String> = page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["search"]["edges"].as_array().unwrap())
        .map(|e| e["node"]["slug"].as_str().unwrap().to_owned())
        .collect();
    slugs.sort();
    assert_eq!(slugs, ["flood-0", "flood-1", "flood-2"]);
    assert_eq!(rest["search"]["pageInfo"]["hasNextPage"], false);

    let refused = app
        .graphql(
            r#"{ search(query: "* -") { edges { cursor } } }"#,
            json!({}),
        )
        .await
        .json();
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}
