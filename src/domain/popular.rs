//! "Popular": the most viewed public articles over a recent window.

use crate::db::FetchRows;
use chrono::{DateTime, Utc};
use chrono::{NaiveDate, TimeDelta};
use sea_orm::FromQueryResult;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement};

use super::articles::{self, ArticleRow};
use super::page::Limit;
use super::visibility::public_articles;
use crate::db::entities::{article_views, articles as article_table};
use crate::db::fetch_all;
use crate::error::{Error, Result};

/// How far back "popular" looks. Views are counted per UTC day, so a window
/// covers the whole days it touches: `24h` is today and yesterday.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// The most viewed public articles in the window with their view counts, most views first.
pub async fn popular_rows(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    window: Window,
    limit: Limit,
) -> Result<Vec<(ArticleRow, i64)>> {
    let q = ranked_totals(now, window, limit);
    let totals: Vec<ViewTotal> = fetch_all(db, &q).await?;
    let ids: Vec<i64> = totals.iter().map(|t| t.article_id).collect();
    let views: std::collections::HashMap<i64, i64> =
        totals.iter().map(|t| (t.article_id, t.views)).collect();
    let rows = articles::rows_by_ids(db, now, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let n = views.get(&row.id.0).copied().unwrap_or_default();
            (row, n)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

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
