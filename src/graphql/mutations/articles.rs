//! Article mutations: create, update, change status, related links, delete.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::id_of;
use crate::domain::articles::FeaturedImage;
use crate::domain::ids::ArticleId;
use crate::domain::publishing::{self, ArticleFields, RelatedLinkInput, Transition};
use crate::graphql::context::ContextExt;
use crate::graphql::error::{GqlResult, code, coded};
use crate::graphql::node::{Kind, global_id};

/// An article's status.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ArticleStatus {
    Draft,
    Scheduled,
    Published,
    Archived,
}

/// An article as the newsroom sees it, in any status.
#[derive(SimpleObject)]
pub struct ManagedArticle {
    /// The same global id the public `Article` has.
    pub id: ID,
    /// Pass it back to change the article; a stale version is refused with CONFLICT.
    pub version: i32,
    pub slug: String,
    pub status: ArticleStatus,
    pub title: String,
    pub subtitle: Option<String>,
    pub excerpt: String,
    pub body_markdown: String,
    pub body_html: String,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub section: String,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub comments_open: bool,
    /// Live coverage still going on.
    pub live: bool,
}

impl From<publishing::ManagedArticle> for ManagedArticle {
    fn from(a: publishing::ManagedArticle) -> Self {
        ManagedArticle {
            id: global_id(Kind::Article, a.id),
            version: a.version,
            status: match a.status.as_str() {
                "scheduled" => ArticleStatus::Scheduled,
                "published" => ArticleStatus::Published,
                "archived" => ArticleStatus::Archived,
                _ => ArticleStatus::Draft,
            },
            slug: a.slug,
            title: a.title,
            subtitle: a.subtitle,
            excerpt: a.excerpt,
            body_markdown: a.body_markdown,
            body_html: a.body_html,
            published_at: a.published_at,
            updated_at: a.updated_at,
            section: a.section,
            authors: a.authors,
            tags: a.tags,
            comments_open: a.comments_open,
            live: a.live,
        }
    }
}

#[derive(InputObject)]
pub struct ImageInput {
    pub url: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// An article's fields. Creating needs title, bodyMarkdown and section; when
/// updating, omitted fields are kept and an empty string clears an optional text.
#[derive(InputObject)]
pub struct ArticleInput {
    pub title: Option<String>,
    pub slug: Option<String>,
    pub subtitle: Option<String>,
    pub excerpt: Option<String>,
    pub body_markdown: Option<String>,
    /// A section slug.
    pub section: Option<String>,
    /// Author slugs, in byline order.
    pub authors: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    /// `null` removes the image; omitted keeps it.
    pub featured_image: MaybeUndefined<ImageInput>,
    pub canonical_url: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    pub comments_open: Option<bool>,
    /// Whether the article is live coverage still going on.
    pub live: Option<bool>,
}

impl From<ArticleInput> for ArticleFields {
    fn from(i: ArticleInput) -> Self {
        ArticleFields {
            title: i.title,
            slug: i.slug,
            subtitle: i.subtitle,
            excerpt: i.excerpt,
            body_markdown: i.body_markdown,
            section: i.section,
            authors: i.authors,
            tags: i.tags,
            featured_image: match i.featured_image {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(image) => Some(Some(FeaturedImage {
                    url: image.url,
                    alt: image.alt,
                    caption: image.caption,
                    credit: image.credit,
                })),
            },
            canonical_url: i.canonical_url,
            seo_title: i.seo_title,
            seo_description: i.seo_description,
            comments_open: i.comments_open,
            live: i.live,
        }
    }
}

/// One further-reading entry: `article` (a slug), or `url` with `title`.
#[derive(InputObject)]
pub struct RelatedLinkEntry {
    pub article: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
}

#[derive(Default)]
pub struct ArticleMutations;

impl ArticleMutations {
    async fn transition(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        to: Transition,
    ) -> async_graphql::Result<ManagedArticle> {
        let id = ArticleId(id_of(Kind::Article, &id)?);
        let article = publishing::transition(ctx.desk(), ctx.actor(), id, Some(version), to)
            .await
            .gql()?;
        Ok(article.into())
    }
}

#[Object]
impl ArticleMutations {
    /// A new draft (content:write).
    async fn create_article(
        &self,
        ctx: &Context<'_>,
        input: ArticleInput,
    ) -> async_graphql::Result<ManagedArticle> {
        Ok(publishing::create(ctx.desk(), ctx.actor(), input.into())
            .await
            .gql()?
            .into())
    }

    /// Edits an article based on `version`; a stale version changes nothing (CONFLICT).
    async fn update_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: ArticleInput,
    ) -> async_graphql::Result<ManagedArticle> {
        let id = ArticleId(id_of(Kind::Article, &id)?);
        let article = publishing::update(ctx.desk(), ctx.actor(), id, Some(version), input.into())
            .await
            .gql()?;
        Ok(article.into())
    }

    async fn publish_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
    ) -> async_graphql::Result<ManagedArticle> {
        self.transition(ctx, id, version, Transition::Publish).await
    }

    async fn unpublish_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
    ) -> async_graphql::Result<ManagedArticle> {
        self.transition(ctx, id, version, Transition::Unpublish)
            .await
    }

    async fn archive_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
    ) -> async_graphql::Result<ManagedArticle> {
        self.transition(ctx, id, version, Transition::Archive).await
    }

    /// Public from `publishAt`, with no job to run.
    async fn schedule_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        publish_at: DateTime<Utc>,
    ) -> async_graphql::Result<ManagedArticle> {
        self.transition(ctx, id, version, Transition::Schedule(publish_at))
            .await
    }

    /// Deletes an article for good; true when done.
    async fn delete_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
    ) -> async_graphql::Result<bool> {
        let id = ArticleId(id_of(Kind::Article, &id)?);
        publishing::delete(ctx.desk(), ctx.actor(), id, Some(version))
            .await
            .gql()?;
        Ok(true)
    }

    /// Replaces the further-reading list, in the order given.
    async fn set_related_links(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        links: Vec<RelatedLinkEntry>,
    ) -> async_graphql::Result<ManagedArticle> {
        let id = ArticleId(id_of(Kind::Article, &id)?);
        let links = links
            .into_iter()
            .map(|l| match (l.article, l.url) {
                (Some(slug), None) => Ok(RelatedLinkInput::Article {
                    slug,
                    title: l.title,
                }),
                (None, Some(url)) => Ok(RelatedLinkInput::External {
                    url,
                    title: l.title.unwrap_or_default(),
                }),
                _ => Err(coded(
                    "give each link either `article` or `url`",
                    code::BAD_USER_INPUT,
                )),
            })
            .collect::<async_graphql::Result<Vec<_>>>()?;
        let article =
            publishing::set_related_links(ctx.desk(), ctx.actor(), id, Some(version), links)
                .await
                .gql()?;
        Ok(article.into())
    }
}
