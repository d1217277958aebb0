//! GET /api/v1/authors/{slug} and /api/v1/tags/{slug}.

use crate::support::{TestApp, slugs};

#[tokio::test]
async fn an_author_comes_with_a_first_page_of_their_articles() {
    let app = TestApp::new().await;
    let ada = app.author("ada").await;
    let bo = app.author("bo").await;
    app.article("by-ada")
        .authors(&[ada])
        .hours_ago(2)
        .create()
        .await;
    app.article("by-both")
        .authors(&[bo, ada])
        .hours_ago(1)
        .create()
        .await;
    app.article("by-bo").authors(&[bo]).create().await;

    let author = app.get("/api/v1/authors/ada").await.json();

    assert_eq!(author["name"], "Author ada");
    assert_eq!(author["bio"], "Writes as ada.");
    assert_eq!(slugs(&author["articles"]["data"]), ["by-both", "by-ada"]);
    assert_eq!(author["articles"]["page"]["has_more"], false);
}

#[tokio::test]
async fn a_tag_comes_with_a_first_page_of_its_articles() {
    let app = TestApp::new().await;
    let trade = app.tag("trade").await;
    app.article("tagged").tags(&[trade]).create().await;
    app.article("untagged").create().await;

    let tag = app.get("/api/v1/tags/trade").await.json();

    assert_eq!(tag["name"], "Tag trade");
    assert_eq!(slugs(&tag["articles"]["data"]), ["tagged"]);
}

#[tokio::test]
async fn unknown_authors_and_tags_are_404() {
    let app = TestApp::new().await;

    assert_eq!(app.get("/api/v1/authors/nobody").await.status, 404);
    assert_eq!(app.get("/api/v1/tags/nothing").await.status, 404);
}

#[tokio::test]
async fn author_and_tag_pages_reject_a_bad_limit() {
    let app = TestApp::new().await;
    app.author("ada").await;
    app.tag("trade").await;

    assert_eq!(app.get("/api/v1/authors/ada?limit=0").await.status, 400);
    assert_eq!(app.get("/api/v1/tags/trade?limit=101").await.status, 400);
}
