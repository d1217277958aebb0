//! The newsroom's write side for articles: create, edit, publish, schedule,
//! archive, delete. Every command checks the actor, validates each field,
//! refuses stale versions and records itself in the audit log.

mod commands;
mod fields;
mod lifecycle;

pub(in crate::domain) use commands::{apply_edit, claim_version, prepare_edit};
pub use commands::{create, update};
pub(in crate::domain) use lifecycle::resolve_links;
pub use lifecycle::{delete, set_related_links, transition};

use crate::db::FetchRows;
use crate::domain::Newsdesk;
use crate::domain::ids::{ArticleId, Slug};
use chrono::{DateTime, Utc};
use sea_orm::EntityTrait;

use super::actor::{Actor, Scope};
use super::articles::FeaturedImage;
use super::audit;
use super::batch;
use super::page::{Cursor, CursorKind, Page, PageRequest};
use crate::db::entities::{articles, sections};
use crate::error::{Error, Resource, Result};

/// What a caller needs for these commands.
pub const SCOPE: Scope = Scope::ContentWrite;

pub(super) const MAX_TITLE: usize = 200;
pub(super) const MAX_BODY: usize = 200_000;
pub(super) const MAX_TEXT: usize = 1_000;

/// An article as the newsroom sees it: any status, with its version.
#[derive(Clone, Debug, PartialEq)]
pub struct ManagedArticle {
    pub id: ArticleId,
    /// Name it when writing: a write based on an older version is refused.
    pub version: i32,
    pub slug: String,
    pub status: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub excerpt: String,
    pub body_markdown: String,
    pub body_html: String,
    pub reading_time_minutes: i32,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub section: String,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub featured_image: Option<FeaturedImage>,
    pub canonical_url: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    pub comments_open: bool,
    /// Live coverage still going on.
    pub live: bool,
}

/// The fields of an article a client sends, untrusted. On update, `None`
/// keeps what is stored, and an empty string clears an optional text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArticleFields {
    pub title: Option<String>,
    pub slug: Option<String>,
    pub subtitle: Option<String>,
    pub excerpt: Option<String>,
    pub body_markdown: Option<String>,
    /// A section slug.
    pub section: Option<String>,
    /// Author slugs, in byline order.
    pub authors: Option<Vec<String>>,
    /// Tag slugs.
    pub tags: Option<Vec<String>>,
    pub featured_image: Option<Option<FeaturedImage>>,
    pub canonical_url: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    pub comments_open: Option<bool>,
    /// Whether the article is live coverage still going on.
    pub live: Option<bool>,
}

/// A related link a client sends: another article by slug, or a URL with a title.
#[derive(Clone, Debug, PartialEq)]
pub enum RelatedLinkInput {
    Article { slug: String, title: Option<String> },
    External { url: String, title: String },
}

/// A change of status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// Public now (an article published before keeps its date).
    Publish,
    /// Public now, dated as first published at a past moment: for articles
    /// that appeared elsewhere first (an archive brought over, the demo).
    PublishAsOf(DateTime<Utc>),
    /// Public from a future moment, with no job to run.
    Schedule(DateTime<Utc>),
    /// Back to draft.
    Unpublish,
    /// Out of every public list, kept for the record.
    Archive,
}

/// The strong ETag of an article version, for `If-Match`.
pub fn etag(id: ArticleId, version: i32) -> String {
    format!("\"a{id}v{version}\"")
}

/// The version an `If-Match` value names for this article, if it is one of ours.
pub fn version_from_etag(id: ArticleId, raw: &str) -> Option<i32> {
    let inner = raw.trim().strip_prefix('"')?.strip_suffix('"')?;
    let (article, version) = inner.strip_prefix('a')?.split_once('v')?;
    (article.parse::<i64>().ok()? == id.0).then(|| version.parse().ok())?
}

/// A line of the newsroom's article list.
#[derive(Clone, Debug, PartialEq)]
pub struct ManagedSummary {
    pub id: ArticleId,
    pub version: i32,
    pub slug: String,
    pub status: String,
    pub title: String,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Parses a status filter: `draft`, `scheduled`, `published` or `archived`.
pub fn parse_status(raw: &str) -> Result<&'static str> {
    ["draft", "scheduled", "published", "archived"]
        .into_iter()
        .find(|s| *s == raw)
        .ok_or_else(|| Error::invalid("status", "must be draft, scheduled, published or archived"))
}

