//! Corrections, clarifications and updates on an article, in GraphQL.

use async_graphql::{Enum, ID, Object};
use chrono::{DateTime, Utc};

use crate::domain::notes::{Note, NoteKind as DomainKind};

/// What a note tells readers.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// Something published was wrong.
    Correction,
    /// Something published was unclear.
    Clarification,
    /// The story moved on.
    Update,
}

impl From<DomainKind> for NoteKind {
    fn from(k: DomainKind) -> Self {
        match k {
            DomainKind::Correction => NoteKind::Correction,
            DomainKind::Clarification => NoteKind::Clarification,
            DomainKind::Update => NoteKind::Update,
        }
    }
}

impl From<NoteKind> for DomainKind {
    fn from(k: NoteKind) -> Self {
        match k {
            NoteKind::Correction => DomainKind::Correction,
            NoteKind::Clarification => DomainKind::Clarification,
            NoteKind::Update => DomainKind::Update,
        }
    }
}

/// A public note on an article.
pub struct ArticleNote(pub Note);

#[Object]
impl ArticleNote {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn kind(&self) -> NoteKind {
        self.0.kind.into()
    }

    async fn body_markdown(&self) -> &str {
        &self.0.body_markdown
    }

    /// Sanitized HTML, rendered when the note was saved.
    async fn body_html(&self) -> &str {
        &self.0.body_html
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When an editor took it off the public article; null while it stands.
    /// Only the newsroom's own answers hold removed notes.
    async fn removed_at(&self) -> Option<DateTime<Utc>> {
        self.0.removed.as_ref().map(|(_, at)| *at)
    }
}
