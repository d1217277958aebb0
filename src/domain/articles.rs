//! Reading articles: public lists, one article, and "more like this".

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, JoinType, Order, Query, QueryStatementBuilder, SelectStatement,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
};
use serde::Serialize;
use serde_json::value::RawValue;

use super::batch::{self, AuthorRef, SectionRef, TagRef};
use super::ids::Slug;
use super::page::{Cursor, CursorKind, Limit, Page, PageRequest};
use super::related_links::{self, RelatedLink};
use super::sections;
use super::time;
use super::visibility::public_articles;
use crate::db::entities::{article_authors, article_tags, articles, authors, tags};
use crate::db::fetch_all;
use crate::error::{Error, Resource, Result};

/// An article's lead image.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeaturedImage {
    pub url: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// What a list shows of an article.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArticleSummary {
    #[serde(skip)]
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub excerpt: String,
    pub published_at: DateTime<Utc>,
    pub section: SectionRef,
    pub authors: Vec<AuthorRef>,
    pub tags: Vec<TagRef>,
    pub featured_image: Option<FeaturedImage>,
    pub reading_time_minutes: i32,
}

/// Search-engine metadata; absent fields fall back to title and excerpt.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Seo {
    pub title: String,
    pub description: String,
    pub canonical_url: Option<String>,
}

/// A whole article, as its page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Article {
    #[serde(flatten)]
    pub summary: ArticleSummary,
    pub updated_at: DateTime<Utc>,
    pub body_markdown: String,
    pub body_html: String,
    /// The structured blocks, stored as JSON at save time and passed through as is.
    pub body_blocks: Box<RawValue>,
    pub related_links: Vec<RelatedLink>,
    pub seo: Seo,
    pub comments_open: bool,
}

/// Which published articles a list holds. Slugs are trusted to be well formed
/// (parsed at the edge) but not to exist.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArticleFilter {
    /// A section; its subsections' articles are included.
    pub section: Option<Slug>,
    pub tag: Option<Slug>,
    pub author: Option<Slug>,
}

/// `GET /articles`: a filtered page of published articles, newest first.
#[derive(Clone, Debug, PartialEq)]
pub struct ListArticles {
    pub filter: ArticleFilter,
    pub page: PageRequest,
}

/// Which articles a list holds, with every slug resolved to ids.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scope {
    pub section_ids: Option<Vec<i64>>,
    pub tag_id: Option<i64>,
    pub author_id: Option<i64>,
}

#[derive(FromQueryResult)]
pub(crate) struct SummaryRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub excerpt: String,
    pub published_at: DateTime<Utc>,
    pub section_id: i64,
    pub featured_image_url: Option<String>,
    pub featured_image_alt: Option<String>,
    pub featured_image_caption: Option<String>,
    pub featured_image_credit: Option<String>,
    pub reading_time_minutes: i32,
}

const SUMMARY_COLUMNS: [articles::Column; 12] = [
    articles::Column::Id,
    articles::Column::Slug,
    articles::Column::Title,
    articles::Column::Subtitle,
    articles::Column::Excerpt,
    articles::Column::PublishedAt,
    articles::Column::SectionId,
    articles::Column::FeaturedImageUrl,
    articles::Column::FeaturedImageAlt,
    articles::Column::FeaturedImageCaption,
    articles::Column::FeaturedImageCredit,
    articles::Column::ReadingTimeMinutes,
];

fn summary_select() -> SelectStatement {
    let mut q = Query::select();
    q.from(articles::Entity);
    for column in SUMMARY_COLUMNS {
        q.column((articles::Entity, column));
    }
    q
}

/// Lists published articles, newest first, by keyset on (published_at, id).
pub async fn list_articles(
    db: &impl ConnectionTrait,
    query: &ListArticles,
) -> Result<Page<ArticleSummary>> {
    let scope = resolve_filter(db, &query.filter).await?;
    list_in_scope(db, &scope, &query.page).await
}

