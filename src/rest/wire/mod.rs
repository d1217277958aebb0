//! The JSON REST shows of the domain's types, field by field: the domain
//! carries no serde of its own. Public resources are addressed by slug, so
//! their ids stay inside; the newsroom's views name them. Nothing here is
//! computed, only reshaped.

use chrono::{DateTime, Utc};
use serde::Serialize;

mod newsroom;
mod outbound;
mod workflow;

pub use newsroom::{
    AuditEntryJson, ManagedArticleJson, ManagedSummaryJson, ModeratedCommentJson, SectionInfoJson,
    SubmittedJson,
};
pub use outbound::{CreatedWebhookJson, DeliveryJson, WebhookJson};
pub use workflow::{
    LiveEntryJson, NoteJson, PreviewLinkJson, RevisionDiffJson, RevisionJson, RevisionSummaryJson,
    RevokedJson,
};

use crate::domain::articles::FeaturedImage;
use crate::domain::authors::Author;
use crate::domain::batch::SectionRef;
use crate::domain::comments::Comment;
use crate::domain::ids::CommentId;
use crate::domain::replies::Replies;
use crate::domain::sections::{Section, SectionNode};
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

/// A section or an author as another resource names it.
#[derive(Serialize)]
pub struct RefJson {
    slug: String,
    name: String,
}

impl From<SectionRef> for RefJson {
    fn from(r: SectionRef) -> Self {
        RefJson {
            slug: r.slug,
            name: r.name,
        }
    }
}

#[derive(Serialize)]
pub struct ImageJson {
    url: String,
    alt: Option<String>,
    caption: Option<String>,
    credit: Option<String>,
}

impl From<FeaturedImage> for ImageJson {
    fn from(i: FeaturedImage) -> Self {
        ImageJson {
            url: i.url,
            alt: i.alt,
            caption: i.caption,
            credit: i.credit,
        }
    }
}

/// A section in the menu tree, with its subsections.
#[derive(Serialize)]
pub struct SectionNodeJson {
    slug: String,
    name: String,
    description: String,
    children: Vec<SectionNodeJson>,
}

impl From<SectionNode> for SectionNodeJson {
    fn from(n: SectionNode) -> Self {
        SectionNodeJson {
            slug: n.slug,
            name: n.name,
            description: n.description,
            children: all(n.children),
        }
    }
}

/// One section, where it sits in the tree.
#[derive(Serialize)]
pub struct SectionJson {
    slug: String,
    name: String,
    description: String,
    parent: Option<RefJson>,
    children: Vec<RefJson>,
}

impl From<Section> for SectionJson {
    fn from(s: Section) -> Self {
        SectionJson {
            slug: s.slug,
            name: s.name,
            description: s.description,
            parent: s.parent.map(RefJson::from),
            children: all(s.children),
        }
    }
}
