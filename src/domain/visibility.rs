//! The one rule of what the public may see. Every public query filters through
//! here, so a draft cannot leak through one endpoint that forgot a check.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, DynIden, Expr, ExprTrait, IntoIden};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::db::entities::articles;
use crate::error::{Error, Result};

/// The life cycle of an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArticleStatus {
    Draft,
    /// Published at a future `published_at`: public from that moment on, with
    /// no job to flip it.
    Scheduled,
    Published,
    Archived,
}

impl ArticleStatus {
    pub const ALL: [ArticleStatus; 4] = [
        ArticleStatus::Draft,
        ArticleStatus::Scheduled,
        ArticleStatus::Published,
        ArticleStatus::Archived,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Scheduled => "scheduled",
            ArticleStatus::Published => "published",
            ArticleStatus::Archived => "archived",
        }
    }
}

/// Where a reader's comment stands. Stored as its lowercase name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentStatus {
    /// Waiting for a moderator.
    Pending,
    Approved,
    Spam,
    /// Removed by a moderator: kept for the record, shown to no reader.
    Deleted,
}

impl CommentStatus {
    pub const ALL: [CommentStatus; 4] = [
        CommentStatus::Pending,
        CommentStatus::Approved,
        CommentStatus::Spam,
        CommentStatus::Deleted,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Pending => "pending",
            CommentStatus::Approved => "approved",
            CommentStatus::Spam => "spam",
            CommentStatus::Deleted => "deleted",
        }
    }

    /// Reads a status named in `field`; anything else is an error naming it.
    pub fn parse(field: &str, raw: &str) -> Result<CommentStatus> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| Error::invalid(field, "must be pending, approved, spam or deleted"))
    }

    /// A stored status; one this code never writes is a fault, not input.
    pub fn stored(raw: &str) -> Result<CommentStatus> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| Error::Internal(format!("unknown stored comment status {raw:?}")))
    }
}

/// The statuses whose articles become public once `published_at` has passed.
const LIVE_STATUSES: [ArticleStatus; 2] = [ArticleStatus::Published, ArticleStatus::Scheduled];

/// Articles the public may read at `now`, for the articles table under `table`
/// (its own name, or the alias a join gave it).
pub fn public_articles(table: impl IntoIden, now: DateTime<Utc>) -> Condition {
    let table: DynIden = table.into_iden();
    Condition::all()
        .add(
            Expr::col((table.clone(), articles::Column::Status))
                .is_in(LIVE_STATUSES.map(ArticleStatus::as_str)),
        )
        .add(Expr::col((table, articles::Column::PublishedAt)).lte(now))
}

/// The status of a comment the public may read.
pub const PUBLIC_COMMENT_STATUS: &str = CommentStatus::Approved.as_str();

/// When the next article waiting for its publication time becomes public, if
/// one is waiting: the moment cached lists stop being true.
pub async fn next_publication(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let next: Option<Option<DateTime<Utc>>> = articles::Entity::find()
        .select_only()
        .column_as(articles::Column::PublishedAt.min(), "next")
        .filter(articles::Column::Status.is_in(LIVE_STATUSES.map(ArticleStatus::as_str)))
        .filter(articles::Column::PublishedAt.gt(now))
        .into_tuple()
        .one(db)
        .await?;
    Ok(next.flatten())
}

/// Which of `ids` are published or scheduled: the articles whose edits the
/// public sees now or will see at their publication time.
pub async fn live_among(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(articles::Entity::find()
        .select_only()
        .column(articles::Column::Id)
        .filter(articles::Column::Id.is_in(ids.iter().copied()))
        .filter(articles::Column::Status.is_in(LIVE_STATUSES.map(ArticleStatus::as_str)))
        .into_tuple()
        .all(db)
        .await?)
}