/// Resolves each filter slug. A slug that names nothing is not found, like
/// the page of a section, author or tag that does not exist.
async fn resolve_filter(db: &impl ConnectionTrait, filter: &ArticleFilter) -> Result<Scope> {
    let mut scope = Scope::default();
    if let Some(slug) = &filter.section {
        scope.section_ids = Some(sections::subtree_ids(db, slug).await?);
    }
    if let Some(slug) = &filter.tag {
        let id = id_by_slug::<tags::Entity>(db, tags::Column::Slug, slug).await?;
        scope.tag_id = Some(id.ok_or(Error::NotFound(Resource::Tag))?);
    }
    if let Some(slug) = &filter.author {
        let id = id_by_slug::<authors::Entity>(db, authors::Column::Slug, slug).await?;
        scope.author_id = Some(id.ok_or(Error::NotFound(Resource::Author))?);
    }
    Ok(scope)
}

/// The id of the row of `E` whose slug column is `slug`, if any.
pub(crate) async fn id_by_slug<E: EntityTrait>(
    db: &impl ConnectionTrait,
    column: E::Column,
    slug: &Slug,
) -> Result<Option<i64>> {
    let id = E::find()
        .select_only()
        .column_as(Expr::col(Alias::new("id")), "id")
        .filter(column.eq(slug.as_str()))
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(id)
}

/// One page of the public articles in `scope`.
pub(crate) async fn list_in_scope(
    db: &impl ConnectionTrait,
    scope: &Scope,
    page: &PageRequest,
) -> Result<Page<ArticleSummary>> {
    let mut q = summary_select();
    q.cond_where(public_articles(articles::Entity, time::now()));
    if let Some(ids) = &scope.section_ids {
        q.and_where(Expr::col((articles::Entity, articles::Column::SectionId)).is_in(ids.clone()));
    }
    if let Some(tag_id) = scope.tag_id {
        q.and_where(
            Expr::col((articles::Entity, articles::Column::Id)).in_subquery(
                Query::select()
                    .column(article_tags::Column::ArticleId)
                    .from(article_tags::Entity)
                    .and_where(Expr::col(article_tags::Column::TagId).eq(tag_id))
                    .to_owned(),
            ),
        );
    }
    if let Some(author_id) = scope.author_id {
        q.and_where(
            Expr::col((articles::Entity, articles::Column::Id)).in_subquery(
                Query::select()
                    .column(article_authors::Column::ArticleId)
                    .from(article_authors::Entity)
                    .and_where(Expr::col(article_authors::Column::AuthorId).eq(author_id))
                    .to_owned(),
            ),
        );
    }
    if let Some(after) = page.after {
        let published = Expr::col((articles::Entity, articles::Column::PublishedAt));
        let id = Expr::col((articles::Entity, articles::Column::Id));
        q.cond_where(
            Condition::any().add(published.clone().lt(after.at)).add(
                Condition::all()
                    .add(published.eq(after.at))
                    .add(id.lt(after.id)),
            ),
        );
    }
    q.order_by(
        (articles::Entity, articles::Column::PublishedAt),
        Order::Desc,
    )
    .order_by((articles::Entity, articles::Column::Id), Order::Desc)
    .limit(page.limit.get() + 1);
    let rows: Vec<SummaryRow> = fetch_all(db, &q).await?;
    let summaries = batch::summaries(db, rows).await?;
    Ok(Page::from_overfetch(summaries, page.limit, article_cursor))
}

fn article_cursor(a: &ArticleSummary) -> Cursor {
    Cursor {
        kind: CursorKind::Articles,
        at: a.published_at,
        id: a.id,
    }
}

