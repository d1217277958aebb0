//! The newsroom workflow's JSON: preview links, revisions and live entries.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::domain::live::{self, LiveEntry};
use crate::domain::notes::Note;
use crate::domain::previews::PreviewLink;
use crate::domain::revisions::{
    FieldChange, Revision, RevisionDiff, RevisionFields, RevisionSummary,
};

/// A minted preview link; the token is shown this once.
#[derive(Serialize)]
pub struct PreviewLinkJson {
    token: String,
    url: String,
    expires_at: DateTime<Utc>,
}

impl From<PreviewLink> for PreviewLinkJson {
    fn from(l: PreviewLink) -> Self {
        PreviewLinkJson {
            token: l.token.expose().to_owned(),
            url: l.url,
            expires_at: l.expires_at,
        }
    }
}

/// How many preview links a revocation stopped.
#[derive(Serialize)]
pub struct RevokedJson {
    pub revoked: u64,
}

#[derive(Serialize)]
pub struct RevisionSummaryJson {
    id: i64,
    article_id: i64,
    version: i32,
    actor: String,
    created_at: DateTime<Utc>,
}

impl From<RevisionSummary> for RevisionSummaryJson {
    fn from(r: RevisionSummary) -> Self {
        RevisionSummaryJson {
            id: r.id,
            article_id: r.article_id.0,
            version: r.version,
            actor: r.actor,
            created_at: r.created_at,
        }
    }
}

#[derive(Serialize)]
pub struct RevisionJson {
    #[serde(flatten)]
    summary: RevisionSummaryJson,
    /// The editable fields as the write API names them.
    fields: RevisionFields,
}

impl From<Revision> for RevisionJson {
    fn from(r: Revision) -> Self {
        RevisionJson {
            summary: r.summary.into(),
            fields: r.fields,
        }
    }
}

#[derive(Serialize)]
pub struct RevisionDiffJson {
    from: RevisionSummaryJson,
    to: RevisionSummaryJson,
    changes: Vec<FieldChange>,
}

impl From<RevisionDiff> for RevisionDiffJson {
    fn from(d: RevisionDiff) -> Self {
        RevisionDiffJson {
            from: d.from.into(),
            to: d.to.into(),
            changes: d.changes,
        }
    }
}

#[derive(Serialize)]
pub struct EntryAuthorJson {
    slug: String,
    name: String,
}

#[derive(Serialize)]
pub struct LiveEntryJson {
    id: i64,
    /// Pass it as `since` to hear only of entries added after this one.
    cursor: String,
    author: Option<EntryAuthorJson>,
    body_markdown: String,
    body_html: String,
    body_blocks: Box<RawValue>,
    pinned: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<LiveEntry> for LiveEntryJson {
    fn from(e: LiveEntry) -> Self {
        LiveEntryJson {
            cursor: live::cursor_of(&e).encode(),
            id: e.id,
            author: e.author.map(|a| EntryAuthorJson {
                slug: a.slug,
                name: a.name,
            }),
            body_markdown: e.body_markdown,
            body_html: e.body_html,
            body_blocks: e.body_blocks,
            pinned: e.pinned,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// A note as the newsroom sees it: who wrote it, and whether it was removed.
#[derive(Serialize)]
pub struct NoteJson {
    id: i64,
    kind: &'static str,
    body_markdown: String,
    body_html: String,
    created_at: DateTime<Utc>,
    created_by: String,
    removed_by: Option<String>,
    removed_at: Option<DateTime<Utc>>,
}

impl From<Note> for NoteJson {
    fn from(n: Note) -> Self {
        let (removed_by, removed_at) = n.removed.unzip();
        NoteJson {
            id: n.id,
            kind: n.kind.as_str(),
            body_markdown: n.body_markdown,
            body_html: n.body_html,
            created_at: n.created_at,
            created_by: n.created_by,
            removed_by,
            removed_at,
        }
    }
}
