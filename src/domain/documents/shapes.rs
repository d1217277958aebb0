//! The public JSON of articles and comments, written as SQL expressions over
//! a row, so the database hands back the finished text. The shapes are those
//! of `openapi.yaml`; the contract tests read every one of them.

use crate::db::sql::Dialect;
use crate::domain::notes::public_updated_at;
use crate::domain::page::{Cursor, CursorKind};
use crate::domain::replies::{NESTED_LEVELS, REPLIES_SHOWN};
use crate::domain::visibility::PUBLIC_COMMENT_STATUS;

/// A teaser: what a list shows of the article row `a`. The stored teasers
/// are written by a view in the schema, so this stays within what
/// [`Dialect::ordered_array`] says older SQLite can parse.
pub fn teaser(d: Dialect, a: &str) -> String {
    d.object(&teaser_fields(d, a))
}

/// The stored teaser of the article row `a` (the read model kept by the
/// triggers of the `create_article_teasers` migration), as JSON text.
pub fn stored_teaser(a: &str) -> String {
    format!("(SELECT t.teaser FROM article_teasers t WHERE t.article_id = {a}.id)")
}

/// A popular article: its stored teaser and its `views` in the window, as
/// JSON text.
pub fn popular(d: Dialect, a: &str) -> String {
    d.extended(
        &stored_teaser(a),
        &d.object(&[("views", format!("{a}.views"))]),
    )
}

fn teaser_fields(d: Dialect, a: &str) -> Vec<(&'static str, String)> {
    let named = d.object(&[("slug", "n.slug".into()), ("name", "n.name".into())]);
    vec![
        ("slug", format!("{a}.slug")),
        ("title", format!("{a}.title")),
        ("subtitle", format!("{a}.subtitle")),
        ("excerpt", format!("{a}.excerpt")),
        ("published_at", d.timestamp(&format!("{a}.published_at"))),
        (
            "section",
            d.nested(&format!(
                "SELECT {named} FROM sections n WHERE n.id = {a}.section_id"
            )),
        ),
        (
            "authors",
            d.nested(&d.ordered_array(
                &named,
                &format!(
                    "FROM article_authors x JOIN authors n ON n.id = x.author_id \
                     WHERE x.article_id = {a}.id"
                ),
                "x.position",
            )),
        ),
        (
            "tags",
            d.nested(&d.ordered_array(
                &named,
                &format!(
                    "FROM article_tags x JOIN tags n ON n.id = x.tag_id WHERE x.article_id = {a}.id"
                ),
                "n.name",
            )),
        ),
        (
            "featured_image",
            d.nested(&format!(
                "CASE WHEN {a}.featured_image_url IS NULL THEN NULL ELSE {} END",
                d.object(&[
                    ("url", format!("{a}.featured_image_url")),
                    ("alt", format!("{a}.featured_image_alt")),
                    ("caption", format!("{a}.featured_image_caption")),
                    ("credit", format!("{a}.featured_image_credit")),
                ])
            )),
        ),
        ("reading_time_minutes", format!("{a}.reading_time_minutes")),
        ("live", d.boolean(&format!("{a}.live"))),
    ]
}

/// Where a whole article's teaser comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Teaser {
    /// The stored teaser, as the public sees the article.
    Stored,
    /// Written afresh from the row, whose columns may differ from the
    /// stored ones (a preview shows a draft as if published now).
    OfRow,
}

/// A whole article: its teaser, then its body in every form and its further
/// reading, for the article row `a` (with its body columns). `links` names
/// a table of the article's public related links, with their `position`.
pub fn article(d: Dialect, a: &str, links: &str, teaser: Teaser) -> String {
    let beyond = article_beyond_teaser(d, a, links);
    match teaser {
        Teaser::Stored => d.extended(&stored_teaser(a), &beyond),
        Teaser::OfRow => d.extended(&d.as_text(&self::teaser(d, a)), &beyond),
    }
}

