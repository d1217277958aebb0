//! Comment mutations: a reader's comment, and the moderators' decisions.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::id_of;
use crate::domain::comments::{self, CommentInput};
use crate::domain::ids::CommentId;
use crate::domain::ids::Slug;
use crate::domain::moderation::{self, Decision};
use crate::error::Resource;
use crate::graphql::context::ContextExt;
use crate::graphql::error::GqlResult;
use crate::graphql::node::{Kind, global_id};

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
            status: c.status.as_str().to_owned(),
            created_at: c.created_at,
        }
    }
}

#[derive(Default)]
pub struct CommentMutations;

impl CommentMutations {
    async fn decide(
        &self,
        ctx: &Context<'_>,
        id: ID,
        decision: Decision,
    ) -> async_graphql::Result<ModeratedComment> {
        let id = CommentId(id_of(Kind::Comment, &id)?);
        Ok(moderation::decide(ctx.desk(), ctx.actor(), id, decision)
            .await
            .gql()?
            .into())
    }
}

#[Object]
impl CommentMutations {
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
        let slug = Slug::parse_address(&article_slug, Resource::Article).gql()?;
        let parent_id = parent_id
            .map(|id| id_of(Kind::Comment, &id).map(CommentId))
            .transpose()?;
        let client = ctx
            .data_opt::<crate::graphql::execution::ClientKey>()
            .map_or("ip:unknown", |k| k.0.as_str());
        let submitted = comments::submit_comment(
            ctx.desk(),
            ctx.actor(),
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
            status: submitted.status.as_str().to_owned(),
        })
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