/// One public article with everything its page shows. A draft, a scheduled
/// article before its time and an archived one are all simply not found.
pub async fn get_article(db: &impl ConnectionTrait, slug: &Slug) -> Result<Article> {
    let now = time::now();
    let model = articles::Entity::find()
        .filter(articles::Column::Slug.eq(slug.as_str()))
        .filter(public_articles(articles::Entity, now))
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Article))?;
    let row = SummaryRow {
        id: model.id,
        slug: model.slug,
        title: model.title,
        subtitle: model.subtitle,
        excerpt: model.excerpt,
        published_at: model.published_at.unwrap_or(model.created_at),
        section_id: model.section_id,
        featured_image_url: model.featured_image_url,
        featured_image_alt: model.featured_image_alt,
        featured_image_caption: model.featured_image_caption,
        featured_image_credit: model.featured_image_credit,
        reading_time_minutes: model.reading_time_minutes,
    };
    let (summary, links) = tokio::try_join!(
        async { batch::summaries(db, vec![row]).await },
        related_links::for_article(db, model.id, now),
    )?;
    let summary = summary
        .into_iter()
        .next()
        .expect("batch::summaries returns one summary per row");
    let body_blocks = RawValue::from_string(model.body_blocks).map_err(|e| {
        Error::Database(sea_orm::DbErr::Custom(format!(
            "stored body_blocks is not JSON: {e}"
        )))
    })?;
    Ok(Article {
        seo: Seo {
            title: model.seo_title.unwrap_or_else(|| summary.title.clone()),
            description: model
                .seo_description
                .unwrap_or_else(|| summary.excerpt.clone()),
            canonical_url: model.canonical_url,
        },
        summary,
        updated_at: model.updated_at,
        body_markdown: model.body_markdown,
        body_html: model.body_html,
        body_blocks,
        related_links: links,
        comments_open: model.comments_open,
    })
}

/// The id of the public article with this slug.
pub(crate) async fn public_id(db: &impl ConnectionTrait, slug: &Slug) -> Result<i64> {
    articles::Entity::find()
        .select_only()
        .column(articles::Column::Id)
        .filter(articles::Column::Slug.eq(slug.as_str()))
        .filter(public_articles(articles::Entity, time::now()))
        .into_tuple::<i64>()
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Article))
}

/// Public articles that share tags or the section with the article `slug`,
/// most shared tags first (the same section counts as one more), then newest.
/// Never the article itself.
pub async fn more_like_this(
    db: &impl ConnectionTrait,
    slug: &Slug,
    limit: Limit,
) -> Result<Vec<ArticleSummary>> {
    let now = time::now();
    let article = articles::Entity::find()
        .filter(articles::Column::Slug.eq(slug.as_str()))
        .filter(public_articles(articles::Entity, now))
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Article))?;

    let shared_tags = Query::select()
        .expr(Func::count(Expr::col((
            Alias::new("mine"),
            article_tags::Column::TagId,
        ))))
        .from_as(article_tags::Entity, Alias::new("theirs"))
        .join_as(
            JoinType::InnerJoin,
            article_tags::Entity,
            Alias::new("mine"),
            Expr::col((Alias::new("mine"), article_tags::Column::TagId))
                .equals((Alias::new("theirs"), article_tags::Column::TagId)),
        )
        .and_where(Expr::col((Alias::new("mine"), article_tags::Column::ArticleId)).eq(article.id))
        .and_where(
            Expr::col((Alias::new("theirs"), article_tags::Column::ArticleId))
                .equals((articles::Entity, articles::Column::Id)),
        )
        .to_owned();
    let same_section = Expr::case(
        Expr::col((articles::Entity, articles::Column::SectionId)).eq(article.section_id),
        1,
    )
    .finally(0);
    let score = Expr::expr(Expr::SubQuery(
        None,
        Box::new(shared_tags.into_sub_query_statement()),
    ))
    .add(same_section);

    let mut q = summary_select();
    q.cond_where(public_articles(articles::Entity, now))
        .and_where(Expr::col((articles::Entity, articles::Column::Id)).ne(article.id))
        .and_where(score.clone().gt(0))
        .order_by_expr(score, Order::Desc)
        .order_by(
            (articles::Entity, articles::Column::PublishedAt),
            Order::Desc,
        )
        .order_by((articles::Entity, articles::Column::Id), Order::Desc)
        .limit(limit.get());
    let rows: Vec<SummaryRow> = fetch_all(db, &q).await?;
    batch::summaries(db, rows).await
}

/// Summaries of the public articles among `ids`, in the order of `ids`.
pub(crate) async fn summaries_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<ArticleSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = summary_select();
    q.cond_where(public_articles(articles::Entity, time::now()))
        .and_where(Expr::col((articles::Entity, articles::Column::Id)).is_in(ids.to_vec()));
    let rows: Vec<SummaryRow> = fetch_all(db, &q).await?;
    let mut by_id: std::collections::HashMap<i64, ArticleSummary> = batch::summaries(db, rows)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}
