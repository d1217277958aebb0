//! The newsroom workflow's mutations: preview links, restoring revisions,
//! and live coverage.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::articles::ManagedArticle;
use super::id_of;
use crate::domain::ids::ArticleId;
use crate::domain::live::EntryFields;
use crate::domain::notes::{NoteFields, NoteKind as DomainKind};
use crate::domain::revisions;
use crate::graphql::context::ContextExt;
use crate::graphql::error::GqlResult;
use crate::graphql::live::LiveEntry;
use crate::graphql::node::Kind;
use crate::graphql::node::plain_id;
use crate::graphql::notes::{ArticleNote, NoteKind};

/// A freshly minted preview link; the token is shown this once.
#[derive(SimpleObject)]
pub struct PreviewLink {
    pub token: String,
    /// The frontend's preview page for this token, or the REST preview read.
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// An entry's fields. Adding needs `bodyMarkdown`; when updating, omitted
/// fields are kept and an empty `author` removes the credit.
#[derive(InputObject)]
pub struct LiveEntryInput {
    pub body_markdown: Option<String>,
    /// An author slug.
    pub author: Option<String>,
    pub pinned: Option<bool>,
}

impl From<LiveEntryInput> for EntryFields {
    fn from(i: LiveEntryInput) -> Self {
        EntryFields {
            body_markdown: i.body_markdown,
            author: i.author,
            pinned: i.pinned,
        }
    }
}

#[derive(Default)]
pub struct WorkflowMutations;

#[Object]
impl WorkflowMutations {
    /// A link that shows the article, in any status, to whoever holds it (content:write).
    async fn create_preview_link(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<PreviewLink> {
        let id = ArticleId(id_of(Kind::Article, &id)?);
        let link = ctx.desk().mint_preview_link(ctx.actor(), id).await.gql()?;
        Ok(PreviewLink {
            token: link.token.expose().to_owned(),
            url: link.url,
            expires_at: link.expires_at,
        })
    }

    /// Stops every working preview link to the article; says how many.
    async fn revoke_preview_links(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<u64> {
        let id = ArticleId(id_of(Kind::Article, &id)?);
        ctx.desk().revoke_preview_links(ctx.actor(), id).await.gql()
    }

    /// Saves an earlier revision's fields again, as a new version based on
    /// `version`; a stale version changes nothing (CONFLICT).
    async fn restore_revision(
        &self,
        ctx: &Context<'_>,
        id: ID,
        revision_id: ID,
        version: i32,
    ) -> async_graphql::Result<ManagedArticle> {
        let id = ArticleId(id_of(Kind::Article, &id)?);
        let revision = plain_id(&revision_id, "revision")?;
        let article = revisions::restore(ctx.desk(), ctx.actor(), id, revision, Some(version))
            .await
            .gql()?;
        Ok(article.into())
    }

    /// Attaches a public correction, clarification or update to a published
    /// article; it moves the article's `updatedAt`.
    async fn add_article_note(
        &self,
        ctx: &Context<'_>,
        id: ID,
        kind: NoteKind,
        body_markdown: String,
    ) -> async_graphql::Result<ArticleNote> {
        let id = ArticleId(id_of(Kind::Article, &id)?);
        let fields = NoteFields {
            kind: Some(DomainKind::from(kind).as_str().to_owned()),
            body_markdown: Some(body_markdown),
        };
        let note = ctx.desk().add_note(ctx.actor(), id, fields).await.gql()?;
        Ok(ArticleNote(note))
    }

    /// Takes a note off the public article; the newsroom keeps it.
    async fn remove_article_note(
        &self,
        ctx: &Context<'_>,
        id: ID,
        note_id: ID,
    ) -> async_graphql::Result<ArticleNote> {
        let id = ArticleId(id_of(Kind::Article, &id)?);
        let note_id = plain_id(&note_id, "note")?;
        let note = ctx
            .desk()
            .remove_note(ctx.actor(), id, note_id)
            .await
            .gql()?;
        Ok(ArticleNote(note))
    }

    /// Appends an entry to the article's live coverage (content:write).
    async fn add_live_entry(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: LiveEntryInput,
    ) -> async_graphql::Result<LiveEntry> {
        let id = ArticleId(id_of(Kind::Article, &id)?);
        let entry = ctx
            .desk()
            .add_live_entry(ctx.actor(), id, input.into())
            .await
            .gql()?;
        Ok(LiveEntry(entry))
    }

    async fn update_live_entry(
        &self,
        ctx: &Context<'_>,
        id: ID,
        entry_id: ID,
        input: LiveEntryInput,
    ) -> async_graphql::Result<LiveEntry> {
        let id = ArticleId(id_of(Kind::Article, &id)?);
        let entry = ctx
            .desk()
            .edit_live_entry(
                ctx.actor(),
                id,
                plain_id(&entry_id, "live entry")?,
                input.into(),
            )
            .await
            .gql()?;
        Ok(LiveEntry(entry))
    }

    /// Deletes an entry for good; true when done.
    async fn delete_live_entry(
        &self,
        ctx: &Context<'_>,
        id: ID,
        entry_id: ID,
    ) -> async_graphql::Result<bool> {
        let id = ArticleId(id_of(Kind::Article, &id)?);
        ctx.desk()
            .delete_live_entry(ctx.actor(), id, plain_id(&entry_id, "live entry")?)
            .await
            .gql()?;
        Ok(true)
    }
}
