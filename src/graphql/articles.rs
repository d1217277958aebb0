//! `Article`: a published article and everything a page reads of it.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::blocks::Block;
use super::comments::CommentConnection;
use super::context::ContextExt;
use super::error::{GqlResult, code, coded};
use super::live::LiveEntryConnection;
use super::loaders::{
    ArticleKey, AuthorsOf, BodyOf, CommentCountOf, DescribedOf, LinksOf, MoreLikeThisOf, NotesOf,
    SectionKey, TagsOf, ThreadsOf, along, feed_relations, prefetch,
};
use super::node::{Kind, global_id};
use super::notes::ArticleNote;
use super::related_links::RelatedLink;
use super::revisions::RevisionConnection;
use super::sections::Section;
use super::serial::Serial;
use super::taxonomy::{Author, Tag};
use crate::domain::articles::{ArticleBody, ArticleRow};
use crate::domain::live::EntryPage;
use crate::domain::markdown;
use crate::domain::more_like_this::SimilarTo;
use crate::domain::page::{BOX_LIMIT, CursorKind, Limit, Page, PageRequest};
use crate::domain::related_links;

/// A published article.
pub struct Article(pub ArticleRow);

impl Article {
    /// One part of the article's JSON-LD and share metadata, batched with
    /// every other article's in the response; none for an article not public.
    async fn described(
        &self,
        ctx: &Context<'_>,
        part: impl Fn(&crate::domain::structured::Described) -> &serde_json::Value,
    ) -> async_graphql::Result<Option<async_graphql::Json<serde_json::Value>>> {
        let found = ctx
            .loader()?
            .load_one(DescribedOf(self.0.id.0))
            .await
            .gql()?;
        Ok(found.map(|d| async_graphql::Json(part(&d).clone())))
    }
}

/// An article's lead image.
#[derive(SimpleObject)]
pub struct FeaturedImage {
    pub url: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// Search-engine metadata, falling back to the title and excerpt.
#[derive(SimpleObject)]
pub struct Seo {
    pub title: String,
    pub description: String,
    pub canonical_url: Option<String>,
}

impl Article {
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<Arc<ArticleBody>> {
        ctx.loader()?
            .load_one(BodyOf(self.0.id.0))
            .await
            .gql()?
            .ok_or_else(|| coded("the article is no longer published", code::NOT_FOUND))
    }
}

/// The complexity of a list field: its page size times what each item asks.
pub(super) fn list_complexity(first: Option<i32>, default: u64, child: usize) -> usize {
    let n = first.map_or(default as i64, i64::from).clamp(1, 100) as usize;
    n.saturating_mul(child.max(1))
}

#[Object]
impl Article {
    pub async fn id(&self) -> ID {
        global_id(Kind::Article, self.0.id)
    }

