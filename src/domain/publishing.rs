//! The newsroom's write side for articles: create, edit, publish, schedule,
//! archive, delete. Every command checks the actor, validates each field,
//! refuses stale versions and records itself in the audit log.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Serialize;

use super::actor::{Actor, Scope};
use super::articles::FeaturedImage;
use super::audit;
use super::batch;
use super::editing::{self, NewArticle, NewRelatedLink};
use super::ids::Slug;
use super::markdown::is_safe_url;
use super::time;
use super::visibility::ArticleStatus;
use crate::db::entities::{article_authors, article_tags, articles, authors, sections, tags};
use crate::error::{Error, FieldError, Resource, Result};

const MAX_TITLE: usize = 200;
const MAX_BODY: usize = 200_000;
const MAX_TEXT: usize = 1_000;

/// An article as the newsroom sees it: any status, with its version.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ManagedArticle {
    pub id: i64,
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
    /// Public from a future moment, with no job to run.
    Schedule(DateTime<Utc>),
    /// Back to draft.
    Unpublish,
    /// Out of every public list, kept for the record.
    Archive,
}

/// The strong ETag of an article version, for `If-Match`.
pub fn etag(id: i64, version: i32) -> String {
    format!("\"a{id}v{version}\"")
}

/// The version an `If-Match` value names for this article, if it is one of ours.
pub fn version_from_etag(id: i64, raw: &str) -> Option<i32> {
    let inner = raw.trim().strip_prefix('"')?.strip_suffix('"')?;
    let (article, version) = inner.strip_prefix('a')?.split_once('v')?;
    (article.parse::<i64>().ok()? == id).then(|| version.parse().ok())?
}

struct Checks(Vec<FieldError>);

impl Checks {
    fn new() -> Self {
        Checks(Vec::new())
    }

    fn require(&mut self, ok: bool, field: &str, message: impl Into<String>) {
        if !ok {
            self.0.push(FieldError::new(field, message));
        }
    }

    fn text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(value) = value {
            self.require(
                value.chars().count() <= max,
                field,
                format!("must be at most {max} characters"),
            );
        }
    }

    fn url(&mut self, field: &str, value: Option<&str>) {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            let absolute = value.starts_with("https://") || value.starts_with("http://");
            self.require(
                absolute && is_safe_url(value) && value.len() <= 2_000,
                field,
                "must be an http(s) URL",
            );
        }
    }

    fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::InvalidInput(self.0))
        }
    }
}

fn validate(fields: &ArticleFields, creating: bool, checks: &mut Checks) {
    if creating {
        checks.require(fields.title.is_some(), "title", "is required");
        checks.require(
            fields.body_markdown.is_some(),
            "body_markdown",
            "is required",
        );
        checks.require(fields.section.is_some(), "section", "is required");
    }
    if let Some(title) = &fields.title {
        let n = title.trim().chars().count();
        checks.require(
            (1..=MAX_TITLE).contains(&n),
            "title",
            format!("must be 1 to {MAX_TITLE} characters"),
        );
    }
    if let Some(body) = &fields.body_markdown {
        checks.require(
            body.len() <= MAX_BODY,
            "body_markdown",
            format!("must be at most {MAX_BODY} bytes"),
        );
    }
    if let Some(slug) = fields.slug.as_deref().filter(|s| !s.is_empty())
        && let Err(message) = Slug::parse(slug)
    {
        checks.require(false, "slug", message);
    }
    checks.text("subtitle", fields.subtitle.as_deref(), MAX_TITLE);
    checks.text("excerpt", fields.excerpt.as_deref(), MAX_TEXT);
    checks.text("seo_title", fields.seo_title.as_deref(), MAX_TITLE);
    checks.text(
        "seo_description",
        fields.seo_description.as_deref(),
        MAX_TEXT,
    );
    checks.url("canonical_url", fields.canonical_url.as_deref());
    if let Some(Some(image)) = &fields.featured_image {
        checks.url("featured_image.url", Some(&image.url));
        checks.require(!image.url.is_empty(), "featured_image.url", "is required");
    }
    if let Some(authors) = &fields.authors {
        checks.require(authors.len() <= 20, "authors", "at most 20");
    }
    if let Some(tags) = &fields.tags {
        checks.require(tags.len() <= 50, "tags", "at most 50");
    }
}

