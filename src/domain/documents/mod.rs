//! Public reads answered as finished JSON. Each is one statement that returns
//! one row, its JSON written by the database ([`shapes`]), so a response
//! costs one trip to the database and back and no parsing on the way out.
//! On SQLite every statement and every row crosses to the driver's own
//! thread and back; that hand-off, not the SQL, was the cost of a read.
//!
//! What the public may see is decided by the same selects the other reads
//! use (`public_row_select`, `public_links`), embedded in these statements.

mod shapes;

use shapes::Teaser;

/// The teaser of the article row `a`, as every list shows it: stored, as
/// JSON text.
pub fn stored_teaser(a: &str) -> String {
    shapes::stored_teaser(a)
}

/// The teaser of the article row `a` written afresh from the tables it
/// reads, as JSON (what the stored one must equal).
pub fn teaser_shape(d: Dialect, a: &str) -> String {
    shapes::teaser(d, a)
}

/// The section path of the section `id` (an expression) as stored: the JSON
/// text of the section and its ancestors, outermost first.
pub fn section_path_shape(d: Dialect, id: &str) -> String {
    d.as_text(&d.nested(&shapes::section_path(d, id)))
}

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use sea_orm::Statement;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};

use super::articles::{self, ArticleFilter};
use super::ids::{ArticleId, Slug};
use super::more_like_this::ranked;
use super::page::{Cursor, CursorKind, DEFAULT_LIMIT, Limit, PageRequest};
use super::popular::{Window, ranked_totals};
use super::related_links::public_links;
use super::visibility::PUBLIC_COMMENT_STATUS;
use crate::db::entities::{articles as article_table, comments};
use crate::db::reads::{Reads, Row};
use crate::db::sql::{Dialect, PerDialect, STAND_IN_TIME, Sql, Templates};
use crate::error::{Error, Resource, Result};

/// A page of a list, as JSON: the items' array and where the next page
/// starts (`None` on the last page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonPage {
    pub data: String,
    pub next_cursor: Option<String>,
}

/// A page of articles, with what its filter's slugs name, as JSON.
#[derive(Clone, Debug)]
pub struct ArticleListJson {
    pub page: JsonPage,
    /// The tag the list is filtered by, as `{slug, name}`.
    pub tag: Option<String>,
    /// The author the list is filtered by, as `{slug, name, bio, avatar_url}`.
    pub author: Option<String>,
}

/// One public article as JSON, and what else its page depends on.
#[derive(Clone, Debug)]
pub struct ArticleJson {
    pub id: ArticleId,
    pub article: String,
    /// Whether it links to other articles, whose titles and visibility the
    /// page shows.
    pub links_articles: bool,
    /// The first page of its comment threads, when asked for.
    pub comments: Option<JsonPage>,
}

/// Which article a document shows.
#[derive(Clone, Copy, Debug)]
pub enum WhichArticle<'a> {
    /// The public article with this slug.
    Public(&'a Slug),
    /// This article in whatever status, as its preview link shows it.
    Preview(ArticleId),
}

fn dialect(db: &Reads) -> Dialect {
    Dialect::of(db.backend())
}

/// A page of public articles, newest first, filtered by section (with its
/// subsections), tag and author. A slug that names nothing is not found.
pub async fn article_list(
    db: &Reads,
    now: DateTime<Utc>,
    filter: &ArticleFilter,
    page: &PageRequest,
) -> Result<ArticleListJson> {
    let statement = article_list_statement(dialect(db), now, filter, page);
    let row = one_row(db, statement).await?;
    let found = |i: usize| -> Result<Option<String>> { Ok(row.get(i)?) };
    let (section, tag, author) = (found(0)?, found(1)?, found(2)?);
    for (asked, found, missing) in [
        (
            filter.section.is_some(),
            section.is_some(),
            Resource::Section,
        ),
        (filter.tag.is_some(), tag.is_some(), Resource::Tag),
        (filter.author.is_some(), author.is_some(), Resource::Author),
    ] {
        if asked && !found {
            return Err(Error::NotFound(missing));
        }
    }
    Ok(ArticleListJson {
        page: JsonPage {
            data: row.get(3)?,
            next_cursor: row.get(4)?,
        },
        tag,
        author,
    })
}

