//! Corrections, clarifications and updates: public notes editors attach to a
//! published article. A note is what moves the article's public
//! `updated_at` — a silent fix (a typo) does not — and removing one takes it
//! off the public article but keeps it, with who removed it, for the newsroom.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};

use super::actor::{Actor, Scope};
use super::audit::{self, AuditAction, Audited};
use super::batch::dedup;
use super::checks::Checks;
use super::ids::ArticleId;
use super::markdown;
use super::newsdesk::{Newsdesk, Reader};
use super::reads::Tagged;
use super::time;
use super::visibility::ArticleStatus;
use crate::db::entities::{article_notes, articles};
use crate::error::{Error, Resource, Result};

/// What attaching and removing notes needs.
pub const SCOPE: Scope = Scope::ContentWrite;

/// The longest note, in bytes.
const MAX_NOTE: usize = 5_000;

/// What a note tells readers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// Something published was wrong.
    Correction,
    /// Something published was unclear.
    Clarification,
    /// The story moved on.
    Update,
}

impl NoteKind {
    pub const ALL: [NoteKind; 3] = [
        NoteKind::Correction,
        NoteKind::Clarification,
        NoteKind::Update,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Correction => "correction",
            NoteKind::Clarification => "clarification",
            NoteKind::Update => "update",
        }
    }
}

/// One note on an article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub id: i64,
    pub article_id: ArticleId,
    pub kind: NoteKind,
    pub body_markdown: String,
    /// Sanitized HTML, rendered when the note was saved.
    pub body_html: String,
    pub created_at: DateTime<Utc>,
    /// Who wrote it; only the newsroom sees this.
    pub created_by: String,
    /// Set once removed: who removed it, and when.
    pub removed: Option<(String, DateTime<Utc>)>,
}

impl TryFrom<article_notes::Model> for Note {
    type Error = Error;

    fn try_from(n: article_notes::Model) -> Result<Self> {
        let kind = NoteKind::ALL
            .into_iter()
            .find(|k| k.as_str() == n.kind)
            .ok_or_else(|| Error::Internal(format!("unknown stored note kind {:?}", n.kind)))?;
        Ok(Note {
            id: n.id,
            article_id: ArticleId(n.article_id),
            kind,
            body_markdown: n.body_markdown,
            body_html: n.body_html,
            created_at: n.created_at,
            created_by: n.created_by,
            removed: n.removed_by.zip(n.removed_at),
        })
    }
}

/// The SQL of an article's public `updated_at`, for the article row `a`:
/// its newest note that stands, else its publication; a draft read by
/// preview falls back to its last save.
pub(crate) fn public_updated_at(a: &str) -> String {
    format!(
        "coalesce((SELECT max(n.created_at) FROM article_notes n \
         WHERE n.article_id = {a}.id AND n.removed_at IS NULL), {a}.published_at, {a}.updated_at)"
    )
}

/// The public notes of each article, newest first.
pub(crate) async fn public_notes_for(
    db: &impl ConnectionTrait,
    article_ids: &[i64],
) -> Result<HashMap<i64, Vec<Note>>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = article_notes::Entity::find()
        .filter(article_notes::Column::ArticleId.is_in(dedup(article_ids)))
        .filter(article_notes::Column::RemovedAt.is_null())
        .order_by_desc(article_notes::Column::CreatedAt)
        .order_by_desc(article_notes::Column::Id)
        .all(db)
        .await?;
    let mut by_article: HashMap<i64, Vec<Note>> = HashMap::new();
    for row in rows {
        let note = Note::try_from(row)?;
        by_article.entry(note.article_id.0).or_default().push(note);
    }
    Ok(by_article)
}

impl Reader {
    /// The public notes of articles the caller knows to be public.
    pub async fn notes_of(&self, article_ids: &[i64]) -> Result<Tagged<HashMap<i64, Vec<Note>>>> {
        let notes = public_notes_for(self.db(), article_ids).await?;
        Ok(Tagged {
            value: notes,
            tags: super::cache_tags::CacheTags::of(
                article_ids
                    .iter()
                    .map(|&id| super::cache_tags::CacheTag::Article(ArticleId(id))),
            ),
        })
    }
}