/// The first paragraph's text, cut at a word near 280 characters, when no excerpt is given.
fn derive_excerpt(body: &str) -> String {
    let paragraph = body
        .split("\n\n")
        .map(str::trim)
        .find(|p| {
            !p.is_empty() && !p.starts_with('#') && !p.starts_with('-') && !p.starts_with('!')
        })
        .unwrap_or_default();
    let mut excerpt = String::new();
    for word in paragraph.split_whitespace() {
        if excerpt.len() + word.len() > 280 {
            excerpt.push('…');
            break;
        }
        if !excerpt.is_empty() {
            excerpt.push(' ');
        }
        excerpt.push_str(word);
    }
    excerpt
}

fn empty_to_none(value: String) -> Option<String> {
    let value = value.trim().to_owned();
    (!value.is_empty()).then_some(value)
}

/// Resolves slugs to ids; each unknown slug is an error naming its field.
async fn ids_of<E: EntityTrait>(
    db: &impl ConnectionTrait,
    slug_column: E::Column,
    id_of: impl Fn(&E::Model) -> (i64, String),
    field: &str,
    slugs: &[String],
    checks: &mut Checks,
) -> Result<Vec<i64>> {
    if slugs.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<(i64, String)> = E::find()
        .filter(slug_column.is_in(slugs.to_vec()))
        .all(db)
        .await?
        .iter()
        .map(id_of)
        .collect();
    let mut ids = Vec::new();
    for (i, slug) in slugs.iter().enumerate() {
        match found.iter().find(|(_, s)| s == slug) {
            Some((id, _)) if !ids.contains(id) => ids.push(*id),
            Some(_) => checks.require(false, &format!("{field}[{i}]"), "is listed twice"),
            None => checks.require(
                false,
                &format!("{field}[{i}]"),
                format!("no {field} has the slug {slug:?}"),
            ),
        }
    }
    Ok(ids)
}

async fn slug_taken(db: &impl ConnectionTrait, slug: &str, except: Option<i64>) -> Result<bool> {
    let mut query = articles::Entity::find().filter(articles::Column::Slug.eq(slug));
    if let Some(id) = except {
        query = query.filter(articles::Column::Id.ne(id));
    }
    Ok(query.one(db).await?.is_some())
}

/// A free slug for the title: the title's own, or with -2, -3… appended.
async fn unique_slug(
    db: &impl ConnectionTrait,
    title: &str,
    except: Option<i64>,
) -> Result<String> {
    let base = Slug::from_title(title).map_or_else(|| "article".to_owned(), |s| s.to_string());
    let base: String = base
        .chars()
        .take(110)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned();
    for n in 1..1_000 {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        if !slug_taken(db, &candidate, except).await? {
            return Ok(candidate);
        }
    }
    Err(Error::invalid(
        "slug",
        "no free slug could be derived from the title; give one",
    ))
}

/// One article in any status, for the newsroom.
pub async fn get_managed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<ManagedArticle> {
    actor.require(Scope::ContentWrite)?;
    load(db, id).await
}

async fn load(db: &impl ConnectionTrait, id: i64) -> Result<ManagedArticle> {
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
        id: model.id,
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
    })
}