/// The statement of [`article_list`], written once per shape (dialect,
/// which filters, whether after a cursor, page size) and filled in with the
/// request's slugs, time and cursor: writing it with sea-query for every
/// request took 3.5 % of a section list's CPU.
fn article_list_statement(
    d: Dialect,
    now: DateTime<Utc>,
    filter: &ArticleFilter,
    page: &PageRequest,
) -> Statement {
    static LISTS: LazyLock<Templates<ListShape>> = LazyLock::new(|| Templates::new(256));
    let shape = ListShape {
        d,
        section: filter.section.is_some(),
        tag: filter.tag.is_some(),
        author: filter.author.is_some(),
        after: page.after.is_some(),
        limit: page.limit,
    };
    let stand_ins = ArticleFilter {
        section: filter.section.as_ref().map(|_| Slug::stand_in("section")),
        tag: filter.tag.as_ref().map(|_| Slug::stand_in("tag")),
        author: filter.author.as_ref().map(|_| Slug::stand_in("author")),
    };
    let (stand_in_page, mut fill) = articles::page_stand_ins(now, page);
    for (stand_in, actual) in [
        (&stand_ins.section, &filter.section),
        (&stand_ins.tag, &filter.tag),
        (&stand_ins.author, &filter.author),
    ] {
        if let (Some(stand_in), Some(actual)) = (stand_in, actual) {
            fill.push((stand_in.as_str().into(), actual.as_str().into()));
        }
    }
    LISTS.fill(shape, &fill, || {
        write_article_list(d, STAND_IN_TIME, &stand_ins, &stand_in_page)
    })
}

/// What the text of [`article_list_statement`] depends on.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct ListShape {
    d: Dialect,
    section: bool,
    tag: bool,
    author: bool,
    after: bool,
    limit: Limit,
}

/// Writes [`article_list_statement`] afresh.
fn write_article_list(
    d: Dialect,
    now: DateTime<Utc>,
    filter: &ArticleFilter,
    page: &PageRequest,
) -> Sql {
    let mut sql = Sql::new(d);
    sql.push("SELECT ");
    let named = [
        (&filter.section, "sections", &["slug", "name"][..]),
        (&filter.tag, "tags", &["slug", "name"][..]),
        (
            &filter.author,
            "authors",
            &["slug", "name", "bio", "avatar_url"][..],
        ),
    ];
    for (slug, table, columns) in named {
        let Some(slug) = slug else {
            sql.push("NULL, ");
            continue;
        };
        let fields: Vec<(&str, String)> = columns.iter().map(|&c| (c, format!("n.{c}"))).collect();
        sql.push(d.as_text_open())
            .push(&format!(
                "(SELECT {} FROM {table} n WHERE n.slug = ",
                d.object(&fields)
            ))
            .bind(slug.as_str())
            .push(")")
            .push(d.as_text_close())
            .push(", ");
    }
    static PAGE_OF_TEASERS: PerDialect = PerDialect::new();
    sql.push(PAGE_OF_TEASERS.get(d, |d| {
        let next = Cursor::sql(d, CursorKind::Articles, "p.published_at", "p.id");
        format!(
            "{}, CASE WHEN max(p.n) > max(p.lim) THEN max(CASE WHEN p.n = p.lim THEN {next} END) END \
             FROM (SELECT q.*, row_number() OVER (ORDER BY q.published_at DESC, q.id DESC) AS n, \
             CAST(",
            d.joined_array(&shapes::stored_teaser("p"), "p.n", Some("p.n <= p.lim"))
        )
    }))
    .bind(page.limit.get() as i64)
    .push(" AS BIGINT) AS lim FROM (");
    let until = articles::visible_until(now, page);
    articles::page_of_ids(&mut sql, filter, page, until);
    sql.push(") q) p");
    sql
}

