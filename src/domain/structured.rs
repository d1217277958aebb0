//! What search engines and share buttons read of an article: schema.org
//! `NewsArticle` JSON-LD with a `BreadcrumbList` of its section path, as
//! Google's article documentation recommends, and the canonical URL, Open
//! Graph and Twitter card values of the share metadata. Both are made from
//! the article document itself, so they never disagree with it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use std::borrow::Cow;
use std::collections::HashMap;

use super::cache_tags::{CacheTag, CacheTags};
use super::documents;
use super::ids::ArticleId;
use super::newsdesk::Reader;
use super::reads::Tagged;
use super::site::{PageKind, Site};
use crate::error::{Error, Result};

/// An article's JSON-LD and share metadata.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Described {
    pub structured_data: Value,
    pub share: Value,
}

impl Reader {
    /// The JSON-LD and share metadata of the public articles among `ids`,
    /// from their documents, read in one statement.
    pub async fn described(&self, ids: &[i64]) -> Result<Tagged<HashMap<i64, Described>>> {
        let site = &self.desk().outbound().site;
        let mut found = HashMap::new();
        for (id, _, json) in documents::public_articles_by_id(self.reads(), self.now(), ids).await?
        {
            let facts = Facts::of(&json)?;
            let described = describe(site, &facts);
            found.insert(
                id.0,
                Described {
                    structured_data: serde_json::to_value(described.json_ld()).map_err(written)?,
                    share: serde_json::to_value(described.share()).map_err(written)?,
                },
            );
        }
        let mut tags = CacheTags::of(ids.iter().map(|&id| CacheTag::Article(ArticleId(id))));
        tags.insert(CacheTag::Taxonomy);
        Ok(Tagged { value: found, tags })
    }
}

/// The article document `article` (JSON the database wrote) with
/// `structured_data` and `share` added, written straight after it.
pub fn with_structured_data(site: &Site, article: &str) -> Result<String> {
    let facts = Facts::of(article)?;
    let described = describe(site, &facts);
    // The document is the database's own `json_object`: it ends in `}`.
    let open = article
        .trim_end()
        .strip_suffix('}')
        .ok_or_else(|| Error::Internal("an article document is not an object".into()))?;
    let mut out = Vec::with_capacity(article.len() + 2048);
    out.extend_from_slice(open.as_bytes());
    out.extend_from_slice(b",\"structured_data\":");
    serde_json::to_writer(&mut out, &described.json_ld()).map_err(written)?;
    out.extend_from_slice(b",\"share\":");
    serde_json::to_writer(&mut out, &described.share()).map_err(written)?;
    out.push(b'}');
    String::from_utf8(out).map_err(written)
}

fn written(error: impl std::fmt::Display) -> Error {
    Error::Internal(format!("structured data could not be written: {error}"))
}

/// What the JSON-LD and the share metadata read of an article document,
/// borrowed from its text where no escape stands in the way: the body's
/// blocks, its Markdown, notes and links are skipped, not built.
#[derive(Deserialize)]
struct Facts<'a> {
    #[serde(borrow)]
    slug: Cow<'a, str>,
    #[serde(borrow)]
    title: Cow<'a, str>,
    published_at: Option<Cow<'a, str>>,
    updated_at: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    body_html: Cow<'a, str>,
    #[serde(borrow)]
    seo: Seo<'a>,
    #[serde(borrow)]
    featured_image: Option<Image<'a>>,
    #[serde(borrow, default)]
    authors: Vec<Named<'a>>,
    #[serde(borrow, default)]
    tags: Vec<Named<'a>>,
    #[serde(borrow)]
    section: Option<Named<'a>>,
    #[serde(borrow, default)]
    section_path: Vec<Named<'a>>,
}

#[derive(Deserialize)]
struct Seo<'a> {
    #[serde(borrow)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow)]
    description: Option<Cow<'a, str>>,
    #[serde(borrow)]
    canonical_url: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Image<'a> {
    #[serde(borrow)]
    url: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Named<'a> {
    #[serde(borrow)]
    slug: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
}

