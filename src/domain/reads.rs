//! Every public read, for every face. Each is a method of [`Reader`], which
//! only the read policy hands out, and each answers with what it shows and
//! what that depends on ([`Tagged`]), so caches know when it goes stale and
//! no face has to work that out.

use std::collections::HashMap;

use super::article_parts::{self, ArticleParts};
use super::articles::{self, ArticleBody, ArticleFilter, ArticleList, ArticleRow};
use super::authors::{self, Author};
use super::batch;
use super::cache_tags::{CacheTag, CacheTags};
use super::comments::{self, Comment};
use super::documents::{self, ArticleJson, ArticleListJson, JsonPage};
use super::ids::{ArticleId, CommentId, Slug};
use super::more_like_this::{self, SimilarRows, SimilarTo};
use super::newsdesk::Reader;
use super::page::{Limit, Page, PageRequest};
use super::popular::{self, ViewedRows, Window};
use super::related_links::{self, RelatedLink};
use super::relations::{Along, Relations};
use super::replies::{self, Replies};
use super::sections::{self, Section, SectionInfo, SectionNode};
use super::tags::{self, Tag};
use crate::error::{Error, Resource, Result};

/// A read's result and the tags of what it depends on.
#[derive(Clone, Debug)]
pub struct Tagged<T> {
    pub value: T,
    pub tags: CacheTags,
}

impl<T> Tagged<T> {
    fn new(value: T, tags: CacheTags) -> Self {
        Tagged { value, tags }
    }
}

fn taxonomy() -> CacheTags {
    CacheTags::of([CacheTag::Taxonomy])
}

fn ranked_by_views() -> CacheTags {
    let mut tags = CacheTags::article_lists();
    tags.insert(CacheTag::Popular);
    tags
}

/// Reads answered as finished JSON, one statement each (see [`documents`]).
impl Reader {
    /// Public articles as JSON, newest first, filtered and paged.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn article_list_json(
        &self,
        filter: &ArticleFilter,
        page: &PageRequest,
    ) -> Result<Tagged<ArticleListJson>> {
        let list = documents::article_list(self.reads(), self.now(), filter, page).await?;
        Ok(Tagged::new(list, CacheTags::article_lists()))
    }

    /// An author as JSON, with a page of their public articles.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn author_json(
        &self,
        slug: &Slug,
        page: &PageRequest,
    ) -> Result<Tagged<(String, JsonPage)>> {
        let filter = ArticleFilter {
            author: Some(slug.clone()),
            ..ArticleFilter::default()
        };
        self.named_with_articles(&filter, page, |list| list.author.take())
            .await
    }

    /// A tag as JSON, with a page of its public articles.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn tag_json(
        &self,
        slug: &Slug,
        page: &PageRequest,
    ) -> Result<Tagged<(String, JsonPage)>> {
        let filter = ArticleFilter {
            tag: Some(slug.clone()),
            ..ArticleFilter::default()
        };
        self.named_with_articles(&filter, page, |list| list.tag.take())
            .await
    }

    /// What `filter` names, picked out of its list of articles; the list
    /// has already refused a slug that names nothing.
    async fn named_with_articles(
        &self,
        filter: &ArticleFilter,
        page: &PageRequest,
        named: impl FnOnce(&mut ArticleListJson) -> Option<String>,
    ) -> Result<Tagged<(String, JsonPage)>> {
        let Tagged { mut value, tags } = self.article_list_json(filter, page).await?;
        let item = named(&mut value)
            .ok_or_else(|| Error::Internal("a list by slug came without what it names".into()))?;
        Ok(Tagged::new((item, value.page), tags))
    }

    /// One public article as JSON, with a first page of its comment threads
    /// when `comments` is given.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn article_json(
        &self,
        slug: &Slug,
        comments: Option<&PageRequest>,
    ) -> Result<Tagged<ArticleJson>> {
        let mut found = documents::article(
            self.reads(),
            self.now(),
            documents::WhichArticle::Public(slug),
            comments,
        )
        .await?;
        found.article =
            super::structured::with_structured_data(&self.desk().outbound().site, &found.article)?;
        let mut tags = CacheTags::article(found.id);
        if found.links_articles {
            tags.insert(CacheTag::Articles);
        }
        Ok(Tagged::new(found, tags))
    }

    /// Public articles like the one at `slug`, as a JSON array.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn more_like_this_json(&self, slug: &Slug, limit: Limit) -> Result<Tagged<String>> {
        let similar = documents::more_like_this(self.reads(), self.now(), slug, limit).await?;
        Ok(Tagged::new(similar, CacheTags::article_lists()))
    }

    /// The most read public articles in a window, as a JSON array.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn popular_json(&self, window: Window, limit: Limit) -> Result<Tagged<String>> {
        let ranked = documents::popular(self.reads(), self.now(), window, limit).await?;
        Ok(Tagged::new(ranked, ranked_by_views()))
    }

    /// A page of the comment threads of the public article at `slug`, as JSON.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn comments_json(&self, slug: &Slug, page: &PageRequest) -> Result<Tagged<JsonPage>> {
        let (article, threads) =
            documents::comments_on(self.reads(), self.now(), slug, page).await?;
        Ok(Tagged::new(threads, CacheTags::article(article)))
    }
}