/// The most viewed public articles in the window, most views first, as the
/// JSON array of their teasers with their views.
pub async fn popular(
    db: &Reads,
    now: DateTime<Utc>,
    window: Window,
    limit: Limit,
) -> Result<String> {
    let d = dialect(db);
    let mut sql = Sql::new(d);
    static POPULAR: PerDialect = PerDialect::new();
    sql.push(POPULAR.get(d, |d| {
        format!(
            "SELECT {} FROM (SELECT a.id, t.views, \
             row_number() OVER (ORDER BY t.views DESC, t.article_id DESC) AS n FROM (",
            d.joined_array(&shapes::popular(d, "p"), "p.n", None)
        )
    }))
    .select(&ranked_totals(now, window, limit))
    .push(") t JOIN articles a ON a.id = t.article_id) p");
    Ok(one_row(db, sql.statement()).await?.get(0)?)
}

/// The public articles like the one at `slug`, best first, as the JSON
/// array of their teasers.
pub async fn more_like_this(
    db: &Reads,
    now: DateTime<Utc>,
    slug: &Slug,
    limit: Limit,
) -> Result<String> {
    let d = dialect(db);
    let mut sql = Sql::new(d);
    static SIMILAR: PerDialect = PerDialect::new();
    sql.push("WITH art AS (")
        .select(&articles::public_by_slug(now, slug))
        .push(SIMILAR.get(d, |d| {
            format!(
                ") SELECT (SELECT count(*) FROM art), {} FROM (SELECT m.*, \
                 row_number() OVER (ORDER BY m.score DESC, m.published_at DESC, m.id DESC) AS n \
                 FROM (",
                d.joined_array(&shapes::stored_teaser("p"), "p.n", None)
            )
        }));
    ranked(
        &mut sql,
        now,
        Expr::cust("(SELECT id FROM art)"),
        Expr::cust("(SELECT section_id FROM art)"),
        limit,
        "",
    );
    sql.push(") m) p");
    let row = one_row(db, sql.statement()).await?;
    if row.get::<i64>(0)? == 0 {
        return Err(Error::NotFound(Resource::Article));
    }
    Ok(row.get(1)?)
}

/// The statement behind [`article`] and [`public_articles_by_id`]: each
/// article `art` selects, whole, one row each, with its comments' first
/// page when asked.
fn whole_articles(
    d: Dialect,
    now: DateTime<Utc>,
    mut art: SelectStatement,
    teaser: Teaser,
    comments: Option<&PageRequest>,
) -> Sql {
    use article_table::Column as A;
    let mut sql = Sql::new(d);
    art.columns([
        A::UpdatedAt,
        A::BodyMarkdown,
        A::BodyHtml,
        A::BodyBlocks,
        A::SeoTitle,
        A::SeoDescription,
        A::CanonicalUrl,
        A::CommentsOpen,
    ]);
    sql.push("WITH art AS (").select(&art).push("), links AS (");
    let links = public_links(now)
        .and_where(
            Expr::col((
                crate::db::entities::related_links::Entity,
                crate::db::entities::related_links::Column::ArticleId,
            ))
            .in_subquery(art_ids()),
        )
        .to_owned();
    sql.select(&links).push(")");
    let threads = comments.map(|page| ThreadPage::of(&mut sql, page));
    static STORED: PerDialect = PerDialect::new();
    static OF_ROW: PerDialect = PerDialect::new();
    let select = match teaser {
        Teaser::Stored => &STORED,
        Teaser::OfRow => &OF_ROW,
    };
    sql.push(select.get(d, |d| {
        format!(
            " SELECT art.id, {}, EXISTS (SELECT 1 FROM related_links x \
             WHERE x.article_id = art.id AND x.target_article_id IS NOT NULL)",
            d.as_text(&shapes::article(d, "art", "links", teaser))
        )
    }));
    if let Some(threads) = threads {
        sql.push(", ").push(threads.columns(d));
    }
    sql.push(", art.slug FROM art");
    if let Some(threads) = threads {
        sql.push(threads.join());
    }
    sql
}

