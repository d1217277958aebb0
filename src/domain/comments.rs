//! Reader comments as the public sees them: approved threads, oldest first.

use crate::db::FetchRows;
use crate::domain::Newsdesk;
use crate::domain::audit::{self, AuditAction, Audited};
use crate::domain::ids::CommentId;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use super::articles;
use super::batch::dedup;
use super::ids::Slug;
use super::page::{Cursor, CursorKind, Page, PageRequest};
use super::replies::{self, Replies};
use super::visibility::{CommentStatus, PUBLIC_COMMENT_STATUS};
use crate::db::entities::comments;
use crate::db::fetch_all;
use crate::error::{Error, Result};

/// How readers' comments are taken in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommentPolicy {
    /// Publish at once instead of holding for moderation.
    pub auto_approve: bool,
    /// Comments one client address may post per minute.
    pub per_minute: u32,
}

/// A public comment and the first of its public replies. The author's email
/// and address hash are never part of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub id: CommentId,
    /// The comment this one answers; `None` for a thread's first comment.
    pub parent_id: Option<CommentId>,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub replies: Replies,
}

impl Comment {
    pub(super) fn of(model: comments::Model, replies: Replies) -> Comment {
        Comment {
            id: CommentId(model.id),
            parent_id: model.parent_id.map(CommentId),
            author_name: model.author_name,
            body: model.body,
            created_at: model.created_at,
            replies,
        }
    }
}

/// A page of approved top-level comments under each of `article_ids`, each
/// with the first of its replies: a statement for the pages and one per level
/// of replies shown, whatever the number of articles, the page size or the
/// threads' sizes, so a list of articles showing their comments costs no
/// more than one article. A reply whose parent is not approved is hidden
/// with it.
pub async fn threads_of(
    db: &impl FetchRows,
    article_ids: &[i64],
    page: &PageRequest,
) -> Result<HashMap<i64, Page<Comment>>> {
    if *page == super::documents::stored_thread_page() {
        return stored_threads_of(db, article_ids).await;
    }
    read_threads_of(db, article_ids, page).await
}

/// [`threads_of`] read from the comments, whatever the page: what the
/// stored pages must equal.
pub async fn read_threads_of(
    db: &impl FetchRows,
    article_ids: &[i64],
    page: &PageRequest,
) -> Result<HashMap<i64, Page<Comment>>> {
    let article_ids = dedup(article_ids);
    let groups = article_ids
        .iter()
        .map(|&id| first_comments_of(id))
        .collect();
    let pages = replies::pages_where(db, groups, CursorKind::Comments, page).await?;
    Ok(article_ids.into_iter().zip(pages).collect())
}

/// A comment as a stored page of threads holds it (`thread_pages`): the
/// public JSON of `openapi.yaml`'s `Comment`.
#[derive(serde::Deserialize)]
struct StoredComment {
    id: i64,
    parent_id: Option<i64>,
    author_name: String,
    body: String,
    created_at: DateTime<Utc>,
    replies: Vec<StoredComment>,
    reply_count: i64,
    replies_next_cursor: Option<String>,
}

impl StoredComment {
    fn comment(self) -> Result<Comment> {
        let next = self
            .replies_next_cursor
            .map(|raw| Cursor::decode("replies_next_cursor", CursorKind::Replies, &raw))
            .transpose()?;
        Ok(Comment {
            id: CommentId(self.id),
            parent_id: self.parent_id.map(CommentId),
            author_name: self.author_name,
            body: self.body,
            created_at: self.created_at,
            replies: Replies {
                items: self
                    .replies
                    .into_iter()
                    .map(StoredComment::comment)
                    .collect::<Result<_>>()?,
                total: self.reply_count,
                next,
            },
        })
    }
}

/// The stored first page of threads of each of `article_ids`, in one
/// statement; an article without one has no public comments.
async fn stored_threads_of(
    db: &impl FetchRows,
    article_ids: &[i64],
) -> Result<HashMap<i64, Page<Comment>>> {
    let article_ids = dedup(article_ids);
    let stored = super::thread_pages::stored_pages(db, &article_ids).await?;
    let mut pages: HashMap<i64, Page<Comment>> = article_ids
        .into_iter()
        .map(|id| {
            let none = Page {
                items: Vec::new(),
                next_cursor: None,
            };
            (id, none)
        })
        .collect();
    for page in stored {
        pages.insert(page.article_id, stored_page(&page.data, page.next_cursor)?);
    }
    Ok(pages)
}

/// A stored first page of threads (`thread_pages`): its JSON and its next
/// page's cursor, as read.
pub(crate) fn stored_page(data: &str, next_cursor: Option<String>) -> Result<Page<Comment>> {
    let threads: Vec<StoredComment> = serde_json::from_str(data)
        .map_err(|e| Error::Internal(format!("a stored page of threads: {e}")))?;
    let next_cursor = next_cursor
        .map(|raw| Cursor::decode("next_cursor", CursorKind::Comments, &raw))
        .transpose()?;
    Ok(Page {
        items: threads
            .into_iter()
            .map(StoredComment::comment)
            .collect::<Result<_>>()?,
        next_cursor,
    })
}

