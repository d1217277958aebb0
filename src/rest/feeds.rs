//! Feeds, sitemaps and `robots.txt`: the domain's feed and sitemap reads,
//! written as RSS 2.0 (`rss`), Atom 1.0 (`atom_syndication`), JSON Feed 1.1
//! (serde) and sitemap XML (quick-xml's writer). Nothing here joins
//! markup by hand, so every title and body is escaped by the writer.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde::Deserialize;
use serde_json::json;

use super::extract::{AppQuery, Reading};
use crate::domain::articles::ArticleFilter;
use crate::domain::cache_tags::CacheTags;
use crate::domain::feeds::{Feed, NewsUrl, SitemapUrl};
use crate::domain::newsdesk::Reader;
use crate::error::{Error, Result};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedParams {
    section: Option<String>,
    tag: Option<String>,
    author: Option<String>,
}

impl FeedParams {
    /// At most one of section, tag and author.
    fn filter(self) -> Result<ArticleFilter> {
        let given = [&self.section, &self.tag, &self.author]
            .iter()
            .filter(|p| p.is_some())
            .count();
        if given > 1 {
            return Err(Error::invalid(
                "section",
                "name at most one of section, tag and author",
            ));
        }
        ArticleFilter::from_input(
            self.section.as_deref(),
            self.tag.as_deref(),
            self.author.as_deref(),
        )
    }
}

