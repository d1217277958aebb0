//! An article's "further reading" list: other articles, or pages elsewhere.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, JoinType, Order, Query};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::visibility::public_articles;
use crate::db::entities::{articles, related_links};
use crate::db::fetch_all;
use crate::error::Result;

/// An article another one links to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkedArticle {
    pub slug: String,
    pub title: String,
    pub published_at: DateTime<Utc>,
}

/// One entry of the further-reading list, in the editor's order.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RelatedLink {
    /// Another Newsdesk article. `title` is the editor's wording, or the article's title.
    Article {
        title: String,
        article: LinkedArticle,
    },
    /// A page elsewhere.
    External { title: String, url: String },
}

#[derive(FromQueryResult)]
struct LinkRow {
    url: Option<String>,
    title: Option<String>,
    target_slug: Option<String>,
    target_title: Option<String>,
    target_published_at: Option<DateTime<Utc>>,
}

/// The article's related links. Links to articles the public cannot see are left out.
pub(crate) async fn for_article(
    db: &impl ConnectionTrait,
    article_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<RelatedLink>> {
    let target = Alias::new("target");
    let q = Query::select()
        .column((related_links::Entity, related_links::Column::Url))
        .column((related_links::Entity, related_links::Column::Title))
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
            JoinType::LeftJoin,
            articles::Entity,
            target.clone(),
            Expr::col((target.clone(), articles::Column::Id)).equals((
                related_links::Entity,
                related_links::Column::TargetArticleId,
            )),
        )
        .and_where(
            Expr::col((related_links::Entity, related_links::Column::ArticleId)).eq(article_id),
        )
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
        .order_by(
            (related_links::Entity, related_links::Column::Position),
            Order::Asc,
        )
        .to_owned();
    let rows: Vec<LinkRow> = fetch_all(db, &q).await?;
    Ok(rows.into_iter().filter_map(into_link).collect())
}

fn into_link(row: LinkRow) -> Option<RelatedLink> {
    match (
        row.target_slug,
        row.target_title,
        row.target_published_at,
        row.url,
    ) {
        (Some(slug), Some(target_title), Some(published_at), _) => Some(RelatedLink::Article {
            title: row.title.unwrap_or_else(|| target_title.clone()),
            article: LinkedArticle {
                slug,
                title: target_title,
                published_at,
            },
        }),
        (None, _, _, Some(url)) => Some(RelatedLink::External {
            title: row.title.unwrap_or_else(|| url.clone()),
            url,
        }),
        _ => None,
    }
}
