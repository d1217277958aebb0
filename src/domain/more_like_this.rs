//! "More like this": public articles that share tags or the section with one article.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, QueryResult};

use super::articles::{self, ArticleRow, ArticleSummary, public_row_select};
use super::batch;
use super::ids::Slug;
use super::page::Limit;
use crate::db::entities::{article_tags, articles as article_table};
use crate::db::fetch_all;
use crate::error::Result;

/// Articles like the public article `slug`, as summaries.
pub async fn more_like_this(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    slug: &Slug,
    limit: Limit,
) -> Result<Vec<ArticleSummary>> {
    let article = articles::find_article_row(db, now, slug).await?;
    let rows = more_like_this_rows(db, now, &article, limit).await?;
    batch::summaries(db, rows).await
}

/// Public articles sharing tags or the section with `article`: most shared tags
/// first (the same section counts as one more), then newest. Never the article itself.
///
/// Bounded whatever the archive's size: tag-sharing candidates are the
/// articles created around the same time (`NEARBY`), scored exactly; a tag on
/// 15,000 of a million articles made the unbounded query read 45,000 rows
/// (0.5 s on PostgreSQL). An article
/// sharing no tag scores 1 from its section alone, so any that belongs in
/// the answer is among the section's newest `limit`, the second statement.
pub async fn more_like_this_rows(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    article: &ArticleRow,
    limit: Limit,
) -> Result<Vec<ArticleRow>> {
    let my_tags = Query::select()
        .column(article_tags::Column::TagId)
        .from(article_tags::Entity)
        .and_where(Expr::col(article_tags::Column::ArticleId).eq(article.id))
        .to_owned();
    let same_section = Expr::case(
        Expr::col((article_table::Entity, article_table::Column::SectionId)).eq(article.section_id),
        1,
    )
    .finally(0);
    let score = Expr::expr(Func::count(Expr::col((
        article_tags::Entity,
        article_tags::Column::TagId,
    ))))
    .add(same_section);
    let sharing_tags = newest_first(
        public_row_select(now)
            .expr_as(score.clone(), Alias::new(SCORE))
            .inner_join(
                article_tags::Entity,
                Expr::col((article_tags::Entity, article_tags::Column::ArticleId))
                    .equals((article_table::Entity, article_table::Column::Id)),
            )
            .and_where(
                Expr::col((article_tags::Entity, article_tags::Column::TagId))
                    .in_subquery(my_tags.clone()),
            )
            .and_where(
                Expr::col((article_tags::Entity, article_tags::Column::ArticleId))
                    .between(article.id.0 - NEARBY, article.id.0 + NEARBY),
            )
            .and_where(Expr::col((article_table::Entity, article_table::Column::Id)).ne(article.id))
            .group_by_col((article_table::Entity, article_table::Column::Id))
            .order_by_expr(score, Order::Desc),
        limit,
    );
    let in_section = newest_first(
        public_row_select(now)
            .and_where(
                Expr::col((article_table::Entity, article_table::Column::SectionId))
                    .eq(article.section_id),
            )
            .and_where(
                Expr::col((article_table::Entity, article_table::Column::Id)).ne(article.id),
            ),
        limit,
    );
    let scored: Vec<Scored> = fetch_all(db, &sharing_tags).await?;
    let section: Vec<ArticleRow> = fetch_all(db, &in_section).await?;
    let mut best: Vec<Scored> = scored;
    for row in section {
        if !best.iter().any(|s| s.row.id == row.id) {
            best.push(Scored { row, score: 1 });
        }
    }
    best.sort_by(|a, b| {
        (b.score, b.row.published_at, b.row.id).cmp(&(a.score, a.row.published_at, a.row.id))
    });
    best.truncate(limit.get() as usize);
    Ok(best.into_iter().map(|s| s.row).collect())
}

const SCORE: &str = "score";

/// Candidates are articles created within this many ids of the article:
/// coverage from around its time, and a range the `(tag_id, article_id)`
/// index reads in a few hundred entries per tag at any archive size.
const NEARBY: i64 = 10_000;

/// Newest first, at most `limit` rows.
fn newest_first(q: &mut SelectStatement, limit: Limit) -> SelectStatement {
    q.order_by(
        (article_table::Entity, article_table::Column::PublishedAt),
        Order::Desc,
    )
    .order_by(
        (article_table::Entity, article_table::Column::Id),
        Order::Desc,
    )
    .limit(limit.get())
    .to_owned()
}

/// A candidate and how much it has in common with the article.
struct Scored {
    row: ArticleRow,
    score: i64,
}

impl FromQueryResult for Scored {
    fn from_query_result(res: &QueryResult, pre: &str) -> std::result::Result<Self, DbErr> {
        Ok(Scored {
            row: ArticleRow::from_query_result(res, pre)?,
            score: res.try_get(pre, SCORE)?,
        })
    }
}
