//! GET /api/v1/articles, /articles/{slug} and /more-like-this.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::support::{TestApp, slugs};

#[tokio::test]
async fn articles_list_newest_first() {
    let app = TestApp::new().await;
    app.article("older").hours_ago(30).create().await;
    app.article("newest").hours_ago(1).create().await;
    app.article("middle").hours_ago(10).create().await;

    let res = app.get("/api/v1/articles").await;

    assert_eq!(res.status, 200);
    assert_eq!(res.slugs(), ["newest", "middle", "older"]);
    assert_eq!(
        res.json()["page"],
        json!({ "next_cursor": null, "has_more": false })
    );
}

#[tokio::test]
async fn list_items_carry_section_authors_tags_image_and_reading_time() {
    let app = TestApp::new().await;
    let world = app.section("world").create().await;
    let ada = app.author("ada").await;
    let bo = app.author("bo").await;
    let trade = app.tag("trade").await;
    app.article("story")
        .section(world)
        .authors(&[bo, ada])
        .tags(&[trade])
        .image("https://img.example/a.jpg")
        .create()
        .await;

    let item = &app.get("/api/v1/articles").await.json()["data"][0];

    assert_eq!(item["title"], "Title of story");
    assert_eq!(item["excerpt"], "Excerpt of story.");
    assert_eq!(
        item["section"],
        json!({ "slug": "world", "name": "Section world" })
    );
    assert_eq!(
        slugs(&item["authors"]),
        ["bo", "ada"],
        "authors keep byline order"
    );
    assert_eq!(slugs(&item["tags"]), ["trade"]);
    assert_eq!(item["featured_image"]["url"], "https://img.example/a.jpg");
    assert_eq!(item["reading_time_minutes"], 1);
    assert!(
        item["published_at"].as_str().unwrap().ends_with('Z'),
        "RFC 3339 in UTC"
    );
    assert!(item.get("body_html").is_none(), "lists stay compact");
}

#[tokio::test]
async fn section_filter_includes_subsections() {
    let app = TestApp::new().await;
    let world = app.section("world").create().await;
    let mideast = app.section("middle-east").parent(world).create().await;
    let politics = app.section("politics").create().await;
    app.article("in-world")
        .section(world)
        .hours_ago(3)
        .create()
        .await;
    app.article("in-mideast")
        .section(mideast)
        .hours_ago(2)
        .create()
        .await;
    app.article("in-politics")
        .section(politics)
        .hours_ago(1)
        .create()
        .await;

    assert_eq!(
        app.get("/api/v1/articles?section=world").await.slugs(),
        ["in-mideast", "in-world"]
    );
    assert_eq!(
        app.get("/api/v1/articles?section=middle-east")
            .await
            .slugs(),
        ["in-mideast"]
    );
}

#[tokio::test]
async fn tag_and_author_filters_combine() {
    let app = TestApp::new().await;
    let ada = app.author("ada").await;
    let bo = app.author("bo").await;
    let trade = app.tag("trade").await;
    app.article("ada-trade")
        .authors(&[ada])
        .tags(&[trade])
        .create()
        .await;
    app.article("ada-plain").authors(&[ada]).create().await;
    app.article("bo-trade")
        .authors(&[bo])
        .tags(&[trade])
        .create()
        .await;

    let mut by_tag = app.get("/api/v1/articles?tag=trade").await.slugs();
    by_tag.sort();
    assert_eq!(by_tag, ["ada-trade", "bo-trade"]);
    assert_eq!(
        app.get("/api/v1/articles?tag=trade&author=ada")
            .await
            .slugs(),
        ["ada-trade"]
    );
}

#[tokio::test]
async fn a_malformed_filter_slug_is_a_400_naming_each_parameter() {
    let app = TestApp::new().await;

    let res = app
        .get("/api/v1/articles?section=Not%20A%20Slug&tag=UPPER&author=a--b")
        .await;

    assert_eq!(res.status, 400);
    let fields: Vec<_> = res.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(fields, [json!("section"), json!("tag"), json!("author")]);
}

#[tokio::test]
async fn a_filter_naming_no_section_tag_or_author_is_a_404_saying_which() {
    let app = TestApp::new().await;
    app.article("story").create().await;

    for (query, what) in [
        ("section=nowhere", "section"),
        ("tag=nothing", "tag"),
        ("author=nobody", "author"),
    ] {
        let res = app.get(&format!("/api/v1/articles?{query}")).await;
        assert_eq!(res.status, 404, "{query}");
        assert!(
            res.json()["detail"].as_str().unwrap().contains(what),
            "{query}"
        );
    }
}

#[tokio::test]
async fn an_article_page_has_every_body_form_and_its_related_links() {
    let app = TestApp::new().await;
    let other = app.article("other").hours_ago(5).create().await;
    app.article("story")
        .body("Intro.\n\n## Part one\n\n- first point\n- second point\n")
        .related_article(other)
        .related_url("https://example.org/report", "The report")
        .create()
        .await;

    let res = app.get("/api/v1/articles/story").await;

    assert_eq!(res.status, 200);
    let article = res.json();
    assert_eq!(
        article["body_markdown"],
        "Intro.\n\n## Part one\n\n- first point\n- second point\n"
    );
    assert!(
        article["body_html"]
            .as_str()
            .unwrap()
            .contains("<h2>Part one</h2>")
    );
    assert_eq!(
        article["body_blocks"][1],
        json!({ "type": "heading", "level": 2, "spans": [{ "text": "Part one" }] })
    );
    assert_eq!(article["body_blocks"][2]["type"], "list");
    assert_eq!(article["related_links"][0]["kind"], "article");
    assert_eq!(article["related_links"][0]["article"]["slug"], "other");
    assert_eq!(
        article["related_links"][1],
        json!({ "kind": "external", "title": "The report", "url": "https://example.org/report" })
    );
    assert_eq!(
        article["seo"]["title"], "Title of story",
        "SEO title falls back to the title"
    );
    assert!(
        article.get("comments").is_none(),
        "comments only when asked"
    );
}

