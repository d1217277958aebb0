//! The event outbox: every change the outside may hear of, written as an
//! event in the same transaction as the write, numbered in commit order.
//! Webhooks, the CDN purge and the sync API all read it.
//!
//! An article's events follow one stored fact, `articles.announced`: whether
//! the outside has been told it is public. A write that makes it public
//! announces it (`article.published`), one that keeps it public updates it,
//! one that takes it away says how (`unpublished`, `archived`, `deleted`).
//! Drafts are never announced. A scheduled article goes public with no
//! write at all; [`Newsdesk::announce_due_publications`] flips the fact
//! when its time comes, with a conditional update, so it is announced once
//! however many nodes look.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use serde_json::{Value, json};

use super::cache_tags::CacheTag;
use super::ids::ArticleId;
use super::newsdesk::Newsdesk;
use super::time;
use super::visibility::{ArticleStatus, CommentStatus};
use crate::db::entities::{articles, events, webhook_deliveries, webhook_endpoints};
use crate::error::{Error, Result};

/// What happened, as receivers see it in `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    ArticlePublished,
    ArticleUpdated,
    ArticleUnpublished,
    ArticleArchived,
    ArticleDeleted,
    CommentApproved,
    CommentRemoved,
    SectionCreated,
    SectionUpdated,
    SectionDeleted,
    AuthorCreated,
    AuthorUpdated,
    AuthorDeleted,
    TagCreated,
    TagUpdated,
    TagDeleted,
    LiveEntryAdded,
    LiveEntryUpdated,
    LiveEntryDeleted,
    /// Someone asked for a newsletter; for deployments that mail through
    /// their own service. Never in the sync feed.
    NewsletterConfirmationRequested,
}

/// What an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    Article,
    Comment,
    Section,
    Author,
    Tag,
    LiveEntry,
    Newsletter,
}

impl Subject {
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Article => "article",
            Subject::Comment => "comment",
            Subject::Section => "section",
            Subject::Author => "author",
            Subject::Tag => "tag",
            Subject::LiveEntry => "live_entry",
            Subject::Newsletter => "newsletter",
        }
    }
}

impl EventKind {
    pub const ALL: [EventKind; 20] = [
        EventKind::ArticlePublished,
        EventKind::ArticleUpdated,
        EventKind::ArticleUnpublished,
        EventKind::ArticleArchived,
        EventKind::ArticleDeleted,
        EventKind::CommentApproved,
        EventKind::CommentRemoved,
        EventKind::SectionCreated,
        EventKind::SectionUpdated,
        EventKind::SectionDeleted,
        EventKind::AuthorCreated,
        EventKind::AuthorUpdated,
        EventKind::AuthorDeleted,
        EventKind::TagCreated,
        EventKind::TagUpdated,
        EventKind::TagDeleted,
        EventKind::LiveEntryAdded,
        EventKind::LiveEntryUpdated,
        EventKind::LiveEntryDeleted,
        EventKind::NewsletterConfirmationRequested,
    ];

    pub fn as_str(self) -> &'static str {
        use EventKind::*;
        match self {
            ArticlePublished => "article.published",
            ArticleUpdated => "article.updated",
            ArticleUnpublished => "article.unpublished",
            ArticleArchived => "article.archived",
            ArticleDeleted => "article.deleted",
            CommentApproved => "comment.approved",
            CommentRemoved => "comment.removed",
            SectionCreated => "section.created",
            SectionUpdated => "section.updated",
            SectionDeleted => "section.deleted",
            AuthorCreated => "author.created",
            AuthorUpdated => "author.updated",
            AuthorDeleted => "author.deleted",
            TagCreated => "tag.created",
            TagUpdated => "tag.updated",
            TagDeleted => "tag.deleted",
            LiveEntryAdded => "live_entry.added",
            LiveEntryUpdated => "live_entry.updated",
            LiveEntryDeleted => "live_entry.deleted",
            NewsletterConfirmationRequested => "newsletter.confirmation_requested",
        }
    }

    pub fn subject(self) -> Subject {
        use EventKind::*;
        match self {
            ArticlePublished | ArticleUpdated | ArticleUnpublished | ArticleArchived
            | ArticleDeleted => Subject::Article,
            CommentApproved | CommentRemoved => Subject::Comment,
            SectionCreated | SectionUpdated | SectionDeleted => Subject::Section,
            AuthorCreated | AuthorUpdated | AuthorDeleted => Subject::Author,
            TagCreated | TagUpdated | TagDeleted => Subject::Tag,
            LiveEntryAdded | LiveEntryUpdated | LiveEntryDeleted => Subject::LiveEntry,
            NewsletterConfirmationRequested => Subject::Newsletter,
        }
    }

    /// Whether the event tells of something public, which caches and CDNs
    /// hold; only those carry surrogate keys and reach the CDN purge.
    pub fn is_content(self) -> bool {
        self.subject() != Subject::Newsletter
    }

    pub fn stored(raw: &str) -> Result<EventKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| Error::Internal(format!("unknown stored event type {raw:?}")))
    }
}

