//! Cursor pagination: every item exactly once, bad parameters named.

use chrono::{Duration, Utc};
use serde_json::Value;

use crate::support::TestApp;

async fn walk(app: &TestApp, first: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut uri = first.to_owned();
    for _ in 0..100 {
        let page = app.get(&uri).await;
        assert_eq!(page.status, 200, "{}", page.text());
        let body = page.json();
        seen.extend(page.slugs());
        match &body["page"]["next_cursor"] {
            Value::String(cursor) => {
                assert_eq!(body["page"]["has_more"], true);
                let sep = if first.contains('?') { '&' } else { '?' };
                uri = format!("{first}{sep}cursor={cursor}");
            }
            Value::Null => {
                assert_eq!(body["page"]["has_more"], false);
                return seen;
            }
            other => panic!("next_cursor is {other}"),
        }
    }
    panic!("pagination did not end");
}

#[tokio::test]
async fn walking_every_page_meets_each_published_article_once_in_order() {
    let app = TestApp::new().await;
    let tie = Utc::now() - Duration::hours(7);
    let mut expected = Vec::new();
    for i in 0..23 {
        let slug = format!("story-{i:02}");
        // Several articles share one instant, so pages must break ties by id.
        let at = if (5..9).contains(&i) {
            tie
        } else {
            Utc::now() - Duration::hours(i)
        };
        app.article(&slug).published_at(at).create().await;
        expected.push((at, i, slug));
    }
    app.article("draft").draft().create().await;
    app.article("scheduled").hours_ago(-5).create().await;
    expected.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
    let expected: Vec<String> = expected.into_iter().map(|(_, _, s)| s).collect();

    let seen = walk(&app, "/api/v1/articles?limit=4").await;

    assert_eq!(seen, expected);
}

#[tokio::test]
async fn an_article_published_mid_walk_neither_skips_nor_repeats_older_ones() {
    let app = TestApp::new().await;
    for i in 0..6 {
        app.article(&format!("old-{i}"))
            .hours_ago(10 + i)
            .create()
            .await;
    }
    let first = app.get("/api/v1/articles?limit=3").await.json();
    app.article("breaking").hours_ago(0).create().await;
    let cursor = first["page"]["next_cursor"].as_str().unwrap();

    let second = app
        .get(&format!("/api/v1/articles?limit=3&cursor={cursor}"))
        .await;

    assert_eq!(second.slugs(), ["old-3", "old-4", "old-5"]);
}

#[tokio::test]
async fn the_default_page_holds_twenty() {
    let app = TestApp::new().await;
    for i in 0..21 {
        app.article(&format!("a-{i}"))
            .hours_ago(i + 1)
            .create()
            .await;
    }

    let res = app.get("/api/v1/articles").await;

    assert_eq!(res.slugs().len(), 20);
    assert_eq!(res.json()["page"]["has_more"], true);
}

#[tokio::test]
async fn limits_outside_one_to_a_hundred_are_a_400_naming_limit() {
    let app = TestApp::new().await;
    for bad in ["0", "101", "1000", "abc", "-1", "2.5", ""] {
        let res = app.get(&format!("/api/v1/articles?limit={bad}")).await;
        assert_eq!(res.status, 400, "limit={bad}");
        assert_eq!(res.json()["errors"][0]["field"], "limit", "limit={bad}");
    }
    assert_eq!(app.get("/api/v1/articles?limit=100").await.status, 200);
}

#[tokio::test]
async fn a_tampered_cursor_is_a_400_naming_cursor() {
    let app = TestApp::new().await;
    for i in 0..3 {
        app.article(&format!("a-{i}"))
            .hours_ago(i + 1)
            .create()
            .await;
    }
    let cursor = app.get("/api/v1/articles?limit=1").await.json()["page"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut tampered = cursor.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();

    for bad in [tampered.as_str(), "garbage", "%00", "eyJ9"] {
        let res = app.get(&format!("/api/v1/articles?cursor={bad}")).await;
        assert_eq!(res.status, 400, "cursor={bad}");
        assert_eq!(res.json()["errors"][0]["field"], "cursor");
    }
}

#[tokio::test]
async fn a_comment_cursor_does_not_page_articles() {
    let app = TestApp::new().await;
    let story = app.article("story").create().await;
    for i in 0..3 {
        app.comment(story)
            .at(Utc::now() - Duration::minutes(10 - i))
            .create()
            .await;
    }
    let cursor = app
        .get("/api/v1/articles/story/comments?limit=1")
        .await
        .json()["page"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();

    let res = app.get(&format!("/api/v1/articles?cursor={cursor}")).await;

    assert_eq!(res.status, 400);
}

#[tokio::test]
async fn a_list_that_fills_its_last_page_exactly_says_no_more_follow() {
    let app = TestApp::new().await;
    for i in 0..4 {
        app.article(&format!("e-{i}"))
            .hours_ago(i + 1)
            .create()
            .await;
    }

    let first = app.get("/api/v1/articles?limit=2").await.json();
    let next = first["page"]["next_cursor"].as_str().unwrap();
    let last = app
        .get(&format!("/api/v1/articles?limit=2&cursor={next}"))
        .await
        .json();

    assert_eq!(first["page"]["has_more"], true);
    assert_eq!(crate::support::slugs(&last["data"]), ["e-2", "e-3"]);
    assert_eq!(last["page"]["has_more"], false);
    assert_eq!(last["page"]["next_cursor"], Value::Null);
}

#[tokio::test]
async fn a_section_pages_through_its_subsections_articles_without_skipping_or_repeating() {
    let app = TestApp::new().await;
    let world = app.section("world").create().await;
    let europe = app.section("europe").parent(world).create().await;
    let asia = app.section("asia").parent(world).create().await;
    // The newest three take turns; the older seven are all Europe's, so a
    // page late in the list is one subsection's alone.
    for i in 0..10 {
        let section = match i {
            0 => world,
            2 => asia,
            _ => europe,
        };
        app.article(&format!("w-{i}"))
            .section(section)
            .hours_ago(i + 1)
            .create()
            .await;
    }
    let newest_first: Vec<String> = (0..10).map(|i| format!("w-{i}")).collect();

    for limit in [1, 2, 4] {
        assert_eq!(
            walk(
                &app,
                &format!("/api/v1/sections/world/articles?limit={limit}")
            )
            .await,
            newest_first,
            "pages of {limit}"
        );
    }
}

#[tokio::test]
async fn section_author_and_tag_lists_page_the_same_way() {
    let app = TestApp::new().await;
    let world = app.section("world").create().await;
    let ada = app.author("ada").await;
    let trade = app.tag("trade").await;
    for i in 0..5 {
        app.article(&format!("s-{i}"))
            .section(world)
            .authors(&[ada])
            .tags(&[trade])
            .hours_ago(i + 1)
            .create()
            .await;
    }
    let all: Vec<String> = (0..5).map(|i| format!("s-{i}")).collect();

    assert_eq!(
        walk(&app, "/api/v1/sections/world/articles?limit=2").await,
        all
    );
    let author_page = app.get("/api/v1/authors/ada?limit=2").await.json();
    let next = author_page["articles"]["page"]["next_cursor"]
        .as_str()
        .unwrap();
    let rest = app
        .get(&format!("/api/v1/authors/ada?limit=3&cursor={next}"))
        .await
        .json();
    let mut seen = crate::support::slugs(&author_page["articles"]["data"]);
    seen.extend(crate::support::slugs(&rest["articles"]["data"]));
    assert_eq!(seen, all);
    assert_eq!(
        app.get("/api/v1/tags/trade?limit=5").await.json()["articles"]["data"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
}