#[tokio::test]
async fn include_comments_adds_the_first_page_of_approved_comments() {
    let app = TestApp::new().await;
    let story = app.article("story").create().await;
    app.comment(story).body("Shown.").create().await;
    app.comment(story)
        .status("pending")
        .body("Hidden.")
        .create()
        .await;

    let article = app
        .get("/api/v1/articles/story?include=comments")
        .await
        .json();

    let bodies: Vec<_> = article["comments"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].clone())
        .collect();
    assert_eq!(bodies, [json!("Shown.")]);
    assert_eq!(article["comments"]["page"]["has_more"], false);
}

#[tokio::test]
async fn an_unknown_include_is_a_400() {
    let app = TestApp::new().await;
    app.article("story").create().await;

    for bad in ["everything", "", "comments,authors"] {
        let res = app
            .get(&format!("/api/v1/articles/story?include={bad}"))
            .await;
        assert_eq!(res.status, 400, "include={bad}");
        assert_eq!(res.json()["errors"][0]["field"], "include");
    }
}

#[tokio::test]
async fn more_like_this_ranks_by_shared_tags_then_recency_and_never_the_article_itself() {
    let app = TestApp::new().await;
    let world = app.section("world").create().await;
    let science = app.section("science").create().await;
    let (a, b, c) = (app.tag("a").await, app.tag("b").await, app.tag("c").await);
    app.article("story")
        .section(world)
        .tags(&[a, b, c])
        .create()
        .await;
    app.article("two-tags")
        .section(science)
        .tags(&[a, b])
        .hours_ago(50)
        .create()
        .await;
    app.article("one-tag-new")
        .section(science)
        .tags(&[c])
        .hours_ago(2)
        .create()
        .await;
    app.article("one-tag-old")
        .section(science)
        .tags(&[a])
        .hours_ago(40)
        .create()
        .await;
    app.article("same-section")
        .section(world)
        .hours_ago(3)
        .create()
        .await;
    app.article("unrelated")
        .section(science)
        .hours_ago(1)
        .create()
        .await;
    app.article("draft-twin")
        .section(world)
        .tags(&[a, b, c])
        .draft()
        .create()
        .await;

    let res = app.get("/api/v1/articles/story/more-like-this").await;

    assert_eq!(
        res.slugs(),
        ["two-tags", "one-tag-new", "same-section", "one-tag-old"]
    );
    let limited = app
        .get("/api/v1/articles/story/more-like-this?limit=1")
        .await;
    assert_eq!(limited.slugs(), ["two-tags"]);
}

#[tokio::test]
async fn more_like_this_looks_no_further_than_twenty_articles_of_each_tag_either_side() {
    let app = TestApp::new().await;
    let world = app.section("world").create().await;
    let science = app.section("science").create().await;
    let (common, rare) = (app.tag("common").await, app.tag("rare").await);
    app.article("story")
        .section(world)
        .tags(&[common, rare])
        .create()
        .await;
    let later = |n: i64, slug: String, tags: Vec<i64>| {
        let app = &app;
        async move {
            app.article(&slug)
                .section(science)
                .tags(&tags)
                .hours_ago(100 - n)
                .create()
                .await
        }
    };
    for n in 1..=19 {
        later(n, format!("common-{n}"), vec![common]).await;
    }
    later(20, "near-twin".into(), vec![common, rare]).await;
    later(21, "common-21".into(), vec![common]).await;
    later(22, "far-twin".into(), vec![common, rare]).await;

    let res = app
        .get("/api/v1/articles/story/more-like-this?limit=50")
        .await;

    let slugs = res.slugs();
    assert_eq!(slugs.first().map(String::as_str), Some("near-twin"));
    assert!(!slugs.iter().any(|s| s == "far-twin" || s == "common-21"));
    assert_eq!(slugs.len(), 20);
}

#[tokio::test]
async fn more_like_this_of_an_unpublished_article_is_404() {
    let app = TestApp::new().await;
    app.article("draft").draft().create().await;

    assert_eq!(
        app.get("/api/v1/articles/draft/more-like-this")
            .await
            .status,
        404
    );
    assert_eq!(
        app.get("/api/v1/articles/missing/more-like-this")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn articles_published_at_the_same_instant_keep_a_stable_order() {
    let app = TestApp::new().await;
    let at = Utc::now() - Duration::hours(2);
    for slug in ["tie-a", "tie-b", "tie-c"] {
        app.article(slug).published_at(at).create().await;
    }

    let first = app.get("/api/v1/articles").await.slugs();
    let again = app.get("/api/v1/articles").await.slugs();

    assert_eq!(
        first,
        ["tie-c", "tie-b", "tie-a"],
        "ties break by id, newest first"
    );
    assert_eq!(first, again);
}