/// A document of `content_type`, tagged so caches keep and retire it.
fn document(tags: CacheTags, content_type: &'static str, body: String) -> Response {
    (tags, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn feed(reader: &Reader, params: FeedParams) -> Result<(CacheTags, Feed)> {
    let read = reader.feed(&params.filter()?).await?;
    Ok((read.tags, read.value))
}

/// `GET /feeds/rss.xml`
pub async fn rss(
    Reading(reader): Reading,
    AppQuery(params): AppQuery<FeedParams>,
) -> Result<Response> {
    let (tags, feed) = feed(&reader, params).await?;
    let items: Vec<rss::Item> = feed
        .items
        .iter()
        .map(|i| {
            let mut item = rss::Item::default();
            item.set_title(i.title.clone());
            item.set_link(i.url.clone());
            item.set_description(i.summary.clone());
            item.set_content(i.content_html.clone());
            item.set_guid(rss::Guid {
                value: i.url.clone(),
                permalink: true,
            });
            item.set_pub_date(i.published_at.to_rfc2822());
            item.set_categories(
                i.categories
                    .iter()
                    .map(|c| rss::Category {
                        name: c.clone(),
                        domain: None,
                    })
                    .collect::<Vec<_>>(),
            );
            // RSS's own `author` must be an email address; names go in Dublin Core.
            let mut credits = rss::extension::dublincore::DublinCoreExtension::default();
            credits.set_creators(i.authors.iter().map(|a| a.name.clone()).collect::<Vec<_>>());
            item.set_dublin_core_ext(credits);
            item
        })
        .collect();
    let mut channel = rss::Channel::default();
    channel.set_title(feed.title);
    channel.set_link(feed.home);
    channel.set_description(feed.description);
    channel.set_language(feed.language);
    channel.set_last_build_date(feed.updated.to_rfc2822());
    channel.set_generator("Newsdesk".to_owned());
    channel.set_items(items);
    let mut namespaces = std::collections::BTreeMap::new();
    namespaces.insert(
        "dc".to_owned(),
        rss::extension::dublincore::NAMESPACE.to_owned(),
    );
    namespaces.insert(
        "content".to_owned(),
        "http://purl.org/rss/1.0/modules/content/".to_owned(),
    );
    channel.set_namespaces(namespaces);
    Ok(document(
        tags,
        "application/rss+xml; charset=utf-8",
        channel.to_string(),
    ))
}

/// `GET /feeds/atom.xml`
pub async fn atom(
    Reading(reader): Reading,
    AppQuery(params): AppQuery<FeedParams>,
) -> Result<Response> {
    use atom_syndication as a;
    let (tags, feed) = feed(&reader, params).await?;
    let link = |href: &str, rel: &str| a::Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        ..Default::default()
    };
    let entries: Vec<a::Entry> = feed
        .items
        .iter()
        .map(|i| {
            let mut entry = a::Entry::default();
            entry.set_title(a::Text::plain(i.title.clone()));
            entry.set_id(i.url.clone());
            entry.set_updated(i.updated_at.fixed_offset());
            entry.set_published(Some(i.published_at.fixed_offset()));
            entry.set_links(vec![link(&i.url, "alternate")]);
            entry.set_summary(Some(a::Text::plain(i.summary.clone())));
            entry.set_content(Some(a::Content {
                value: Some(i.content_html.clone()),
                content_type: Some("html".to_owned()),
                ..Default::default()
            }));
            entry.set_authors(
                i.authors
                    .iter()
                    .map(|p| a::Person {
                        name: p.name.clone(),
                        uri: Some(p.url.clone()),
                        ..Default::default()
                    })
                    .collect::<Vec<_>>(),
            );
            entry.set_categories(
                i.categories
                    .iter()
                    .map(|c| a::Category {
                        term: c.clone(),
                        ..Default::default()
                    })
                    .collect::<Vec<_>>(),
            );
            entry
        })
        .collect();
    let mut out = a::Feed::default();
    out.set_title(a::Text::plain(feed.title));
    out.set_id(feed.home.clone());
    out.set_updated(feed.updated.fixed_offset());
    out.set_subtitle(Some(a::Text::plain(feed.description)));
    out.set_lang(Some(feed.language));
    out.set_links(vec![link(&feed.home, "alternate")]);
    out.set_generator(Some(a::Generator {
        value: "Newsdesk".to_owned(),
        ..Default::default()
    }));
    out.set_entries(entries);
    Ok(document(
        tags,
        "application/atom+xml; charset=utf-8",
        out.to_string(),
    ))
}

/// `GET /feeds/feed.json`: JSON Feed 1.1.
pub async fn json_feed(
    Reading(reader): Reading,
    AppQuery(params): AppQuery<FeedParams>,
) -> Result<Response> {
    let (tags, feed) = feed(&reader, params).await?;
    let items: Vec<serde_json::Value> = feed
        .items
        .iter()
        .map(|i| {
            let mut item = json!({
                "id": i.url,
                "url": i.url,
                "title": i.title,
                "summary": i.summary,
                "content_html": i.content_html,
                "date_published": rfc3339(i.published_at),
                "date_modified": rfc3339(i.updated_at),
                "authors": i.authors.iter().map(|p| json!({ "name": p.name, "url": p.url })).collect::<Vec<_>>(),
                "tags": i.categories,
            });
            if let Some(image) = &i.image {
                item["image"] = json!(image);
            }
            item
        })
        .collect();
    let body = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.home,
        "description": feed.description,
        "language": feed.language,
        "items": items,
    });
    Ok(document(tags, "application/feed+json", body.to_string()))
}

/// XML written by quick-xml; its writer escapes every text.
struct Xml(Writer<Vec<u8>>);

impl Xml {
    fn new() -> Xml {
        let mut writer = Writer::new(Vec::new());
        // Writing to memory cannot fail.
        let _ = writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        Xml(writer)
    }

    fn open(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let mut start = BytesStart::new(name);
        for (key, value) in attributes {
            start.push_attribute((*key, *value));
        }
        let _ = self.0.write_event(Event::Start(start));
    }

    fn close(&mut self, name: &str) {
        let _ = self.0.write_event(Event::End(BytesEnd::new(name)));
    }

    fn text(&mut self, name: &str, value: &str) {
        self.open(name, &[]);
        let _ = self.0.write_event(Event::Text(BytesText::new(value)));
        self.close(name);
    }

    fn finish(self) -> String {
        String::from_utf8_lossy(&self.0.into_inner()).into_owned()
    }
}

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
const XML: &str = "application/xml; charset=utf-8";