/// Every article in the newsroom, newest created first, optionally in one status.
#[tracing::instrument(level = "info", skip_all)]
pub async fn list_managed(
    desk: &Newsdesk,
    actor: &Actor,
    status: Option<&str>,
    page: &PageRequest,
) -> Result<Page<ManagedSummary>> {
    let db = desk.db();
    use sea_orm::{ColumnTrait, Condition, QueryFilter, QueryOrder, QuerySelect};
    actor.require(SCOPE)?;
    let mut query = articles::Entity::find();
    if let Some(status) = status {
        query = query.filter(articles::Column::Status.eq(status));
    }
    if let Some(after) = page.after {
        query = query.filter(
            Condition::any()
                .add(articles::Column::CreatedAt.lt(after.at))
                .add(
                    Condition::all()
                        .add(articles::Column::CreatedAt.eq(after.at))
                        .add(articles::Column::Id.lt(after.id)),
                ),
        );
    }
    let rows = query
        .order_by_desc(articles::Column::CreatedAt)
        .order_by_desc(articles::Column::Id)
        .limit(page.limit.get() + 1)
        .all(db)
        .await?
        .into_iter()
        .map(|a| ManagedSummary {
            id: ArticleId(a.id),
            version: a.version,
            slug: a.slug,
            status: a.status,
            title: a.title,
            published_at: a.published_at,
            created_at: a.created_at,
            updated_at: a.updated_at,
        })
        .collect();
    Ok(Page::from_overfetch(
        rows,
        page.limit,
        |a: &ManagedSummary| Cursor {
            kind: CursorKind::Newsroom,
            at: a.created_at,
            id: a.id.0,
        },
    ))
}

/// The id of the article with this slug, in any status, for the newsroom.
#[tracing::instrument(level = "info", skip_all)]
pub async fn id_by_slug(desk: &Newsdesk, actor: &Actor, slug: &Slug) -> Result<Option<ArticleId>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    actor.require(SCOPE)?;
    let found = articles::Entity::find()
        .filter(articles::Column::Slug.eq(slug.as_str()))
        .one(desk.db())
        .await?;
    Ok(found.map(|a| ArticleId(a.id)))
}

/// Whether article `id` exists, in any status; 404 otherwise. For the
/// newsroom's commands on what belongs to an article.
pub(in crate::domain) async fn ensure_exists(db: &impl FetchRows, id: ArticleId) -> Result<()> {
    articles::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(|_| ())
        .ok_or(Error::NotFound(Resource::Article))
}

/// One article in any status, for the newsroom.
#[tracing::instrument(level = "info", skip_all)]
pub async fn get_managed(desk: &Newsdesk, actor: &Actor, id: ArticleId) -> Result<ManagedArticle> {
    let id = id.0;
    let db = desk.db();
    actor.require(SCOPE)?;
    load(db, id).await
}

pub(in crate::domain) async fn load(db: &impl FetchRows, id: i64) -> Result<ManagedArticle> {
    let model = articles::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Article))?;
    let section = sections::Entity::find_by_id(model.section_id)
        .one(db)
        .await?
        .map(|s| s.slug)
        .unwrap_or_default();
    let ids = [id];
    let (mut credited, mut tagged) =
        tokio::try_join!(batch::authors_for(db, &ids), batch::tags_for(db, &ids))?;
    let author_slugs = credited
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .map(|a| a.slug)
        .collect();
    let tag_slugs = tagged
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.slug)
        .collect();
    Ok(ManagedArticle {
        featured_image: model.featured_image_url.map(|url| FeaturedImage {
            url,
            alt: model.featured_image_alt,
            caption: model.featured_image_caption,
            credit: model.featured_image_credit,
        }),
        id: ArticleId(model.id),
        version: model.version,
        slug: model.slug,
        status: model.status,
        title: model.title,
        subtitle: model.subtitle,
        excerpt: model.excerpt,
        body_markdown: model.body_markdown,
        body_html: model.body_html,
        reading_time_minutes: model.reading_time_minutes,
        published_at: model.published_at,
        created_at: model.created_at,
        updated_at: model.updated_at,
        section,
        authors: author_slugs,
        tags: tag_slugs,
        canonical_url: model.canonical_url,
        seo_title: model.seo_title,
        seo_description: model.seo_description,
        comments_open: model.comments_open,
        live: model.live,
    })
}

/// What every write to an existing article checks first: the caller may
/// write, and names the version it read.
pub(in crate::domain) fn may_change(actor: &Actor, expected_version: Option<i32>) -> Result<i32> {
    actor.require(SCOPE)?;
    expected_version.ok_or(Error::VersionRequired)
}

/// Records a write that replaced version `from` of an article, tells the
/// outside what it changed for it, and commits it.
pub(in crate::domain) async fn record_change(
    desk: &Newsdesk,
    txn: sea_orm::DatabaseTransaction,
    actor: &Actor,
    action: audit::AuditAction,
    id: i64,
    from: i32,
) -> Result<()> {
    audit::record(
        &txn,
        actor,
        action,
        audit::Audited::Article,
        Some(id),
        format!("from version {from}"),
    )
    .await?;
    super::outbox::article_written(desk, &txn, id).await?;
    Ok(txn.commit().await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_round_trip_and_reject_other_articles() {
        let (twelve, thirteen) = (ArticleId(12), ArticleId(13));
        let tag = etag(twelve, 3);
        assert_eq!(version_from_etag(twelve, &tag), Some(3));
        assert_eq!(version_from_etag(thirteen, &tag), None);
        assert_eq!(version_from_etag(twelve, "W/\"a12v3\""), None);
        assert_eq!(version_from_etag(twelve, "*"), None);
    }

    #[test]
    fn excerpts_come_from_the_first_paragraph() {
        use super::fields::derive_excerpt;
        assert_eq!(
            derive_excerpt("## Head\n\nFirst words here.\n\nSecond."),
            "First words here."
        );
        assert!(derive_excerpt(&"word ".repeat(200)).ends_with('…'));
    }
}
