//! Moderating readers' comments: the queue, approving, marking spam, deleting.
//! Moderators are editors and tokens with `comments:moderate`.

use crate::domain::Newsdesk;
use crate::domain::ids::CommentId;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};

use super::actor::{Actor, Scope};
use super::audit::{self, AuditAction, Audited};
use super::page::Limit;
use super::visibility::CommentStatus;
use crate::db::entities::{articles, comments};
use crate::error::{Error, Resource, Result};

/// What a caller needs for these commands.
pub const SCOPE: Scope = Scope::CommentsModerate;

/// A comment as a moderator sees it: the email included, never the address hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModeratedComment {
    pub id: CommentId,
    pub article: String,
    pub parent_id: Option<CommentId>,
    pub author_name: String,
    pub author_email: String,
    pub body: String,
    pub status: CommentStatus,
    pub created_at: DateTime<Utc>,
}

/// A moderator's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Spam,
    /// Soft: the comment stays stored, hidden from everyone but moderators.
    Delete,
}

impl Decision {
    fn status(self) -> CommentStatus {
        match self {
            Decision::Approve => CommentStatus::Approved,
            Decision::Spam => CommentStatus::Spam,
            Decision::Delete => CommentStatus::Deleted,
        }
    }
}

/// Comments in a status, oldest first: by default the queue waiting for review.
#[tracing::instrument(level = "info", skip_all)]
pub async fn queue(
    desk: &Newsdesk,
    actor: &Actor,
    status: CommentStatus,
    limit: Limit,
) -> Result<Vec<ModeratedComment>> {
    let db = desk.db();
    actor.require(SCOPE)?;
    let rows = comments::Entity::find()
        .filter(comments::Column::Status.eq(status.as_str()))
        .order_by_asc(comments::Column::CreatedAt)
        .order_by_asc(comments::Column::Id)
        .limit(limit.get())
        .with_article_slugs(db)
        .await?;
    Ok(rows)
}

trait WithArticleSlugs {
    async fn with_article_slugs(self, db: &DatabaseConnection) -> Result<Vec<ModeratedComment>>;
}

impl WithArticleSlugs for sea_orm::Select<comments::Entity> {
    async fn with_article_slugs(self, db: &DatabaseConnection) -> Result<Vec<ModeratedComment>> {
        let found = self.all(db).await?;
        let ids: Vec<i64> = found.iter().map(|c| c.article_id).collect();
        let slugs: std::collections::HashMap<i64, String> = articles::Entity::find()
            .filter(articles::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a.slug))
            .collect();
        found
            .into_iter()
            .map(|c| {
                Ok(ModeratedComment {
                    article: slugs.get(&c.article_id).cloned().unwrap_or_default(),
                    status: CommentStatus::stored(&c.status)?,
                    id: CommentId(c.id),
                    parent_id: c.parent_id.map(CommentId),
                    author_name: c.author_name,
                    author_email: c.author_email,
                    body: c.body,
                    created_at: c.created_at,
                })
            })
            .collect()
    }
}

/// Applies a decision to a comment and records it.
#[tracing::instrument(level = "info", skip_all)]
pub async fn decide(
    desk: &Newsdesk,
    actor: &Actor,
    id: CommentId,
    decision: Decision,
) -> Result<ModeratedComment> {
    let id = id.0;
    let db = desk.db();
    actor.require(SCOPE)?;
    let txn = crate::db::begin_write(db).await?;
    let comment = comments::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound(Resource::Comment))?;
    let before = CommentStatus::stored(&comment.status)?;
    let article = comment.article_id;
    let mut model = comment.into_active_model();
    model.status = Set(decision.status().as_str().to_owned());
    model.update(&txn).await?;
    super::thread_pages::refresh_thread_page(&txn, article).await?;
    super::outbox::comment_moved(desk, &txn, id, article, Some(before), decision.status()).await?;
    audit::record(
        &txn,
        actor,
        AuditAction::Moderated(decision.status()),
        Audited::Comment,
        Some(id),
        "",
    )
    .await?;
    txn.commit().await?;
    let mut decided = comments::Entity::find()
        .filter(comments::Column::Id.eq(id))
        .with_article_slugs(db)
        .await?;
    decided.pop().ok_or(Error::NotFound(Resource::Comment))
}
