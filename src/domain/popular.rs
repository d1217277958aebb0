//! "Popular": the most viewed public articles over a recent window.

use crate::db::FetchRows;
use chrono::{DateTime, Utc};
use chrono::{NaiveDate, TimeDelta};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement};
use sea_orm::{FromQueryResult, Statement};
use std::sync::LazyLock;

use super::articles::{ArticleRow, row_columns_of};
use super::page::Limit;
use super::relations::{Along, AlongRow, Relations};
use super::visibility::public_articles;
use crate::db::entities::{article_views, articles as article_table};
use crate::db::reads::Both;
use crate::db::sql::{Dialect, STAND_IN_TIME, Sql, Templates};
use crate::error::{Error, Result};

/// How far back "popular" looks. Views are counted per UTC day, so a window
/// covers the whole days it touches: `24h` is today and yesterday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Window {
    Day,
    Week,
    Month,
}

impl Window {
    /// Parses `24h`, `7d` or `30d`; anything else is an error naming `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Window> {
        match raw {
            "24h" => Ok(Window::Day),
            "7d" => Ok(Window::Week),
            "30d" => Ok(Window::Month),
            _ => Err(Error::invalid(field, "must be one of 24h, 7d, 30d")),
        }
    }

    fn span(self) -> TimeDelta {
        match self {
            Window::Day => TimeDelta::hours(24),
            Window::Week => TimeDelta::days(7),
            Window::Month => TimeDelta::days(30),
        }
    }

    /// The first day the window counts.
    pub fn first_day(self, now: DateTime<Utc>) -> NaiveDate {
        (now - self.span()).date_naive()
    }
}

/// Articles' rows with their views in a window, most viewed first.
pub type ViewedRows = Vec<(ArticleRow, i64)>;

#[derive(FromQueryResult, serde::Deserialize)]
struct ViewTotal {
    article_id: i64,
    views: i64,
}

/// The view totals of the most viewed public articles in the window, most
/// views first: `article_id` and `views`.
pub(crate) fn ranked_totals(now: DateTime<Utc>, window: Window, limit: Limit) -> SelectStatement {
    let total = Func::cast_as(
        Func::sum(Expr::col((
            article_views::Entity,
            article_views::Column::Views,
        ))),
        Alias::new("BIGINT"),
    );
    Query::select()
        .column((article_views::Entity, article_views::Column::ArticleId))
        .expr_as(total.clone(), "views")
        .from(article_views::Entity)
        .and_where(
            Expr::col((article_views::Entity, article_views::Column::Day))
                .gte(window.first_day(now)),
        )
        // Asked as EXISTS, not a join, so the day index drives the query:
        // joined, SQLite may walk every article (every page of every body)
        // to find the few that were read this week.
        .and_where(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(article_table::Entity)
                .and_where(
                    Expr::col((article_table::Entity, article_table::Column::Id))
                        .equals((article_views::Entity, article_views::Column::ArticleId)),
                )
                .cond_where(public_articles(article_table::Entity, now))
                .to_owned(),
        ))
        .group_by_col((article_views::Entity, article_views::Column::ArticleId))
        .order_by_expr(total.into(), Order::Desc)
        .order_by(
            (article_views::Entity, article_views::Column::ArticleId),
            Order::Desc,
        )
        .limit(limit.get())
        .to_owned()
}

/// The most viewed public articles in the window with their view counts,
/// most views first, and the relations `along` asks for; one statement.
pub async fn popular_rows(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    window: Window,
    limit: Limit,
    along: Along,
) -> Result<(ViewedRows, Relations)> {
    let statement = statement(
        Dialect::of(db.get_database_backend()),
        now,
        window,
        limit,
        along,
    );
    let mut relations = Relations::default();
    let mut ranked = Vec::new();
    let rows: Vec<Both<ArticleRow, Both<ViewTotal, AlongRow>>> =
        db.fetch_statement(statement).await?;
    for Both(row, Both(total, related)) in rows {
        relations.add(total.article_id, related)?;
        ranked.push((row, total.views));
    }
    Ok((ranked, relations))
}

/// The statement of [`popular_rows`], written once per shape and filled in
/// for each request's time (see [`Templates`]).
fn statement(
    d: Dialect,
    now: DateTime<Utc>,
    window: Window,
    limit: Limit,
    along: Along,
) -> Statement {
    static POPULAR: LazyLock<Templates<(Dialect, Window, Limit, Along)>> =
        LazyLock::new(|| Templates::new(256));
    let stand_in = STAND_IN_TIME;
    let fill = [
        (
            window.first_day(stand_in).into(),
            window.first_day(now).into(),
        ),
        (stand_in.into(), now.into()),
    ];
    POPULAR.fill((d, window, limit, along), &fill, || {
        write(d, stand_in, window, limit, along)
    })
}

/// Writes [`statement`] afresh.
fn write(d: Dialect, now: DateTime<Utc>, window: Window, limit: Limit, along: Along) -> Sql {
    let columns = row_columns_of("a");
    let mut sql = Sql::new(d);
    // The totals count public articles only, so the join needs no filter.
    sql.push(&format!(
        "SELECT {columns}, t.article_id, t.views{} FROM (",
        along.columns(d, "a")
    ))
    .select(&ranked_totals(now, window, limit))
    .push(
        ") t JOIN articles a ON a.id = t.article_id \
         ORDER BY t.views DESC, t.article_id DESC",
    );
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_windows_statement_filled_in_is_the_statement_written_afresh() {
        let along = Along {
            section: true,
            authors: false,
            tags: true,
        };
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            for window in [Window::Day, Window::Week, Window::Month] {
                for hours in [0, 7, 400] {
                    let now = Utc::now() - TimeDelta::hours(hours);
                    let filled = statement(d, now, window, Limit::of(5), along);
                    let fresh = write(d, now, window, Limit::of(5), along).statement();
                    assert_eq!((filled.sql, filled.values), (fresh.sql, fresh.values));
                }
            }
        }
    }

    #[test]
    fn windows_parse_from_their_names() {
        assert_eq!(Window::parse("window", "24h").unwrap(), Window::Day);
        assert_eq!(Window::parse("window", "7d").unwrap(), Window::Week);
        assert_eq!(Window::parse("window", "30d").unwrap(), Window::Month);
    }

    #[test]
    fn unknown_windows_are_rejected() {
        for bad in ["forever", "", "24H", "1d"] {
            assert!(Window::parse("window", bad).is_err(), "{bad}");
        }
    }
}
