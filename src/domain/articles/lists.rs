//! Lists of public articles: filtered, newest first, keyset-paged.

use crate::db::FetchRows;
use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement, Value};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Statement};

use super::{ArticleFilter, ArticleList, ArticleRow, public_row_select};
use crate::db::entities::{article_authors, article_tags, articles, authors, tags};
use crate::db::fetch_all;
use crate::db::reads::Both;
use crate::db::sql::{Dialect, STAND_IN_TIME, Sql, Templates, stand_in_id};
use crate::domain::ids::Slug;
use crate::domain::page::{Cursor, Limit, Page, PageRequest};
use crate::domain::relations::{Along, AlongRow, Relations};
use crate::domain::sections;
use crate::domain::visibility::public_articles;
use crate::error::{Error, Resource, Result};

/// Which articles a list holds, with every slug resolved to ids.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scope {
    pub section_ids: Option<Vec<i64>>,
    pub tag_id: Option<i64>,
    pub author_id: Option<i64>,
}

/// Lists published articles as rows, newest first, by keyset on
/// (published_at, id), with the relations `along` asks for.
pub async fn list_article_rows(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    list: &ArticleList,
    page: &PageRequest,
    along: Along,
) -> Result<(Page<ArticleRow>, Relations)> {
    let scope = resolve_list(db, list).await?;
    list_in_scope(db, now, &scope, page, along).await
}

/// How many published articles the list holds.
pub async fn count_articles(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    list: &ArticleList,
) -> Result<u64> {
    #[derive(FromQueryResult, serde::Deserialize)]
    struct Count {
        n: i64,
    }
    let scope = resolve_list(db, list).await?;
    let mut q = scoped_select(&scope, now);
    q.clear_selects();
    q.expr_as(
        Func::cast_as(
            Func::count(Expr::col((articles::Entity, articles::Column::Id))),
            Alias::new("BIGINT"),
        ),
        "n",
    );
    let n = fetch_all::<Count>(db, &q).await?.first().map_or(0, |c| c.n);
    Ok(u64::try_from(n).unwrap_or_default())
}

/// The ids a list is read by: a filter's slugs looked up, a known section's
/// subtree; a known author or tag as it is.
async fn resolve_list(db: &impl FetchRows, list: &ArticleList) -> Result<Scope> {
    Ok(match list {
        ArticleList::Filtered(filter) => resolve_filter(db, filter).await?,
        ArticleList::InSection(id) => Scope {
            section_ids: Some(sections::subtree_of(db, *id).await?),
            ..Scope::default()
        },
        ArticleList::ByAuthor(id) => Scope {
            author_id: Some(id.0),
            ..Scope::default()
        },
        ArticleList::WithTag(id) => Scope {
            tag_id: Some(id.0),
            ..Scope::default()
        },
    })
}