impl<'a> Facts<'a> {
    fn of(document: &'a str) -> Result<Facts<'a>> {
        serde_json::from_str(document)
            .map_err(|e| Error::Internal(format!("an article document is not as expected: {e}")))
    }
}

// The JSON-LD and the share metadata as they are written: borrowed from the
// document where they can be, each object's members in the order of their
// names (as a `serde_json::Value` writes them, which these were before).

#[derive(Serialize)]
struct StructuredData<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: (NewsArticle<'a>, BreadcrumbList),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewsArticle<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    article_section: &'a str,
    author: Vec<Person<'a>>,
    date_modified: Option<&'a str>,
    date_published: Option<&'a str>,
    description: &'a str,
    headline: &'a str,
    image: Vec<&'a str>,
    in_language: &'a str,
    is_accessible_for_free: bool,
    keywords: &'a [&'a str],
    main_entity_of_page: WebPage<'a>,
    publisher: Organization<'a>,
    url: &'a str,
    word_count: usize,
}

#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct WebPage<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<ImageObject<'a>>,
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct ImageObject<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BreadcrumbList {
    #[serde(rename = "@type")]
    kind: &'static str,
    item_list_element: Vec<ListItem>,
}

#[derive(Serialize)]
struct ListItem {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: String,
    name: String,
    position: usize,
}

#[derive(Serialize)]
struct Share<'a> {
    description: &'a str,
    image: Option<&'a str>,
    open_graph: OpenGraph<'a>,
    title: &'a str,
    twitter: Twitter<'a>,
    url: &'a str,
}

#[derive(Serialize)]
struct OpenGraph<'a> {
    #[serde(rename = "article:modified_time")]
    modified_time: Option<&'a str>,
    #[serde(rename = "article:published_time")]
    published_time: Option<&'a str>,
    #[serde(rename = "article:section")]
    section: &'a str,
    #[serde(rename = "article:tag")]
    tag: &'a [&'a str],
    #[serde(rename = "og:description")]
    description: &'a str,
    #[serde(rename = "og:image")]
    image: Option<&'a str>,
    #[serde(rename = "og:locale")]
    locale: String,
    #[serde(rename = "og:site_name")]
    site_name: &'a str,
    #[serde(rename = "og:title")]
    title: &'a str,
    #[serde(rename = "og:type")]
    kind: &'static str,
    #[serde(rename = "og:url")]
    url: &'a str,
}

#[derive(Serialize)]
struct Twitter<'a> {
    #[serde(rename = "twitter:card")]
    card: &'static str,
    #[serde(rename = "twitter:description")]
    description: &'a str,
    #[serde(rename = "twitter:image")]
    image: Option<&'a str>,
    #[serde(rename = "twitter:title")]
    title: &'a str,
}

/// An article's two descriptions, worked out from its document once and
/// written by the caller: as text into a response, or as values for GraphQL.
struct Descriptions<'a> {
    site: &'a Site,
    doc: &'a Facts<'a>,
    canonical: String,
    tags: Vec<&'a str>,
}

fn describe<'a>(site: &'a Site, doc: &'a Facts<'a>) -> Descriptions<'a> {
    Descriptions {
        site,
        doc,
        canonical: site.canonical(&doc.slug, doc.seo.canonical_url.as_deref()),
        tags: doc.tags.iter().map(|t| &*t.name).collect(),
    }
}

