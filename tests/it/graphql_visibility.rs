//! GraphQL shows exactly what REST shows: the same domain rules decide.

use newsdesk::domain::ids::ArticleId;
use newsdesk::domain::visibility::ArticleStatus;
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::support::TestApp;

/// `query`, asked for each of `slugs` as `$s`, answers a null article and
/// a NOT_FOUND error.
async fn assert_not_found(app: &TestApp, query: &str, slugs: &[&str]) {
    for slug in slugs {
        let body = app.graphql(query, json!({ "s": slug })).await.json();
        assert_eq!(body["data"]["article"], serde_json::Value::Null, "{slug}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{slug}"
        );
    }
}

#[tokio::test]
async fn an_unpublished_article_asked_with_its_page_parts_is_not_found() {
    let app = TestApp::uncached().await;
    let world = app.section("world").create().await;
    let draft = app.article("draft").section(world).draft().create().await;
    app.comment(draft).create().await;
    app.article("scheduled")
        .section(world)
        .status(ArticleStatus::Scheduled)
        .hours_ago(-3)
        .create()
        .await;

    assert_not_found(
        &app,
        "query($s: String!) { article(slug: $s) { slug section { slug } bodyHtml commentCount comments { edges { node { body } } } } }",
        &["draft", "scheduled", "missing"],
    )
    .await;
}

#[tokio::test]
async fn unpublished_articles_are_not_found_and_never_listed() {
    let app = TestApp::new().await;
    let world = app.section("world").create().await;
    let trade = app.tag("trade").await;
    let draft = app
        .article("draft")
        .section(world)
        .tags(&[trade])
        .draft()
        .create()
        .await;
    app.article("scheduled")
        .section(world)
        .tags(&[trade])
        .status(ArticleStatus::Scheduled)
        .hours_ago(-3)
        .create()
        .await;
    app.article("archived")
        .section(world)
        .tags(&[trade])
        .status(ArticleStatus::Archived)
        .hours_ago(300)
        .create()
        .await;
    app.article("public")
        .section(world)
        .tags(&[trade])
        .related_article(draft)
        .create()
        .await;
    app.state
        .desk
        .add_views(ArticleId(draft), chrono::Utc::now().date_naive(), 99);
    app.state.flush_views().await.unwrap();

    assert_not_found(
        &app,
        "query($s: String!) { article(slug: $s) { slug } }",
        &["draft", "scheduled", "archived", "missing"],
    )
    .await;
    let everything = app
        .graphql_data(
            r#"{
              articles(first: 100) { totalCount edges { node { slug } } }
              section(slug: "world") { articles { edges { node { slug } } } }
              tag(slug: "trade") { articles { edges { node { slug } } } }
              popular(window: LAST_30_DAYS) { article { slug } }
              article(slug: "public") { relatedLinks { title } moreLikeThis { slug } }
            }"#,
            json!({}),
        )
        .await;
    let text = everything.to_string();
    for hidden in ["\"draft\"", "scheduled", "archived", "Title of draft"] {
        assert!(!text.contains(hidden), "{hidden} leaked: {text}");
    }
    assert_eq!(everything["articles"]["totalCount"], 1);
}

#[tokio::test]
async fn comments_that_are_not_approved_are_never_shown_nor_counted() {
    let app = TestApp::new().await;
    let story = app.article("story").create().await;
    let visible = app.comment(story).body("visible").create().await;
    app.comment(story)
        .reply_to(visible)
        .body("visible reply")
        .create()
        .await;
    for status in ["pending", "spam", "deleted"] {
        let hidden = app
            .comment(story)
            .status(status)
            .body(&format!("{status} comment"))
            .create()
            .await;
        app.comment(story)
            .reply_to(hidden)
            .body(&format!("reply under {status}"))
            .create()
            .await;
    }

    let data = app
        .graphql_data(
            r#"{ article(slug: "story") { commentCount comments { edges { node { body replies { nodes { body } } } } } } }"#,
            json!({}),
        )
        .await;

    assert_eq!(data["article"]["commentCount"], 2);
    assert_eq!(
        data["article"]["comments"]["edges"],
        json!([{ "node": { "body": "visible", "replies": { "nodes": [{ "body": "visible reply" }] } } }])
    );
}

#[tokio::test]
async fn a_database_failure_is_internal_and_shows_no_sql() {
    let app = TestApp::new().await;
    app.db()
        .execute_unprepared("DROP TABLE article_views")
        .await
        .unwrap();

    let res = app.graphql("{ popular { views } }", json!({})).await;

    let body = res.json();
    assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL");
    let text = body.to_string().to_lowercase();
    for leak in [
        "select",
        "article_views",
        "sqlx",
        "no such table",
        "relation",
    ] {
        assert!(!text.contains(leak), "{leak} leaked: {text}");
    }
}

#[tokio::test]
async fn a_malformed_filter_is_bad_user_input_naming_each_argument() {
    let app = TestApp::new().await;

    let body = app
        .graphql(
            r#"{ articles(section: "Not A Slug", tag: "UPPER") { totalCount } }"#,
            json!({}),
        )
        .await
        .json();

    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let fields: Vec<_> = body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].clone())
        .collect();
    assert_eq!(fields, [json!("section"), json!("tag")]);
}