/// What a whole article shows beyond its teaser, as a JSON object.
fn article_beyond_teaser(d: Dialect, a: &str, links: &str) -> String {
    let mut fields = Vec::new();
    let linked = d.object(&[
        ("slug", "l.target_slug".into()),
        ("title", "l.target_title".into()),
        ("published_at", d.timestamp("l.target_published_at")),
    ]);
    let to_article = d.object(&[
        ("kind", "'article'".into()),
        ("title", "coalesce(l.title, l.target_title)".into()),
        ("article", linked),
    ]);
    let to_elsewhere = d.object(&[
        ("kind", "'external'".into()),
        ("title", "coalesce(l.title, l.url)".into()),
        ("url", "l.url".into()),
    ]);
    let link = d.nested(&format!(
        "CASE WHEN l.target_id IS NOT NULL THEN {to_article} ELSE {to_elsewhere} END"
    ));
    fields.extend([
        ("updated_at", d.timestamp(&public_updated_at(a))),
        ("body_markdown", format!("{a}.body_markdown")),
        ("body_html", format!("{a}.body_html")),
        ("body_blocks", d.nested(&format!("{a}.body_blocks"))),
        (
            "seo",
            d.object(&[
                ("title", format!("coalesce({a}.seo_title, {a}.title)")),
                (
                    "description",
                    format!("coalesce({a}.seo_description, {a}.excerpt)"),
                ),
                ("canonical_url", format!("{a}.canonical_url")),
            ]),
        ),
        ("comments_open", d.boolean(&format!("{a}.comments_open"))),
        ("section_path", stored_section_path(d, a)),
        ("notes", notes(d, a)),
        (
            "related_links",
            d.nested(&format!(
                "SELECT {} FROM {links} l WHERE l.article_id = {a}.id \
                 AND (l.target_id IS NOT NULL OR l.url IS NOT NULL)",
                d.array(&link, "l.position", None)
            )),
        ),
    ]);
    d.object(&fields)
}

/// The article row `a`'s section and its ancestors, outermost first, as
/// stored (`domain::section_paths`).
fn stored_section_path(d: Dialect, a: &str) -> String {
    d.nested(&format!(
        "SELECT p.path FROM section_paths p WHERE p.section_id = {a}.section_id"
    ))
}

/// The section `id` (an expression) and its ancestors, outermost first: a
/// subquery, written without its parentheses, whose one value is their
/// JSON array.
pub fn section_path(d: Dialect, id: &str) -> String {
    let named = d.object(&[("slug", "p.slug".into()), ("name", "p.name".into())]);
    format!(
        "WITH RECURSIVE p(id, slug, name, parent_id, depth) AS (\
         SELECT s.id, s.slug, s.name, s.parent_id, 0 FROM sections s WHERE s.id = {id} \
         UNION ALL SELECT s.id, s.slug, s.name, s.parent_id, p.depth + 1 \
         FROM sections s JOIN p ON s.id = p.parent_id WHERE p.depth < 32) \
         SELECT {} FROM p",
        d.array(&named, "p.depth DESC", None)
    )
}

/// The public notes of the article row `a`, newest first.
fn notes(d: Dialect, a: &str) -> String {
    let note = d.object(&[
        ("kind", "n.kind".into()),
        ("body_markdown", "n.body_markdown".into()),
        ("body_html", "n.body_html".into()),
        ("created_at", d.timestamp("n.created_at")),
    ]);
    d.nested(&format!(
        "SELECT {} FROM article_notes n WHERE n.article_id = {a}.id AND n.removed_at IS NULL",
        d.array(&note, "n.created_at DESC, n.id DESC", None)
    ))
}

/// The common table expressions under a page of comments: the first
/// replies to the page's comments, then theirs, each numbered by `position`
/// among all its `siblings`; and the count of replies below the last level.
/// Sized by `NESTED_LEVELS`, so REST's threads nest as deep as
/// `replies::shown_under` nests GraphQL's.
const LEVELS: [&str; NESTED_LEVELS] = ["shown_replies", "shown_replies_of_replies"];
const DEEPER: &str = "deeper_replies";