/// Reads for pages and lists.
impl Reader {
    /// Rows of public articles, for faces that load the rest piece by
    /// piece, with the relations `along` asks for.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn article_rows(
        &self,
        list: &ArticleList,
        page: &PageRequest,
        along: Along,
    ) -> Result<Tagged<(Page<ArticleRow>, Relations)>> {
        let listed = articles::list_article_rows(self.db(), self.now(), list, page, along).await?;
        // The lists' tags hold the taxonomy's, which the relations depend on.
        Ok(Tagged::new(listed, CacheTags::article_lists()))
    }

    /// How many public articles match.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn count_articles(&self, list: &ArticleList) -> Result<Tagged<u64>> {
        let n = articles::count_articles(self.db(), self.now(), list).await?;
        Ok(Tagged::new(n, CacheTags::article_lists()))
    }

    /// One public article's row.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn article_row(&self, slug: &Slug) -> Result<Tagged<ArticleRow>> {
        let row = articles::find_article_row(self.db(), self.now(), slug).await?;
        Ok(Tagged::new(row, CacheTags::article_lists()))
    }

    /// One public article with everything its page shows of it, in one
    /// statement; it depends on what each part's own read depends on.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn article_parts(&self, slug: &Slug) -> Result<Tagged<ArticleParts>> {
        let parts = article_parts::article_parts(self.db(), self.now(), slug).await?;
        // The lists' tags hold the taxonomy's and every article's (links
        // name other articles); the article's own covers its body and comments.
        let mut tags = CacheTags::article_lists();
        tags.insert(CacheTag::Article(parts.row.id));
        Ok(Tagged::new(parts, tags))
    }

    /// A page of each article's public comment threads.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn threads_of(
        &self,
        article_ids: &[i64],
        page: &PageRequest,
    ) -> Result<Tagged<HashMap<i64, Page<Comment>>>> {
        let threads = comments::threads_of(self.db(), article_ids, page).await?;
        Ok(Tagged::new(threads, of_articles(article_ids)))
    }

    /// A page of the direct replies to a public comment, each with the first
    /// of its own.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn replies(
        &self,
        comment_id: CommentId,
        page: &PageRequest,
    ) -> Result<Tagged<Replies>> {
        if !comments::is_public(self.db(), self.now(), comment_id.0).await? {
            return Err(Error::NotFound(Resource::Comment));
        }
        let replies = replies::page_of(self.db(), comment_id.0, page).await?;
        Ok(Tagged::new(replies, CacheTags::of([CacheTag::Comments])))
    }

    /// Rows of public articles like each of `articles`, with the relations
    /// `along` asks for.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn more_like_this_of(
        &self,
        articles: &[SimilarTo],
        limit: Limit,
        along: Along,
    ) -> Result<Tagged<(SimilarRows, Relations)>> {
        let similar =
            more_like_this::more_like_this_of(self.db(), self.now(), articles, limit, along)
                .await?;
        Ok(Tagged::new(similar, CacheTags::article_lists()))
    }

    /// The rows of the most read public articles, with their views and the
    /// relations `along` asks for.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn popular_rows(
        &self,
        window: Window,
        limit: Limit,
        along: Along,
    ) -> Result<Tagged<(ViewedRows, Relations)>> {
        let ranked = popular::popular_rows(self.db(), self.now(), window, limit, along).await?;
        Ok(Tagged::new(ranked, ranked_by_views()))
    }

    /// Counts one view of a public article.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn record_view(&self, slug: &Slug) -> Result<()> {
        self.desk()
            .views()
            .record(self.db(), self.now(), slug)
            .await
    }
}

/// Reads of sections, authors and tags.
impl Reader {
    /// Every section, as a tree.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn section_tree(&self) -> Result<Tagged<Vec<SectionNode>>> {
        Ok(Tagged::new(
            sections::section_tree(self.db()).await?,
            taxonomy(),
        ))
    }

    /// One section with its subsections.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn section(&self, slug: &Slug) -> Result<Tagged<Section>> {
        Ok(Tagged::new(
            sections::get_section(self.db(), slug).await?,
            taxonomy(),
        ))
    }

    /// One section's row.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn section_info(&self, slug: &Slug) -> Result<Tagged<SectionInfo>> {
        Ok(Tagged::new(
            sections::find_section(self.db(), slug).await?,
            taxonomy(),
        ))
    }

    /// Every section's row.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn all_sections(&self) -> Result<Tagged<Vec<SectionInfo>>> {
        Ok(Tagged::new(
            sections::all_sections(self.db()).await?,
            taxonomy(),
        ))
    }

    /// One author.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn author(&self, slug: &Slug) -> Result<Tagged<Author>> {
        Ok(Tagged::new(
            authors::find_author(self.db(), slug).await?,
            taxonomy(),
        ))
    }

    /// One tag.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn tag(&self, slug: &Slug) -> Result<Tagged<Tag>> {
        Ok(Tagged::new(
            tags::find_tag(self.db(), slug).await?,
            taxonomy(),
        ))
    }
}

