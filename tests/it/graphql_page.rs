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

/// The most statements the page query may take: the article with its body,
/// section, parent section, authors, tags, comment count, related links and
/// stored first page of comment threads (1), and its related links' articles
/// (1); four more for the comment threads when the page asked for is not the
/// stored one (the page, two levels of replies, and the counts of the level
/// below); each of the three lists (more like this, popular, articles) one,
/// which reads the sections, authors and tags its items ask for too (3).
/// The page sizes never add any.
const STATEMENT_BOUND: usize = 9;

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

/// What each article is asked for, in a list and alone.
const ARTICLE_PARTS: &str = r#"
fragment Parts on Article {
  slug
  comments(first: 2) {
    edges { cursor node { body replies(first: 2) { totalCount nodes { body } } } }
    pageInfo { hasNextPage endCursor }
  }
  moreLikeThis(first: 3) { slug section { name } authors { name } }
}
"#;

fn list_query() -> String {
    format!(
        "query List($list: Int!) {{ articles(first: $list) {{ nodes {{ ...Parts }} }} }}{ARTICLE_PARTS}"
    )
}

fn one_query() -> String {
    format!("query One($slug: String!) {{ article(slug: $slug) {{ ...Parts }} }}{ARTICLE_PARTS}")
}

/// Twenty stories in two sections and two tags, with 0 to 3 threads each,
/// every thread answered once.
async fn stories_with_comments(app: &TestApp) {
    let sections = [
        app.section("world").create().await,
        app.section("sport").create().await,
    ];
    let tags = [app.tag("t1").await, app.tag("t2").await];
    let ada = app.author("ada").await;
    let t = Utc::now() - Duration::hours(1);
    for i in 0..20 {
        let story = app
            .article(&format!("story-{i:02}"))
            .section(sections[i % 2])
            .tags(&[tags[i / 10]])
            .authors(&[ada])
            .hours_ago(i as i64 + 2)
            .create()
            .await;
        for c in 0..(i % 4) as i64 {
            let top = app
                .comment(story)
                .body(&format!("{i}/{c}"))
                .at(t + Duration::seconds(c))
                .create()
                .await;
            app.comment(story)
                .reply_to(top)
                .body(&format!("{i}/{c} answered"))
                .at(t + Duration::seconds(100 + c))
                .create()
                .await;
        }
    }
}

async fn statements_for_list(app: &TestApp, size: i64) -> (usize, Value) {
    let before = app.statements();
    let data = app
        .graphql_data(&list_query(), json!({ "list": size }))
        .await;
    (app.statements() - before, data)
}

#[tokio::test]
async fn a_list_of_twenty_asking_each_for_comments_and_more_like_this_costs_what_a_list_of_two_does()
 {
    let app = TestApp::uncached().await;
    stories_with_comments(&app).await;
    app.get("/api/v1/sections").await;

    let (two, _) = statements_for_list(&app, 2).await;
    let (twenty, data) = statements_for_list(&app, 20).await;
    assert_eq!(
        twenty, two,
        "a list of 20 took {twenty} statements, of 2 {two}"
    );
    assert_eq!(data["articles"]["nodes"].as_array().unwrap().len(), 20);
}

