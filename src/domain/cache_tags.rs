//! What a public response shows, named coarsely enough that a write can say
//! which responses it changed: the tags behind both the in-process cache and
//! a CDN's `Surrogate-Key` purges.

use std::collections::BTreeSet;
use std::fmt;

use super::ids::ArticleId;

/// One thing a response depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CacheTag {
    /// One article's own page: its text, related links and public comments.
    Article(ArticleId),
    /// Which articles are public and in what order, and what their teasers
    /// say: every list, box and count of articles.
    Articles,
    /// Sections, authors and tags, as any response names them.
    Taxonomy,
    /// Comments reached by id rather than through their article.
    Comments,
    /// Reading counts, which change with every flush of views.
    Popular,
}

impl fmt::Display for CacheTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheTag::Article(id) => write!(f, "article-{id}"),
            CacheTag::Articles => f.write_str("articles"),
            CacheTag::Taxonomy => f.write_str("taxonomy"),
            CacheTag::Comments => f.write_str("comments"),
            CacheTag::Popular => f.write_str("popular"),
        }
    }
}

/// The tags of one response. A handler returns them with a public read's
/// body; their presence is what marks a response as shareable by caches, so
/// a handler that forgets them yields an uncached response, never a stale one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CacheTags(BTreeSet<CacheTag>);

impl CacheTags {
    /// Tags for a response that depends on nothing that changes at run time.
    pub fn immutable() -> Self {
        CacheTags::default()
    }

    pub fn of(tags: impl IntoIterator<Item = CacheTag>) -> Self {
        CacheTags(tags.into_iter().collect())
    }

    /// A list or box of articles with their teasers.
    pub fn article_lists() -> Self {
        CacheTags::of([CacheTag::Articles, CacheTag::Taxonomy])
    }

    /// What shows one article's own data: its comments, say.
    pub fn article(id: ArticleId) -> Self {
        CacheTags::of([CacheTag::Article(id), CacheTag::Taxonomy])
    }

    pub fn insert(&mut self, tag: CacheTag) {
        self.0.insert(tag);
    }

    /// Adds what another read depends on.
    pub fn extend(&mut self, other: CacheTags) {
        self.0.extend(other.0);
    }

    pub fn iter(&self) -> impl Iterator<Item = CacheTag> + '_ {
        self.0.iter().copied()
    }

    /// The tags as `Surrogate-Key` lists them: separated by spaces.
    pub fn surrogate_key(&self) -> String {
        self.join(" ")
    }

    /// The tags as `Cache-Tag` lists them: separated by commas.
    pub fn cache_tag(&self) -> String {
        self.join(",")
    }

    fn join(&self, separator: &str) -> String {
        self.0
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(separator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_forms_list_every_tag_in_a_stable_order() {
        let tags = CacheTags::of([
            CacheTag::Taxonomy,
            CacheTag::Article(ArticleId(7)),
            CacheTag::Articles,
        ]);
        assert_eq!(tags.surrogate_key(), "article-7 articles taxonomy");
        assert_eq!(tags.cache_tag(), "article-7,articles,taxonomy");
    }
}
