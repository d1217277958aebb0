//! An article's revisions: every save of its editable fields is kept, with
//! who made it, when, and the version it made. Editors list them, read one,
//! compare two field by field, and restore one — which is itself a new save,
//! checked and versioned like any edit.

use crate::db::FetchRows;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

use super::actor::Actor;
use super::articles::FeaturedImage;
use super::audit::AuditAction;
use super::checks::Checks;
use super::ids::ArticleId;
use super::newsdesk::Newsdesk;
use super::page::{Cursor, CursorKind, Page, PageRequest};
use super::publishing::{self, ArticleFields, ManagedArticle, RelatedLinkInput};
use super::time;
use crate::db::entities::{article_revisions, articles, related_links};
use crate::error::{Error, Resource, Result};

/// How many revisions of each article are kept: all of them, or the newest `n`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Retention {
    #[default]
    All,
    Newest(u32),
}

/// An article's editable fields as one save left them. Stored as JSON; a
/// restore writes them back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevisionFields {
    pub title: String,
    pub slug: String,
    pub subtitle: Option<String>,
    pub excerpt: String,
    pub body_markdown: String,
    /// A section slug.
    pub section: String,
    /// Author slugs, in byline order.
    pub authors: Vec<String>,
    /// Tag slugs.
    pub tags: Vec<String>,
    pub featured_image: Option<StoredImage>,
    pub canonical_url: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    pub comments_open: bool,
    /// Kept from revisions saved before articles could be live.
    #[serde(default)]
    pub live: bool,
    /// The further-reading list, in order.
    pub links: Vec<StoredLink>,
}

/// A featured image as a revision keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredImage {
    pub url: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// A further-reading entry as a revision keeps it: another article by slug,
/// or a URL.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredLink {
    pub article: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
}

/// One line of the revision list.
#[derive(Clone, Debug, PartialEq)]
pub struct RevisionSummary {
    pub id: i64,
    pub article_id: ArticleId,
    /// The article's version this save made.
    pub version: i32,
    /// Who saved it.
    pub actor: String,
    pub created_at: DateTime<Utc>,
}

/// One revision with the fields it saved.
#[derive(Clone, Debug, PartialEq)]
pub struct Revision {
    pub summary: RevisionSummary,
    pub fields: RevisionFields,
}

/// How one field differs between two revisions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    /// The field's name, as in the write API.
    pub field: &'static str,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
    /// For the body: a line diff, each line marked equal, delete or insert.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<DiffLine>>,
}

/// One line of a line diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    /// `equal`, `delete` or `insert`.
    pub op: &'static str,
    pub text: String,
}

/// Two revisions compared: what changed from `from` to `to`, field by field.
#[derive(Clone, Debug, PartialEq)]
pub struct RevisionDiff {
    pub from: RevisionSummary,
    pub to: RevisionSummary,
    /// Only the fields that differ, in the write API's order.
    pub changes: Vec<FieldChange>,
}