fn urlset(urls: &[SitemapUrl]) -> String {
    let mut xml = Xml::new();
    xml.open("urlset", &[("xmlns", SITEMAP_NS)]);
    for url in urls {
        xml.open("url", &[]);
        xml.text("loc", &url.loc);
        if let Some(at) = url.lastmod {
            xml.text("lastmod", &rfc3339(at));
        }
        xml.close("url");
    }
    xml.close("urlset");
    xml.finish()
}

/// `GET /sitemap.xml`: the index of every sitemap.
pub async fn sitemap_index(Reading(reader): Reading) -> Result<Response> {
    let months = reader.article_months().await?;
    let mut xml = Xml::new();
    xml.open("sitemapindex", &[("xmlns", SITEMAP_NS)]);
    xml.open("sitemap", &[]);
    xml.text("loc", &reader.site_address("/sitemaps/pages.xml"));
    xml.close("sitemap");
    for m in &months.value {
        xml.open("sitemap", &[]);
        xml.text(
            "loc",
            &reader.site_address(&format!(
                "/sitemaps/articles.xml?month={:04}-{:02}&part={}",
                m.year, m.month, m.part
            )),
        );
        xml.text("lastmod", &rfc3339(m.lastmod));
        xml.close("sitemap");
    }
    xml.close("sitemapindex");
    Ok(document(months.tags, XML, xml.finish()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthParams {
    month: Option<String>,
    part: Option<String>,
}

/// `GET /sitemaps/articles.xml?month=2026-12&part=1`
pub async fn article_sitemap(
    Reading(reader): Reading,
    AppQuery(params): AppQuery<MonthParams>,
) -> Result<Response> {
    let bad = || Error::invalid("month", "must be a month such as 2026-12");
    let raw = params.month.ok_or_else(bad)?;
    let (year, month) = raw.split_once('-').ok_or_else(bad)?;
    let (year, month) = (
        year.parse::<i32>().map_err(|_| bad())?,
        month.parse::<u32>().map_err(|_| bad())?,
    );
    let part = match params.part.as_deref() {
        None => 1,
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|p| (1..=1_000).contains(p))
            .ok_or_else(|| Error::invalid("part", "must be a whole number from 1"))?,
    };
    let urls = reader.article_sitemap(year, month, part).await?;
    Ok(document(urls.tags, XML, urlset(&urls.value)))
}

/// `GET /sitemaps/pages.xml`: sections and authors.
pub async fn pages_sitemap(Reading(reader): Reading) -> Result<Response> {
    let urls = reader.taxonomy_sitemap().await?;
    Ok(document(urls.tags, XML, urlset(&urls.value)))
}

fn news_urlset(name: &str, language: &str, urls: &[NewsUrl]) -> String {
    let mut xml = Xml::new();
    xml.open("urlset", &[("xmlns", SITEMAP_NS), ("xmlns:news", NEWS_NS)]);
    for url in urls {
        xml.open("url", &[]);
        xml.text("loc", &url.loc);
        xml.open("news:news", &[]);
        xml.open("news:publication", &[]);
        xml.text("news:name", name);
        xml.text("news:language", language);
        xml.close("news:publication");
        xml.text("news:publication_date", &rfc3339(url.published_at));
        xml.text("news:title", &url.title);
        xml.close("news:news");
        xml.close("url");
    }
    xml.close("urlset");
    xml.finish()
}

/// `GET /sitemap-news.xml`: the last 48 hours, for Google News. Articles
/// leave it as time passes, so it is never kept by the shared cache.
pub async fn news_sitemap(Reading(reader): Reading) -> Result<Response> {
    let urls = reader.news_sitemap().await?;
    let (name, language) = reader.publication();
    Ok((
        [
            (header::CONTENT_TYPE, XML),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        news_urlset(&name, &language, &urls),
    )
        .into_response())
}

/// `GET /robots.txt`: crawlers may read everything public, and here are the sitemaps.
pub async fn robots(Reading(reader): Reading) -> Response {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /api/v1/manage/\n\nSitemap: {}\nSitemap: {}\n",
        reader.site_address("/sitemap.xml"),
        reader.site_address("/sitemap-news.xml"),
    );
    document(CacheTags::immutable(), "text/plain; charset=utf-8", body)
}
