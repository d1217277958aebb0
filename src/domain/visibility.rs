//! The one rule of what the public may see. Every public query filters through
//! here, so a draft cannot leak through one endpoint that forgot a check.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, DynIden, Expr, ExprTrait, IntoIden};

use crate::db::entities::articles;

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
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Scheduled => "scheduled",
            ArticleStatus::Published => "published",
            ArticleStatus::Archived => "archived",
        }
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
pub const PUBLIC_COMMENT_STATUS: &str = "approved";
