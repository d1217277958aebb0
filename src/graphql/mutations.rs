//! Every mutation: the write side of articles, comments and moderation.
//! Permissions, validation and versions are the domain's; these translate.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::ContextExt;
use super::error::{GqlResult, code, coded};
use super::node::{Kind, global_id, parse_global_id};
use super::sections::Section;
use super::taxonomy::{Author, Tag};
use crate::domain::articles::FeaturedImage;
use crate::domain::comments::{self, CommentInput};
use crate::domain::ids::Slug;
use crate::domain::moderation::{self, Decision};
use crate::domain::publishing::{self, ArticleFields, RelatedLinkInput, Transition};
use crate::domain::taxonomy::{self, AuthorFields, SectionFields, TagFields};
use crate::error::Resource;

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

/// What a reader learns after commenting.
#[derive(SimpleObject)]
pub struct CommentSubmission {
    pub id: ID,
    /// `approved` shows now; `pending` waits for a moderator.
    pub status: String,
}

/// A comment as a moderator sees it.
#[derive(SimpleObject)]
pub struct ModeratedComment {
    pub id: ID,
    pub article: String,
    pub author_name: String,
    pub author_email: String,
    pub body: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

impl From<moderation::ModeratedComment> for ModeratedComment {
    fn from(c: moderation::ModeratedComment) -> Self {
        ModeratedComment {
            id: global_id(Kind::Comment, c.id),
            article: c.article,
            author_name: c.author_name,
            author_email: c.author_email,
            body: c.body,
            status: c.status,
            created_at: c.created_at,
        }
    }
}

/// A section's fields; when updating, omitted fields are kept.
#[derive(InputObject)]
pub struct SectionInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// The parent's slug; an empty string makes the section top-level.
    pub parent: Option<String>,
    pub position: Option<i32>,
}

/// An author's fields; when updating, omitted fields are kept.
#[derive(InputObject)]
pub struct AuthorInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub bio: Option<String>,
    /// An empty string removes the avatar.
    pub avatar_url: Option<String>,
}

/// A tag's fields; when updating, omitted fields are kept.
#[derive(InputObject)]
pub struct TagInput {
    pub slug: Option<String>,
    pub name: Option<String>,
}

impl From<SectionInput> for SectionFields {
    fn from(i: SectionInput) -> Self {
        SectionFields {
            slug: i.slug,
            name: i.name,
            description: i.description,
            parent: i.parent,
            position: i.position,
        }
    }
}

impl From<AuthorInput> for AuthorFields {
    fn from(i: AuthorInput) -> Self {
        AuthorFields {
            slug: i.slug,
            name: i.name,
            bio: i.bio,
            avatar_url: i.avatar_url,
        }
    }
}

impl From<TagInput> for TagFields {
    fn from(i: TagInput) -> Self {
        TagFields {
            slug: i.slug,
            name: i.name,
        }
    }
}

fn id_of(kind: Kind, id: &ID) -> async_graphql::Result<i64> {
    match parse_global_id(id) {
        Some((found, id)) if found == kind => Ok(id),
        _ => Err(coded("not an id of the right type", code::BAD_USER_INPUT)),
    }
}

#[derive(Default)]
pub struct Mutation;

impl Mutation {
    async fn transition(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        to: Transition,
    ) -> async_graphql::Result<ManagedArticle> {
        let id = id_of(Kind::Article, &id)?;
        let article = publishing::transition(&ctx.state().db, ctx.actor(), id, Some(version), to)
            .await
            .gql()?;
        Ok(article.into())
    }

    async fn decide(
        &self,
        ctx: &Context<'_>,
        id: ID,
        decision: Decision,
    ) -> async_graphql::Result<ModeratedComment> {
        let id = id_of(Kind::Comment, &id)?;
        Ok(
            moderation::decide(&ctx.state().db, ctx.actor(), id, decision)
                .await
                .gql()?
                .into(),
        )
    }
}

#[Object]
impl Mutation {
    /// A new draft (content:write).
    async fn create_article(
        &self,
        ctx: &Context<'_>,
        input: ArticleInput,
    ) -> async_graphql::Result<ManagedArticle> {
        Ok(
            publishing::create(&ctx.state().db, ctx.actor(), input.into())
                .await
                .gql()?
                .into(),
        )
    }

