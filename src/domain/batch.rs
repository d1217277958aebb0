//! Loading what many articles share in one statement per kind, never one per
//! article. The REST lists and the GraphQL DataLoaders both go through here.

use crate::db::FetchRows;
use std::collections::HashMap;

use crate::domain::ids::{AuthorId, TagId};

use sea_orm::FromQueryResult;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde_json::value::RawValue;

use super::articles::{ArticleBody, Seo};
use super::authors::Author;
use super::sections::SectionInfo;
use super::tags::Tag;
use crate::db::entities::{article_authors, article_tags, articles, authors, sections, tags};
use crate::db::fetch_all;
use crate::error::{Error, Result};

pub use super::comments::counts_for as comment_counts;
pub use super::related_links::for_articles as related_links_for;

/// A section as other resources point to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionRef {
    pub slug: String,
    pub name: String,
}

/// Sections by id.
pub async fn sections_by_id(db: &impl FetchRows, ids: &[i64]) -> Result<HashMap<i64, SectionInfo>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let q = Query::select()
        .columns([
            sections::Column::Id,
            sections::Column::Slug,
            sections::Column::Name,
            sections::Column::Description,
            sections::Column::ParentId,
        ])
        .from(sections::Entity)
        .and_where(Expr::col(sections::Column::Id).is_in(dedup(ids)))
        .to_owned();
    let rows: Vec<SectionInfo> = fetch_all(db, &q).await?;
    Ok(rows.into_iter().map(|s| (s.id.0, s)).collect())
}

#[derive(FromQueryResult, serde::Deserialize)]
struct CreditRow {
    article_id: i64,
    id: i64,
    slug: String,
    name: String,
    bio: String,
    avatar_url: Option<String>,
}

/// Each article's authors, in byline order.
pub async fn authors_for(
    db: &impl FetchRows,
    article_ids: &[i64],
) -> Result<HashMap<i64, Vec<Author>>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let q = Query::select()
        .column((article_authors::Entity, article_authors::Column::ArticleId))
        .columns([
            (authors::Entity, authors::Column::Id),
            (authors::Entity, authors::Column::Slug),
            (authors::Entity, authors::Column::Name),
            (authors::Entity, authors::Column::Bio),
            (authors::Entity, authors::Column::AvatarUrl),
        ])
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
    let mut out: HashMap<i64, Vec<Author>> = HashMap::new();
    for r in rows {
        out.entry(r.article_id).or_default().push(Author {
            id: AuthorId(r.id),
            slug: r.slug,
            name: r.name,
            bio: r.bio,
            avatar_url: r.avatar_url,
        });
    }
    Ok(out)
}

#[derive(FromQueryResult, serde::Deserialize)]
struct TagRow {
    article_id: i64,
    id: i64,
    slug: String,
    name: String,
}

/// Each article's tags, by name.
pub async fn tags_for(db: &impl FetchRows, article_ids: &[i64]) -> Result<HashMap<i64, Vec<Tag>>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let q = Query::select()
        .column((article_tags::Entity, article_tags::Column::ArticleId))
        .columns([
            (tags::Entity, tags::Column::Id),
            (tags::Entity, tags::Column::Slug),
            (tags::Entity, tags::Column::Name),
        ])
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
    let rows: Vec<TagRow> = fetch_all(db, &q).await?;
    let mut out: HashMap<i64, Vec<Tag>> = HashMap::new();
    for r in rows {
        out.entry(r.article_id).or_default().push(Tag {
            id: TagId(r.id),
            slug: r.slug,
            name: r.name,
        });
    }
    Ok(out)
}

/// An article's body columns, as [`bodies`] and the article page's one
/// statement (`article_parts`) read them.
#[derive(FromQueryResult, serde::Deserialize)]
pub(crate) struct BodyRow {
    id: i64,
    title: String,
    excerpt: String,
    updated_at: chrono::DateTime<chrono::Utc>,
    body_markdown: String,
    body_html: String,
    body_blocks: String,
    seo_title: Option<String>,
    seo_description: Option<String>,
    canonical_url: Option<String>,
    comments_open: bool,
}

/// Each article's body in every form, with its SEO fields. Callers pass ids
/// of articles they already know to be public.
pub async fn bodies(db: &impl FetchRows, article_ids: &[i64]) -> Result<HashMap<i64, ArticleBody>> {
    use articles::Column as C;
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = Query::select()
        .columns([C::Id, C::Title, C::Excerpt])
        .from(articles::Entity)
        .and_where(Expr::col(C::Id).is_in(dedup(article_ids)))
        .to_owned();
    add_body_columns(&mut q);
    let rows: Vec<BodyRow> = fetch_all(db, &q).await?;
    rows.into_iter()
        .map(|r| Ok((r.id, r.into_body()?)))
        .collect()
}

/// Adds to a select of `articles` (with its id, title and excerpt) the
/// columns a [`BodyRow`] reads beyond those.
pub(crate) fn add_body_columns(q: &mut SelectStatement) {
    use articles::Column as C;
    q.columns([
        (articles::Entity, C::BodyMarkdown),
        (articles::Entity, C::BodyHtml),
        (articles::Entity, C::BodyBlocks),
        (articles::Entity, C::SeoTitle),
        (articles::Entity, C::SeoDescription),
        (articles::Entity, C::CanonicalUrl),
        (articles::Entity, C::CommentsOpen),
    ])
    // What the public is told changed: notes, not silent fixes.
    .expr_as(
        Expr::cust(super::notes::public_updated_at("articles")),
        "updated_at",
    );
}

impl BodyRow {
    pub(crate) fn into_body(self) -> Result<ArticleBody> {
        let blocks = RawValue::from_string(self.body_blocks).map_err(|e| {
            Error::Internal(format!(
                "stored body_blocks of article {} is not JSON: {e}",
                self.id
            ))
        })?;
        Ok(ArticleBody {
            updated_at: self.updated_at,
            body_markdown: self.body_markdown,
            body_html: self.body_html,
            body_blocks: blocks,
            seo: Seo {
                title: self.seo_title.unwrap_or(self.title),
                description: self.seo_description.unwrap_or(self.excerpt),
                canonical_url: self.canonical_url,
            },
            comments_open: self.comments_open,
        })
    }
}

pub(crate) fn dedup(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}