/// The `WITH` clauses that read the replies shown under the comments of
/// `page` (a common table expression with `id` and `n <= lim` for the
/// comments on the page): up to [`REPLIES_SHOWN`] per comment, two levels,
/// one more fetched to tell whether more follow, and the count below.
pub fn reply_ctes(page: &str) -> String {
    let shown = REPLIES_SHOWN;
    let mut parents = format!("SELECT id FROM {page} WHERE n <= lim");
    let mut out = String::new();
    for level in LEVELS {
        out.push_str(&format!(
            ", {level} AS MATERIALIZED (SELECT * FROM (SELECT c.id, c.parent_id, c.author_name, \
             c.body, c.created_at, \
             row_number() OVER (PARTITION BY c.parent_id ORDER BY c.created_at, c.id) AS position, \
             count(*) OVER (PARTITION BY c.parent_id) AS siblings \
             FROM comments c WHERE c.parent_id IN ({parents}) AND c.status = '{PUBLIC_COMMENT_STATUS}') \
             numbered WHERE position <= {})",
            shown + 1
        ));
        parents = format!("SELECT id FROM {level} WHERE position <= {shown}");
    }
    out.push_str(&format!(
        ", {DEEPER} AS MATERIALIZED (SELECT parent_id, count(*) AS siblings FROM comments \
         WHERE parent_id IN ({parents}) AND status = '{PUBLIC_COMMENT_STATUS}' GROUP BY parent_id)"
    ));
    out
}

/// A public comment of the row `c`, with the replies [`reply_ctes`] read
/// for it at `level` (0 for a page's own comments).
pub fn comment(d: Dialect, c: &str, level: usize) -> String {
    let shown = REPLIES_SHOWN;
    let mut fields = vec![
        ("id", format!("{c}.id")),
        ("parent_id", format!("{c}.parent_id")),
        ("author_name", format!("{c}.author_name")),
        ("body", format!("{c}.body")),
        ("created_at", d.timestamp(&format!("{c}.created_at"))),
    ];
    match LEVELS.get(level) {
        Some(replies) => {
            let r = format!("r{level}");
            let reply = comment(d, &r, level + 1);
            let next = Cursor::sql(
                d,
                CursorKind::Replies,
                &format!("{r}.created_at"),
                &format!("{r}.id"),
            );
            fields.extend([
                (
                    "replies",
                    d.nested(&format!(
                        "SELECT {} FROM {replies} {r} WHERE {r}.parent_id = {c}.id",
                        d.array(
                            &reply,
                            &format!("{r}.position"),
                            Some(&format!("{r}.position <= {shown}"))
                        )
                    )),
                ),
                (
                    "reply_count",
                    format!(
                        "coalesce((SELECT max({r}.siblings) FROM {replies} {r} \
                         WHERE {r}.parent_id = {c}.id), 0)"
                    ),
                ),
                (
                    "replies_next_cursor",
                    format!(
                        "(SELECT {next} FROM {replies} {r} WHERE {r}.parent_id = {c}.id \
                         AND {r}.position = {shown} AND {r}.siblings > {shown})"
                    ),
                ),
            ]);
        }
        None => fields.extend([
            ("replies", d.nested("'[]'")),
            (
                "reply_count",
                format!(
                    "coalesce((SELECT x.siblings FROM {DEEPER} x WHERE x.parent_id = {c}.id), 0)"
                ),
            ),
            ("replies_next_cursor", "NULL".into()),
        ]),
    }
    d.object(&fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The migration's view writes the teasers the lists read; the whole
    /// article embeds the same fields written by this code. They must not
    /// drift apart.
    #[test]
    fn the_stored_teasers_are_written_as_this_code_writes_a_teaser() {
        assert_eq!(migration::SQLITE_TEASER, teaser(Dialect::Sqlite, "a"));
        assert_eq!(migration::postgres_teaser(), teaser(Dialect::Postgres, "a"));
    }

    /// The migration fills the stored section paths of an existing database
    /// as the application writes them afterwards.
    #[test]
    fn the_migration_writes_section_paths_as_this_code_does() {
        for (d, migration) in [
            (Dialect::Sqlite, migration::SQLITE_SECTION_PATH),
            (Dialect::Postgres, migration::POSTGRES_SECTION_PATH),
        ] {
            assert_eq!(migration, super::super::section_path_shape(d, "sec.id"));
        }
    }
}
