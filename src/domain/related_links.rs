//! An article's "further reading" list: other articles, or pages elsewhere.

use crate::db::FetchRows;
use crate::domain::ids::ArticleId;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::FromQueryResult;
use sea_orm::sea_query::{
    Alias, Condition, Expr, ExprTrait, JoinType, Order, Query, SelectStatement,
};

use super::batch::dedup;
use super::visibility::public_articles;
use crate::db::entities::{articles, related_links};
use crate::db::fetch_all;
use crate::error::Result;

/// An article another one links to.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkedArticle {
    pub id: ArticleId,
    pub slug: String,
    pub title: String,
    pub published_at: DateTime<Utc>,
}

/// One entry of the further-reading list, in the editor's order.
#[derive(Clone, Debug, PartialEq)]
pub enum RelatedLink {
    /// Another Newsdesk article. `title` is the editor's wording, or the article's title.
    Article {
        id: i64,
        title: String,
        article: LinkedArticle,
    },
    /// A page elsewhere.
    External { id: i64, title: String, url: String },
}

impl RelatedLink {
    pub fn id(&self) -> i64 {
        match self {
            RelatedLink::Article { id, .. } | RelatedLink::External { id, .. } => *id,
        }
    }
}

/// A link as [`public_links`] selects it.
#[derive(FromQueryResult, serde::Deserialize)]
pub(crate) struct LinkRow {
    id: i64,
    article_id: i64,
    url: Option<String>,
    title: Option<String>,
    target_id: Option<i64>,
    target_slug: Option<String>,
    target_title: Option<String>,
    target_published_at: Option<DateTime<Utc>>,
}

/// Links whose owning article is public, leaving out links to articles the
/// public cannot see.
pub(crate) fn public_links(now: DateTime<Utc>) -> SelectStatement {
    let (owner, target) = (Alias::new("owner"), Alias::new("target"));
    Query::select()
        .column((related_links::Entity, related_links::Column::Id))
        .column((related_links::Entity, related_links::Column::ArticleId))
        .column((related_links::Entity, related_links::Column::Url))
        .column((related_links::Entity, related_links::Column::Title))
        .column((related_links::Entity, related_links::Column::Position))
        .expr_as(
            Expr::col((target.clone(), articles::Column::Id)),
            "target_id",
        )
        .expr_as(
            Expr::col((target.clone(), articles::Column::Slug)),
            "target_slug",
        )
        .expr_as(
            Expr::col((target.clone(), articles::Column::Title)),
            "target_title",
        )
        .expr_as(
            Expr::col((target.clone(), articles::Column::PublishedAt)),
            "target_published_at",
        )
        .from(related_links::Entity)
        .join_as(
            JoinType::InnerJoin,
            articles::Entity,
            owner.clone(),
            Expr::col((owner.clone(), articles::Column::Id))
                .equals((related_links::Entity, related_links::Column::ArticleId)),
        )
        .join_as(
            JoinType::LeftJoin,
            articles::Entity,
            target.clone(),
            Expr::col((target.clone(), articles::Column::Id)).equals((
                related_links::Entity,
                related_links::Column::TargetArticleId,
            )),
        )
        .cond_where(public_articles(owner, now))
        .cond_where(
            Condition::any()
                .add(
                    Expr::col((
                        related_links::Entity,
                        related_links::Column::TargetArticleId,
                    ))
                    .is_null(),
                )
                .add(public_articles(target, now)),
        )
        .to_owned()
}

/// Each public article's related links, in the editor's order.
pub async fn for_articles(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    article_ids: &[i64],
) -> Result<HashMap<i64, Vec<RelatedLink>>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let q = public_links(now)
        .and_where(
            Expr::col((related_links::Entity, related_links::Column::ArticleId))
                .is_in(dedup(article_ids)),
        )
        .order_by(
            (related_links::Entity, related_links::Column::Position),
            Order::Asc,
        )
        .to_owned();
    let rows: Vec<LinkRow> = fetch_all(db, &q).await?;
    let mut out: HashMap<i64, Vec<RelatedLink>> = HashMap::new();
    for row in rows {
        let article_id = row.article_id;
        if let Some(link) = into_link(row) {
            out.entry(article_id).or_default().push(link);
        }
    }
    Ok(out)
}

/// Public related links by their own id.
pub async fn links_by_ids(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    ids: &[i64],
) -> Result<HashMap<i64, RelatedLink>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let q = public_links(now)
        .and_where(Expr::col((related_links::Entity, related_links::Column::Id)).is_in(dedup(ids)))
        .to_owned();
    let rows: Vec<LinkRow> = fetch_all(db, &q).await?;
    Ok(rows
        .into_iter()
        .filter_map(into_link)
        .map(|l| (l.id(), l))
        .collect())
}

/// The link `row` holds, if the public may follow it.
pub(crate) fn into_link(row: LinkRow) -> Option<RelatedLink> {
    let id = row.id;
    match (
        row.target_id,
        row.target_slug,
        row.target_title,
        row.target_published_at,
        row.url,
    ) {
        (Some(target), Some(slug), Some(target_title), Some(published_at), _) => {
            Some(RelatedLink::Article {
                id,
                title: row.title.unwrap_or_else(|| target_title.clone()),
                article: LinkedArticle {
                    id: ArticleId(target),
                    slug,
                    title: target_title,
                    published_at,
                },
            })
        }
        (None, _, _, _, Some(url)) => Some(RelatedLink::External {
            id,
            title: row.title.unwrap_or_else(|| url.clone()),
            url,
        }),
        _ => None,
    }
}