    async fn slug(&self) -> &str {
        &self.0.slug
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The dek: a line under the headline.
    async fn subtitle(&self) -> Option<&str> {
        self.0.subtitle.as_deref()
    }

    async fn excerpt(&self) -> &str {
        &self.0.excerpt
    }

    async fn published_at(&self) -> DateTime<Utc> {
        self.0.published_at
    }

    async fn reading_time_minutes(&self) -> i32 {
        self.0.reading_time_minutes
    }

    async fn featured_image(&self) -> Option<Serial<FeaturedImage>> {
        self.0.featured_image().map(|i| {
            Serial(FeaturedImage {
                url: i.url,
                alt: i.alt,
                caption: i.caption,
                credit: i.credit,
            })
        })
    }

    async fn section(&self, ctx: &Context<'_>) -> async_graphql::Result<Serial<Section>> {
        ctx.loader()?
            .load_one(SectionKey(self.0.section_id))
            .await
            .gql()?
            .map(|s| Serial(Section(s)))
            .ok_or_else(|| coded("the article's section is missing", code::INTERNAL))
    }

    /// In byline order.
    async fn authors(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Serial<Author>>> {
        let authors = ctx.loader()?.load_one(AuthorsOf(self.0.id.0)).await.gql()?;
        Ok(authors
            .unwrap_or_default()
            .into_iter()
            .map(|a| Serial(Author(a)))
            .collect())
    }

    async fn tags(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Serial<Tag>>> {
        let tags = ctx.loader()?.load_one(TagsOf(self.0.id.0)).await.gql()?;
        Ok(tags
            .unwrap_or_default()
            .into_iter()
            .map(|t| Serial(Tag(t)))
            .collect())
    }

    /// schema.org `NewsArticle` JSON-LD with a `BreadcrumbList` of the
    /// section path: embed it as is in `<script type="application/ld+json">`.
    async fn structured_data(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<async_graphql::Json<serde_json::Value>>> {
        self.described(ctx, |d| &d.structured_data).await
    }

    /// The share buttons' and link previews' metadata: canonical URL, Open
    /// Graph and Twitter card values.
    async fn share(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<async_graphql::Json<serde_json::Value>>> {
        self.described(ctx, |d| &d.share).await
    }

    /// Corrections, clarifications and updates, newest first.
    async fn notes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Serial<ArticleNote>>> {
        let notes = ctx.loader()?.load_one(NotesOf(self.0.id.0)).await.gql()?;
        Ok(notes
            .unwrap_or_default()
            .into_iter()
            .map(|n| Serial(ArticleNote(n)))
            .collect())
    }

    /// When the public was last told the article changed: its newest note,
    /// else its publication. Silent fixes do not move it.
    async fn updated_at(&self, ctx: &Context<'_>) -> async_graphql::Result<DateTime<Utc>> {
        Ok(self.body(ctx).await?.updated_at)
    }

    /// The body as the editor wrote it.
    async fn body_markdown(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self.body(ctx).await?.body_markdown.clone())
    }

    /// Sanitized HTML, rendered when the article was saved.
    async fn body_html(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self.body(ctx).await?.body_html.clone())
    }

    /// The body as typed blocks.
    async fn body_blocks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Block>> {
        let body = self.body(ctx).await?;
        let blocks = markdown::stored_blocks(self.0.id, body.body_blocks.get()).gql()?;
        Ok(blocks.into_iter().map(Block::from).collect())
    }

    async fn seo(&self, ctx: &Context<'_>) -> async_graphql::Result<Serial<Seo>> {
        let body = self.body(ctx).await?;
        Ok(Serial(Seo {
            title: body.seo.title.clone(),
            description: body.seo.description.clone(),
            canonical_url: body.seo.canonical_url.clone(),
        }))
    }

    /// Live coverage still going on: show it as live, and subscribe to
    /// `liveEntryAdded` for its new entries.
    async fn live(&self) -> bool {
        self.0.live
    }

    async fn comments_open(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(self.body(ctx).await?.comments_open)
    }

    /// Approved comments shown under the article, replies included.
    async fn comment_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(ctx
            .loader()?
            .load_one(CommentCountOf(self.0.id.0))
            .await
            .gql()?
            .unwrap_or(0))
    }

    /// The further-reading list, in the editor's order.
    async fn related_links(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<Serial<RelatedLink>>> {
        let links = ctx
            .loader()?
            .load_one(LinksOf(self.0.id.0))
            .await
            .gql()?
            .unwrap_or_default();
        let article = ctx.look_ahead().field("article");
        if article.exists() {
            let targets = links.iter().filter_map(|l| match l {
                related_links::RelatedLink::Article { article, .. } => {
                    Some(ArticleKey(article.id.0))
                }
                related_links::RelatedLink::External { .. } => None,
            });
            let rows: Vec<ArticleRow> = ctx
                .loader()?
                .load_many(targets)
                .await
                .gql()?
                .into_values()
                .collect();
            prefetch(ctx, &rows, article).await?;
        }
        Ok(links.into_iter().map(|l| Serial(RelatedLink(l))).collect())
    }

    /// Published articles sharing tags or the section, most overlap first, then newest.
    /// Tag-sharing articles are looked for among those created around the same time: no
    /// further, on either side, than the 20th other article of any of its tags.
    #[graphql(complexity = "list_complexity(first, BOX_LIMIT, child_complexity)")]
    async fn more_like_this(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<Serial<Article>>> {
        let limit = Limit::from_number("first", first.map(i64::from), BOX_LIMIT).gql()?;
        let Some(similar) = ctx
            .loader()?
            .load_one(MoreLikeThisOf {
                of: SimilarTo::of(&self.0),
                limit,
                along: along(&ctx.look_ahead()),
            })
            .await
            .gql()?
        else {
            return Ok(Vec::new());
        };
        feed_relations(ctx, &similar.relations).await?;
        prefetch(ctx, &similar.rows, ctx.look_ahead()).await?;
        Ok(similar
            .rows
            .into_iter()
            .map(|row| Serial(Article(row)))
            .collect())
    }

    /// The live coverage, newest first.
    #[graphql(complexity = "list_complexity(first, 20, child_complexity)")]
    async fn live_entries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<LiveEntryConnection> {
        let page = PageRequest::forward(
            CursorKind::LiveEntries,
            first.map(i64::from),
            after.as_deref(),
        )
        .gql()?;
        let page = EntryPage {
            limit: page.limit,
            after: page.after,
            since: None,
        };
        let entries = ctx.shown(
            ctx.reader()?
                .live_entries_of(self.0.id, &page)
                .await
                .gql()?,
        );
        Ok(LiveEntryConnection(entries))
    }

    /// Every saved version, newest first: editors only (content:write).
    async fn revisions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<RevisionConnection> {
        let page = PageRequest::forward(
            CursorKind::Revisions,
            first.map(i64::from),
            after.as_deref(),
        )
        .gql()?;
        super::revisions::of_article(ctx, self.0.id, &page).await
    }

    /// Approved comment threads, oldest first, each with its approved replies.
    #[graphql(complexity = "list_complexity(first, 20, child_complexity)")]
    async fn comments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Serial<CommentConnection>> {
        let page =
            PageRequest::forward(CursorKind::Comments, first.map(i64::from), after.as_deref())
                .gql()?;
        let threads = ctx
            .loader()?
            .load_one(ThreadsOf {
                article: self.0.id.0,
                page,
            })
            .await
            .gql()?
            .unwrap_or(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        Ok(Serial(CommentConnection(threads)))
    }
}
