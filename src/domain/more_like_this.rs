//! "More like this": public articles that share tags or the section with one article.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, Order, Query, QueryStatementBuilder, SelectStatement,
};
use sea_orm::{FromQueryResult, IdenStatic, Statement};

use super::articles::{ArticleRow, row_columns_of};
use super::ids::ArticleId;
use super::page::Limit;
use super::relations::{Along, AlongRow, Relations};
use super::visibility::public_articles;
use crate::db::FetchRows;
use crate::db::entities::{article_tags, articles as article_table};
use crate::db::reads::Both;
use crate::db::sql::{Dialect, STAND_IN_TIME, Sql, Templates, stand_in_id};
use crate::error::Result;

/// Public articles sharing tags or the section with each of `articles`: most
/// shared tags first (the same section counts as one more), then newest.
/// Never the article itself. One statement for all of them: each article's
/// ranking is its own bounded select, and the selects are joined by
/// `UNION ALL`, so a list asking for More like this costs what one article does.
///
/// The relations `along` asks for are read by the same statement.
pub async fn more_like_this_of(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    articles: &[SimilarTo],
    limit: Limit,
    along: Along,
) -> Result<(SimilarRows, Relations)> {
    let mut similar: HashMap<ArticleId, Vec<(ArticleRow, i64)>> = HashMap::new();
    let mut relations = Relations::default();
    if articles.is_empty() {
        return Ok((HashMap::new(), relations));
    }
    for article in articles {
        similar.entry(article.article).or_default();
    }
    let statement = statement(
        Dialect::of(db.get_database_backend()),
        now,
        articles,
        limit,
        along,
    );
    let rows: Vec<Both<Likeness, Both<ArticleRow, AlongRow>>> =
        db.fetch_statement(statement).await?;
    for Both(likeness, Both(found, related)) in rows {
        relations.add(found.id.0, related)?;
        similar
            .entry(ArticleId(likeness.like_article))
            .or_default()
            .push((found, likeness.score));
    }
    let similar = similar
        .into_iter()
        .map(|(like, mut rows)| {
            // UNION ALL promises no order; each list is put back in its own.
            rows.sort_by(|(a, a_score), (b, b_score)| {
                b_score
                    .cmp(a_score)
                    .then(b.published_at.cmp(&a.published_at))
                    .then(b.id.0.cmp(&a.id.0))
            });
            (like, rows.into_iter().map(|(row, _)| row).collect())
        })
        .collect();
    Ok((similar, relations))
}

/// The statement of [`more_like_this_of`]. Its text depends only on how
/// many articles it ranks, how many it keeps of each and which relations it
/// reads, never on which articles: each article's id is bound, so every
/// article page reuses the statement its connection has prepared (an id
/// written into the text made each article's a new statement to prepare,
/// and pushed the others out of the connection's cache). One article's
/// statement, an article page's, is written once per shape and filled in.
fn statement(
    d: Dialect,
    now: DateTime<Utc>,
    articles: &[SimilarTo],
    limit: Limit,
    along: Along,
) -> Statement {
    static ONE_ARTICLE: LazyLock<Templates<(Dialect, Limit, Along)>> =
        LazyLock::new(|| Templates::new(256));
    let [one] = articles else {
        return write(d, now, articles, limit, along).statement();
    };
    let stand_in = SimilarTo {
        article: ArticleId(stand_in_id(1)),
        section: stand_in_id(2),
    };
    let fill = [
        (stand_in.article.0.into(), one.article.0.into()),
        (stand_in.section.into(), one.section.into()),
        (STAND_IN_TIME.into(), now.into()),
    ];
    ONE_ARTICLE.fill((d, limit, along), &fill, || {
        write(d, STAND_IN_TIME, &[stand_in], limit, along)
    })
}

/// Writes [`statement`] afresh.
fn write(
    d: Dialect,
    now: DateTime<Utc>,
    articles: &[SimilarTo],
    limit: Limit,
    along: Along,
) -> Sql {
    let along = along.columns(d, "a");
    let mut sql = Sql::new(d);
    for (n, article) in articles.iter().enumerate() {
        if n > 0 {
            sql.push(" UNION ALL ");
        }
        // Cast, so PostgreSQL knows the parameter's type.
        sql.push("SELECT CAST(")
            .bind(article.article.0)
            .push(&format!(" AS BIGINT) AS {LIKE}, r{n}.* FROM ("));
        ranked(
            &mut sql,
            now,
            Expr::val(article.article.0),
            Expr::val(article.section),
            limit,
            &along,
        );
        sql.push(&format!(") r{n}"));
    }
    sql
}

/// The rows of the articles like each article, by its id, in order.
pub type SimilarRows = HashMap<ArticleId, Vec<ArticleRow>>;

/// An article to find others like: its id and its section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SimilarTo {
    pub article: ArticleId,
    pub section: i64,
}