#[tokio::test]
async fn each_article_in_a_list_shows_its_own_comments_and_more_like_this() {
    let app = TestApp::new().await;
    stories_with_comments(&app).await;

    let list = app.graphql_data(&list_query(), json!({ "list": 20 })).await;
    for node in list["articles"]["nodes"].as_array().unwrap() {
        let slug = node["slug"].as_str().unwrap();
        let alone = app
            .graphql_data(&one_query(), json!({ "slug": slug }))
            .await;
        assert_eq!(node, &alone["article"], "{slug}");
    }
    let busy = &list["articles"]["nodes"][3];
    assert_eq!(busy["comments"]["edges"][1]["node"]["body"], "3/1");
    assert_eq!(busy["comments"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(
        busy["comments"]["edges"][0]["node"]["replies"]["nodes"][0]["body"],
        "3/0 answered"
    );
}

async fn statements_for(app: &TestApp, query: &str) -> usize {
    let before = app.statements();
    app.graphql_data(query, json!({})).await;
    app.statements() - before
}

#[tokio::test]
async fn an_author_or_tag_lists_its_articles_without_looking_itself_up_again() {
    let app = TestApp::uncached().await;
    stories_with_comments(&app).await;
    app.get("/api/v1/sections").await;

    let plain_list = statements_for(&app, "{ articles(first: 5) { nodes { slug } } }").await;
    for (alone, with_articles) in [
        (
            r#"{ author(slug: "ada") { name } }"#,
            r#"{ author(slug: "ada") { name articles(first: 5) { nodes { slug } } } }"#,
        ),
        (
            r#"{ tag(slug: "t1") { name } }"#,
            r#"{ tag(slug: "t1") { name articles(first: 5) { nodes { slug } } } }"#,
        ),
    ] {
        let extra = statements_for(&app, with_articles).await - statements_for(&app, alone).await;
        assert_eq!(extra, plain_list, "{with_articles}");
    }
}

/// What each list below asks of its articles besides their slugs.
const RELATIONS: &str = "section { name } authors { name } tags { name }";

#[tokio::test]
async fn a_list_reads_the_sections_authors_and_tags_of_its_articles_in_its_own_statement() {
    let app = TestApp::uncached().await;
    newsroom(&app).await;
    app.get("/api/v1/sections").await;

    for list in [
        "{ articles(first: 5) { nodes { slug ITEM } } }",
        "{ articles(first: 5) { edges { node { slug ITEM } } } }",
        "{ popular(first: 5) { article { slug ITEM } } }",
        r#"{ article(slug: "the-page") { moreLikeThis(first: 5) { slug ITEM } } }"#,
        r#"{ section(slug: "world") { articles(first: 5) { nodes { slug ITEM } } } }"#,
    ] {
        let bare = statements_for(&app, &list.replace("ITEM", "")).await;
        let related = statements_for(&app, &list.replace("ITEM", RELATIONS)).await;
        assert_eq!(related, bare, "{list}");
    }
}

#[tokio::test]
async fn a_list_shows_each_articles_section_byline_and_tags() {
    let app = TestApp::uncached().await;
    let world = app.section("world").create().await;
    let (ada, bo) = (app.author("ada").await, app.author("bo").await);
    let (t1, t2) = (app.tag("t1").await, app.tag("t2").await);
    let older = app
        .article("older")
        .section(world)
        .tags(&[t1])
        .hours_ago(3)
        .create()
        .await;
    let newer = app
        .article("newer")
        .section(world)
        .authors(&[bo, ada])
        .tags(&[t2, t1])
        .hours_ago(2)
        .create()
        .await;
    for id in [older, newer] {
        app.state
            .desk
            .add_views(ArticleId(id), Utc::now().date_naive(), 5);
    }
    app.state.flush_views().await.unwrap();

    let data = app
        .graphql_data(
            &format!(
                r#"{{ articles(first: 5) {{ nodes {{ slug {RELATIONS} }} }}
                     popular(first: 5) {{ article {{ slug {RELATIONS} }} }}
                     article(slug: "older") {{ moreLikeThis(first: 5) {{ slug {RELATIONS} }} }} }}"#
            ),
            json!({}),
        )
        .await;

    let expected = json!({
        "slug": "newer",
        "section": { "name": "Section world" },
        "authors": [{ "name": "Author bo" }, { "name": "Author ada" }],
        "tags": [{ "name": "Tag t1" }, { "name": "Tag t2" }],
    });
    assert_eq!(data["articles"]["nodes"][0], expected);
    let popular = data["popular"].as_array().unwrap();
    let newer_popular = popular.iter().find(|p| p["article"]["slug"] == "newer");
    assert_eq!(newer_popular.unwrap()["article"], expected);
    assert_eq!(data["article"]["moreLikeThis"][0], expected);
    assert_eq!(data["articles"]["nodes"][1]["authors"], json!([]));
}

#[tokio::test]
async fn an_article_reads_everything_its_page_shows_of_it_in_one_statement() {
    let app = TestApp::uncached().await;
    newsroom(&app).await;
    app.get("/api/v1/sections").await;

    let used = statements_for(
        &app,
        r#"{ article(slug: "the-page") {
            title updatedAt bodyHtml commentsOpen commentCount
            section { slug parent { slug } } authors { slug } tags { slug }
            relatedLinks { title url }
            comments(first: 20) { edges { node { id } } pageInfo { hasNextPage } }
        } }"#,
    )
    .await;

    assert_eq!(used, 1);
}

/// Everything an article page shows of its article, beyond its row.
const ARTICLE_FIELDS: &str = "slug title updatedAt bodyHtml bodyMarkdown commentsOpen commentCount \
    seo { title description canonicalUrl } \
    section { slug name description parent { slug } } authors { slug name bio } tags { slug name } \
    relatedLinks { kind title url article { slug title } } \
    comments(first: 20) { edges { cursor node { id body replies { totalCount nodes { body } } } } \
    pageInfo { hasNextPage endCursor } }";

#[tokio::test]
async fn an_article_alone_shows_what_it_shows_in_a_list() {
    let app = TestApp::uncached().await;
    let world = app.section("world").create().await;
    let region = app.section("region").parent(world).create().await;
    let (ada, bo) = (app.author("ada").await, app.author("bo").await);
    let (t1, t2) = (app.tag("t1").await, app.tag("t2").await);
    let other = app.article("other").hours_ago(3).create().await;
    let hidden = app.article("hidden").draft().create().await;
    let page = app
        .article("the-page")
        .section(region)
        .authors(&[bo, ada])
        .tags(&[t2, t1])
        .related_article(other)
        .related_article(hidden)
        .related_url("https://example.org/x", "Elsewhere")
        .create()
        .await;
    let top = app.comment(page).create().await;
    app.comment(page).reply_to(top).create().await;
    let held = app.comment(page).status("pending").create().await;
    app.comment(page).reply_to(held).create().await;

    let alone = app
        .graphql_data(
            &format!(r#"{{ article(slug: "the-page") {{ {ARTICLE_FIELDS} }} }}"#),
            json!({}),
        )
        .await;
    let listed = app
        .graphql_data(
            &format!("{{ articles(first: 5) {{ nodes {{ {ARTICLE_FIELDS} }} }} }}"),
            json!({}),
        )
        .await;

    let in_list = listed["articles"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == "the-page")
        .unwrap();
    assert_eq!(&alone["article"], in_list);
    assert_eq!(alone["article"]["commentCount"], 2, "{alone}");
    assert_eq!(
        alone["article"]["relatedLinks"].as_array().unwrap().len(),
        2
    );
}