/// The public articles among `ids`: id, slug and the whole article as
/// JSON, in one statement; those not public are left out.
pub async fn public_articles_by_id(
    db: &Reads,
    now: DateTime<Utc>,
    ids: &[i64],
) -> Result<Vec<(ArticleId, String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let art = articles::public_by_ids(now, ids);
    let sql = whole_articles(dialect(db), now, art, Teaser::Stored, None);
    db.all(sql.statement())
        .await?
        .iter()
        .map(|row| Ok((ArticleId(row.get(0)?), row.get(3)?, row.get(1)?)))
        .collect()
}

/// The public article at `slug`, whole, with the first page of its comment
/// threads when `comments` gives its size.
pub async fn article(
    db: &Reads,
    now: DateTime<Utc>,
    which: WhichArticle<'_>,
    comments: Option<&PageRequest>,
) -> Result<ArticleJson> {
    let statement = article_statement(dialect(db), now, which, comments);
    let row = db
        .one(statement)
        .await?
        .ok_or(Error::NotFound(Resource::Article))?;
    Ok(ArticleJson {
        id: ArticleId(row.get(0)?),
        article: row.get(1)?,
        links_articles: row.get(2)?,
        comments: match comments {
            Some(_) => Some(JsonPage {
                data: row.get(3)?,
                next_cursor: row.get(4)?,
            }),
            None => None,
        },
    })
}

/// The statement of [`article`]. A public article with no comments or
/// their stored first page, what nearly every request asks for, is written
/// once per shape and filled in with the request's slug and time, as
/// [`article_list_statement`] is.
fn article_statement(
    d: Dialect,
    now: DateTime<Utc>,
    which: WhichArticle<'_>,
    comments: Option<&PageRequest>,
) -> Statement {
    static ARTICLES: LazyLock<Templates<(Dialect, bool)>> = LazyLock::new(|| Templates::new(4));
    let stored_page = comments.is_some_and(|page| *page == stored_thread_page());
    match which {
        WhichArticle::Public(slug) if comments.is_none() || stored_page => {
            let stand_in = Slug::stand_in("article");
            let fill = [
                (STAND_IN_TIME.into(), now.into()),
                (stand_in.as_str().into(), slug.as_str().into()),
            ];
            ARTICLES.fill((d, stored_page), &fill, || {
                write_article(d, STAND_IN_TIME, WhichArticle::Public(&stand_in), comments)
            })
        }
        _ => write_article(d, now, which, comments).statement(),
    }
}

/// Writes [`article_statement`] afresh.
fn write_article(
    d: Dialect,
    now: DateTime<Utc>,
    which: WhichArticle<'_>,
    comments: Option<&PageRequest>,
) -> Sql {
    let (art, teaser) = match which {
        WhichArticle::Public(slug) => (articles::public_by_slug(now, slug), Teaser::Stored),
        WhichArticle::Preview(id) => (articles::preview_by_id(now, id), Teaser::OfRow),
    };
    whole_articles(d, now, art, teaser, comments)
}

/// A public read whose statement can be printed.
#[derive(Clone, Debug)]
pub enum PublicRead {
    /// A page of the article list ([`article_list`]).
    List {
        filter: ArticleFilter,
        page: PageRequest,
    },
    /// A public article with its first page of comment threads ([`article`]).
    Article {
        slug: Slug,
        comments: Option<PageRequest>,
    },
}