/// The first comments of `article_id`'s threads. A thread's first comment
/// has no root; asking by `root_id` rather than `parent_id` lets one index
/// answer in order, no sort.
fn first_comments_of(article_id: i64) -> Condition {
    Condition::all()
        .add(comments::Column::ArticleId.eq(article_id))
        .add(comments::Column::RootId.is_null())
}

/// An approved comment and what it replies to: what counting shown
/// comments needs.
#[derive(sea_orm::FromQueryResult, serde::Deserialize)]
pub(crate) struct Link {
    id: i64,
    article_id: i64,
    parent_id: Option<i64>,
}

/// How many comments each article shows: approved ones whose every ancestor
/// is approved too, exactly what the threads hold.
pub async fn counts_for(db: &impl FetchRows, article_ids: &[i64]) -> Result<HashMap<i64, i64>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let approved: Vec<Link> = fetch_all(
        db,
        &comments::Entity::find()
            .select_only()
            .columns([
                comments::Column::Id,
                comments::Column::ArticleId,
                comments::Column::ParentId,
            ])
            .filter(comments::Column::ArticleId.is_in(dedup(article_ids)))
            .filter(comments::Column::Status.eq(PUBLIC_COMMENT_STATUS))
            .into_query(),
    )
    .await?;
    Ok(count_shown(article_ids, &approved))
}

/// How many of the `approved` comments of each of `article_ids` are shown.
pub(crate) fn count_shown(article_ids: &[i64], approved: &[Link]) -> HashMap<i64, i64> {
    let parent_of: HashMap<i64, Option<i64>> =
        approved.iter().map(|c| (c.id, c.parent_id)).collect();
    let mut counts: HashMap<i64, i64> = article_ids.iter().map(|&id| (id, 0)).collect();
    for comment in approved {
        if shown(comment.id, &parent_of) {
            *counts.entry(comment.article_id).or_default() += 1;
        }
    }
    counts
}

/// True when the comment and all its ancestors are approved.
fn shown(id: i64, parent_of: &HashMap<i64, Option<i64>>) -> bool {
    let mut seen = HashSet::new();
    let mut current = id;
    loop {
        match parent_of.get(&current) {
            None => return false,
            Some(None) => return true,
            Some(Some(parent)) => {
                if !seen.insert(current) {
                    return false;
                }
                current = *parent;
            }
        }
    }
}

/// Public comments by id, each with the first of its public replies. A
/// comment is public when it, its ancestors and its article are; ancestors
/// are checked a level per statement, never by reading whole threads.
pub async fn comments_by_ids(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    ids: &[i64],
) -> Result<HashMap<i64, Comment>> {
    let shown = public_among(db, now, ids).await?;
    let ids: Vec<i64> = shown.iter().map(|c| c.id).collect();
    let mut replies = replies::shown_under(db, &ids).await?;
    Ok(shown
        .into_iter()
        .map(|c| {
            let under = replies.remove(&c.id).unwrap_or_default();
            (c.id, Comment::of(c, under))
        })
        .collect())
}

/// Whether the public may see this comment.
pub async fn is_public(db: &impl FetchRows, now: DateTime<Utc>, id: i64) -> Result<bool> {
    Ok(!public_among(db, now, &[id]).await?.is_empty())
}

/// The comments among `ids` the public may see, without their replies.
async fn public_among(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    ids: &[i64],
) -> Result<Vec<comments::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let wanted = comments::Entity::find()
        .filter(comments::Column::Id.is_in(dedup(ids)))
        .filter(comments::Column::Status.eq(PUBLIC_COMMENT_STATUS))
        .all(db)
        .await?;
    let visible_articles: HashSet<i64> = articles::rows_by_ids(
        db,
        now,
        &wanted.iter().map(|c| c.article_id).collect::<Vec<_>>(),
    )
    .await?
    .into_iter()
    .map(|a| a.id.0)
    .collect();
    let candidates: Vec<comments::Model> = wanted
        .into_iter()
        .filter(|c| visible_articles.contains(&c.article_id))
        .collect();
    let hidden = with_hidden_ancestors(db, &candidates).await?;
    Ok(candidates
        .into_iter()
        .filter(|c| !hidden.contains(&c.id))
        .collect())
}

/// Which of `comments` have an ancestor that is not approved.
async fn with_hidden_ancestors(
    db: &impl FetchRows,
    comments_: &[comments::Model],
) -> Result<HashSet<i64>> {
    // Each comment's nearest ancestor not yet checked.
    let mut climbing: HashMap<i64, i64> = comments_
        .iter()
        .filter_map(|c| c.parent_id.map(|parent| (c.id, parent)))
        .collect();
    let mut hidden = HashSet::new();
    while !climbing.is_empty() {
        let parents: Vec<i64> = climbing.values().copied().collect();
        let found: HashMap<i64, comments::Model> = comments::Entity::find()
            .filter(comments::Column::Id.is_in(dedup(&parents)))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let mut next = HashMap::new();
        for (comment, ancestor) in climbing {
            match found.get(&ancestor) {
                Some(a) if a.status == PUBLIC_COMMENT_STATUS => {
                    if let Some(up) = a.parent_id {
                        next.insert(comment, up);
                    }
                }
                _ => {
                    hidden.insert(comment);
                }
            }
        }
        climbing = next;
    }
    Ok(hidden)
}