/// Creates a draft. The slug comes from the title unless given, kept unique.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    fields: ArticleFields,
) -> Result<ManagedArticle> {
    actor.require(Scope::ContentWrite)?;
    let mut checks = Checks::new();
    validate(&fields, true, &mut checks);
    let section = resolve_section(db, fields.section.as_deref(), &mut checks).await?;
    let author_ids = ids_of::<authors::Entity>(
        db,
        authors::Column::Slug,
        |a| (a.id, a.slug.clone()),
        "authors",
        fields.authors.as_deref().unwrap_or_default(),
        &mut checks,
    )
    .await?;
    let tag_ids = ids_of::<tags::Entity>(
        db,
        tags::Column::Slug,
        |t| (t.id, t.slug.clone()),
        "tags",
        fields.tags.as_deref().unwrap_or_default(),
        &mut checks,
    )
    .await?;
    let title = fields.title.clone().unwrap_or_default().trim().to_owned();
    let slug = match fields.slug.as_deref().filter(|s| !s.is_empty()) {
        Some(given) => {
            checks.require(
                !slug_taken(db, given, None).await?,
                "slug",
                "is taken by another article",
            );
            given.to_owned()
        }
        None => unique_slug(db, &title, None).await?,
    };
    checks.finish()?;
    let body = fields.body_markdown.unwrap_or_default();
    let new = NewArticle {
        slug: Slug::parse(&slug).map_err(|m| Error::invalid("slug", m))?,
        excerpt: fields
            .excerpt
            .and_then(empty_to_none)
            .unwrap_or_else(|| derive_excerpt(&body)),
        title,
        subtitle: fields.subtitle.and_then(empty_to_none),
        body_markdown: body,
        status: ArticleStatus::Draft,
        published_at: None,
        section: section.unwrap_or_default(),
        authors: author_ids,
        tags: tag_ids,
        featured_image: fields.featured_image.flatten(),
        canonical_url: fields.canonical_url.and_then(empty_to_none),
        seo_title: fields.seo_title.and_then(empty_to_none),
        seo_description: fields.seo_description.and_then(empty_to_none),
        comments_open: fields.comments_open.unwrap_or(true),
        related: Vec::new(),
    };
    let txn = db.begin().await?;
    let id = editing::insert_article(&txn, new).await?;
    audit::record(&txn, actor, "create", "article", Some(id), slug).await?;
    txn.commit().await?;
    load(db, id).await
}

async fn resolve_section(
    db: &impl ConnectionTrait,
    slug: Option<&str>,
    checks: &mut Checks,
) -> Result<Option<i64>> {
    let Some(slug) = slug else {
        return Ok(None);
    };
    let found = sections::Entity::find()
        .filter(sections::Column::Slug.eq(slug))
        .one(db)
        .await?;
    checks.require(
        found.is_some(),
        "section",
        format!("no section has the slug {slug:?}"),
    );
    Ok(found.map(|s| s.id))
}

/// Claims version `expected` of the article for this write: bumps it, or fails
/// as stale (412) or missing (404), leaving everything as it was.
async fn claim_version(txn: &impl ConnectionTrait, id: i64, expected: i32) -> Result<()> {
    let claimed = articles::Entity::update_many()
        .col_expr(
            articles::Column::Version,
            Expr::col(articles::Column::Version).add(1),
        )
        .col_expr(articles::Column::UpdatedAt, Expr::value(time::now()))
        .filter(articles::Column::Id.eq(id))
        .filter(articles::Column::Version.eq(expected))
        .exec(txn)
        .await?;
    if claimed.rows_affected == 1 {
        return Ok(());
    }
    match articles::Entity::find_by_id(id).one(txn).await? {
        Some(current) => Err(Error::StaleVersion {
            current: current.version,
        }),
        None => Err(Error::NotFound(Resource::Article)),
    }
}

