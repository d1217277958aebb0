//! Feeds and sitemaps, read back by the parsers a reader or crawler would
//! use: feed-rs for RSS, Atom and JSON Feed; an XML reader for sitemaps.

use chrono::{Duration, Utc};

use crate::support::TestApp;

/// A site with a world section (ada writes, tagged trade), an older story
/// in the news section, and a draft.
async fn site() -> TestApp {
    let app = TestApp::builder()
        .http(|http| {
            http.outbound.site_url = Some("https://news.example".into());
            http.outbound.site_name = "The Example Times".into();
            http.outbound.site_language = "en-GB".into();
        })
        .build()
        .await;
    let world = app.section("world").create().await;
    let ada = app.author("ada").await;
    let trade = app.tag("trade").await;
    app.article("harbour-reopens")
        .section(world)
        .authors(&[ada])
        .tags(&[trade])
        .hours_ago(1)
        .body("Ships <return> & trade resumes.\n\n## Next\n\n- talks\n")
        .create()
        .await;
    app.article("older-story").hours_ago(72).create().await;
    app.article("a-draft").draft().create().await;
    app
}

async fn parsed(app: &TestApp, uri: &str) -> feed_rs::model::Feed {
    let res = app.get(uri).await;
    assert_eq!(res.status, 200, "{uri}: {}", res.text());
    feed_rs::parser::parse(res.body.as_slice()).unwrap_or_else(|e| panic!("{uri}: {e}"))
}

fn links(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|e| e.links[0].href.clone())
        .collect()
}

#[tokio::test]
async fn every_format_lists_the_public_articles_newest_first_with_absolute_links() {
    let app = site().await;

    for uri in ["/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json"] {
        let feed = parsed(&app, uri).await;

        assert_eq!(
            links(&feed),
            [
                "https://news.example/articles/harbour-reopens",
                "https://news.example/articles/older-story"
            ],
            "{uri}"
        );
        let first = &feed.entries[0];
        assert_eq!(
            first.title.as_ref().unwrap().content,
            "Title of harbour-reopens",
            "{uri}"
        );
        assert_eq!(first.authors[0].name, "Author ada", "{uri}");
        assert!(first.published.is_some(), "{uri}");
        let body = first
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .unwrap_or_else(|| panic!("{uri} carries no full HTML"));
        assert!(body.contains("&lt;return&gt; &amp; trade"), "{uri}: {body}");
        let categories: Vec<&str> = first.categories.iter().map(|c| c.term.as_str()).collect();
        assert!(
            categories.contains(&"Section world") && categories.contains(&"Tag trade"),
            "{uri}: {categories:?}"
        );
        assert_eq!(
            feed.title.as_ref().unwrap().content,
            "The Example Times",
            "{uri}"
        );
    }
}

#[tokio::test]
async fn a_feed_follows_one_section_tag_or_author() {
    let app = site().await;

    for uri in [
        "/feeds/atom.xml?section=world",
        "/feeds/rss.xml?tag=trade",
        "/feeds/feed.json?author=ada",
    ] {
        let feed = parsed(&app, uri).await;
        assert_eq!(
            links(&feed),
            ["https://news.example/articles/harbour-reopens"],
            "{uri}"
        );
    }
    let world = parsed(&app, "/feeds/rss.xml?section=world").await;
    assert_eq!(
        world.title.unwrap().content,
        "The Example Times: Section world"
    );
}

#[tokio::test]
async fn an_unknown_filter_is_404_and_two_filters_are_400() {
    let app = site().await;

    assert_eq!(app.get("/feeds/rss.xml?section=sport").await.status, 404);
    let two = app.get("/feeds/atom.xml?section=world&tag=trade").await;
    assert_eq!(two.status, 400);
    assert_eq!(app.get("/feeds/feed.json?colour=red").await.status, 400);
    let malformed = app.get("/feeds/rss.xml?tag=Not%20a%20slug").await;
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.error_fields(), ["tag"]);
}

