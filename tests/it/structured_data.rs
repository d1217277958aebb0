//! What search engines and share buttons read of an article: schema.org
//! NewsArticle JSON-LD with a breadcrumb of the section path, and share
//! metadata, all with absolute URLs.

use serde_json::{Value, json};

use crate::support::TestApp;

async fn site() -> TestApp {
    let app = TestApp::builder()
        .http(|http| {
            http.outbound.site_url = Some("https://news.example".into());
            http.outbound.site_name = "The Example Times".into();
            http.outbound.site_logo_url = Some("https://news.example/logo.png".into());
        })
        .build()
        .await;
    let world = app.section("world").create().await;
    let europe = app.section("europe").parent(world).create().await;
    let ada = app.author("ada").await;
    let trade = app.tag("trade").await;
    app.article("harbour-reopens")
        .section(europe)
        .authors(&[ada])
        .tags(&[trade])
        .image("https://img.example/harbour.jpg")
        .body("Ships return to the <harbour> today.\n\n## Next\n\n- talks [resume](https://x.example)\n")
        .create()
        .await;
    app
}

async fn article(app: &TestApp) -> Value {
    let res = app.get("/api/v1/articles/harbour-reopens").await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

#[tokio::test]
async fn an_article_carries_news_article_json_ld_with_absolute_urls() {
    let app = site().await;
    let doc = article(&app).await;

    let ld = &doc["structured_data"];
    assert_eq!(ld["@context"], "https://schema.org");
    let news = &ld["@graph"][0];
    assert_eq!(news["@type"], "NewsArticle");
    assert_eq!(news["headline"], doc["title"]);
    assert_eq!(news["description"], doc["seo"]["description"]);
    assert_eq!(news["image"], json!(["https://img.example/harbour.jpg"]));
    assert_eq!(news["datePublished"], doc["published_at"]);
    assert_eq!(news["dateModified"], doc["updated_at"]);
    assert_eq!(
        news["author"],
        json!([{ "@type": "Person", "name": "Author ada", "url": "https://news.example/authors/ada" }])
    );
    assert_eq!(news["publisher"]["@type"], "Organization");
    assert_eq!(news["publisher"]["name"], "The Example Times");
    assert_eq!(
        news["publisher"]["logo"]["url"],
        "https://news.example/logo.png"
    );
    assert_eq!(
        news["mainEntityOfPage"],
        json!({ "@type": "WebPage", "@id": "https://news.example/articles/harbour-reopens" })
    );
    assert_eq!(news["articleSection"], "Section europe");
    assert_eq!(news["keywords"], json!(["Tag trade"]));
    assert_eq!(news["wordCount"], 9);
    assert_eq!(news["isAccessibleForFree"], true);
}

#[tokio::test]
async fn the_breadcrumb_follows_the_section_path() {
    let app = site().await;
    let doc = article(&app).await;

    let crumbs: Vec<(String, String)> = doc["structured_data"]["@graph"][1]["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["item"].as_str().unwrap().to_owned(),
            )
        })
        .collect();

    assert_eq!(
        crumbs,
        [
            ("The Example Times", "https://news.example/"),
            ("Section world", "https://news.example/sections/world"),
            ("Section europe", "https://news.example/sections/europe"),
            (
                "Title of harbour-reopens",
                "https://news.example/articles/harbour-reopens"
            ),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert_eq!(
        doc["section_path"],
        json!([{ "slug": "world", "name": "Section world" }, { "slug": "europe", "name": "Section europe" }])
    );
}

#[tokio::test]
async fn share_metadata_fills_open_graph_and_twitter_cards() {
    let app = site().await;
    let doc = article(&app).await;

    let share = &doc["share"];
    assert_eq!(
        share["url"],
        "https://news.example/articles/harbour-reopens"
    );
    assert_eq!(share["open_graph"]["og:type"], "article");
    assert_eq!(share["open_graph"]["og:title"], doc["seo"]["title"]);
    assert_eq!(
        share["open_graph"]["og:image"],
        "https://img.example/harbour.jpg"
    );
    assert_eq!(share["open_graph"]["og:site_name"], "The Example Times");
    assert_eq!(share["open_graph"]["article:tag"], json!(["Tag trade"]));
    assert_eq!(share["twitter"]["twitter:card"], "summary_large_image");
    assert_eq!(
        share["twitter"]["twitter:description"],
        doc["seo"]["description"]
    );
}

#[tokio::test]
async fn graphql_serves_the_same_structured_data_and_share_metadata() {
    let app = site().await;
    let rest = article(&app).await;

    let data = app
        .graphql_data(
            r#"{ article(slug: "harbour-reopens") { structuredData share } }"#,
            json!({}),
        )
        .await;

    assert_eq!(data["article"]["structuredData"], rest["structured_data"]);
    assert_eq!(data["article"]["share"], rest["share"]);
}
