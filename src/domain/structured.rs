//! What search engines and share buttons read of an article: schema.org
//! `NewsArticle` JSON-LD with a `BreadcrumbList` of its section path, as
//! Google's article documentation recommends, and the canonical URL, Open
//! Graph and Twitter card values of the share metadata. Both are made from
//! the article document itself, so they never disagree with it.

use serde_json::{Value, json};

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
            let doc: Value = serde_json::from_str(&json)
                .map_err(|e| Error::Internal(format!("an article document is not JSON: {e}")))?;
            let (structured_data, share) = describe(site, &doc);
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
    let doc: Value = serde_json::from_str(article)
        .map_err(|e| Error::Internal(format!("an article document is not JSON: {e}")))?;
    let (structured, share) = describe(site, &doc);
    let extra = format!(",\"structured_data\":{structured},\"share\":{share}}}");
    // The document is the database's own `json_object`: it ends in `}`.
    let body = article.trim_end();
    let open = body
        .strip_suffix('}')
        .ok_or_else(|| Error::Internal("an article document is not an object".into()))?;
    Ok(format!("{open}{extra}"))
}

/// The JSON-LD and the share metadata of an article document.
pub fn describe(site: &Site, doc: &Value) -> (Value, Value) {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let slug = text(&doc["slug"]);
    let canonical = site.canonical(&slug, doc["seo"]["canonical_url"].as_str());
    let title = text(&doc["title"]);
    let seo_title = doc["seo"]["title"]
        .as_str()
        .map_or(title.clone(), str::to_owned);
    let description = text(&doc["seo"]["description"]);
    let image = doc["featured_image"]["url"].as_str().map(str::to_owned);
    let names = |list: &Value| -> Vec<(String, String)> {
        list.as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|i| (text(&i["slug"]), text(&i["name"])))
                    .collect()
            })
            .unwrap_or_default()
    };
    let authors: Vec<Value> = names(&doc["authors"])
        .into_iter()
        .map(|(slug, name)| {
            json!({ "@type": "Person", "name": name, "url": site.page(PageKind::Author, &slug) })
        })
        .collect();
    let tags: Vec<String> = names(&doc["tags"]).into_iter().map(|(_, n)| n).collect();
    let section = text(&doc["section"]["name"]);
    let mut publisher = json!({ "@type": "Organization", "name": site.name, "url": site.home() });
    if let Some(logo) = &site.logo_url {
        publisher["logo"] = json!({ "@type": "ImageObject", "url": logo });
    }
    let mut crumbs = vec![(site.name.clone(), site.home())];
    crumbs.extend(
        names(&doc["section_path"])
            .into_iter()
            .map(|(slug, name)| (name, site.page(PageKind::Section, &slug))),
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
        "datePublished": doc["published_at"],
        "dateModified": doc["updated_at"],
        "author": authors,
        "publisher": publisher,
        "mainEntityOfPage": { "@type": "WebPage", "@id": canonical },
        "url": canonical,
        "articleSection": section,
        "keywords": tags,
        "wordCount": word_count(doc["body_html"].as_str().unwrap_or_default()),
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
            "article:published_time": doc["published_at"],
            "article:modified_time": doc["updated_at"],
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
/// character references, so markup, link targets and punctuation do not count.
fn word_count(html: &str) -> usize {
    let mut text = String::with_capacity(html.len());
    let mut skipping: Option<char> = None;
    for c in html.chars() {
        match (skipping, c) {
            (None, '<') => skipping = Some('>'),
            (None, '&') => skipping = Some(';'),
            (Some(end), c) if c == end => {
                skipping = None;
                text.push(' ');
            }
            (Some(_), _) => {}
            (None, c) => text.push(c),
        }
    }
    text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
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
    }
}
