//! Writing an article's fields: create and update.

use crate::domain::Newsdesk;
use crate::domain::ids::ArticleId;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};

use super::fields::{derive_excerpt, empty_to_none, ids_of, slug_taken, validate};
use super::{ArticleFields, ManagedArticle, load};
use crate::db::entities::{article_authors, article_tags, articles, authors, sections, tags};
use crate::domain::actor::Actor;
use crate::domain::audit::{self, AuditAction, Audited};
use crate::domain::checks::{Checks, free_slug, taken_by_another_write};
use crate::domain::editing::{self, NewArticle};
use crate::domain::ids::Slug;
use crate::domain::revisions;
use crate::domain::time;
use crate::domain::visibility::ArticleStatus;
use crate::error::{Error, Resource, Result};

/// Creates a draft. The slug comes from the title unless given, kept unique.
#[tracing::instrument(level = "info", skip_all)]
pub async fn create(
    desk: &Newsdesk,
    actor: &Actor,
    fields: ArticleFields,
) -> Result<ManagedArticle> {
    let db = desk.db();
    actor.require(super::SCOPE)?;
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
    let slug = free_slug(
        fields.slug.as_deref(),
        &title,
        "article",
        &mut checks,
        |s| async move { slug_taken(db, &s, None).await },
    )
    .await?;
    checks.finish()?;
    let slug = slug.unwrap_or_default();
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
        live: fields.live.unwrap_or(false),
        related: Vec::new(),
    };
    let txn = crate::db::begin_write(db).await?;
    let id = editing::insert_article(&txn, new).await?;
    revisions::record(&txn, actor, id, desk.revisions_kept()).await?;
    audit::record(
        &txn,
        actor,
        AuditAction::Create,
        Audited::Article,
        Some(id),
        slug,
    )
    .await?;
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
pub(crate) async fn claim_version(
    txn: &impl ConnectionTrait,
    id: i64,
    expected: i32,
) -> Result<()> {
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
#[tracing::instrument(level = "info", skip_all)]
pub async fn update(
    desk: &Newsdesk,
    actor: &Actor,
    id: ArticleId,
    expected_version: Option<i32>,
    fields: ArticleFields,
) -> Result<ManagedArticle> {
    let id = id.0;
    let db = desk.db();
    let expected_version = super::may_change(actor, expected_version)?;
    let mut checks = Checks::new();
    let edit = prepare_edit(db, id, fields, &mut checks).await?;
    checks.finish()?;
    let txn = crate::db::begin_write(db).await?;
    claim_version(&txn, id, expected_version).await?;
    apply_edit(&txn, id, edit).await?;
    revisions::record(&txn, actor, id, desk.revisions_kept()).await?;
    super::record_change(desk, txn, actor, AuditAction::Update, id, expected_version).await?;
    load(db, id).await
}

/// An edit checked against the database, ready to write: the fields with
/// the sections, authors and tags they name resolved to ids.
pub(crate) struct Edit {
    fields: ArticleFields,
    section: Option<i64>,
    authors: Option<Vec<i64>>,
    tags: Option<Vec<i64>>,
    slug: Option<String>,
}

/// Checks an edit of article `id`, noting each problem in `checks`.
pub(crate) async fn prepare_edit(
    db: &impl ConnectionTrait,
    id: i64,
    fields: ArticleFields,
    checks: &mut Checks,
) -> Result<Edit> {
    validate(&fields, false, checks);
    let section = resolve_section(db, fields.section.as_deref(), checks).await?;
    let authors = match &fields.authors {
        Some(slugs) => Some(
            ids_of::<authors::Entity>(
                db,
                authors::Column::Slug,
                |a| (a.id, a.slug.clone()),
                "authors",
                slugs,
                checks,
            )
            .await?,
        ),
        None => None,
    };
    let tags = match &fields.tags {
        Some(slugs) => Some(
            ids_of::<tags::Entity>(
                db,
                tags::Column::Slug,
                |t| (t.id, t.slug.clone()),
                "tags",
                slugs,
                checks,
            )
            .await?,
        ),
        None => None,
    };
    let slug = match fields.slug.as_deref().filter(|s| !s.is_empty()) {
        Some(given) => {
            free_slug(Some(given), "", "article", checks, |s| async move {
                slug_taken(db, &s, Some(id)).await
            })
            .await?
        }
        None => None,
    };
    Ok(Edit {
        fields,
        section,
        authors,
        tags,
        slug,
    })
}

/// Writes a prepared edit inside the caller's transaction, after the
/// version was claimed.
pub(crate) async fn apply_edit(txn: &impl ConnectionTrait, id: i64, edit: Edit) -> Result<()> {
    let Edit {
        fields,
        section,
        authors: author_ids,
        tags: tag_ids,
        slug,
    } = edit;
    let current = articles::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(Error::NotFound(Resource::Article))?;
    let mut model = current.into_active_model();
    if let Some(title) = fields.title {
        model.title = Set(title.trim().to_owned());
    }
    if let Some(slug) = slug {
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
    if let Some(live) = fields.live {
        model.live = Set(live);
    }
    sea_orm::ActiveModelTrait::update(model, txn)
        .await
        .map_err(taken_by_another_write("slug"))?;
    if author_ids.is_some() || tag_ids.is_some() {
        let keep_authors = current_ids(txn, id, true).await?;
        let keep_tags = current_ids(txn, id, false).await?;
        editing::replace_credits(
            txn,
            id,
            author_ids.as_deref().unwrap_or(&keep_authors),
            tag_ids.as_deref().unwrap_or(&keep_tags),
        )
        .await?;
    }
    Ok(())
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
