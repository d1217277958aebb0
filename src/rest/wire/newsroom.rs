//! The newsroom's side: articles in any status with their versions,
//! sections, comments as moderators see them, and the audit log.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::ImageJson;
use crate::domain::audit::AuditEntry;
use crate::domain::comments::SubmittedComment;
use crate::domain::ids::{ArticleId, CommentId};
use crate::domain::moderation::ModeratedComment;
use crate::domain::publishing::{ManagedArticle, ManagedSummary};
use crate::domain::sections::SectionInfo;

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

/// An article as the newsroom sees it: any status, with its id and version.
#[derive(Serialize)]
pub struct ManagedArticleJson {
    id: ArticleId,
    version: i32,
    slug: String,
    status: String,
    title: String,
    subtitle: Option<String>,
    excerpt: String,
    body_markdown: String,
    body_html: String,
    reading_time_minutes: i32,
    published_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    section: String,
    authors: Vec<String>,
    tags: Vec<String>,
    featured_image: Option<ImageJson>,
    canonical_url: Option<String>,
    seo_title: Option<String>,
    seo_description: Option<String>,
    comments_open: bool,
    live: bool,
}

impl From<ManagedArticle> for ManagedArticleJson {
    fn from(a: ManagedArticle) -> Self {
        ManagedArticleJson {
            id: a.id,
            version: a.version,
            slug: a.slug,
            status: a.status,
            title: a.title,
            subtitle: a.subtitle,
            excerpt: a.excerpt,
            body_markdown: a.body_markdown,
            body_html: a.body_html,
            reading_time_minutes: a.reading_time_minutes,
            published_at: a.published_at,
            created_at: a.created_at,
            updated_at: a.updated_at,
            section: a.section,
            authors: a.authors,
            tags: a.tags,
            featured_image: a.featured_image.map(ImageJson::from),
            canonical_url: a.canonical_url,
            seo_title: a.seo_title,
            seo_description: a.seo_description,
            comments_open: a.comments_open,
            live: a.live,
        }
    }
}

/// A line of the newsroom's article list.
#[derive(Serialize)]
pub struct ManagedSummaryJson {
    id: ArticleId,
    version: i32,
    slug: String,
    status: String,
    title: String,
    published_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<ManagedSummary> for ManagedSummaryJson {
    fn from(a: ManagedSummary) -> Self {
        ManagedSummaryJson {
            id: a.id,
            version: a.version,
            slug: a.slug,
            status: a.status,
            title: a.title,
            published_at: a.published_at,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// A comment as a moderator sees it: the email included, never the address hash.
#[derive(Serialize)]
pub struct ModeratedCommentJson {
    id: CommentId,
    article: String,
    parent_id: Option<CommentId>,
    author_name: String,
    author_email: String,
    body: String,
    status: &'static str,
    created_at: DateTime<Utc>,
}

impl From<ModeratedComment> for ModeratedCommentJson {
    fn from(c: ModeratedComment) -> Self {
        ModeratedCommentJson {
            id: c.id,
            article: c.article,
            parent_id: c.parent_id,
            author_name: c.author_name,
            author_email: c.author_email,
            body: c.body,
            status: c.status.as_str(),
            created_at: c.created_at,
        }
    }
}

/// What a commenter learns: the id, and whether it shows now or after review.
#[derive(Serialize)]
pub struct SubmittedJson {
    id: CommentId,
    status: &'static str,
}

impl From<SubmittedComment> for SubmittedJson {
    fn from(s: SubmittedComment) -> Self {
        SubmittedJson {
            id: s.id,
            status: s.status.as_str(),
        }
    }
}

/// One recorded write.
#[derive(Serialize)]
pub struct AuditEntryJson {
    id: i64,
    actor: String,
    action: &'static str,
    resource: &'static str,
    resource_id: Option<i64>,
    detail: String,
    at: DateTime<Utc>,
}

impl From<AuditEntry> for AuditEntryJson {
    fn from(e: AuditEntry) -> Self {
        AuditEntryJson {
            id: e.id,
            actor: e.actor,
            action: e.action.as_str(),
            resource: e.resource.as_str(),
            resource_id: e.resource_id,
            detail: e.detail,
            at: e.at,
        }
    }
}