/// Edits an article, if `expected_version` (required) is still current.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected_version: Option<i32>,
    fields: ArticleFields,
) -> Result<ManagedArticle> {
    actor.require(Scope::ContentWrite)?;
    let expected_version = expected_version.ok_or(Error::VersionRequired)?;
    let mut checks = Checks::new();
    validate(&fields, false, &mut checks);
    let section = resolve_section(db, fields.section.as_deref(), &mut checks).await?;
    let author_ids = match &fields.authors {
        Some(slugs) => Some(
            ids_of::<authors::Entity>(
                db,
                authors::Column::Slug,
                |a| (a.id, a.slug.clone()),
                "authors",
                slugs,
                &mut checks,
            )
            .await?,
        ),
        None => None,
    };
    let tag_ids = match &fields.tags {
        Some(slugs) => Some(
            ids_of::<tags::Entity>(
                db,
                tags::Column::Slug,
                |t| (t.id, t.slug.clone()),
                "tags",
                slugs,
                &mut checks,
            )
            .await?,
        ),
        None => None,
    };
    if let Some(slug) = fields.slug.as_deref().filter(|s| !s.is_empty()) {
        checks.require(
            !slug_taken(db, slug, Some(id)).await?,
            "slug",
            "is taken by another article",
        );
    }
    checks.finish()?;

    let txn = db.begin().await?;
    claim_version(&txn, id, expected_version).await?;
    let current = articles::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound(Resource::Article))?;
    let mut model = current.into_active_model();
    if let Some(title) = fields.title {
        model.title = Set(title.trim().to_owned());
    }
    if let Some(slug) = fields.slug.filter(|s| !s.is_empty()) {
        model.slug = Set(slug);
    }
    if let Some(subtitle) = fields.subtitle {
        model.subtitle = Set(empty_to_none(subtitle));
    }
    if let Some(body) = fields.body_markdown {
        let (html, blocks, reading_time) = editing::derive_body(&body);
        model.body_html = Set(html);
        model.body_blocks = Set(blocks);
        model.reading_time_minutes = Set(reading_time);
        model.body_markdown = Set(body);
    }
    if let Some(excerpt) = fields.excerpt {
        model.excerpt = Set(excerpt.trim().to_owned());
    }
    if let Some(section) = section {
        model.section_id = Set(section);
    }
    if let Some(image) = fields.featured_image {
        model.featured_image_url = Set(image.as_ref().map(|i| i.url.clone()));
        model.featured_image_alt = Set(image.as_ref().and_then(|i| i.alt.clone()));
        model.featured_image_caption = Set(image.as_ref().and_then(|i| i.caption.clone()));
        model.featured_image_credit = Set(image.and_then(|i| i.credit));
    }
    if let Some(url) = fields.canonical_url {
        model.canonical_url = Set(empty_to_none(url));
    }
    if let Some(title) = fields.seo_title {
        model.seo_title = Set(empty_to_none(title));
    }
    if let Some(description) = fields.seo_description {
        model.seo_description = Set(empty_to_none(description));
    }
    if let Some(open) = fields.comments_open {
        model.comments_open = Set(open);
    }
    sea_orm::ActiveModelTrait::update(model, &txn).await?;
    if author_ids.is_some() || tag_ids.is_some() {
        let keep_authors = current_ids(&txn, id, true).await?;
        let keep_tags = current_ids(&txn, id, false).await?;
        editing::replace_credits(
            &txn,
            id,
            author_ids.as_deref().unwrap_or(&keep_authors),
            tag_ids.as_deref().unwrap_or(&keep_tags),
        )
        .await?;
    }
    audit::record(
        &txn,
        actor,
        "update",
        "article",
        Some(id),
        format!("from version {expected_version}"),
    )
    .await?;
    txn.commit().await?;
    load(db, id).await
}

async fn current_ids(txn: &impl ConnectionTrait, article: i64, authors: bool) -> Result<Vec<i64>> {
    Ok(if authors {
        article_authors::Entity::find()
            .filter(article_authors::Column::ArticleId.eq(article))
            .order_by_asc(article_authors::Column::Position)
            .all(txn)
            .await?
            .into_iter()
            .map(|a| a.author_id)
            .collect()
    } else {
        article_tags::Entity::find()
            .filter(article_tags::Column::ArticleId.eq(article))
            .all(txn)
            .await?
            .into_iter()
            .map(|t| t.tag_id)
            .collect()
    })
}