/// A reader's comment as submitted: untrusted, validated here.
#[derive(Clone, Debug, Default)]
pub struct CommentInput {
    pub parent_id: Option<CommentId>,
    pub author_name: String,
    pub author_email: String,
    pub body: String,
    /// A form field people never see; bots fill it in.
    pub honeypot: Option<String>,
}

/// What the submitter learns: the id, and whether it shows now or after review.
/// Spam is reported as pending, so a spammer learns nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmittedComment {
    pub id: CommentId,
    pub status: CommentStatus,
}

/// Links a comment may carry before it counts as spam.
const MAX_LINKS: usize = 2;
const MAX_NAME: usize = 80;
const MAX_BODY: usize = 5_000;

fn count_links(body: &str) -> usize {
    let lower = body.to_lowercase();
    ["http://", "https://", "www."]
        .iter()
        .map(|p| lower.matches(p).count())
        .sum()
}

/// Takes in a reader's comment on a public article open for comments. It
/// waits for moderation unless auto-approval is on or the caller may moderate.
/// `client` names who is posting, for the rate limit: a token, or an address.
pub async fn submit_comment(
    desk: &Newsdesk,
    actor: &super::actor::Actor,
    client: &str,
    article: &Slug,
    input: CommentInput,
) -> Result<SubmittedComment> {
    use super::actor::{Actor, Scope};
    use super::checks::Checks;
    use crate::error::Error;
    let db = desk.db();
    let policy = desk.comment_policy();
    if !actor.is_anonymous() && !actor.has(Scope::CommentsWrite) {
        return Err(Error::Forbidden(Scope::CommentsWrite.as_str()));
    }
    let (article_id, open) = articles::commentable(db, desk.now(), article).await?;
    let name = input.author_name.trim().to_owned();
    let email = input.author_email.trim().to_owned();
    let body = input.body.trim().to_owned();
    let mut checks = Checks::new();
    checks.name("author_name", Some(&name), MAX_NAME, true);
    checks.email("author_email", &email);
    checks.name("body", Some(&body), MAX_BODY, true);
    checks.finish()?;
    if !open {
        return Err(Error::invalid(
            "article",
            "comments are closed on this article",
        ));
    }
    if let Some(CommentId(parent)) = input.parent_id
        && (!is_public(db, desk.now(), parent).await?
            || !belongs_to(db, parent, article_id).await?)
    {
        return Err(Error::invalid(
            "parent_id",
            "no public comment with this id on this article",
        ));
    }
    desk.comment_limits()
        .hit(&format!("comment:{client}"), policy.per_minute)
        .await?;
    let spam = input
        .honeypot
        .as_deref()
        .is_some_and(|h| !h.trim().is_empty())
        || count_links(&body) > MAX_LINKS;
    let trusted = matches!(actor, Actor::Editor { .. }) || actor.has(Scope::CommentsModerate);
    let status = if spam {
        CommentStatus::Spam
    } else if policy.auto_approve || trusted {
        CommentStatus::Approved
    } else {
        CommentStatus::Pending
    };
    let txn = crate::db::begin_write(db).await?;
    let id = super::editing::create_comment(
        &txn,
        super::editing::NewComment {
            article: article_id,
            parent: input.parent_id.map(i64::from),
            author_name: name,
            author_email: email,
            body,
            status,
            created_at: super::time::now(),
            ip_hash: Some(crate::crypto::token::hash(&format!(
                "newsdesk-client:{client}"
            ))),
        },
    )
    .await?;
    audit::record(
        &txn,
        actor,
        AuditAction::Submit,
        Audited::Comment,
        Some(id),
        status.as_str(),
    )
    .await?;
    super::outbox::comment_moved(desk, &txn, id, article_id, None, status).await?;
    txn.commit().await?;
    Ok(SubmittedComment {
        id: CommentId(id),
        status: match status {
            CommentStatus::Approved => CommentStatus::Approved,
            _ => CommentStatus::Pending,
        },
    })
}

/// The articles the given comments belong to, whatever their status.
pub async fn articles_of(db: &impl FetchRows, ids: &[i64]) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let articles: Vec<i64> = comments::Entity::find()
        .select_only()
        .column(comments::Column::ArticleId)
        .filter(comments::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(dedup(&articles))
}

async fn belongs_to(db: &impl FetchRows, comment: i64, article: i64) -> Result<bool> {
    Ok(comments::Entity::find_by_id(comment)
        .one(db)
        .await?
        .is_some_and(|c| c.article_id == article))
}
