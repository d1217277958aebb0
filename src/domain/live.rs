//! Live coverage: timestamped entries appended to an article while a story
//! unfolds. Editors add, edit and delete them (each audited); readers page
//! them newest first, or ask only for what came after the newest they hold.

use crate::db::FetchRows;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait,
    FromQueryResult, IntoActiveModel, QueryFilter,
};
use serde_json::value::RawValue;

use super::actor::{Actor, Scope};
use super::articles;
use super::audit::{self, AuditAction, Audited};
use super::cache_tags::CacheTags;
use super::checks::Checks;
use super::editing;
use super::ids::{ArticleId, Slug};
use super::newsdesk::{Newsdesk, Reader};
use super::outbox::EventKind;
use super::page::{Cursor, CursorKind, Limit, Page};
use super::reads::Tagged;
use super::time;
use crate::db::entities::{articles as article_table, authors, live_entries};
use crate::db::fetch_all;
use crate::error::{Error, Resource, Result};

/// What writing live entries needs.
pub const SCOPE: Scope = Scope::ContentWrite;

/// The longest entry body, in bytes.
const MAX_ENTRY: usize = 20_000;

/// One entry of live coverage.
#[derive(Clone, Debug)]
pub struct LiveEntry {
    pub id: i64,
    pub article_id: ArticleId,
    /// The journalist credited, if any.
    pub author: Option<EntryAuthor>,
    pub body_markdown: String,
    pub body_html: String,
    /// The body's blocks as stored, passed through as is.
    pub body_blocks: Box<RawValue>,
    /// Kept at the top of the coverage by frontends.
    pub pinned: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The journalist an entry credits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryAuthor {
    pub slug: String,
    pub name: String,
}

/// An entry's fields as a client sends them, untrusted. On an edit, `None`
/// keeps what is stored; an empty author slug removes the credit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntryFields {
    pub body_markdown: Option<String>,
    /// An author slug.
    pub author: Option<String>,
    pub pinned: Option<bool>,
}

/// Which entries a reader asks for, newest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryPage {
    pub limit: Limit,
    /// Older than this entry: the next page down.
    pub after: Option<Cursor>,
    /// Newer than this entry: what was added since the client last looked.
    pub since: Option<Cursor>,
}

impl EntryPage {
    /// Parses `limit`, `cursor` and `since`, reporting every bad one at once.
    pub fn parse(
        limit: Option<&str>,
        cursor: Option<&str>,
        since: Option<&str>,
    ) -> Result<EntryPage> {
        let page = super::page::PageRequest::parse(CursorKind::LiveEntries, limit, cursor);
        let since = since
            .map(|raw| Cursor::decode("since", CursorKind::LiveEntries, raw))
            .transpose();
        match (page, since) {
            (Ok(page), Ok(since)) => Ok(EntryPage {
                limit: page.limit,
                after: page.after,
                since,
            }),
            (page, since) => Err(crate::error::merge_errors([page.err(), since.err()])
                .expect("one of the two failed")),
        }
    }
}