impl Descriptions<'_> {
    /// The schema.org JSON-LD: the `NewsArticle` and its breadcrumbs.
    fn json_ld(&self) -> StructuredData<'_> {
        let Descriptions { site, doc, .. } = self;
        let canonical = self.canonical.as_str();
        let title = &*doc.title;
        let mut crumbs = vec![(site.name.clone(), site.home())];
        crumbs.extend(
            doc.section_path
                .iter()
                .map(|s| (s.name.to_string(), site.page(PageKind::Section, &s.slug))),
        );
        crumbs.push((title.to_owned(), canonical.to_owned()));
        StructuredData {
            context: "https://schema.org",
            graph: (
                NewsArticle {
                    id: format!("{canonical}#article"),
                    kind: "NewsArticle",
                    article_section: doc.section.as_ref().map_or("", |s| &*s.name),
                    author: doc
                        .authors
                        .iter()
                        .map(|a| Person {
                            kind: "Person",
                            name: &a.name,
                            url: site.page(PageKind::Author, &a.slug),
                        })
                        .collect(),
                    date_modified: doc.updated_at.as_deref(),
                    date_published: doc.published_at.as_deref(),
                    description: doc.seo.description.as_deref().unwrap_or_default(),
                    headline: title,
                    image: doc.featured_image.iter().map(|i| &*i.url).collect(),
                    in_language: &site.language,
                    is_accessible_for_free: true,
                    keywords: &self.tags,
                    main_entity_of_page: WebPage {
                        id: canonical,
                        kind: "WebPage",
                    },
                    publisher: Organization {
                        kind: "Organization",
                        logo: site.logo_url.as_deref().map(|url| ImageObject {
                            kind: "ImageObject",
                            url,
                        }),
                        name: &site.name,
                        url: site.home(),
                    },
                    url: canonical,
                    word_count: word_count(&doc.body_html),
                },
                BreadcrumbList {
                    kind: "BreadcrumbList",
                    item_list_element: crumbs
                        .into_iter()
                        .enumerate()
                        .map(|(i, (name, item))| ListItem {
                            kind: "ListItem",
                            item,
                            name,
                            position: i + 1,
                        })
                        .collect(),
                },
            ),
        }
    }

    /// The share metadata: canonical URL, Open Graph and Twitter card.
    fn share(&self) -> Share<'_> {
        let Descriptions { site, doc, .. } = self;
        let canonical = self.canonical.as_str();
        let title = doc.seo.title.as_deref().unwrap_or(&doc.title);
        let description = doc.seo.description.as_deref().unwrap_or_default();
        let image = doc.featured_image.as_ref().map(|i| &*i.url);
        Share {
            description,
            image,
            open_graph: OpenGraph {
                modified_time: doc.updated_at.as_deref(),
                published_time: doc.published_at.as_deref(),
                section: doc.section.as_ref().map_or("", |s| &*s.name),
                tag: &self.tags,
                description,
                image,
                locale: site.language.replace('-', "_"),
                site_name: &site.name,
                title,
                kind: "article",
                url: canonical,
            },
            title,
            twitter: Twitter {
                card: if image.is_some() {
                    "summary_large_image"
                } else {
                    "summary"
                },
                description,
                image,
                title,
            },
            url: canonical,
        }
    }
}

/// Words of an HTML body: runs of letters or digits outside tags and
/// character references, so markup, link targets and punctuation do not
/// count. Counted in one pass, without copying the text.
fn word_count(html: &str) -> usize {
    let mut words = 0;
    let mut skipping: Option<char> = None;
    // Whether the run read since the last separator holds a letter or digit.
    let mut in_word = false;
    let mut end_word = |in_word: &mut bool| {
        words += usize::from(*in_word);
        *in_word = false;
    };
    for c in html.chars() {
        match (skipping, c) {
            (None, '<') => skipping = Some('>'),
            (None, '&') => skipping = Some(';'),
            (Some(end), c) if c == end => {
                skipping = None;
                end_word(&mut in_word);
            }
            (Some(_), _) => {}
            (None, c) if c.is_alphanumeric() => in_word = true,
            (None, '\'' | '’') => {}
            (None, _) => end_word(&mut in_word),
        }
    }
    end_word(&mut in_word);
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_without_markup() {
        assert_eq!(
            word_count(
                "<h2>What next</h2><ul><li>a <a href=\"https://x.example\">date</a></li></ul>"
            ),
            4
        );
        assert_eq!(word_count("<p>It’s 5 o'clock &amp; late.</p>"), 4);
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("one<br>two"), 2, "a tag parts words");
        assert_eq!(word_count("– ’ -"), 0, "punctuation alone is no word");
    }
}
