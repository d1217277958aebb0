//! One GraphQL query builds a whole article page, with a bounded number of
//! SQL statements that does not grow with the page sizes asked for.

use chrono::{Duration, Utc};
use newsdesk::domain::ids::ArticleId;
use serde_json::{Value, json};

use crate::support::TestApp;

const PAGE_QUERY: &str = r#"
query ArticlePage($slug: String!, $comments: Int!, $list: Int!, $box: Int!) {
  article(slug: $slug) {
    id title subtitle excerpt publishedAt updatedAt readingTimeMinutes commentCount commentsOpen
    featuredImage { url alt caption credit }
    seo { title description canonicalUrl }
    section { slug name parent { slug } }
    authors { slug name bio }
    tags { slug name }
    bodyHtml bodyMarkdown
    bodyBlocks { __typename ... on HeadingBlock { level spans { text } } ... on ListBlock { items { text } } }
    relatedLinks { kind title url article { slug title } }
    comments(first: $comments) {
      edges { cursor node { id authorName body replies(first: 3) { totalCount nodes { authorName body replies(first: 3) { nodes { body } } } } } }
      pageInfo { hasNextPage endCursor }
    }
    moreLikeThis(first: $box) { slug title section { name } authors { name } tags { slug } }
  }
  popular(window: LAST_7_DAYS, first: $box) { views article { slug title section { name } authors { name } } }
  articles(first: $list) {
    edges { cursor node { slug title section { slug name } authors { slug name } tags { slug name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"#;

/// A newsroom big enough that every list in the page query is full.
async fn newsroom(app: &TestApp) {
    let world = app.section("world").create().await;
    let region = app.section("region").parent(world).create().await;
    let authors = [
        app.author("ada").await,
        app.author("bo").await,
        app.author("cy").await,
    ];
    let tags = [
        app.tag("t1").await,
        app.tag("t2").await,
        app.tag("t3").await,
    ];
    let mut ids = Vec::new();
    for i in 0..30 {
        let id = app
            .article(&format!("story-{i:02}"))
            .section(if i % 2 == 0 { world } else { region })
            .authors(&[authors[i % 3], authors[(i + 1) % 3]])
            .tags(&[tags[i % 3], tags[(i + 2) % 3]])
            .hours_ago(i as i64 + 2)
            .create()
            .await;
        ids.push(id);
    }
    let page = app
        .article("the-page")
        .section(region)
        .authors(&authors)
        .tags(&tags)
        .body("Lead.\n\n## One\n\n- a\n- b\n\n## Two\n\n- c\n")
        .related_article(ids[0])
        .related_article(ids[1])
        .related_url("https://example.org/x", "Elsewhere")
        .image("https://img.example/p.jpg")
        .create()
        .await;
    let t = Utc::now() - Duration::minutes(50);
    for i in 0..25 {
        let top = app
            .comment(page)
            .body(&format!("comment {i}"))
            .at(t + Duration::seconds(i))
            .create()
            .await;
        let reply = app
            .comment(page)
            .reply_to(top)
            .at(t + Duration::seconds(100 + i))
            .create()
            .await;
        app.comment(page)
            .reply_to(reply)
            .at(t + Duration::seconds(200 + i))
            .create()
            .await;
    }
    app.comment(page)
        .status("pending")
        .body("not yet")
        .create()
        .await;
    for (n, id) in ids.iter().enumerate() {
        app.state
            .desk
            .add_views(ArticleId(*id), Utc::now().date_naive(), 100 - n as i64);
    }
    app.state.flush_views().await.unwrap();
}

fn page_variables(size: i64, boxes: i64) -> Value {
    json!({ "slug": "the-page", "comments": size, "list": size, "box": boxes })
}

#[tokio::test]
async fn the_page_query_returns_everything_the_article_page_shows() {
    let app = TestApp::new().await;
    newsroom(&app).await;

    let data = app.graphql_data(PAGE_QUERY, page_variables(20, 5)).await;

    let article = &data["article"];
    assert_eq!(article["title"], "Title of the-page");
    assert_eq!(article["section"]["parent"]["slug"], "world");
    assert_eq!(article["authors"].as_array().unwrap().len(), 3);
    assert_eq!(
        article["commentCount"], 75,
        "approved comments and replies, not the pending one"
    );
    assert_eq!(
        article["bodyBlocks"][1],
        json!({ "__typename": "HeadingBlock", "level": 2, "spans": [{ "text": "One" }] })
    );
    assert_eq!(article["relatedLinks"][0]["article"]["slug"], "story-00");
    assert_eq!(
        article["relatedLinks"][2],
        json!({ "kind": "EXTERNAL", "title": "Elsewhere", "url": "https://example.org/x", "article": null })
    );
    let threads = article["comments"]["edges"].as_array().unwrap();
    assert_eq!(threads.len(), 20);
    assert_eq!(
        threads[0]["node"]["replies"]["nodes"][0]["replies"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(article["comments"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(article["moreLikeThis"].as_array().unwrap().len(), 5);
    assert_eq!(data["popular"][0]["article"]["slug"], "story-00");
    assert_eq!(data["popular"][0]["views"], 100);
    assert_eq!(data["articles"]["edges"].as_array().unwrap().len(), 20);
    assert!(!data.to_string().contains("not yet"));
}

/// The most statements the page query may take: the article, its body,
/// section, parent section, authors, tags, comment count, related links and
/// their articles (9); four for the comment threads (the page, two levels
/// of replies, and the counts of the level below); each of the three lists
/// (more like this, popular, articles) one or two for itself and one per
/// relation its items ask for (11). DataLoaders merge lookups that are in
/// flight together, so a run often takes fewer; the page sizes never add any.
const STATEMENT_BOUND: usize = 25;

#[tokio::test]
async fn the_page_query_runs_a_fixed_number_of_statements_whatever_the_page_sizes() {
    let app = TestApp::new().await;
    newsroom(&app).await;
    // A node's first public read also notes where the change feed and the
    // publication schedule stand: bookkeeping, not the page's statements.
    app.get("/api/v1/sections").await;

    for (size, boxes) in [(1, 1), (3, 2), (20, 5), (50, 20)] {
        let before = app.statements();
        app.graphql_data(PAGE_QUERY, page_variables(size, boxes))
            .await;
        let used = app.statements() - before;
        assert!(
            used <= STATEMENT_BOUND,
            "the page query with lists of {size} and boxes of {boxes} took {used} statements"
        );
    }
}