/// Saves the article's editable fields as they stand inside `txn`, as the
/// revision of its current version; then drops revisions beyond `keep`.
#[tracing::instrument(level = "info", skip_all)]
pub(crate) async fn record(
    txn: &impl FetchRows,
    actor: &Actor,
    article: i64,
    keep: Retention,
) -> Result<()> {
    let current = publishing::load(txn, article).await?;
    let links = stored_links(txn, article).await?;
    let fields = RevisionFields::of(current.clone(), links);
    article_revisions::ActiveModel {
        article_id: Set(article),
        version: Set(current.version),
        fields: Set(serde_json::to_string(&fields)
            .map_err(|e| Error::Internal(format!("revision fields: {e}")))?),
        actor: Set(actor.to_string()),
        created_at: Set(time::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if let Retention::Newest(n) = keep {
        prune(txn, article, n).await?;
    }
    Ok(())
}

/// Deletes all but the newest `n` revisions of an article.
async fn prune(txn: &impl ConnectionTrait, article: i64, n: u32) -> Result<()> {
    let kept = Query::select()
        .column(article_revisions::Column::Id)
        .from(article_revisions::Entity)
        .and_where(Expr::col(article_revisions::Column::ArticleId).eq(article))
        .order_by(article_revisions::Column::Id, sea_orm::Order::Desc)
        .limit(u64::from(n))
        .to_owned();
    article_revisions::Entity::delete_many()
        .filter(article_revisions::Column::ArticleId.eq(article))
        .filter(article_revisions::Column::Id.not_in_subquery(kept))
        .exec(txn)
        .await?;
    Ok(())
}

async fn stored_links(db: &impl FetchRows, article: i64) -> Result<Vec<StoredLink>> {
    let rows = related_links::Entity::find()
        .filter(related_links::Column::ArticleId.eq(article))
        .order_by_asc(related_links::Column::Position)
        .all(db)
        .await?;
    let targets: Vec<i64> = rows.iter().filter_map(|l| l.target_article_id).collect();
    let slugs: Vec<(i64, String)> = if targets.is_empty() {
        Vec::new()
    } else {
        articles::Entity::find()
            .select_only()
            .column(articles::Column::Id)
            .column(articles::Column::Slug)
            .filter(articles::Column::Id.is_in(targets))
            .into_tuple()
            .all(db)
            .await?
    };
    Ok(rows
        .into_iter()
        .map(|l| StoredLink {
            article: l.target_article_id.and_then(|target| {
                slugs
                    .iter()
                    .find(|(id, _)| *id == target)
                    .map(|(_, slug)| slug.clone())
            }),
            url: l.url,
            title: l.title,
        })
        // A link whose target article was deleted is gone from the article too.
        .filter(|l| l.article.is_some() || l.url.is_some())
        .collect())
}

impl RevisionFields {
    fn of(a: ManagedArticle, links: Vec<StoredLink>) -> Self {
        RevisionFields {
            title: a.title,
            slug: a.slug,
            subtitle: a.subtitle,
            excerpt: a.excerpt,
            body_markdown: a.body_markdown,
            section: a.section,
            authors: a.authors,
            tags: a.tags,
            featured_image: a.featured_image.map(|i| StoredImage {
                url: i.url,
                alt: i.alt,
                caption: i.caption,
                credit: i.credit,
            }),
            canonical_url: a.canonical_url,
            seo_title: a.seo_title,
            seo_description: a.seo_description,
            comments_open: a.comments_open,
            live: a.live,
            links,
        }
    }

    /// The edit that puts these fields back: every field named, so nothing
    /// of the current version survives.
    fn into_edit(self) -> (ArticleFields, Vec<RelatedLinkInput>) {
        let links = self
            .links
            .into_iter()
            .map(|l| match (l.article, l.url) {
                (Some(slug), _) => RelatedLinkInput::Article {
                    slug,
                    title: l.title,
                },
                (None, url) => RelatedLinkInput::External {
                    url: url.unwrap_or_default(),
                    title: l.title.unwrap_or_default(),
                },
            })
            .collect();
        let fields = ArticleFields {
            title: Some(self.title),
            slug: Some(self.slug),
            subtitle: Some(self.subtitle.unwrap_or_default()),
            excerpt: Some(self.excerpt),
            body_markdown: Some(self.body_markdown),
            section: Some(self.section),
            authors: Some(self.authors),
            tags: Some(self.tags),
            featured_image: Some(self.featured_image.map(|i| FeaturedImage {
                url: i.url,
                alt: i.alt,
                caption: i.caption,
                credit: i.credit,
            })),
            canonical_url: Some(self.canonical_url.unwrap_or_default()),
            seo_title: Some(self.seo_title.unwrap_or_default()),
            seo_description: Some(self.seo_description.unwrap_or_default()),
            comments_open: Some(self.comments_open),
            live: Some(self.live),
        };
        (fields, links)
    }

    /// The fields that differ from `other`, each as JSON, in the write API's order.
    fn changes_to(&self, to: &RevisionFields) -> Vec<FieldChange> {
        let (before, after) = (json_fields(self), json_fields(to));
        before
            .into_iter()
            .zip(after)
            .filter(|((_, a), (_, b))| a != b)
            .map(|((field, before), (_, after))| FieldChange {
                lines: (field == "body_markdown").then(|| {
                    line_diff(before.as_str().unwrap_or(""), after.as_str().unwrap_or(""))
                }),
                field,
                before,
                after,
            })
            .collect()
    }
}

/// Each field by its write-API name, in that order.
fn json_fields(f: &RevisionFields) -> Vec<(&'static str, serde_json::Value)> {
    use serde_json::json;
    vec![
        ("title", json!(f.title)),
        ("slug", json!(f.slug)),
        ("subtitle", json!(f.subtitle)),
        ("excerpt", json!(f.excerpt)),
        ("body_markdown", json!(f.body_markdown)),
        ("section", json!(f.section)),
        ("authors", json!(f.authors)),
        ("tags", json!(f.tags)),
        ("featured_image", json!(f.featured_image)),
        ("canonical_url", json!(f.canonical_url)),
        ("seo_title", json!(f.seo_title)),
        ("seo_description", json!(f.seo_description)),
        ("comments_open", json!(f.comments_open)),
        ("live", json!(f.live)),
        ("links", json!(f.links)),
    ]
}

fn line_diff(before: &str, after: &str) -> Vec<DiffLine> {
    use similar::{ChangeTag, TextDiff};
    TextDiff::from_lines(before, after)
        .iter_all_changes()
        .map(|change| DiffLine {
            op: match change.tag() {
                ChangeTag::Equal => "equal",
                ChangeTag::Delete => "delete",
                ChangeTag::Insert => "insert",
            },
            text: change.value().trim_end_matches('\n').to_owned(),
        })
        .collect()
}

impl TryFrom<article_revisions::Model> for Revision {
    type Error = Error;

    fn try_from(r: article_revisions::Model) -> Result<Self> {
        let fields = serde_json::from_str(&r.fields)
            .map_err(|e| Error::Internal(format!("stored revision {}: {e}", r.id)))?;
        Ok(Revision {
            summary: summary(&r),
            fields,
        })
    }
}

fn summary(r: &article_revisions::Model) -> RevisionSummary {
    RevisionSummary {
        id: r.id,
        article_id: ArticleId(r.article_id),
        version: r.version,
        actor: r.actor.clone(),
        created_at: r.created_at,
    }
}

/// An article's revisions with their fields, newest first; editors only.
/// The rows hold the fields anyway, so a list that shows them costs no more.
#[tracing::instrument(level = "info", skip_all)]
pub async fn list(
    desk: &Newsdesk,
    actor: &Actor,
    article: ArticleId,
    page: &PageRequest,
) -> Result<Page<Revision>> {
    actor.require(publishing::SCOPE)?;
    let db = desk.db();
    publishing::ensure_exists(db, article).await?;
    let mut query = article_revisions::Entity::find()
        .filter(article_revisions::Column::ArticleId.eq(article.0));
    if let Some(after) = page.after {
        query = query.filter(after.before(
            Expr::col(article_revisions::Column::CreatedAt),
            Expr::col(article_revisions::Column::Id),
        ));
    }
    let rows = query
        .order_by_desc(article_revisions::Column::CreatedAt)
        .order_by_desc(article_revisions::Column::Id)
        .limit(page.limit.get() + 1)
        .all(db)
        .await?;
    let revisions = rows
        .into_iter()
        .map(Revision::try_from)
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_overfetch(
        revisions,
        page.limit,
        |r: &Revision| Cursor {
            kind: CursorKind::Revisions,
            at: r.summary.created_at,
            id: r.summary.id,
        },
    ))
}

/// One revision of an article; editors only.
#[tracing::instrument(level = "info", skip_all)]
pub async fn get(
    desk: &Newsdesk,
    actor: &Actor,
    article: ArticleId,
    revision: i64,
) -> Result<Revision> {
    actor.require(publishing::SCOPE)?;
    find(desk.db(), article, revision).await
}

async fn find(db: &impl FetchRows, article: ArticleId, revision: i64) -> Result<Revision> {
    article_revisions::Entity::find_by_id(revision)
        .filter(article_revisions::Column::ArticleId.eq(article.0))
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Revision))?
        .try_into()
}