/// An event as the outbox keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Its place in the sequence.
    pub seq: i64,
    pub kind: EventKind,
    pub subject_id: i64,
    /// What receivers get as `data`.
    pub data: Value,
    pub occurred_at: DateTime<Utc>,
}

impl Event {
    /// The body every receiver gets: `{type, timestamp, data}`.
    pub fn body(&self) -> String {
        json!({
            "type": self.kind.as_str(),
            "timestamp": self.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "data": self.data,
        })
        .to_string()
    }

    /// The surrogate keys `data` names.
    pub fn surrogate_keys(&self) -> Vec<String> {
        self.data["surrogate_keys"]
            .as_array()
            .map(|keys| {
                keys.iter()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl TryFrom<events::Model> for Event {
    type Error = Error;

    fn try_from(m: events::Model) -> Result<Event> {
        Ok(Event {
            seq: m.id,
            kind: EventKind::stored(&m.kind)?,
            subject_id: m.subject_id,
            data: serde_json::from_str(&m.data)
                .map_err(|e| Error::Internal(format!("stored event {} is not JSON: {e}", m.id)))?,
            occurred_at: m.occurred_at,
        })
    }
}

/// Whether an endpoint subscribed with `patterns` wants events of `kind`:
/// `*`, a whole family (`article.*`) or one type.
pub fn wants(patterns: &str, kind: EventKind) -> bool {
    let name = kind.as_str();
    patterns.split(',').map(str::trim).any(|p| {
        p == "*"
            || p == name
            || p.strip_suffix(".*")
                .is_some_and(|family| name.split('.').next() == Some(family))
    })
}

/// Whether `pattern` can name some event: an exact type, `family.*` or `*`.
pub fn is_known_pattern(pattern: &str) -> bool {
    pattern == "*"
        || EventKind::ALL.iter().any(|k| {
            k.as_str() == pattern || pattern.strip_suffix(".*") == k.as_str().split('.').next()
        })
}

/// Writes `kind` about `subject_id` with `data`, and the deliveries it owes:
/// to every endpoint that wants it, to the CDN purge, to a mailbox. `once` makes the
/// event happen at most once, whoever writes it.
pub(in crate::domain) async fn emit(
    desk: &Newsdesk,
    txn: &DatabaseTransaction,
    kind: EventKind,
    subject_id: i64,
    data: Value,
    once: Option<String>,
) -> Result<i64> {
    // Events are read as "everything after N": they must become visible in
    // sequence order, which the feed lock gives on PostgreSQL.
    super::events::serialize_and_notify(txn).await?;
    let now = time::truncate(desk.now());
    let event = events::ActiveModel {
        kind: Set(kind.as_str().to_owned()),
        subject: Set(kind.subject().as_str().to_owned()),
        subject_id: Set(subject_id),
        data: Set(data.to_string()),
        once_key: Set(once),
        occurred_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let endpoints: Vec<(i64, String)> = webhook_endpoints::Entity::find()
        .select_only()
        .column(webhook_endpoints::Column::Id)
        .column(webhook_endpoints::Column::Events)
        .filter(webhook_endpoints::Column::Enabled.eq(true))
        .into_tuple()
        .all(txn)
        .await?;
    use super::webhooks::deliveries::{Target, owed};
    let mut targets: Vec<Target> = endpoints
        .into_iter()
        .filter(|(_, patterns)| wants(patterns, kind))
        .map(|(id, _)| Target::Webhook(id))
        .collect();
    if kind.is_content() && desk.outbound().purge.is_some() {
        targets.push(Target::Purge);
    }
    if kind == EventKind::NewsletterConfirmationRequested && desk.outbound().mail.smtp_url.is_some()
    {
        targets.push(Target::Mail);
    }
    if !targets.is_empty() {
        webhook_deliveries::Entity::insert_many(
            targets
                .into_iter()
                .map(|target| owed(target, event.id, now)),
        )
        .exec(txn)
        .await?;
    }
    Ok(event.id)
}

/// The article part of an event's `data`.
fn article_data(desk: &Newsdesk, id: i64, slug: &str, canonical: Option<&str>) -> Value {
    json!({
        "id": id,
        "slug": slug,
        "url": desk.outbound().site.canonical(slug, canonical),
    })
}

fn keys(tags: &[CacheTag]) -> Value {
    Value::from(tags.iter().map(ToString::to_string).collect::<Vec<_>>())
}

/// What an article's own events carry: the article and every cached
/// response that showed it (its page, and every list with its teaser).
fn article_event_data(desk: &Newsdesk, row: &AnnouncedRow) -> Value {
    let mut data = article_data(desk, row.id, &row.slug, row.canonical_url.as_deref());
    data["surrogate_keys"] = keys(&[CacheTag::Article(ArticleId(row.id)), CacheTag::Articles]);
    data
}

/// The stored facts an article's events follow.
#[derive(Clone, Debug)]
pub(in crate::domain) struct AnnouncedRow {
    pub id: i64,
    pub slug: String,
    pub canonical_url: Option<String>,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub announced: bool,
}

impl AnnouncedRow {
    fn is_public(&self, now: DateTime<Utc>) -> bool {
        let live = self.status == ArticleStatus::Published.as_str()
            || self.status == ArticleStatus::Scheduled.as_str();
        live && self.published_at.is_some_and(|at| at <= now)
    }
}

/// The columns of an [`AnnouncedRow`], in order.
type AnnouncedTuple = (
    i64,
    String,
    Option<String>,
    String,
    Option<DateTime<Utc>>,
    bool,
);

pub(in crate::domain) async fn announced_row(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<AnnouncedRow>> {
    let row: Option<AnnouncedTuple> = articles::Entity::find_by_id(id)
        .select_only()
        .columns([
            articles::Column::Id,
            articles::Column::Slug,
            articles::Column::CanonicalUrl,
            articles::Column::Status,
            articles::Column::PublishedAt,
            articles::Column::Announced,
        ])
        .into_tuple()
        .one(db)
        .await?;
    Ok(row.map(
        |(id, slug, canonical_url, status, published_at, announced)| AnnouncedRow {
            id,
            slug,
            canonical_url,
            status,
            published_at,
            announced,
        },
    ))
}

/// Sets `announced` from `from` to `to`; false when another writer already
/// did, which then also wrote the event.
async fn flip(txn: &DatabaseTransaction, id: i64, from: bool, to: bool) -> Result<bool> {
    let done = articles::Entity::update_many()
        .col_expr(
            articles::Column::Announced,
            sea_orm::sea_query::Expr::value(to),
        )
        .filter(articles::Column::Id.eq(id))
        .filter(articles::Column::Announced.eq(from))
        .exec(txn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Tells the outside what a write to article `id` changed for it, if anything.
pub(in crate::domain) async fn article_written(
    desk: &Newsdesk,
    txn: &DatabaseTransaction,
    id: i64,
) -> Result<()> {
    let Some(row) = announced_row(txn, id).await? else {
        return Ok(());
    };
    let public = row.is_public(desk.now());
    let kind = match (row.announced, public) {
        (false, false) => return Ok(()),
        (true, true) => EventKind::ArticleUpdated,
        (false, true) => EventKind::ArticlePublished,
        (true, false) if row.status == ArticleStatus::Archived.as_str() => {
            EventKind::ArticleArchived
        }
        (true, false) => EventKind::ArticleUnpublished,
    };
    if row.announced != public && !flip(txn, id, row.announced, public).await? {
        return Ok(());
    }
    let data = article_event_data(desk, &row);
    emit(desk, txn, kind, id, data, None).await?;
    Ok(())
}

/// Tells the outside an article it knew is gone; `row` is read before the delete.
pub(in crate::domain) async fn article_deleted(
    desk: &Newsdesk,
    txn: &DatabaseTransaction,
    row: &AnnouncedRow,
) -> Result<()> {
    if row.announced {
        let data = article_event_data(desk, row);
        emit(desk, txn, EventKind::ArticleDeleted, row.id, data, None).await?;
    }
    Ok(())
}

/// Tells the outside a comment went public or stopped being public. Only
/// comments on announced articles are news.
pub(in crate::domain) async fn comment_moved(
    desk: &Newsdesk,
    txn: &DatabaseTransaction,
    comment: i64,
    article: i64,
    before: Option<CommentStatus>,
    after: CommentStatus,
) -> Result<()> {
    let was = before == Some(CommentStatus::Approved);
    let is = after == CommentStatus::Approved;
    let kind = match (was, is) {
        (false, true) => EventKind::CommentApproved,
        (true, false) => EventKind::CommentRemoved,
        _ => return Ok(()),
    };
    let Some(row) = announced_row(txn, article).await?.filter(|r| r.announced) else {
        return Ok(());
    };
    let data = json!({
        "id": comment,
        "article": article_data(desk, row.id, &row.slug, row.canonical_url.as_deref()),
        "surrogate_keys": keys(&[CacheTag::Article(ArticleId(row.id)), CacheTag::Comments]),
    });
    emit(desk, txn, kind, comment, data, None).await?;
    Ok(())
}

/// Tells the outside a live entry changed on an announced article.
pub(in crate::domain) async fn live_entry_written(
    desk: &Newsdesk,
    txn: &DatabaseTransaction,
    kind: EventKind,
    entry: i64,
    article: ArticleId,
) -> Result<()> {
    let Some(row) = announced_row(txn, article.0).await?.filter(|r| r.announced) else {
        return Ok(());
    };
    let data = json!({
        "id": entry,
        "article": article_data(desk, row.id, &row.slug, row.canonical_url.as_deref()),
        "surrogate_keys": keys(&[CacheTag::Article(article)]),
    });
    emit(desk, txn, kind, entry, data, None).await?;
    Ok(())
}

/// Tells the outside a section, author or tag was created, edited or deleted.
pub(in crate::domain) async fn taxonomy_written(
    desk: &Newsdesk,
    txn: &DatabaseTransaction,
    kind: EventKind,
    id: i64,
    slug: &str,
) -> Result<()> {
    let data = json!({
        "id": id,
        "slug": slug,
        "surrogate_keys": keys(&[CacheTag::Taxonomy]),
    });
    emit(desk, txn, kind, id, data, None).await?;
    Ok(())
}

/// How many scheduled articles one pass announces; the next pass takes the rest.
const DUE_BATCH: u64 = 100;

impl Newsdesk {
    /// Announces the scheduled articles whose time has come, each once
    /// whichever node gets there first; says how many this call announced.
    pub async fn announce_due_publications(&self) -> Result<usize> {
        let now = self.now();
        // The index of articles waiting (`idx_articles_due`) answers this
        // poll only when its predicate is in the text: PostgreSQL plans the
        // statement once for every value (`force_generic_plan`), and with a
        // bound status it walked every article: 0.4 s a poll at a million.
        let waiting = sea_orm::sea_query::Expr::cust(format!("({})", migration::DUE_PREDICATE));
        let due: Vec<i64> = articles::Entity::find()
            .select_only()
            .column(articles::Column::Id)
            .filter(waiting)
            .filter(articles::Column::PublishedAt.lte(now))
            .order_by_asc(articles::Column::PublishedAt)
            .limit(DUE_BATCH)
            .into_tuple()
            .all(self.db())
            .await?;
        let mut announced = 0;
        for id in due {
            let txn = crate::db::begin_write(self.db()).await?;
            // The claim comes first: on SQLite a transaction that read
            // before writing could not take the write lock from another.
            let claimed = articles::Entity::update_many()
                .col_expr(
                    articles::Column::Announced,
                    sea_orm::sea_query::Expr::value(true),
                )
                .filter(articles::Column::Id.eq(id))
                .filter(articles::Column::Announced.eq(false))
                .filter(articles::Column::Status.eq(ArticleStatus::Scheduled.as_str()))
                .filter(articles::Column::PublishedAt.lte(now))
                .exec(&txn)
                .await?;
            let row = match announced_row(&txn, id).await? {
                Some(row) if claimed.rows_affected == 1 => row,
                _ => continue,
            };
            let once = row
                .published_at
                .map(|at| format!("article.published:{id}:{}", at.timestamp_micros()));
            let data = article_event_data(self, &row);
            emit(self, &txn, EventKind::ArticlePublished, id, data, once).await?;
            txn.commit().await?;
            announced += 1;
        }
        Ok(announced)
    }

    /// Events after `after`, oldest first, at most `limit`.
    pub(in crate::domain) async fn outbox_after(
        &self,
        after: i64,
        limit: u64,
    ) -> Result<Vec<Event>> {
        events::Entity::find()
            .filter(events::Column::Id.gt(after))
            .order_by_asc(events::Column::Id)
            .limit(limit)
            .all(self.db())
            .await?
            .into_iter()
            .map(Event::try_from)
            .collect()
    }

    /// The newest event's place in the sequence; 0 before the first.
    pub(in crate::domain) async fn last_event(&self) -> Result<i64> {
        let last: Option<i64> = events::Entity::find()
            .select_only()
            .column(events::Column::Id)
            .order_by_desc(events::Column::Id)
            .limit(1)
            .into_tuple()
            .one(self.db())
            .await?;
        Ok(last.unwrap_or(0))
    }

    /// Forgets events older than the retention window, except those a
    /// delivery still waits to send; says how many went.
    pub async fn prune_events(&self) -> Result<u64> {
        let before = self.now() - self.outbound().event_retention;
        let pending = webhook_deliveries::Entity::find()
            .select_only()
            .column(webhook_deliveries::Column::EventId)
            .filter(webhook_deliveries::Column::Status.eq(super::webhooks::deliveries::PENDING))
            .into_query();
        let gone = events::Entity::delete_many()
            .filter(events::Column::OccurredAt.lt(before))
            .filter(events::Column::Id.not_in_subquery(pending))
            .exec(self.db())
            .await?;
        Ok(gone.rows_affected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_a_type_its_family_or_everything() {
        assert!(wants("article.*", EventKind::ArticleDeleted));
        assert!(wants("comment.approved, tag.*", EventKind::TagUpdated));
        assert!(wants("*", EventKind::LiveEntryAdded));
        assert!(!wants("article.*", EventKind::CommentApproved));
        assert!(!wants("article.published", EventKind::ArticleUpdated));
        assert!(!wants("live.*", EventKind::LiveEntryAdded));
    }

    #[test]
    fn only_patterns_that_name_events_are_known() {
        assert!(is_known_pattern("article.*"));
        assert!(is_known_pattern("live_entry.added"));
        assert!(is_known_pattern("*"));
        assert!(!is_known_pattern("article.publish"));
        assert!(!is_known_pattern("articles.*"));
        assert!(!is_known_pattern(""));
    }

    #[test]
    fn every_type_is_read_back_as_itself() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::stored(kind.as_str()).ok(), Some(kind));
        }
    }
}
