//! The demo newsroom: what a newcomer browses after `cargo run --release`.

use serde_json::Value;

use crate::support::{TestApp, slugs};

async fn demo_app() -> TestApp {
    let app = TestApp::new().await;
    newsdesk::seed::demo(&app.state.desk)
        .await
        .expect("the demo seeds into an empty database");
    app
}

#[tokio::test]
async fn the_demo_seeds_into_an_empty_database_only() {
    let app = demo_app().await;

    let again = newsdesk::seed::demo(&app.state.desk).await;

    assert!(matches!(again, Err(newsdesk::seed::SeedError::NotEmpty)));
}

#[tokio::test]
async fn the_demo_has_sections_with_one_nested_and_eight_authors() {
    let app = demo_app().await;

    let tree = app.get("/api/v1/sections").await.json()["data"].clone();

    assert!(tree.as_array().unwrap().len() >= 6);
    assert!(
        tree.as_array()
            .unwrap()
            .iter()
            .any(|s| !s["children"].as_array().unwrap().is_empty())
    );
    let mut authors = std::collections::BTreeSet::new();
    let mut cursor: Option<String> = None;
    let mut published = 0;
    loop {
        let uri = match &cursor {
            Some(c) => format!("/api/v1/articles?limit=100&cursor={c}"),
            None => "/api/v1/articles?limit=100".to_owned(),
        };
        let page = app.get(&uri).await.json();
        for article in page["data"].as_array().unwrap() {
            published += 1;
            authors.extend(slugs(&article["authors"]));
        }
        match page["page"]["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert!(published >= 60, "{published} published articles");
    assert!(authors.len() >= 8, "{} authors", authors.len());
}

#[tokio::test]
async fn the_flagship_article_has_eight_subheaded_parts_of_bullets_and_further_reading() {
    let app = demo_app().await;

    let article = app
        .get("/api/v1/articles/harbor-accord-talks-end-without-truce?include=comments")
        .await
        .json();

    let blocks = article["body_blocks"].as_array().unwrap();
    let headings = blocks.iter().filter(|b| b["type"] == "heading").count();
    let lists = blocks.iter().filter(|b| b["type"] == "list").count();
    assert!(headings >= 8, "{headings} subheadings");
    assert!(lists >= 8, "{lists} bullet lists");
    let kinds: Vec<&Value> = article["related_links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["kind"])
        .collect();
    assert!(kinds.contains(&&Value::from("article")) && kinds.contains(&&Value::from("external")));
    let threads = article["comments"]["data"].as_array().unwrap();
    assert!(
        threads
            .iter()
            .any(|c| !c["replies"].as_array().unwrap().is_empty()),
        "comments have replies"
    );
    let text = article.to_string();
    assert!(!text.contains("Waiting for moderation") && !text.contains("Cheap watches"));
}

#[tokio::test]
async fn the_demo_fills_the_sidebar_boxes() {
    let app = demo_app().await;

    assert!(
        !app.get("/api/v1/popular?window=24h")
            .await
            .slugs()
            .is_empty()
    );
    assert_eq!(
        app.get("/api/v1/articles/harbor-accord-talks-end-without-truce/more-like-this")
            .await
            .slugs()
            .len(),
        5
    );
}

#[tokio::test]
async fn the_demo_keeps_drafts_scheduled_and_archived_articles_out_of_sight() {
    let app = demo_app().await;

    for slug in [
        "draft-envoy-returns-for-new-round",
        "scheduled-harbor-talks-week-ahead",
        "archived-old-ceasefire-timeline",
    ] {
        assert_eq!(
            app.get(&format!("/api/v1/articles/{slug}")).await.status,
            404,
            "{slug}"
        );
    }
}

#[tokio::test]
async fn a_running_node_hears_of_the_seeding_and_retires_what_it_cached() {
    let app = TestApp::new().await;
    let before = app.get("/api/v1/sections").await;
    assert_eq!(before.json()["data"], serde_json::json!([]));
    let cached = app.statements();
    app.get("/api/v1/sections").await;
    assert_eq!(
        app.statements(),
        cached,
        "the empty tree is served from the cache"
    );

    newsdesk::seed::demo(&app.state.desk).await.expect("seeded");
    // What every node does once a second: read the change feed.
    app.state
        .cache
        .catch_up(&app.state.desk)
        .await
        .expect("the change feed reads");

    let after = app.get("/api/v1/sections").await.json();
    assert!(!after["data"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_demo_has_a_live_article_a_correction_and_a_draft_to_preview() {
    let app = demo_app().await;

    let live = app
        .get(&format!(
            "/api/v1/articles/{}/live",
            newsdesk::seed::coverage::LIVE_SLUG
        ))
        .await
        .json();
    let mut corrections = 0;
    for slug in app.get("/api/v1/articles?limit=100").await.slugs() {
        let article = app.get(&format!("/api/v1/articles/{slug}")).await.json();
        corrections += article["notes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "correction")
            .count();
    }
    let link = newsdesk::seed::coverage::preview_link(&app.state.desk)
        .await
        .unwrap()
        .expect("the demo has the draft");

    assert_eq!(live["data"].as_array().unwrap().len(), 5);
    assert_eq!(live["data"][0]["pinned"], true);
    assert_eq!(corrections, 1);
    let preview = app.get(&link.url).await;
    assert_eq!(preview.status, 200);
    assert_eq!(
        preview.json()["slug"],
        newsdesk::seed::coverage::PREVIEW_DRAFT_SLUG
    );
}
