//! Loading what many articles share in one statement per kind, never one per
//! article. Lists and (later) GraphQL loaders both go through here.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::articles::{ArticleSummary, FeaturedImage, SummaryRow};
use crate::db::entities::{article_authors, article_tags, authors, sections, tags};
use crate::db::fetch_all;
use crate::error::Result;

/// A section as other resources point to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, FromQueryResult)]
pub struct SectionRef {
    pub slug: String,
    pub name: String,
}

/// An author as an article credits them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuthorRef {
    pub slug: String,
    pub name: String,
}

/// A tag as an article carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TagRef {
    pub slug: String,
    pub name: String,
}

#[derive(FromQueryResult)]
struct SectionRow {
    id: i64,
    slug: String,
    name: String,
}

#[derive(FromQueryResult)]
struct CreditRow {
    article_id: i64,
    slug: String,
    name: String,
}

/// Sections by id.
pub async fn sections_by_id(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, SectionRef>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let q = Query::select()
        .columns([
            sections::Column::Id,
            sections::Column::Slug,
            sections::Column::Name,
        ])
        .from(sections::Entity)
        .and_where(Expr::col(sections::Column::Id).is_in(dedup(ids)))
        .to_owned();
    let rows: Vec<SectionRow> = fetch_all(db, &q).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.id,
                SectionRef {
                    slug: r.slug,
                    name: r.name,
                },
            )
        })
        .collect())
}

/// Each article's authors, in byline order.
pub async fn authors_for(
    db: &impl ConnectionTrait,
    article_ids: &[i64],
) -> Result<HashMap<i64, Vec<AuthorRef>>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let q = Query::select()
        .column((article_authors::Entity, article_authors::Column::ArticleId))
        .column((authors::Entity, authors::Column::Slug))
        .column((authors::Entity, authors::Column::Name))
        .from(article_authors::Entity)
        .inner_join(
            authors::Entity,
            Expr::col((authors::Entity, authors::Column::Id))
                .equals((article_authors::Entity, article_authors::Column::AuthorId)),
        )
        .and_where(
            Expr::col((article_authors::Entity, article_authors::Column::ArticleId))
                .is_in(dedup(article_ids)),
        )
        .order_by(
            (article_authors::Entity, article_authors::Column::Position),
            Order::Asc,
        )
        .to_owned();
    let rows: Vec<CreditRow> = fetch_all(db, &q).await?;
    let mut out: HashMap<i64, Vec<AuthorRef>> = HashMap::new();
    for r in rows {
        out.entry(r.article_id).or_default().push(AuthorRef {
            slug: r.slug,
            name: r.name,
        });
    }
    Ok(out)
}

/// Each article's tags, by name.
pub async fn tags_for(
    db: &impl ConnectionTrait,
    article_ids: &[i64],
) -> Result<HashMap<i64, Vec<TagRef>>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let q = Query::select()
        .column((article_tags::Entity, article_tags::Column::ArticleId))
        .column((tags::Entity, tags::Column::Slug))
        .column((tags::Entity, tags::Column::Name))
        .from(article_tags::Entity)
        .inner_join(
            tags::Entity,
            Expr::col((tags::Entity, tags::Column::Id))
                .equals((article_tags::Entity, article_tags::Column::TagId)),
        )
        .and_where(
            Expr::col((article_tags::Entity, article_tags::Column::ArticleId))
                .is_in(dedup(article_ids)),
        )
        .order_by((tags::Entity, tags::Column::Name), Order::Asc)
        .to_owned();
    let rows: Vec<CreditRow> = fetch_all(db, &q).await?;
    let mut out: HashMap<i64, Vec<TagRef>> = HashMap::new();
    for r in rows {
        out.entry(r.article_id).or_default().push(TagRef {
            slug: r.slug,
            name: r.name,
        });
    }
    Ok(out)
}

/// Turns article rows into summaries with three more statements in all,
/// whatever the number of rows. Keeps the rows' order.
pub(crate) async fn summaries(
    db: &impl ConnectionTrait,
    rows: Vec<SummaryRow>,
) -> Result<Vec<ArticleSummary>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let section_ids: Vec<i64> = rows.iter().map(|r| r.section_id).collect();
    let (sections, mut authors, mut tags) = tokio::try_join!(
        sections_by_id(db, &section_ids),
        authors_for(db, &ids),
        tags_for(db, &ids),
    )?;
    rows.into_iter()
        .map(|r| {
            // The foreign key guarantees the section; its absence means the
            // database is not what the migrations made.
            let section = sections.get(&r.section_id).cloned().ok_or_else(|| {
                sea_orm::DbErr::RecordNotFound(format!(
                    "section {} of article {}",
                    r.section_id, r.id
                ))
            })?;
            Ok(ArticleSummary {
                section,
                authors: authors.remove(&r.id).unwrap_or_default(),
                tags: tags.remove(&r.id).unwrap_or_default(),
                featured_image: r.featured_image_url.map(|url| FeaturedImage {
                    url,
                    alt: r.featured_image_alt,
                    caption: r.featured_image_caption,
                    credit: r.featured_image_credit,
                }),
                id: r.id,
                slug: r.slug,
                title: r.title,
                subtitle: r.subtitle,
                excerpt: r.excerpt,
                published_at: r.published_at,
                reading_time_minutes: r.reading_time_minutes,
            })
        })
        .collect()
}

fn dedup(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}
