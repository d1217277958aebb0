//! One public article with everything its page shows of it — body, section
//! and its parent, authors, tags, related links, comment count and the first
//! page of comment threads — read in one statement. A GraphQL article page
//! asks for all of these, and reading each through its own batch read cost
//! eight statements, each with its own writing, running and decoding.
//!
//! Each part is read as the batch reads read it (the same selects and row
//! types, the same visibility rules), so either way gives the same answer.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{FromQueryResult, Statement};

use super::articles::{self, ArticleBody, ArticleRow};
use super::authors::Author;
use super::batch::{BodyRow, add_body_columns};
use super::comments::{Comment, Link, count_shown, stored_page};
use super::ids::Slug;
use super::page::Page;
use super::related_links::{LinkRow, RelatedLink, into_link, public_links};
use super::relations::{self, authors_array, json, section_object, tags_array};
use super::sections::SectionInfo;
use super::tags::Tag;
use super::visibility::PUBLIC_COMMENT_STATUS;
use crate::db::FetchRows;
use crate::db::entities::related_links;
use crate::db::reads::Both;
use crate::db::sql::{Dialect, PerDialect, STAND_IN_TIME, Sql, Templates};
use crate::error::{Error, Resource, Result};

/// A public article and the parts of it its page shows.
#[derive(Debug)]
pub struct ArticleParts {
    pub row: ArticleRow,
    pub body: ArticleBody,
    /// `None` only if the section has gone, which the schema forbids.
    pub section: Option<SectionInfo>,
    /// The section's parent, if it has one.
    pub parent: Option<SectionInfo>,
    /// In byline order.
    pub authors: Vec<Author>,
    /// By name.
    pub tags: Vec<Tag>,
    /// Those the public may follow, in the editor's order.
    pub links: Vec<RelatedLink>,
    /// Approved comments whose every ancestor is approved too.
    pub comment_count: i64,
    /// The first page of comment threads, as stored (`thread_pages`).
    pub threads: Page<Comment>,
}

/// What the statement adds to the article's row and body: each part as
/// JSON text, read into the same types the batch reads return.
#[derive(FromQueryResult, serde::Deserialize)]
struct PartsRow {
    section_json: Option<String>,
    parent_json: Option<String>,
    authors_json: String,
    tags_json: String,
    links_json: String,
    approved_json: String,
    threads_data: Option<String>,
    threads_next_cursor: Option<String>,
}

/// The public article at `slug` with its parts, in one statement.
pub async fn article_parts(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    slug: &Slug,
) -> Result<ArticleParts> {
    let statement = statement(Dialect::of(db.get_database_backend()), now, slug);
    let Some(Both(row, Both(body, parts))) = db
        .fetch_statement::<Both<ArticleRow, Both<BodyRow, PartsRow>>>(statement)
        .await?
        .into_iter()
        .next()
    else {
        return Err(Error::NotFound(Resource::Article));
    };
    let id = row.id.0;
    let approved: Vec<Link> = json(&parts.approved_json)?;
    let comment_count = count_shown(&[id], &approved).get(&id).copied().unwrap_or(0);
    Ok(ArticleParts {
        row,
        body: body.into_body()?,
        section: parts.section_json.as_deref().map(json).transpose()?,
        parent: parts.parent_json.as_deref().map(json).transpose()?,
        authors: json(&parts.authors_json)?,
        tags: json(&parts.tags_json)?,
        links: json::<Vec<LinkRow>>(&parts.links_json)?
            .into_iter()
            .filter_map(into_link)
            .collect(),
        comment_count,
        threads: match parts.threads_data {
            Some(data) => stored_page(&data, parts.threads_next_cursor)?,
            // No stored page: the article has no public comments.
            None => Page {
                items: Vec::new(),
                next_cursor: None,
            },
        },
    })
}

/// The statement of [`article_parts`], written once per dialect and filled
/// in for each article (see [`Templates`]).
fn statement(d: Dialect, now: DateTime<Utc>, slug: &Slug) -> Statement {
    static PARTS: LazyLock<Templates<Dialect>> = LazyLock::new(|| Templates::new(2));
    let stand_in = Slug::stand_in("article");
    let fill = [
        (stand_in.as_str().into(), slug.as_str().into()),
        (STAND_IN_TIME.into(), now.into()),
    ];
    PARTS.fill(d, &fill, || write(d, STAND_IN_TIME, &stand_in))
}

/// The article (`art`) and its public related links (`links`) as tables,
/// then one row of the article's columns and its parts.
fn write(d: Dialect, now: DateTime<Utc>, slug: &Slug) -> Sql {
    let mut art = articles::public_by_slug(now, slug);
    add_body_columns(&mut art);
    let links = public_links(now)
        .and_where(
            Expr::col((related_links::Entity, related_links::Column::ArticleId)).in_subquery(
                Query::select()
                    .column(Alias::new("id"))
                    .from(Alias::new("art"))
                    .to_owned(),
            ),
        )
        .to_owned();
    let mut sql = Sql::new(d);
    sql.push("WITH art AS (")
        .select(&art)
        .push("), links AS (")
        .select(&links)
        .push(") ");
    static PARTS: PerDialect = PerDialect::new();
    sql.push(PARTS.get(d, parts_select));
    sql
}

fn parts_select(d: Dialect) -> String {
    let array = |value: &str, from: &str, order: &str| relations::array(d, value, from, order);
    let links = array(
        &d.object(&[
            ("id", "l.id".into()),
            ("article_id", "l.article_id".into()),
            ("url", "l.url".into()),
            ("title", "l.title".into()),
            ("target_id", "l.target_id".into()),
            ("target_slug", "l.target_slug".into()),
            ("target_title", "l.target_title".into()),
            ("target_published_at", "l.target_published_at".into()),
        ]),
        "FROM links l WHERE l.article_id = art.id",
        "l.position",
    );
    // Which comments are shown is worked out as `comments::counts_for`
    // does, from the approved ones: a recursive CTE over the replies had
    // SQLite build a Bloom filter of the whole table at every step.
    let approved = array(
        &d.object(&[
            ("id", "c.id".into()),
            ("article_id", "c.article_id".into()),
            ("parent_id", "c.parent_id".into()),
        ]),
        &format!(
            "FROM comments c WHERE c.article_id = art.id AND c.status = '{PUBLIC_COMMENT_STATUS}'"
        ),
        "c.id",
    );
    format!(
        "SELECT art.*, {} AS section_json, {} AS parent_json, {} AS authors_json, \
         {} AS tags_json, {links} AS links_json, {approved} AS approved_json, \
         tp.data AS threads_data, tp.next_cursor AS threads_next_cursor \
         FROM art LEFT JOIN article_thread_pages tp ON tp.article_id = art.id",
        section_object(d, "art.section_id"),
        section_object(
            d,
            "(SELECT p.parent_id FROM sections p WHERE p.id = art.section_id)"
        ),
        authors_array(d, "art.id"),
        tags_array(d, "art.id"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_articles_statement_filled_in_is_the_statement_written_afresh() {
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            for (slug, hours) in [("the-page", 0), ("story-1", 5), ("stand-in", 30)] {
                let now = Utc::now() - chrono::TimeDelta::hours(hours);
                let slug = Slug::parse(slug).unwrap();
                let filled = statement(d, now, &slug);
                let fresh = write(d, now, &slug).statement();
                assert_eq!((filled.sql, filled.values), (fresh.sql, fresh.values));
            }
        }
    }
}