impl SimilarTo {
    pub fn of(row: &ArticleRow) -> SimilarTo {
        SimilarTo {
            article: row.id,
            section: row.section_id,
        }
    }
}

/// The column naming the article a row is like.
const LIKE: &str = "like_article";

/// What the ranking adds to an article's row: which article it is like, and how much.
#[derive(FromQueryResult, serde::Deserialize)]
struct Likeness {
    like_article: i64,
    score: i64,
}

/// Writes the select of the articles like the one whose id and section are
/// `id` and `section` (values, or references to a table the statement
/// defines): every article row column and the `score`, at most `limit`,
/// then the `extra` columns (text to follow a column, reading the article
/// as `a`). The rows come in no promised order: each caller orders them by
/// score, time and id, as it must anyway (a `UNION ALL` of several
/// articles' selects, a numbering window), and sorting them here too cost
/// SQLite a sort of its own, 7 % of an article page's statement.
///
/// Bounded whatever the archive's size and however common its tags:
/// tag-sharing candidates are the articles created around the same time, in
/// the window of ids where none of the article's tags holds more than
/// `PER_TAG` other articles on either side ([`window_edge`]), and they are
/// scored exactly. A tag on 15,000 of a million articles made the unbounded
/// query read 45,000 rows (0.5 s on PostgreSQL); a fixed window of 10,000 ids
/// still read every posting of a 10,000-article archive, 450 rows and 220 µs
/// of SQLite for each article page. An article sharing no tag scores 1 from
/// its section alone, so any that belongs in the answer is among the
/// section's newest `limit`. Both sets are read in the one statement and the
/// best score of each article wins.
///
/// The candidates' shared tags are counted from the tag index alone, and
/// only ids travel until the last `limit` are joined to their rows: carrying
/// every column of each (article, tag) pair through the grouping cost twice
/// as much on SQLite.
pub(crate) fn ranked(
    sql: &mut Sql,
    now: DateTime<Utc>,
    id: Expr,
    section: Expr,
    limit: Limit,
    extra: &str,
) {
    let my_tags = Query::select()
        .column(article_tags::Column::TagId)
        .from(article_tags::Entity)
        .and_where(Expr::col(article_tags::Column::ArticleId).eq(id.clone()))
        .to_owned();
    let shared = Query::select()
        .column(article_tags::Column::ArticleId)
        .expr_as(
            Func::count(Expr::col(article_tags::Column::TagId)),
            Alias::new(SHARED),
        )
        .from(article_tags::Entity)
        .and_where(Expr::col(article_tags::Column::TagId).in_subquery(my_tags))
        .and_where(
            Expr::col(article_tags::Column::ArticleId)
                .between(window_edge(&id, Side::Older), window_edge(&id, Side::Newer)),
        )
        .and_where(Expr::col(article_tags::Column::ArticleId).ne(id.clone()))
        .add_group_by([candidate_group(sql.dialect())])
        .to_owned();
    let same_section = Expr::case(
        Expr::col((article_table::Entity, article_table::Column::SectionId)).eq(section.clone()),
        1,
    )
    .finally(0);
    let score = Expr::col((Alias::new(SHARED_TABLE), Alias::new(SHARED))).add(same_section);
    let sharing_tags = newest_first(
        Query::select()
            .column((article_table::Entity, article_table::Column::Id))
            .expr_as(score.clone(), Alias::new(SCORE))
            .from_subquery(shared, Alias::new(SHARED_TABLE))
            .inner_join(
                article_table::Entity,
                Expr::col((article_table::Entity, article_table::Column::Id))
                    .equals((Alias::new(SHARED_TABLE), article_tags::Column::ArticleId)),
            )
            .cond_where(public_articles(article_table::Entity, now))
            .order_by_expr(score, Order::Desc),
    );
    let in_section = newest_first(
        Query::select()
            .column((article_table::Entity, article_table::Column::Id))
            .expr_as(Expr::val(1), Alias::new(SCORE))
            .from(article_table::Entity)
            .cond_where(public_articles(article_table::Entity, now))
            .and_where(
                Expr::col((article_table::Entity, article_table::Column::SectionId)).eq(section),
            )
            .and_where(Expr::col((article_table::Entity, article_table::Column::Id)).ne(id)),
    );
    let columns = row_columns_of("a");
    sql.push(&format!(
        "SELECT {columns}, best.{SCORE}{extra} FROM (SELECT b.id, b.{SCORE} FROM \
         (SELECT c.id, max(c.{SCORE}) AS {SCORE} FROM (SELECT * FROM ("
    ))
    .select_limited(sharing_tags, limit.get())
    .push(") t UNION ALL SELECT * FROM (")
    .select_limited(in_section, limit.get())
    // The best are picked by id, time and score alone, and only they are
    // joined to their columns and `extra`: SQLite computes a select list
    // for every row it sorts, so ranking whole rows read every candidate's
    // columns and relations (12 % of the statement for a page's five).
    .push(&format!(
        ") s) c GROUP BY c.id) b JOIN articles k ON k.id = b.id \
         ORDER BY b.{SCORE} DESC, k.published_at DESC, k.id DESC LIMIT {}) best \
         JOIN articles a ON a.id = best.id",
        limit.get()
    ));
}