/// Resolves each filter slug. A slug that names nothing is not found, like
/// the page of a section, author or tag that does not exist.
pub(crate) async fn resolve_filter(db: &impl FetchRows, filter: &ArticleFilter) -> Result<Scope> {
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
async fn id_by_slug<E: EntityTrait>(
    db: &impl FetchRows,
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

/// Public articles in `scope`, published at or before `until`.
pub(crate) fn scoped_select(scope: &Scope, until: DateTime<Utc>) -> SelectStatement {
    let mut q = public_row_select(until);
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
    q
}

/// One page of the public articles in `scope`, with the relations `along`
/// asks for.
async fn list_in_scope(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    scope: &Scope,
    page: &PageRequest,
    along: Along,
) -> Result<(Page<ArticleRow>, Relations)> {
    let d = Dialect::of(db.get_database_backend());
    let statement = scope_statement(d, now, scope, page, along);
    let mut relations = Relations::default();
    let mut rows = Vec::new();
    let read: Vec<Both<ArticleRow, AlongRow>> = db.fetch_statement(statement).await?;
    for Both(row, related) in read {
        relations.add(row.id.0, related)?;
        rows.push(row);
    }
    let page = Page::from_overfetch(rows, page.limit, ArticleRow::cursor);
    Ok((page, relations))
}

/// The statement of [`list_in_scope`], written once per shape (dialect,
/// how many sections, whether a tag, an author, a cursor; page size and
/// relations) and filled in with the request's ids, time and cursor.
fn scope_statement(
    d: Dialect,
    now: DateTime<Utc>,
    scope: &Scope,
    page: &PageRequest,
    along: Along,
) -> Statement {
    static LISTS: LazyLock<Templates<ScopeShape>> = LazyLock::new(|| Templates::new(256));
    let shape = ScopeShape {
        d,
        sections: scope.section_ids.as_ref().map(Vec::len),
        tag: scope.tag_id.is_some(),
        author: scope.author_id.is_some(),
        after: page.after.is_some(),
        limit: page.limit,
        along,
    };
    let (stand_in_page, mut fill) = page_stand_ins(now, page);
    let stand_ins = Scope {
        section_ids: (scope.section_ids.as_ref())
            .map(|ids| (10..).take(ids.len()).map(stand_in_id).collect()),
        tag_id: scope.tag_id.map(|_| stand_in_id(2)),
        author_id: scope.author_id.map(|_| stand_in_id(3)),
    };
    let ids = |scope: &Scope| {
        let sections = scope.section_ids.iter().flatten().copied();
        sections
            .chain(scope.tag_id)
            .chain(scope.author_id)
            .collect::<Vec<_>>()
    };
    for (stand_in, actual) in ids(&stand_ins).into_iter().zip(ids(scope)) {
        fill.push((stand_in.into(), actual.into()));
    }
    LISTS.fill(shape, &fill, || {
        write_scope_statement(d, STAND_IN_TIME, &stand_ins, &stand_in_page, along)
    })
}

/// What the text of [`scope_statement`] depends on.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct ScopeShape {
    d: Dialect,
    sections: Option<usize>,
    tag: bool,
    author: bool,
    after: bool,
    limit: Limit,
    along: Along,
}

/// Writes [`scope_statement`] afresh.
fn write_scope_statement(
    d: Dialect,
    now: DateTime<Utc>,
    scope: &Scope,
    page: &PageRequest,
    along: Along,
) -> Sql {
    let mut q = paged(scoped_select(scope, visible_until(now, page)), page);
    for (name, read) in along.select(d, "articles") {
        q.expr_as(Expr::cust(read), Alias::new(name));
    }
    // The row count in the text, as every list's: a bound LIMIT leaves
    // PostgreSQL's one plan for all values sorting the whole filter.
    let mut sql = Sql::new(d);
    sql.select_limited(q, page.limit.get() + 1);
    sql
}

/// For a list statement written once per shape ([`Templates`]): the page
/// it is written for, with stand-ins for the cursor, and what fills the
/// stand-ins of the time the list is read at and of the cursor.
pub(crate) fn page_stand_ins(
    now: DateTime<Utc>,
    page: &PageRequest,
) -> (PageRequest, Vec<(Value, Value)>) {
    // The cursor's time after the time the list is read at, so that the
    // written statement's visibility bound is the stand-in of `now`.
    let after = page.after.map(|after| Cursor {
        at: STAND_IN_TIME + chrono::TimeDelta::seconds(1),
        id: stand_in_id(1),
        ..after
    });
    let mut fill = vec![(STAND_IN_TIME.into(), visible_until(now, page).into())];
    if let (Some(stand_in), Some(actual)) = (after, page.after) {
        fill.push((stand_in.at.into(), actual.at.into()));
        fill.push((stand_in.id.into(), actual.id.into()));
    }
    let page = PageRequest {
        limit: page.limit,
        after,
    };
    (page, fill)
}

/// Pages of an article list read at `now` for a test: the first, and two
/// after a cursor, one before `now` and one after it (the visibility bound
/// is the earlier of the cursor's time and `now`).
#[cfg(test)]
pub(crate) fn pages_around(now: DateTime<Utc>) -> [PageRequest; 3] {
    let after = |hours: i64, id: i64| PageRequest {
        limit: Limit::of(5),
        after: Some(Cursor {
            kind: crate::domain::page::CursorKind::Articles,
            at: now + chrono::TimeDelta::hours(hours),
            id,
        }),
    };
    [
        PageRequest::first(Limit::of(20)),
        after(-30, 4242),
        after(2, 7),
    ]
}

/// The latest publication time a page of a list can show.
pub(crate) fn visible_until(now: DateTime<Utc>, page: &PageRequest) -> DateTime<Utc> {
    // Rows after a cursor were published no later than it, so its time is
    // the visibility bound too. Given two upper bounds on `published_at`,
    // SQLite seeks by the looser and scans the rest: page 500 read 10,000 rows.
    page.after.map_or(now, |after| Ord::min(after.at, now))
}

/// A list's select, newest first, from `page`'s cursor on, with one row more
/// than the page holds to tell whether another follows.
fn paged(mut q: SelectStatement, page: &PageRequest) -> SelectStatement {
    let at = Expr::col((articles::Entity, articles::Column::PublishedAt));
    let id = Expr::col((articles::Entity, articles::Column::Id));
    if let Some(after) = page.after {
        q.and_where(after.before(at.clone(), id.clone()));
    }
    q.order_by_expr(at, Order::Desc)
        .order_by_expr(id, Order::Desc)
        .limit(page.limit.get() + 1);
    q
}

/// Writes the select of the ids and publication times of the public
/// articles `filter` names for `page`, newest first, a page and one more,
/// each slug looked up inside the one select (a section with all its
/// subsections, however deep). Only what orders and pages them: the REST
/// lists join each article's stored teaser by id, and selecting every row
/// column made SQLite decode each listed article's row, a fifth of a list
/// statement's time.
pub(crate) fn page_of_ids(
    sql: &mut Sql,
    filter: &ArticleFilter,
    page: &PageRequest,
    until: DateTime<Utc>,
) {
    let rows = page.limit.get() + 1;
    let Some(section) = &filter.section else {
        let mut q = Query::select();
        q.from(articles::Entity)
            .columns([
                (articles::Entity, articles::Column::Id),
                (articles::Entity, articles::Column::PublishedAt),
            ])
            .cond_where(public_articles(articles::Entity, until));
        // A custom expression numbers its own parameters in PostgreSQL.
        let slug = match sql.dialect() {
            Dialect::Sqlite => "?",
            Dialect::Postgres => "$1",
        };
        for (member_of, slug_value) in memberships(filter) {
            q.and_where(Expr::cust_with_values(
                format!("{member_of}{slug})"),
                [slug_value],
            ));
        }
        sql.select_limited(paged(q, page), rows);
        return;
    };
    // The walk reads only public articles after the cursor: the list
    // itself filters by tag and author alone.
    section_walk(sql, section, page, until, rows);
    let mut joiner = " WHERE ";
    for (member_of, slug_value) in memberships(filter) {
        sql.push(joiner).push(member_of).bind(slug_value).push(")");
        joiner = " AND ";
    }
    sql.push(&format!(
        r#" ORDER BY "articles"."published_at" DESC, "articles"."id" DESC LIMIT {rows}"#
    ));
}

/// The tag and author `filter` names: for each, the start of the condition
/// that an article has it, to be followed by the slug and `)`.
fn memberships(filter: &ArticleFilter) -> impl Iterator<Item = (&'static str, &str)> {
    const TAGGED: &str = r#""articles"."id" IN (SELECT x.article_id FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE t.slug = "#;
    const BY: &str = r#""articles"."id" IN (SELECT x.article_id FROM article_authors x JOIN authors t ON t.id = x.author_id WHERE t.slug = "#;
    [(TAGGED, &filter.tag), (BY, &filter.author)]
        .into_iter()
        .filter_map(|(member_of, slug)| Some((member_of, slug.as_ref()?.as_str())))
}

/// Writes the `FROM` of a section's list (up to its `WHERE`): each section
/// of the subtree walked newest first along its own `(section_id,
/// published_at, id)` index for at most a page and one more, so the list
/// sorts a few pages of rows. Filtering the newest public articles by
/// section instead walked every newer article of the other sections: a
/// section with a thousandth of the archive read a thousand rows for each
/// one shown. The list reads the walk itself (PostgreSQL `LATERAL`, SQLite a
/// correlated `IN` on the rowid): filtering the articles by the walked ids
/// (`id IN (walk)`) had SQLite index those ids in a temporary b-tree and
/// look each row up again, 13 % of the statement, and PostgreSQL answered
/// 40 % fewer of them a second.
fn section_walk(
    sql: &mut Sql,
    section: &Slug,
    page: &PageRequest,
    until: DateTime<Utc>,
    rows: u64,
) {
    let d = sql.dialect();
    let c = Alias::new("c");
    let mut newest = Query::select();
    newest.column((c.clone(), articles::Column::Id));
    if d == Dialect::Postgres {
        newest.column((c.clone(), articles::Column::PublishedAt));
    }
    newest
        .from_as(articles::Entity, c.clone())
        .and_where(
            Expr::col((c.clone(), articles::Column::SectionId))
                .equals((Alias::new("subtree"), Alias::new("id"))),
        )
        .cond_where(public_articles(c.clone(), until));
    if let Some(after) = page.after {
        newest.and_where(after.before(
            Expr::col((c.clone(), articles::Column::PublishedAt)),
            Expr::col((c.clone(), articles::Column::Id)),
        ));
    }
    newest
        .order_by((c.clone(), articles::Column::PublishedAt), Order::Desc)
        .order_by((c, articles::Column::Id), Order::Desc);
    sql.push("WITH RECURSIVE subtree(id) AS (SELECT id FROM sections WHERE slug = ")
        .bind(section.as_str())
        .push(
            " UNION ALL SELECT s.id FROM sections s JOIN subtree t ON s.parent_id = t.id) \
             SELECT \"articles\".\"id\", \"articles\".\"published_at\" FROM subtree ",
        );
    // The row count is written into the text (`select_limited`):
    // PostgreSQL plans a prepared statement once for all values, and for a
    // bound LIMIT it sorted each section's every article, 360 ms a page at a
    // million articles.
    match d {
        Dialect::Sqlite => sql
            .push("JOIN \"articles\" ON \"articles\".\"id\" IN (")
            .select_limited(newest, rows)
            .push(")"),
        Dialect::Postgres => sql
            .push("CROSS JOIN LATERAL (")
            .select_limited(newest, rows)
            .push(") AS \"articles\""),
    };
}

/// The public articles among `ids`, in the order of `ids`; others are left out.
pub async fn rows_by_ids(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    ids: &[i64],
) -> Result<Vec<ArticleRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let q = public_row_select(now)
        .and_where(Expr::col((articles::Entity, articles::Column::Id)).is_in(ids.to_vec()))
        .to_owned();
    let mut by_id: HashMap<i64, ArticleRow> = fetch_all::<ArticleRow>(db, &q)
        .await?
        .into_iter()
        .map(|r| (r.id.0, r))
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::page::Limit;
    use sea_orm::sea_query::Value;

    /// PostgreSQL plans a prepared statement once for all values: with a
    /// bound LIMIT, each section's walk sorted all of its articles.
    #[test]
    fn a_sections_walk_writes_its_row_count_into_the_text() {
        let filter = ArticleFilter {
            section: Some(Slug::parse("world").unwrap()),
            ..ArticleFilter::default()
        };
        let page = PageRequest::first(Limit::of(20));
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            let mut sql = crate::db::sql::Sql::new(d);
            page_of_ids(&mut sql, &filter, &page, Utc::now());
            let statement = sql.statement();
            assert!(
                statement.sql.contains(r#""c"."id" DESC LIMIT 21)"#),
                "{}",
                statement.sql
            );
            let values = statement.values.map(|v| v.0).unwrap_or_default();
            assert!(
                !values.iter().any(|v| matches!(v, Value::BigUnsigned(_))),
                "{values:?}"
            );
        }
    }

    #[test]
    fn a_scopes_statement_filled_in_is_the_statement_written_afresh() {
        let now = Utc::now();
        let scopes = [
            Scope::default(),
            Scope {
                section_ids: Some(vec![3]),
                ..Scope::default()
            },
            Scope {
                section_ids: Some(vec![12, 4, 9]),
                tag_id: Some(40),
                author_id: Some(7),
            },
            Scope {
                author_id: Some(2),
                ..Scope::default()
            },
        ];
        let along = Along {
            section: true,
            authors: false,
            tags: true,
        };
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            for scope in &scopes {
                for page in &pages_around(now) {
                    let filled = scope_statement(d, now, scope, page, along);
                    let fresh = write_scope_statement(d, now, scope, page, along).statement();
                    assert_eq!((filled.sql, filled.values), (fresh.sql, fresh.values));
                }
            }
        }
    }
}