/// The one statement a public read runs on PostgreSQL at `now`, its values
/// written into the text: what `bench/run.sh` hands to `pgbench` as the
/// floor Newsdesk is measured against. (On SQLite sea-query would write a
/// timestamp otherwise than SQLite stores it, so the text would select
/// other rows.)
pub fn postgres_statement_text(now: DateTime<Utc>, read: &PublicRead) -> String {
    let d = Dialect::Postgres;
    let statement = match read {
        PublicRead::List { filter, page } => article_list_statement(d, now, filter, page),
        PublicRead::Article { slug, comments } => {
            article_statement(d, now, WhichArticle::Public(slug), comments.as_ref())
        }
    };
    statement.to_string()
}

/// A page of the comment threads of the public article at `slug`, and the
/// article's id.
pub async fn comments_on(
    db: &Reads,
    now: DateTime<Utc>,
    slug: &Slug,
    page: &PageRequest,
) -> Result<(ArticleId, JsonPage)> {
    let d = dialect(db);
    let mut sql = Sql::new(d);
    sql.push("WITH art AS (")
        .select(&articles::public_by_slug(now, slug))
        .push(")");
    let threads = ThreadPage::of(&mut sql, page);
    sql.push(" SELECT art.id, ")
        .push(threads.columns(d))
        .push(" FROM art")
        .push(threads.join());
    let row = db
        .one(sql.statement())
        .await?
        .ok_or(Error::NotFound(Resource::Article))?;
    Ok((
        ArticleId(row.get(0)?),
        JsonPage {
            data: row.get(1)?,
            next_cursor: row.get(2)?,
        },
    ))
}

/// Where a statement reads a page of the threads of the article in `art`
/// from.
#[derive(Clone, Copy)]
enum ThreadPage {
    /// The first page of the default size: stored (`thread_pages`), as
    /// every article page with its comments asks for it, and the threads'
    /// SQL cost PostgreSQL more than the rest of the article.
    Stored,
    /// Any other page: read from the comments, by the common table
    /// expressions [`threads`] added to the statement.
    Read,
}

impl ThreadPage {
    /// Adds to `sql` what reading `page` needs before the final `SELECT`.
    fn of(sql: &mut Sql, page: &PageRequest) -> ThreadPage {
        if *page == stored_thread_page() {
            ThreadPage::Stored
        } else {
            threads(sql, page);
            ThreadPage::Read
        }
    }

    /// The page's JSON array and the cursor of the page after it.
    fn columns(self, d: Dialect) -> &'static str {
        match self {
            // No stored row: the article has no public comments.
            ThreadPage::Stored => "coalesce(stored.data, '[]'), stored.next_cursor",
            ThreadPage::Read => thread_columns(d),
        }
    }

    /// What follows `FROM art`.
    fn join(self) -> &'static str {
        match self {
            ThreadPage::Stored => {
                " LEFT JOIN article_thread_pages stored ON stored.article_id = art.id"
            }
            ThreadPage::Read => "",
        }
    }
}

/// The page of threads stored for every article: the first, of the default
/// size.
pub fn stored_thread_page() -> PageRequest {
    PageRequest::first(Limit::of(DEFAULT_LIMIT))
}

/// The statement that writes the stored page of the threads of the article
/// `id` afresh from the comments: one row, the page's JSON array and the
/// next page's cursor; no row when there is no such article.
pub fn thread_page_statement(d: Dialect, id: i64) -> Sql {
    let mut sql = Sql::new(d);
    sql.push("WITH art AS (SELECT id FROM articles WHERE id = ")
        .bind(id)
        .push(")");
    threads(&mut sql, &stored_thread_page());
    sql.push(" SELECT ")
        .push(thread_columns(d))
        .push(" FROM art");
    sql
}