    /// Edits an article based on `version`; a stale version changes nothing (CONFLICT).
    async fn update_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: ArticleInput,
    ) -> async_graphql::Result<ManagedArticle> {
        let id = id_of(Kind::Article, &id)?;
        let article = publishing::update(
            &ctx.state().db,
            ctx.actor(),
            id,
            Some(version),
            input.into(),
        )
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
        let id = id_of(Kind::Article, &id)?;
        publishing::delete(&ctx.state().db, ctx.actor(), id, Some(version))
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
        let id = id_of(Kind::Article, &id)?;
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
            publishing::set_related_links(&ctx.state().db, ctx.actor(), id, Some(version), links)
                .await
                .gql()?;
        Ok(article.into())
    }

    /// A reader's comment; it waits for moderation unless auto-approval is on.
    async fn add_comment(
        &self,
        ctx: &Context<'_>,
        article_slug: String,
        parent_id: Option<ID>,
        author_name: String,
        author_email: String,
        body: String,
    ) -> async_graphql::Result<CommentSubmission> {
        let state = ctx.state();
        let slug = Slug::parse_address(&article_slug, Resource::Article).gql()?;
        let parent_id = parent_id.map(|id| id_of(Kind::Comment, &id)).transpose()?;
        let client = ctx
            .data_opt::<super::http::ClientKey>()
            .map_or("ip:unknown", |k| k.0.as_str());
        let submitted = comments::submit_comment(
            &state.db,
            ctx.actor(),
            state.comment_policy,
            &state.auth.comment_limits,
            client,
            &slug,
            CommentInput {
                parent_id,
                author_name,
                author_email,
                body,
                honeypot: None,
            },
        )
        .await
        .gql()?;
        Ok(CommentSubmission {
            id: global_id(Kind::Comment, submitted.id),
            status: submitted.status.to_owned(),
        })
    }

    async fn create_section(
        &self,
        ctx: &Context<'_>,
        input: SectionInput,
    ) -> async_graphql::Result<Section> {
        Ok(Section(
            taxonomy::create_section(&ctx.state().db, ctx.actor(), input.into())
                .await
                .gql()?,
        ))
    }

    async fn update_section(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: SectionInput,
    ) -> async_graphql::Result<Section> {
        let id = id_of(Kind::Section, &id)?;
        Ok(Section(
            taxonomy::update_section(&ctx.state().db, ctx.actor(), id, input.into())
                .await
                .gql()?,
        ))
    }

    /// Deletes a section no article or subsection uses (else CONFLICT).
    async fn delete_section(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let id = id_of(Kind::Section, &id)?;
        taxonomy::delete_section(&ctx.state().db, ctx.actor(), id)
            .await
            .gql()?;
        Ok(true)
    }

    async fn create_author(
        &self,
        ctx: &Context<'_>,
        input: AuthorInput,
    ) -> async_graphql::Result<Author> {
        Ok(Author(
            taxonomy::create_author(&ctx.state().db, ctx.actor(), input.into())
                .await
                .gql()?,
        ))
    }

    async fn update_author(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: AuthorInput,
    ) -> async_graphql::Result<Author> {
        let id = id_of(Kind::Author, &id)?;
        Ok(Author(
            taxonomy::update_author(&ctx.state().db, ctx.actor(), id, input.into())
                .await
                .gql()?,
        ))
    }

    /// Deletes an author no article credits (else CONFLICT).
    async fn delete_author(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let id = id_of(Kind::Author, &id)?;
        taxonomy::delete_author(&ctx.state().db, ctx.actor(), id)
            .await
            .gql()?;
        Ok(true)
    }

    async fn create_tag(&self, ctx: &Context<'_>, input: TagInput) -> async_graphql::Result<Tag> {
        Ok(Tag(taxonomy::create_tag(
            &ctx.state().db,
            ctx.actor(),
            input.into(),
        )
        .await
        .gql()?))
    }

    async fn update_tag(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: TagInput,
    ) -> async_graphql::Result<Tag> {
        let id = id_of(Kind::Tag, &id)?;
        Ok(Tag(taxonomy::update_tag(
            &ctx.state().db,
            ctx.actor(),
            id,
            input.into(),
        )
        .await
        .gql()?))
    }

    /// Deletes a tag; articles simply lose it.
    async fn delete_tag(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let id = id_of(Kind::Tag, &id)?;
        taxonomy::delete_tag(&ctx.state().db, ctx.actor(), id)
            .await
            .gql()?;
        Ok(true)
    }

    async fn approve_comment(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ModeratedComment> {
        self.decide(ctx, id, Decision::Approve).await
    }

    async fn mark_comment_spam(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ModeratedComment> {
        self.decide(ctx, id, Decision::Spam).await
    }

    /// Hides a comment from everyone but moderators; it stays stored.
    async fn delete_comment(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ModeratedComment> {
        self.decide(ctx, id, Decision::Delete).await
    }
}