/// What changed from revision `from` to revision `to` of an article.
#[tracing::instrument(level = "info", skip_all)]
pub async fn diff(
    desk: &Newsdesk,
    actor: &Actor,
    article: ArticleId,
    from: i64,
    to: i64,
) -> Result<RevisionDiff> {
    actor.require(publishing::SCOPE)?;
    let db = desk.db();
    let (from, to) = tokio::try_join!(find(db, article, from), find(db, article, to))?;
    Ok(RevisionDiff {
        changes: from.fields.changes_to(&to.fields),
        from: from.summary,
        to: to.summary,
    })
}

/// Puts an article's fields and further-reading list back as revision
/// `revision` left them, if `expected_version` is still current. The restore
/// is a new save with a new version and its own revision. Sections,
/// authors, tags and linked articles deleted since are field errors.
#[tracing::instrument(level = "info", skip_all)]
pub async fn restore(
    desk: &Newsdesk,
    actor: &Actor,
    article: ArticleId,
    revision: i64,
    expected_version: Option<i32>,
) -> Result<ManagedArticle> {
    let expected_version = publishing::may_change(actor, expected_version)?;
    let db = desk.db();
    let id = article.0;
    let saved = find(db, article, revision).await?;
    let (fields, links) = saved.fields.into_edit();
    let mut checks = Checks::new();
    let edit = publishing::prepare_edit(db, id, fields, &mut checks).await?;
    let links = publishing::resolve_links(db, id, links, &mut checks).await?;
    checks.finish()?;
    let txn = crate::db::begin_write(db).await?;
    publishing::claim_version(&txn, id, expected_version).await?;
    publishing::apply_edit(&txn, id, edit).await?;
    super::editing::replace_related_links(&txn, id, links).await?;
    record(&txn, actor, id, desk.revisions_kept()).await?;
    publishing::record_change(desk, txn, actor, AuditAction::Restore, id, expected_version).await?;
    publishing::load(db, id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(body: &str) -> RevisionFields {
        RevisionFields {
            title: "Title".into(),
            slug: "title".into(),
            subtitle: None,
            excerpt: String::new(),
            body_markdown: body.into(),
            section: "news".into(),
            authors: vec!["ana".into()],
            tags: Vec::new(),
            featured_image: None,
            canonical_url: None,
            seo_title: None,
            seo_description: None,
            comments_open: true,
            live: false,
            links: Vec::new(),
        }
    }

    #[test]
    fn a_diff_names_only_the_fields_that_changed() {
        let mut after = fields("one\ntwo\n");
        after.title = "New title".into();
        let changes = fields("one\ntwo\n").changes_to(&after);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field, "title");
        assert_eq!(changes[0].lines, None);
    }

    #[test]
    fn a_body_diff_marks_each_line() {
        let changes = fields("one\ntwo\nthree\n").changes_to(&fields("one\n2\nthree\n"));
        let ops: Vec<_> = changes[0]
            .lines
            .as_ref()
            .expect("the body has a line diff")
            .iter()
            .map(|l| (l.op, l.text.as_str()))
            .collect();
        assert_eq!(
            ops,
            [
                ("equal", "one"),
                ("delete", "two"),
                ("insert", "2"),
                ("equal", "three")
            ]
        );
    }
}