/// Moves an article to another status, if `expected_version` is still current.
pub async fn transition(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected_version: Option<i32>,
    to: Transition,
) -> Result<ManagedArticle> {
    actor.require(Scope::ContentWrite)?;
    let expected_version = expected_version.ok_or(Error::VersionRequired)?;
    let now = time::now();
    if let Transition::Schedule(at) = to
        && at <= now
    {
        return Err(Error::invalid(
            "publish_at",
            "must be in the future; publish now instead",
        ));
    }
    let txn = db.begin().await?;
    claim_version(&txn, id, expected_version).await?;
    let current = articles::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound(Resource::Article))?;
    let (status, published_at) = match to {
        Transition::Publish => (
            ArticleStatus::Published,
            Some(
                current
                    .published_at
                    .filter(|at| *at <= now && current.status != "draft")
                    .unwrap_or(now),
            ),
        ),
        Transition::Schedule(at) => (ArticleStatus::Scheduled, Some(time::truncate(at))),
        Transition::Unpublish => (ArticleStatus::Draft, None),
        Transition::Archive => (ArticleStatus::Archived, current.published_at),
    };
    let mut model = current.into_active_model();
    model.status = Set(status.as_str().to_owned());
    model.published_at = Set(published_at);
    sea_orm::ActiveModelTrait::update(model, &txn).await?;
    audit::record(
        &txn,
        actor,
        status.as_str(),
        "article",
        Some(id),
        format!("from version {expected_version}"),
    )
    .await?;
    txn.commit().await?;
    load(db, id).await
}

/// Replaces the further-reading list, in the order given, if `expected_version` is still current.
pub async fn set_related_links(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected_version: Option<i32>,
    links: Vec<RelatedLinkInput>,
) -> Result<ManagedArticle> {
    actor.require(Scope::ContentWrite)?;
    let expected_version = expected_version.ok_or(Error::VersionRequired)?;
    let mut checks = Checks::new();
    checks.require(links.len() <= 50, "links", "at most 50");
    let mut resolved = Vec::new();
    for (i, link) in links.into_iter().enumerate() {
        match link {
            RelatedLinkInput::Article { slug, title } => {
                let target = articles::Entity::find()
                    .filter(articles::Column::Slug.eq(&slug))
                    .one(db)
                    .await?;
                match target {
                    Some(t) if t.id != id => resolved.push(NewRelatedLink::Article {
                        id: t.id,
                        title: title.and_then(empty_to_none),
                    }),
                    Some(_) => checks.require(
                        false,
                        &format!("links[{i}].article"),
                        "an article cannot link to itself",
                    ),
                    None => checks.require(
                        false,
                        &format!("links[{i}].article"),
                        format!("no article has the slug {slug:?}"),
                    ),
                }
            }
            RelatedLinkInput::External { url, title } => {
                checks.url(&format!("links[{i}].url"), Some(&url));
                checks.require(!url.is_empty(), &format!("links[{i}].url"), "is required");
                let n = title.trim().chars().count();
                checks.require(
                    (1..=MAX_TITLE).contains(&n),
                    &format!("links[{i}].title"),
                    format!("must be 1 to {MAX_TITLE} characters"),
                );
                resolved.push(NewRelatedLink::External {
                    url,
                    title: title.trim().to_owned(),
                });
            }
        }
    }
    checks.finish()?;
    let txn = db.begin().await?;
    claim_version(&txn, id, expected_version).await?;
    editing::replace_related_links(&txn, id, resolved).await?;
    audit::record(
        &txn,
        actor,
        "set_related_links",
        "article",
        Some(id),
        format!("from version {expected_version}"),
    )
    .await?;
    txn.commit().await?;
    load(db, id).await
}

/// Deletes an article for good, if `expected_version` is still current.
pub async fn delete(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    expected_version: Option<i32>,
) -> Result<()> {
    actor.require(Scope::ContentWrite)?;
    let expected_version = expected_version.ok_or(Error::VersionRequired)?;
    let txn = db.begin().await?;
    claim_version(&txn, id, expected_version).await?;
    articles::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        "delete",
        "article",
        Some(id),
        format!("at version {expected_version}"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_round_trip_and_reject_other_articles() {
        let tag = etag(12, 3);
        assert_eq!(version_from_etag(12, &tag), Some(3));
        assert_eq!(version_from_etag(13, &tag), None);
        assert_eq!(version_from_etag(12, "W/\"a12v3\""), None);
        assert_eq!(version_from_etag(12, "*"), None);
    }

    #[test]
    fn excerpts_come_from_the_first_paragraph() {
        assert_eq!(
            derive_excerpt("## Head\n\nFirst words here.\n\nSecond."),
            "First words here."
        );
        assert!(derive_excerpt(&"word ".repeat(200)).ends_with('…'));
    }
}