#[derive(FromQueryResult, serde::Deserialize)]
struct EntryRow {
    id: i64,
    article_id: i64,
    author_slug: Option<String>,
    author_name: Option<String>,
    body_markdown: String,
    body_html: String,
    body_blocks: String,
    pinned: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<EntryRow> for LiveEntry {
    type Error = Error;

    fn try_from(r: EntryRow) -> Result<Self> {
        let body_blocks = RawValue::from_string(r.body_blocks).map_err(|e| {
            Error::Internal(format!(
                "stored blocks of live entry {} are not JSON: {e}",
                r.id
            ))
        })?;
        Ok(LiveEntry {
            id: r.id,
            article_id: ArticleId(r.article_id),
            author: match (r.author_slug, r.author_name) {
                (Some(slug), Some(name)) => Some(EntryAuthor { slug, name }),
                _ => None,
            },
            body_markdown: r.body_markdown,
            body_html: r.body_html,
            body_blocks,
            pinned: r.pinned,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// Entries with their authors, to add conditions and an order to.
fn entries() -> SelectStatement {
    use live_entries::Column as E;
    Query::select()
        .columns(
            [
                E::Id,
                E::ArticleId,
                E::BodyMarkdown,
                E::BodyHtml,
                E::BodyBlocks,
                E::Pinned,
                E::CreatedAt,
                E::UpdatedAt,
            ]
            .map(|c| (live_entries::Entity, c)),
        )
        .expr_as(
            Expr::col((authors::Entity, authors::Column::Slug)),
            "author_slug",
        )
        .expr_as(
            Expr::col((authors::Entity, authors::Column::Name)),
            "author_name",
        )
        .from(live_entries::Entity)
        .left_join(
            authors::Entity,
            Expr::col((authors::Entity, authors::Column::Id))
                .equals((live_entries::Entity, E::AuthorId)),
        )
        .to_owned()
}

async fn fetch(db: &impl FetchRows, q: &SelectStatement) -> Result<Vec<LiveEntry>> {
    fetch_all::<EntryRow>(db, q)
        .await?
        .into_iter()
        .map(LiveEntry::try_from)
        .collect()
}

async fn one(db: &impl FetchRows, article: ArticleId, entry: i64) -> Result<LiveEntry> {
    let q = entries()
        .and_where(Expr::col((live_entries::Entity, live_entries::Column::Id)).eq(entry))
        .and_where(Expr::col((live_entries::Entity, live_entries::Column::ArticleId)).eq(article.0))
        .to_owned();
    fetch(db, &q)
        .await?
        .into_iter()
        .next()
        .ok_or(Error::NotFound(Resource::LiveEntry))
}

/// The entries of `article` a page asks for, newest first.
async fn page_of(
    db: &impl FetchRows,
    article: ArticleId,
    page: &EntryPage,
) -> Result<Page<LiveEntry>> {
    let (at, id) = (
        Expr::col((live_entries::Entity, live_entries::Column::CreatedAt)),
        Expr::col((live_entries::Entity, live_entries::Column::Id)),
    );
    let mut q = entries()
        .and_where(Expr::col((live_entries::Entity, live_entries::Column::ArticleId)).eq(article.0))
        .order_by_expr(at.clone(), Order::Desc)
        .order_by_expr(id.clone(), Order::Desc)
        .limit(page.limit.get() + 1)
        .to_owned();
    if let Some(after) = page.after {
        q.and_where(after.before(at.clone(), id.clone()));
    }
    if let Some(since) = page.since {
        q.and_where(since.after(at, id));
    }
    Ok(Page::from_overfetch(
        fetch(db, &q).await?,
        page.limit,
        |e: &LiveEntry| Cursor {
            kind: CursorKind::LiveEntries,
            at: e.created_at,
            id: e.id,
        },
    ))
}

/// The cursor of an entry, for `since`.
pub fn cursor_of(entry: &LiveEntry) -> Cursor {
    Cursor {
        kind: CursorKind::LiveEntries,
        at: entry.created_at,
        id: entry.id,
    }
}

impl Reader {
    /// A public article's live entries, newest first.
    pub async fn live_entries(
        &self,
        slug: &Slug,
        page: &EntryPage,
    ) -> Result<Tagged<Page<LiveEntry>>> {
        let id = articles::public_id(self.db(), self.now(), slug).await?;
        self.live_entries_of(id, page).await
    }

    /// The live entries of an article the caller already knows to be public.
    pub async fn live_entries_of(
        &self,
        article: ArticleId,
        page: &EntryPage,
    ) -> Result<Tagged<Page<LiveEntry>>> {
        let page = page_of(self.db(), article, page).await?;
        Ok(Tagged {
            value: page,
            tags: CacheTags::article(article),
        })
    }

    /// One entry, if its article is public.
    pub async fn live_entry(&self, entry: i64) -> Result<Option<LiveEntry>> {
        let q = entries()
            .and_where(Expr::col((live_entries::Entity, live_entries::Column::Id)).eq(entry))
            .and_where(
                Expr::col((live_entries::Entity, live_entries::Column::ArticleId)).in_subquery(
                    articles::public_row_select(self.now())
                        .clear_selects()
                        .column((article_table::Entity, article_table::Column::Id))
                        .to_owned(),
                ),
            )
            .to_owned();
        Ok(fetch(self.db(), &q).await?.into_iter().next())
    }
}

impl Newsdesk {
    /// Appends an entry to an article's live coverage.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn add_live_entry(
        &self,
        actor: &Actor,
        article: ArticleId,
        fields: EntryFields,
    ) -> Result<LiveEntry> {
        actor.require(SCOPE)?;
        let db = self.db();
        let mut checks = Checks::new();
        checks.require(
            fields.body_markdown.is_some(),
            "body_markdown",
            "is required",
        );
        let author = self.checked(&fields, &mut checks).await?;
        checks.finish()?;
        super::publishing::ensure_exists(db, article).await?;
        let (html, blocks, _) = editing::derive_body(fields.body_markdown.as_deref().unwrap_or(""));
        let now = time::truncate(self.now());
        let txn = crate::db::begin_write(db).await?;
        let saved = live_entries::ActiveModel {
            article_id: Set(article.0),
            author_id: Set(author.flatten()),
            body_markdown: Set(fields.body_markdown.unwrap_or_default()),
            body_html: Set(html),
            body_blocks: Set(blocks),
            pinned: Set(fields.pinned.unwrap_or(false)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audited(self, &txn, actor, AuditAction::Create, article, saved.id).await?;
        txn.commit().await?;
        one(db, article, saved.id).await
    }

    /// Edits an entry: its text, credit or pin.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn edit_live_entry(
        &self,
        actor: &Actor,
        article: ArticleId,
        entry: i64,
        fields: EntryFields,
    ) -> Result<LiveEntry> {
        actor.require(SCOPE)?;
        let db = self.db();
        let mut checks = Checks::new();
        let author = self.checked(&fields, &mut checks).await?;
        checks.finish()?;
        let txn = crate::db::begin_write(db).await?;
        let mut model = live_entries::Entity::find_by_id(entry)
            .filter(live_entries::Column::ArticleId.eq(article.0))
            .one(&txn)
            .await?
            .ok_or(Error::NotFound(Resource::LiveEntry))?
            .into_active_model();
        if let Some(body) = fields.body_markdown {
            let (html, blocks, _) = editing::derive_body(&body);
            model.body_markdown = Set(body);
            model.body_html = Set(html);
            model.body_blocks = Set(blocks);
        }
        if let Some(author) = author {
            model.author_id = Set(author);
        }
        if let Some(pinned) = fields.pinned {
            model.pinned = Set(pinned);
        }
        model.updated_at = Set(time::truncate(self.now()));
        model.update(&txn).await?;
        audited(self, &txn, actor, AuditAction::Update, article, entry).await?;
        txn.commit().await?;
        one(db, article, entry).await
    }

    /// Deletes an entry for good; the audit log keeps who did it.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn delete_live_entry(
        &self,
        actor: &Actor,
        article: ArticleId,
        entry: i64,
    ) -> Result<()> {
        actor.require(SCOPE)?;
        let txn = crate::db::begin_write(self.db()).await?;
        let deleted = live_entries::Entity::delete_many()
            .filter(live_entries::Column::Id.eq(entry))
            .filter(live_entries::Column::ArticleId.eq(article.0))
            .exec(&txn)
            .await?;
        if deleted.rows_affected == 0 {
            return Err(Error::NotFound(Resource::LiveEntry));
        }
        audited(self, &txn, actor, AuditAction::Delete, article, entry).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Checks an entry's fields; resolves the author slug to `Some(Some(id))`,
    /// an empty one to `Some(None)` (no credit), an absent one to `None`.
    async fn checked(
        &self,
        fields: &EntryFields,
        checks: &mut Checks,
    ) -> Result<Option<Option<i64>>> {
        if let Some(body) = &fields.body_markdown {
            checks.require(
                !body.trim().is_empty(),
                "body_markdown",
                "must not be empty",
            );
            checks.require(
                body.len() <= MAX_ENTRY,
                "body_markdown",
                format!("must be at most {MAX_ENTRY} bytes"),
            );
        }
        let Some(slug) = fields.author.as_deref() else {
            return Ok(None);
        };
        if slug.is_empty() {
            return Ok(Some(None));
        }
        let found = authors::Entity::find()
            .filter(authors::Column::Slug.eq(slug))
            .one(self.db())
            .await?;
        checks.require(
            found.is_some(),
            "author",
            format!("no author has the slug {slug:?}"),
        );
        Ok(Some(found.map(|a| a.id)))
    }
}

/// Records a write to an article's live coverage: the entry names the
/// article, so caches retire its pages, and its detail names the entry.
/// The outside hears of it too, while the article is public.
async fn audited(
    desk: &Newsdesk,
    txn: &DatabaseTransaction,
    actor: &Actor,
    action: AuditAction,
    article: ArticleId,
    entry: i64,
) -> Result<()> {
    audit::record(
        txn,
        actor,
        action,
        Audited::LiveEntry,
        Some(article.0),
        entry.to_string(),
    )
    .await?;
    let kind = match action {
        AuditAction::Create => EventKind::LiveEntryAdded,
        AuditAction::Delete => EventKind::LiveEntryDeleted,
        _ => EventKind::LiveEntryUpdated,
    };
    super::outbox::live_entry_written(desk, txn, kind, entry, article).await
}
