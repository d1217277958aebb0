//! "More like this": public articles that share tags or the section with one article.

use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, JoinType, Order, Query, QueryStatementBuilder,
};

use super::articles::{self, ArticleRow, ArticleSummary, public_row_select};
use super::batch;
use super::ids::Slug;
use super::page::Limit;
use super::time;
use crate::db::entities::{article_tags, articles as article_table};
use crate::db::fetch_all;
use crate::error::Result;

/// Articles like the public article `slug`, as summaries.
pub async fn more_like_this(
    db: &impl ConnectionTrait,
    slug: &Slug,
    limit: Limit,
) -> Result<Vec<ArticleSummary>> {
    let article = articles::find_article_row(db, slug).await?;
    let rows = more_like_this_rows(db, &article, limit).await?;
    batch::summaries(db, rows).await
}

/// Public articles sharing tags or the section with `article`: most shared tags
/// first (the same section counts as one more), then newest. Never the article itself.
pub async fn more_like_this_rows(
    db: &impl ConnectionTrait,
    article: &ArticleRow,
    limit: Limit,
) -> Result<Vec<ArticleRow>> {
    let (mine, theirs) = (Alias::new("mine"), Alias::new("theirs"));
    let shared_tags = Query::select()
        .expr(Func::count(Expr::col((
            mine.clone(),
            article_tags::Column::TagId,
        ))))
        .from_as(article_tags::Entity, theirs.clone())
        .join_as(
            JoinType::InnerJoin,
            article_tags::Entity,
            mine.clone(),
            Expr::col((mine.clone(), article_tags::Column::TagId))
                .equals((theirs.clone(), article_tags::Column::TagId)),
        )
        .and_where(Expr::col((mine, article_tags::Column::ArticleId)).eq(article.id))
        .and_where(
            Expr::col((theirs, article_tags::Column::ArticleId))
                .equals((article_table::Entity, article_table::Column::Id)),
        )
        .to_owned();
    let same_section = Expr::case(
        Expr::col((article_table::Entity, article_table::Column::SectionId)).eq(article.section_id),
        1,
    )
    .finally(0);
    let score = Expr::expr(Expr::SubQuery(
        None,
        Box::new(shared_tags.into_sub_query_statement()),
    ))
    .add(same_section);

    let q = public_row_select(time::now())
        .and_where(Expr::col((article_table::Entity, article_table::Column::Id)).ne(article.id))
        .and_where(score.clone().gt(0))
        .order_by_expr(score, Order::Desc)
        .order_by(
            (article_table::Entity, article_table::Column::PublishedAt),
            Order::Desc,
        )
        .order_by(
            (article_table::Entity, article_table::Column::Id),
            Order::Desc,
        )
        .limit(limit.get())
        .to_owned();
    Ok(fetch_all(db, &q).await?)
}