/// The common table expressions of a page of the threads of the article in
/// `art`: its approved first comments, oldest first, from the page's cursor
/// on, and the replies shown under them.
fn threads(sql: &mut Sql, page: &PageRequest) {
    use comments::Column as C;
    let mut first = Query::select();
    first
        .columns([C::Id, C::ParentId, C::AuthorName, C::Body, C::CreatedAt])
        .from(comments::Entity)
        .and_where(Expr::col(C::ArticleId).in_subquery(art_ids()))
        // A thread's first comment has no root; asking by `root_id` rather
        // than `parent_id` lets one index answer in order, no sort.
        .and_where(Expr::col(C::RootId).is_null())
        .and_where(Expr::col(C::Status).eq(PUBLIC_COMMENT_STATUS));
    if let Some(after) = page.after {
        first.and_where(after.after(Expr::col(C::CreatedAt), Expr::col(C::Id)));
    }
    first
        .order_by(C::CreatedAt, Order::Asc)
        .order_by(C::Id, Order::Asc);
    sql.push(
        ", page_comments AS MATERIALIZED (SELECT q.*, \
         row_number() OVER (ORDER BY q.created_at, q.id) AS n, count(*) OVER () AS total, CAST(",
    )
    .bind(page.limit.get() as i64)
    .push(" AS BIGINT) AS lim FROM (")
    .select_limited(first, page.limit.get() + 1)
    .push(") q)");
    static REPLIES: PerDialect = PerDialect::new();
    sql.push(REPLIES.get(sql.dialect(), |_| shapes::reply_ctes("page_comments")));
}

/// `SELECT id FROM art`: the article a statement's `art` table found.
fn art_ids() -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("art"))
        .to_owned()
}

/// The JSON array of a page of threads and the cursor of the next page.
fn thread_columns(d: Dialect) -> &'static str {
    static THREADS: PerDialect = PerDialect::new();
    THREADS.get(d, |d| {
        let next = Cursor::sql(d, CursorKind::Comments, "c.created_at", "c.id");
        format!(
            "{}, (SELECT {next} FROM page_comments c WHERE c.n = c.lim AND c.total > c.lim)",
            d.as_text(&format!(
                "(SELECT {} FROM page_comments c)",
                d.array(&shapes::comment(d, "c", 0), "c.n", Some("c.n <= c.lim"))
            ))
        )
    })
}

/// The one row an aggregate statement returns.
async fn one_row(db: &Reads, statement: Statement) -> Result<Row> {
    db.one(statement)
        .await?
        .ok_or_else(|| Error::Internal("an aggregate read returned no row".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(s: &str) -> Option<Slug> {
        Some(Slug::parse(s).expect("a valid slug"))
    }

    fn filters() -> [ArticleFilter; 4] {
        [
            ArticleFilter::default(),
            ArticleFilter {
                section: slug("world"),
                ..ArticleFilter::default()
            },
            ArticleFilter {
                tag: slug("climate"),
                author: slug("ana-ruiz"),
                ..ArticleFilter::default()
            },
            ArticleFilter {
                section: slug("sport"),
                tag: slug("football"),
                author: slug("li-wei"),
            },
        ]
    }

    #[test]
    fn a_lists_statement_filled_in_is_the_statement_written_afresh() {
        let now = Utc::now();
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            for filter in &filters() {
                for page in &articles::pages_around(now) {
                    let filled = article_list_statement(d, now, filter, page);
                    let fresh = write_article_list(d, now, filter, page).statement();
                    assert_eq!((filled.sql, filled.values), (fresh.sql, fresh.values));
                }
            }
        }
    }

    #[test]
    fn an_articles_statement_filled_in_is_the_statement_written_afresh() {
        let stored = stored_thread_page();
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            for (name, hours) in [("story-1", 0), ("harbor-vote-delayed", 50)] {
                let now = Utc::now() - chrono::TimeDelta::hours(hours);
                let name = Slug::parse(name).expect("a valid slug");
                for comments in [None, Some(&stored)] {
                    let which = WhichArticle::Public(&name);
                    let filled = article_statement(d, now, which, comments);
                    let fresh = write_article(d, now, which, comments).statement();
                    assert_eq!((filled.sql, filled.values), (fresh.sql, fresh.values));
                }
            }
        }
    }
}
