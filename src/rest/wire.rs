//! The JSON REST shows of the domain's public types, field by field. Public
//! resources are addressed by slug, so their ids stay inside; the newsroom's
//! own views (`Managed`) name them. Nothing here is computed, only reshaped.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::domain::articles::{Article, ArticleSummary, FeaturedImage, Seo};
use crate::domain::authors::Author;
use crate::domain::batch::{AuthorRef, SectionRef};
use crate::domain::comments::Comment;
use crate::domain::ids::CommentId;
use crate::domain::popular::PopularArticle;
use crate::domain::related_links::{LinkedArticle, RelatedLink};
use crate::domain::replies::Replies;
use crate::domain::sections::SectionInfo;
use crate::domain::tags::Tag;

#[derive(Serialize)]
pub struct TagJson {
    slug: String,
    name: String,
}

impl From<Tag> for TagJson {
    fn from(t: Tag) -> Self {
        TagJson {
            slug: t.slug,
            name: t.name,
        }
    }
}

#[derive(Serialize)]
pub struct AuthorJson {
    slug: String,
    name: String,
    bio: String,
    avatar_url: Option<String>,
}

impl From<Author> for AuthorJson {
    fn from(a: Author) -> Self {
        AuthorJson {
            slug: a.slug,
            name: a.name,
            bio: a.bio,
            avatar_url: a.avatar_url,
        }
    }
}

#[derive(Serialize)]
pub struct SectionInfoJson {
    slug: String,
    name: String,
    description: String,
    parent_id: Option<i64>,
}

impl From<SectionInfo> for SectionInfoJson {
    fn from(s: SectionInfo) -> Self {
        SectionInfoJson {
            slug: s.slug,
            name: s.name,
            description: s.description,
            parent_id: s.parent_id,
        }
    }
}

/// What a list shows of an article.
#[derive(Serialize)]
pub struct TeaserJson {
    slug: String,
    title: String,
    subtitle: Option<String>,
    excerpt: String,
    published_at: DateTime<Utc>,
    section: SectionRef,
    authors: Vec<AuthorRef>,
    tags: Vec<TagJson>,
    featured_image: Option<FeaturedImage>,
    reading_time_minutes: i32,
}

impl From<ArticleSummary> for TeaserJson {
    fn from(a: ArticleSummary) -> Self {
        TeaserJson {
            slug: a.slug,
            title: a.title,
            subtitle: a.subtitle,
            excerpt: a.excerpt,
            published_at: a.published_at,
            section: a.section,
            authors: a.authors,
            tags: a.tags.into_iter().map(TagJson::from).collect(),
            featured_image: a.featured_image,
            reading_time_minutes: a.reading_time_minutes,
        }
    }
}

/// A whole article page: its teaser, its body in every form, further reading.
#[derive(Serialize)]
pub struct ArticleJson {
    #[serde(flatten)]
    teaser: TeaserJson,
    updated_at: DateTime<Utc>,
    body_markdown: String,
    body_html: String,
    body_blocks: Box<RawValue>,
    seo: Seo,
    comments_open: bool,
    related_links: Vec<RelatedLinkJson>,
}

impl From<Article> for ArticleJson {
    fn from(a: Article) -> Self {
        let body = a.body;
        ArticleJson {
            teaser: a.summary.into(),
            updated_at: body.updated_at,
            body_markdown: body.body_markdown,
            body_html: body.body_html,
            body_blocks: body.body_blocks,
            seo: body.seo,
            comments_open: body.comments_open,
            related_links: a.related_links.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Serialize)]
pub struct LinkedArticleJson {
    slug: String,
    title: String,
    published_at: DateTime<Utc>,
}

impl From<LinkedArticle> for LinkedArticleJson {
    fn from(a: LinkedArticle) -> Self {
        LinkedArticleJson {
            slug: a.slug,
            title: a.title,
            published_at: a.published_at,
        }
    }
}

/// One entry of the further-reading list, by kind.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RelatedLinkJson {
    Article {
        title: String,
        article: LinkedArticleJson,
    },
    External {
        title: String,
        url: String,
    },
}

impl From<RelatedLink> for RelatedLinkJson {
    fn from(link: RelatedLink) -> Self {
        match link {
            RelatedLink::Article { title, article, .. } => RelatedLinkJson::Article {
                title,
                article: article.into(),
            },
            RelatedLink::External { title, url, .. } => RelatedLinkJson::External { title, url },
        }
    }
}

#[derive(Serialize)]
pub struct PopularJson {
    #[serde(flatten)]
    article: TeaserJson,
    views: i64,
}

impl From<PopularArticle> for PopularJson {
    fn from(p: PopularArticle) -> Self {
        PopularJson {
            article: p.article.into(),
            views: p.views,
        }
    }
}

/// A public comment with the first of its replies, how many it has, and
/// where `GET /api/v1/comments/{id}/replies` continues.
#[derive(Serialize)]
pub struct CommentJson {
    id: CommentId,
    parent_id: Option<CommentId>,
    author_name: String,
    body: String,
    created_at: DateTime<Utc>,
    replies: Vec<CommentJson>,
    reply_count: i64,
    replies_next_cursor: Option<String>,
}

impl From<Comment> for CommentJson {
    fn from(c: Comment) -> Self {
        let Replies { items, total, next } = c.replies;
        CommentJson {
            id: c.id,
            parent_id: c.parent_id,
            author_name: c.author_name,
            body: c.body,
            created_at: c.created_at,
            replies: items.into_iter().map(CommentJson::from).collect(),
            reply_count: total,
            replies_next_cursor: next.map(|cursor| cursor.encode()),
        }
    }
}

/// Converts every item of a list into its JSON.
pub fn all<A, J: From<A>>(items: Vec<A>) -> Vec<J> {
    items.into_iter().map(J::from).collect()
}
