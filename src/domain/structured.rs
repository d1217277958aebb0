//! What search engines and share buttons read of an article: schema.org
//! `NewsArticle` JSON-LD with a `BreadcrumbList` of its section path, as
//! Google's article documentation recommends, and the canonical URL, Open
//! Graph and Twitter card values of the share metadata. Both are made from
//! the article document itself, so they never disagree with it.

use serde::Deserialize;
use serde_json::{Value, json};

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
            let (structured_data, share) = describe(site, &Facts::of(&json)?);
            found.insert(
                id.0,
                Described {
                    structured_data,
                    share,
                },
            );
        }
        let mut tags = CacheTags::of(ids.iter().map(|&id| CacheTag::Article(ArticleId(id))));
        tags.insert(CacheTag::Taxonomy);
        Ok(Tagged { value: found, tags })
    }
}

/// The article document `article` (JSON the database wrote) with
/// `structured_data` and `share` added.
pub fn with_structured_data(site: &Site, article: &str) -> Result<String> {
    let (structured, share) = describe(site, &Facts::of(article)?);
    let extra = format!(",\"structured_data\":{structured},\"share\":{share}}}");
    // The document is the database's own `json_object`: it ends in `}`.
    let body = article.trim_end();
    let open = body
        .strip_suffix('}')
        .ok_or_else(|| Error::Internal("an article document is not an object".into()))?;
    Ok(format!("{open}{extra}"))
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

/// The JSON-LD and the share metadata of an article document.
fn describe(site: &Site, doc: &Facts<'_>) -> (Value, Value) {
    let slug = &doc.slug;
    let canonical = site.canonical(slug, doc.seo.canonical_url.as_deref());
    let title = doc.title.to_string();
    let seo_title = doc.seo.title.as_deref().unwrap_or(&title).to_owned();
    let description = doc
        .seo
        .description
        .as_deref()
        .unwrap_or_default()
        .to_owned();
    let image = doc.featured_image.as_ref().map(|i| i.url.to_string());
    let authors: Vec<Value> = doc
        .authors
        .iter()
        .map(|a| {
            json!({ "@type": "Person", "name": a.name, "url": site.page(PageKind::Author, &a.slug) })
        })
        .collect();
    let tags: Vec<&str> = doc.tags.iter().map(|t| &*t.name).collect();
    let section = doc.section.as_ref().map_or("", |s| &*s.name);
    let mut publisher = json!({ "@type": "Organization", "name": site.name, "url": site.home() });
    if let Some(logo) = &site.logo_url {
        publisher["logo"] = json!({ "@type": "ImageObject", "url": logo });
    }
    let mut crumbs = vec![(site.name.clone(), site.home())];
    crumbs.extend(
        doc.section_path
            .iter()
            .map(|s| (s.name.to_string(), site.page(PageKind::Section, &s.slug))),
    );
    crumbs.push((title.clone(), canonical.clone()));
    let breadcrumb: Vec<Value> = crumbs
        .into_iter()
        .enumerate()
        .map(|(i, (name, item))| {
            json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": item })
        })
        .collect();
    let article = json!({
        "@type": "NewsArticle",
        "@id": format!("{canonical}#article"),
        "headline": title,
        "description": description,
        "image": image.iter().collect::<Vec<_>>(),
        "datePublished": doc.published_at,
        "dateModified": doc.updated_at,
        "author": authors,
        "publisher": publisher,
        "mainEntityOfPage": { "@type": "WebPage", "@id": canonical },
        "url": canonical,
        "articleSection": section,
        "keywords": tags,
        "wordCount": word_count(&doc.body_html),
        "isAccessibleForFree": true,
        "inLanguage": site.language,
    });
    let structured = json!({
        "@context": "https://schema.org",
        "@graph": [article, { "@type": "BreadcrumbList", "itemListElement": breadcrumb }],
    });
    let share = json!({
        "url": canonical,
        "title": seo_title,
        "description": description,
        "image": image,
        "open_graph": {
            "og:type": "article",
            "og:url": canonical,
            "og:title": seo_title,
            "og:description": description,
            "og:image": image,
            "og:site_name": site.name,
            "og:locale": site.language.replace('-', "_"),
            "article:published_time": doc.published_at,
            "article:modified_time": doc.updated_at,
            "article:section": section,
            "article:tag": tags,
        },
        "twitter": {
            "twitter:card": if image.is_some() { "summary_large_image" } else { "summary" },
            "twitter:title": seo_title,
            "twitter:description": description,
            "twitter:image": image,
        },
    });
    (structured, share)
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