/// A note as a client sends it, untrusted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoteFields {
    pub kind: Option<String>,
    pub body_markdown: Option<String>,
}

impl Newsdesk {
    /// Attaches a public note to a published article.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn add_note(
        &self,
        actor: &Actor,
        article: ArticleId,
        fields: NoteFields,
    ) -> Result<Note> {
        actor.require(SCOPE)?;
        let mut checks = Checks::new();
        let kind = fields
            .kind
            .as_deref()
            .and_then(|raw| NoteKind::ALL.into_iter().find(|k| k.as_str() == raw));
        checks.require(
            kind.is_some(),
            "kind",
            "is required: correction, clarification or update",
        );
        let body = fields.body_markdown.unwrap_or_default();
        checks.require(!body.trim().is_empty(), "body_markdown", "is required");
        checks.require(
            body.len() <= MAX_NOTE,
            "body_markdown",
            format!("must be at most {MAX_NOTE} bytes"),
        );
        checks.finish()?;
        let Some(kind) = kind else {
            return Err(Error::invalid("kind", "is required"));
        };
        let db = self.db();
        let txn = crate::db::begin_write(db).await?;
        let found = articles::Entity::find_by_id(article.0)
            .one(&txn)
            .await?
            .ok_or(Error::NotFound(Resource::Article))?;
        if found.status != ArticleStatus::Published.as_str() {
            return Err(Error::Conflict(
                "notes go on published articles; a draft is simply edited",
            ));
        }
        let saved = article_notes::ActiveModel {
            article_id: Set(article.0),
            kind: Set(kind.as_str().to_owned()),
            body_html: Set(markdown::render(&body).html),
            body_markdown: Set(body),
            created_by: Set(actor.to_string()),
            created_at: Set(time::truncate(self.now())),
            removed_by: Set(None),
            removed_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            actor,
            AuditAction::Annotate,
            Audited::Article,
            Some(article.0),
            format!("{} note {}", kind.as_str(), saved.id),
        )
        .await?;
        super::outbox::article_written(self, &txn, article.0).await?;
        txn.commit().await?;
        saved.try_into()
    }

    /// Takes a note off the public article; the newsroom still sees it.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn remove_note(&self, actor: &Actor, article: ArticleId, note: i64) -> Result<Note> {
        actor.require(SCOPE)?;
        let txn = crate::db::begin_write(self.db()).await?;
        let found = article_notes::Entity::find_by_id(note)
            .filter(article_notes::Column::ArticleId.eq(article.0))
            .one(&txn)
            .await?
            .ok_or(Error::NotFound(Resource::Note))?;
        if found.removed_at.is_some() {
            return Err(Error::Conflict("the note was removed already"));
        }
        let mut model = found.into_active_model();
        model.removed_by = Set(Some(actor.to_string()));
        model.removed_at = Set(Some(time::truncate(self.now())));
        let removed = model.update(&txn).await?;
        audit::record(
            &txn,
            actor,
            AuditAction::RemoveNote,
            Audited::Article,
            Some(article.0),
            format!("note {note}"),
        )
        .await?;
        super::outbox::article_written(self, &txn, article.0).await?;
        txn.commit().await?;
        removed.try_into()
    }

    /// Every note on an article, removed ones too, newest first; the newsroom's view.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn managed_notes(&self, actor: &Actor, article: ArticleId) -> Result<Vec<Note>> {
        actor.require(SCOPE)?;
        let db = self.db();
        super::publishing::ensure_exists(db, article).await?;
        article_notes::Entity::find()
            .filter(article_notes::Column::ArticleId.eq(article.0))
            .order_by_desc(article_notes::Column::CreatedAt)
            .order_by_desc(article_notes::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(Note::try_from)
            .collect()
    }
}
