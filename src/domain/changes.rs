//! What changed, as caches need to hear it. Every write records itself in the
//! audit log inside its own transaction, so the log is a complete, ordered
//! feed of changes; this turns a stretch of it into the cache tags it
//! retired. Scheduled articles go live with no write at all; the next
//! publication time tells caches when to expect that.

use chrono::{DateTime, Utc};

use super::audit::{self, AuditAction, AuditEntry, Audited};
use super::cache_tags::CacheTag;
use super::ids::ArticleId;
use super::newsdesk::Newsdesk;
use super::{comments, visibility};
use crate::error::Result;

/// Article actions that cannot change what the public sees while the article
/// is neither published nor scheduled.
const EDITS: [AuditAction; 6] = [
    AuditAction::Create,
    AuditAction::Update,
    AuditAction::SetRelatedLinks,
    AuditAction::Restore,
    AuditAction::Annotate,
    AuditAction::RemoveNote,
];

/// One stretch of the change feed.
#[derive(Debug, Default)]
pub struct Changes {
    /// The position after it; `None` when nothing was written since.
    pub last: Option<i64>,
    /// How many writes it holds.
    pub writes: usize,
    /// What those writes retired.
    pub retired: Vec<CacheTag>,
    /// Whether any wrote an article, which may have moved the schedule.
    pub touched_articles: bool,
    /// Whether a whole newsroom was written at once (by a seed command):
    /// every response is retired.
    pub everything: bool,
}

impl Newsdesk {
    /// Where the change feed stands now.
    pub async fn change_feed_position(&self) -> Result<i64> {
        audit::latest_id(self.db()).await
    }

    /// The next `limit` writes after position `after`, and what they retired.
    pub async fn changes_after(&self, after: i64, limit: u64) -> Result<Changes> {
        let entries = audit::since(self.db(), after, limit).await?;
        let Some(last) = entries.last() else {
            return Ok(Changes::default());
        };
        let last = last.id;
        let (retired, touched_articles) = self.retired_by(&entries).await?;
        Ok(Changes {
            last: Some(last),
            writes: entries.len(),
            everything: entries.iter().any(|e| e.resource == Audited::Newsroom),
            retired,
            touched_articles,
        })
    }

    /// When the next article waiting for its publication time goes live:
    /// the moment cached lists stop being true.
    pub async fn next_publication(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        visibility::next_publication(self.db(), now).await
    }

    async fn retired_by(&self, entries: &[AuditEntry]) -> Result<(Vec<CacheTag>, bool)> {
        let db = self.db();
        let mut tags = Vec::new();
        let articles = ids(entries, Audited::Article, |_| true);
        tags.extend(articles.iter().map(|&id| CacheTag::Article(ArticleId(id))));
        // Live entries show on their article's own pages only.
        let covered = ids(entries, Audited::LiveEntry, |_| true);
        tags.extend(covered.iter().map(|&id| CacheTag::Article(ArticleId(id))));
        let edited = ids(entries, Audited::Article, |e| EDITS.contains(&e.action));
        let moved =
            articles.len() > edited.len() || !visibility::live_among(db, &edited).await?.is_empty();
        if moved {
            tags.push(CacheTag::Articles);
        }
        // A comment held for moderation or caught as spam changes nothing public.
        let comments = ids(entries, Audited::Comment, |e| {
            e.action != AuditAction::Submit || e.detail == visibility::PUBLIC_COMMENT_STATUS
        });
        if !comments.is_empty() {
            tags.push(CacheTag::Comments);
            let on = comments::articles_of(db, &comments).await?;
            tags.extend(on.into_iter().map(|id| CacheTag::Article(ArticleId(id))));
        }
        if entries.iter().any(|e| e.resource.is_taxonomy()) {
            tags.push(CacheTag::Taxonomy);
        }
        Ok((tags, !articles.is_empty()))
    }
}

/// The ids of `resource` records that entries matching `keep` wrote.
fn ids(entries: &[AuditEntry], resource: Audited, keep: impl Fn(&AuditEntry) -> bool) -> Vec<i64> {
    entries
        .iter()
        .filter(|e| e.resource == resource && keep(e))
        .filter_map(|e| e.resource_id)
        .collect()
}