#[tokio::test]
async fn a_feed_has_an_etag_and_answers_304() {
    let app = site().await;
    let first = app.get("/feeds/rss.xml").await;
    let etag = first
        .header("etag")
        .expect("feeds carry an ETag")
        .to_owned();

    let again = app
        .send(
            axum::http::Request::get("/feeds/rss.xml")
                .header("if-none-match", etag)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;

    assert_eq!(again.status, 304);
    assert!(first.header("surrogate-key").unwrap().contains("articles"));
}

/// The text of every `<tag>` in an XML document, in order.
fn texts(xml: &str, tag: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut found, mut inside) = (Vec::new(), false);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == tag.as_bytes() => {
                inside = true
            }
            quick_xml::events::Event::Text(t) if inside => {
                found.push(t.decode().unwrap().into_owned());
                inside = false;
            }
            quick_xml::events::Event::Eof => return found,
            _ => {}
        }
    }
}

#[tokio::test]
async fn the_sitemap_index_leads_to_every_public_article_and_page() {
    let app = site().await;

    let index = app.get("/sitemap.xml").await.text();
    let sitemaps = texts(&index, "loc");
    let mut articles = Vec::new();
    for loc in &sitemaps {
        let path = loc.strip_prefix("http://127.0.0.1:8080").unwrap_or(loc);
        let res = app.get(path).await;
        assert_eq!(res.status, 200, "{loc}");
        articles.extend(texts(&res.text(), "loc"));
    }

    assert!(articles.contains(&"https://news.example/articles/harbour-reopens".to_owned()));
    assert!(articles.contains(&"https://news.example/articles/older-story".to_owned()));
    assert!(articles.contains(&"https://news.example/sections/world".to_owned()));
    assert!(articles.contains(&"https://news.example/authors/ada".to_owned()));
    assert!(!articles.iter().any(|l| l.contains("a-draft")));
}

#[tokio::test]
async fn the_news_sitemap_lists_only_the_last_48_hours() {
    let app = site().await;
    app.article("two-days-ago").hours_ago(47).create().await;

    let xml = app.get("/sitemap-news.xml").await.text();

    assert_eq!(
        texts(&xml, "loc"),
        [
            "https://news.example/articles/harbour-reopens",
            "https://news.example/articles/two-days-ago"
        ]
    );
    assert_eq!(texts(&xml, "news:name"), ["The Example Times"; 2]);
    assert_eq!(texts(&xml, "news:language"), ["en-GB"; 2]);
    assert_eq!(texts(&xml, "news:title")[0], "Title of harbour-reopens");
    let date = &texts(&xml, "news:publication_date")[0];
    assert!(chrono::DateTime::parse_from_rfc3339(date).unwrap() > Utc::now() - Duration::hours(2));
}

#[tokio::test]
async fn a_month_that_is_not_one_is_refused() {
    let app = site().await;

    for uri in [
        "/sitemaps/articles.xml?month=2026-13",
        "/sitemaps/articles.xml?month=soon",
        "/sitemaps/articles.xml",
        "/sitemaps/articles.xml?month=2026-12&part=0",
    ] {
        assert_eq!(app.get(uri).await.status, 400, "{uri}");
    }
}

#[tokio::test]
async fn robots_txt_names_the_sitemaps() {
    let app = site().await;

    let robots = app.get("/robots.txt").await.text();

    assert!(robots.contains("Sitemap: http://127.0.0.1:8080/sitemap.xml"));
    assert!(robots.contains("Sitemap: http://127.0.0.1:8080/sitemap-news.xml"));
}

#[tokio::test]
async fn the_sitemap_index_has_a_sitemap_for_each_month_with_articles() {
    let app = site().await;
    app.article("last-quarter")
        .hours_ago(24 * 100)
        .create()
        .await;

    let index = app.get("/sitemap.xml").await.text();
    let months: Vec<String> = texts(&index, "loc")
        .into_iter()
        .filter(|l| l.contains("articles.xml"))
        .collect();
    let mut found = Vec::new();
    for loc in &months {
        let path = loc.strip_prefix("http://127.0.0.1:8080").unwrap_or(loc);
        found.extend(texts(&app.get(path).await.text(), "loc"));
    }

    let expected_months = if (Utc::now() - Duration::hours(72))
        .format("%Y-%m")
        .to_string()
        == Utc::now().format("%Y-%m").to_string()
    {
        2
    } else {
        3
    };
    assert_eq!(months.len(), expected_months, "{months:?}");
    assert!(found.contains(&"https://news.example/articles/last-quarter".to_owned()));
    assert_eq!(found.len(), 3, "{found:?}");
}