/// What the candidates are grouped by: their id. On SQLite written `+id`, so
/// that the planner, to have the groups in order, does not read the whole
/// primary-key index instead of a few hundred entries of the tag index.
/// PostgreSQL plans by its statistics, and wants the selected column itself.
fn candidate_group(d: Dialect) -> Expr {
    let id = article_tags::Column::ArticleId.as_str();
    match d {
        Dialect::Sqlite => Expr::cust(format!("+{id}")),
        Dialect::Postgres => Expr::cust(id),
    }
}

/// The count of tags a candidate shares, and the table of candidates that holds it.
const SHARED: &str = "shared";
const SHARED_TABLE: &str = "sharing";
const SCORE: &str = "score";

/// How many articles each of an article's tags may contribute as candidates
/// on either side of it: the closest coverage of each of its topics, read
/// from the `(tag_id, article_id)` index in a few dozen entries per tag at
/// any archive size.
const PER_TAG: u64 = 20;

/// Which end of the candidates' window.
#[derive(Clone, Copy)]
enum Side {
    Older,
    Newer,
}

/// One end of the window of ids tag-sharing candidates come from: on each
/// side, the nearest id at which one of the article's tags has had `PER_TAG`
/// other articles. A tag rarer than that leaves the window open on its
/// account; an article without tags has no window (`NULL`), as it has no
/// tag to share.
fn window_edge(id: &Expr, side: Side) -> Expr {
    let (mine, other) = (Alias::new("m"), Alias::new("q"));
    let other_id = Expr::col((other.clone(), article_tags::Column::ArticleId));
    let (beyond, order, open) = match side {
        Side::Older => (other_id.lt(id.clone()), Order::Desc, 0),
        Side::Newer => (other_id.gt(id.clone()), Order::Asc, i64::MAX),
    };
    let nth = Query::select()
        .column((other.clone(), article_tags::Column::ArticleId))
        .from_as(article_tags::Entity, other.clone())
        .and_where(
            Expr::col((other.clone(), article_tags::Column::TagId))
                .equals((mine.clone(), article_tags::Column::TagId)),
        )
        .and_where(beyond)
        .order_by((other, article_tags::Column::ArticleId), order)
        .limit(1)
        .offset(PER_TAG - 1)
        .to_owned();
    let edge = Func::coalesce([
        Expr::SubQuery(None, Box::new(nth.into_sub_query_statement())),
        Expr::val(open),
    ]);
    // The narrowest tag's edge: every tag then contributes at most `PER_TAG`.
    let narrowest = match side {
        Side::Older => Func::max(edge),
        Side::Newer => Func::min(edge),
    };
    let edge = Query::select()
        .expr(narrowest)
        .from_as(article_tags::Entity, mine.clone())
        .and_where(Expr::col((mine, article_tags::Column::ArticleId)).eq(id.clone()))
        .to_owned();
    Expr::SubQuery(None, Box::new(edge.into_sub_query_statement()))
}

/// Newest first.
fn newest_first(q: &mut SelectStatement) -> SelectStatement {
    q.order_by(
        (article_table::Entity, article_table::Column::PublishedAt),
        Order::Desc,
    )
    .order_by(
        (article_table::Entity, article_table::Column::Id),
        Order::Desc,
    )
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn like(article: i64, section: i64) -> SimilarTo {
        SimilarTo {
            article: ArticleId(article),
            section,
        }
    }

    #[test]
    fn every_article_ranks_through_the_same_statement_text() {
        let now = Utc::now();
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            let one = write(d, now, &[like(1, 1)], Limit::of(5), Along::NOTHING).statement();
            let other = write(d, now, &[like(4242, 7)], Limit::of(5), Along::NOTHING).statement();
            assert_eq!(one.sql, other.sql);
            assert_ne!(one.values, other.values);
        }
    }

    #[test]
    fn an_articles_statement_filled_in_is_the_statement_written_afresh() {
        let along = Along {
            section: true,
            authors: true,
            tags: false,
        };
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            for (article, section, hours) in [(1, 1, 0), (4242, 7, 3), (-5, 0, 50)] {
                let now = Utc::now() - chrono::TimeDelta::hours(hours);
                let articles = [like(article, section)];
                let filled = statement(d, now, &articles, Limit::of(5), along);
                let fresh = write(d, now, &articles, Limit::of(5), along).statement();
                assert_eq!((filled.sql, filled.values), (fresh.sql, fresh.values));
            }
        }
    }
}