/// Lookups by many ids at once, for faces that batch what a page asks for.
/// Each answers for the keys it found; what they show is what the page's
/// articles show, so they carry those articles' tags.
impl Reader {
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn sections_by_id(&self, ids: &[i64]) -> Result<Tagged<HashMap<i64, SectionInfo>>> {
        Ok(Tagged::new(
            batch::sections_by_id(self.db(), ids).await?,
            taxonomy(),
        ))
    }

    #[tracing::instrument(level = "info", skip_all)]
    pub async fn subsections_of(
        &self,
        parents: &[i64],
    ) -> Result<Tagged<HashMap<i64, Vec<SectionInfo>>>> {
        Ok(Tagged::new(
            sections::children_of_ids(self.db(), parents).await?,
            taxonomy(),
        ))
    }

    #[tracing::instrument(level = "info", skip_all)]
    pub async fn authors_of(
        &self,
        article_ids: &[i64],
    ) -> Result<Tagged<HashMap<i64, Vec<Author>>>> {
        Ok(Tagged::new(
            batch::authors_for(self.db(), article_ids).await?,
            taxonomy(),
        ))
    }

    #[tracing::instrument(level = "info", skip_all)]
    pub async fn tags_of(&self, article_ids: &[i64]) -> Result<Tagged<HashMap<i64, Vec<Tag>>>> {
        Ok(Tagged::new(
            batch::tags_for(self.db(), article_ids).await?,
            taxonomy(),
        ))
    }

    #[tracing::instrument(level = "info", skip_all)]
    pub async fn bodies_of(
        &self,
        article_ids: &[i64],
    ) -> Result<Tagged<HashMap<i64, ArticleBody>>> {
        let bodies = batch::bodies(self.db(), article_ids).await?;
        Ok(Tagged::new(bodies, of_articles(article_ids)))
    }

    #[tracing::instrument(level = "info", skip_all)]
    pub async fn related_links_of(
        &self,
        article_ids: &[i64],
    ) -> Result<Tagged<HashMap<i64, Vec<RelatedLink>>>> {
        let links = related_links::for_articles(self.db(), self.now(), article_ids).await?;
        let mut tags = of_articles(article_ids);
        if links
            .values()
            .flatten()
            .any(|link| matches!(link, RelatedLink::Article { .. }))
        {
            tags.insert(CacheTag::Articles);
        }
        Ok(Tagged::new(links, tags))
    }

    #[tracing::instrument(level = "info", skip_all)]
    pub async fn comment_counts_of(
        &self,
        article_ids: &[i64],
    ) -> Result<Tagged<HashMap<i64, i64>>> {
        let counts = comments::counts_for(self.db(), article_ids).await?;
        Ok(Tagged::new(counts, of_articles(article_ids)))
    }

    #[tracing::instrument(level = "info", skip_all)]
    pub async fn articles_by_id(&self, ids: &[i64]) -> Result<Tagged<Vec<ArticleRow>>> {
        Ok(Tagged::new(
            articles::rows_by_ids(self.db(), self.now(), ids).await?,
            CacheTags::article_lists(),
        ))
    }

    #[tracing::instrument(level = "info", skip_all)]
    pub async fn authors_by_id(&self, ids: &[i64]) -> Result<Tagged<HashMap<i64, Author>>> {
        Ok(Tagged::new(
            authors::authors_by_ids(self.db(), ids).await?,
            taxonomy(),
        ))
    }

    #[tracing::instrument(level = "info", skip_all)]
    pub async fn tags_by_id(&self, ids: &[i64]) -> Result<Tagged<HashMap<i64, Tag>>> {
        Ok(Tagged::new(
            tags::tags_by_ids(self.db(), ids).await?,
            taxonomy(),
        ))
    }

    /// Public comments reached by id rather than through their article.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn comments_by_id(&self, ids: &[i64]) -> Result<Tagged<HashMap<i64, Comment>>> {
        let found = comments::comments_by_ids(self.db(), self.now(), ids).await?;
        Ok(Tagged::new(found, CacheTags::of([CacheTag::Comments])))
    }

    #[tracing::instrument(level = "info", skip_all)]
    pub async fn related_links_by_id(
        &self,
        ids: &[i64],
    ) -> Result<Tagged<HashMap<i64, RelatedLink>>> {
        let found = related_links::links_by_ids(self.db(), self.now(), ids).await?;
        Ok(Tagged::new(found, CacheTags::article_lists()))
    }
}

/// What shows these articles' own data.
fn of_articles(ids: &[i64]) -> CacheTags {
    CacheTags::of(ids.iter().map(|&id| CacheTag::Article(ArticleId(id))))
}
