//! The read model of article teasers: the public JSON a list shows of each
//! article, stored once per article so that a page of a list concatenates
//! twenty stored texts instead of building twenty objects from five tables.
//!
//! The view `article_teaser_json` is the one definition of a teaser in the
//! database; triggers on every table a teaser reads (articles, their
//! credits and tags, sections, authors, tags) write it again from the view
//! in the writing statement's own transaction, so no write path can forget
//! it, and a rename fans out to every article that shows the name. Whether
//! an article may be shown is not stored: the reads still decide it from
//! the articles table, at the moment of the read.
//!
//! The teaser's SQL is written out here, as a migration must stay what it
//! was when it ran; a test in the application holds it equal to the
//! teaser shape the application writes (`documents::shapes::teaser`). It
//! orders authors and tags by subqueries, not `ORDER BY` inside the
//! aggregate: SQLite before 3.44 (Debian 12's `sqlite3`, many Pythons)
//! could not parse the schema and would refuse to open the file.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A teaser of the article row `a`, on SQLite.
pub const SQLITE_TEASER: &str = "json_object('slug', a.slug, 'title', a.title, \
    'subtitle', a.subtitle, 'excerpt', a.excerpt, \
    'published_at', replace(a.published_at, '+00:00', 'Z'), \
    'section', json((SELECT json_object('slug', n.slug, 'name', n.name) \
    FROM sections n WHERE n.id = a.section_id)), \
    'authors', json((SELECT coalesce(json_group_array(json(v)), '[]') \
    FROM (SELECT json_object('slug', n.slug, 'name', n.name) AS v \
    FROM article_authors x JOIN authors n ON n.id = x.author_id \
    WHERE x.article_id = a.id ORDER BY x.position))), \
    'tags', json((SELECT coalesce(json_group_array(json(v)), '[]') \
    FROM (SELECT json_object('slug', n.slug, 'name', n.name) AS v \
    FROM article_tags x JOIN tags n ON n.id = x.tag_id WHERE x.article_id = a.id \
    ORDER BY n.name))), \
    'featured_image', json((CASE WHEN a.featured_image_url IS NULL THEN NULL ELSE \
    json_object('url', a.featured_image_url, 'alt', a.featured_image_alt, \
    'caption', a.featured_image_caption, 'credit', a.featured_image_credit) END)), \
    'reading_time_minutes', a.reading_time_minutes, \
    'live', json(CASE WHEN a.live THEN 'true' ELSE 'false' END))";

/// A teaser of the article row `a`, on PostgreSQL (as `json`).
pub const POSTGRES_TEASER: &str = "json_build_object('slug', a.slug, 'title', a.title, \
    'subtitle', a.subtitle, 'excerpt', a.excerpt, \
    'published_at', (to_char((a.published_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD\"T\"HH24\":\"MI\":\"SS') \
    || CASE WHEN (extract(microseconds FROM a.published_at)::bigint % 1000000) = 0 THEN '' \
    WHEN (extract(microseconds FROM a.published_at)::bigint % 1000000) % 1000 = 0 \
    THEN to_char((a.published_at AT TIME ZONE 'UTC'), '.MS') \
    ELSE to_char((a.published_at AT TIME ZONE 'UTC'), '.US') END || 'Z'), \
    'section', ((SELECT json_build_object('slug', n.slug, 'name', n.name) \
    FROM sections n WHERE n.id = a.section_id))::json, \
    'authors', ((SELECT coalesce(json_agg(json_build_object('slug', n.slug, 'name', n.name) \
    ORDER BY x.position), '[]'::json) FROM article_authors x JOIN authors n ON n.id = x.author_id \
    WHERE x.article_id = a.id))::json, \
    'tags', ((SELECT coalesce(json_agg(json_build_object('slug', n.slug, 'name', n.name) \
    ORDER BY n.name), '[]'::json) FROM article_tags x JOIN tags n ON n.id = x.tag_id \
    WHERE x.article_id = a.id))::json, \
    'featured_image', ((CASE WHEN a.featured_image_url IS NULL THEN NULL ELSE \
    json_build_object('url', a.featured_image_url, 'alt', a.featured_image_alt, \
    'caption', a.featured_image_caption, 'credit', a.featured_image_credit) END))::json, \
    'reading_time_minutes', a.reading_time_minutes, \
    'live', a.live)";

/// The columns of `articles` a teaser shows.
const TEASER_COLUMNS: &str = "slug, title, subtitle, excerpt, published_at, section_id, \
    featured_image_url, featured_image_alt, featured_image_caption, featured_image_credit, \
    reading_time_minutes, live";

/// Writes the teasers of the articles `which` selects (by `article_id`).
fn sqlite_refresh(which: &str) -> String {
    format!(
        "INSERT OR REPLACE INTO article_teasers (article_id, teaser) \
         SELECT article_id, teaser FROM article_teaser_json WHERE {which};"
    )
}

fn sqlite_up() -> Vec<String> {
    let refresh_new = sqlite_refresh("article_id = new.article_id");
    let refresh_old = sqlite_refresh("article_id = old.article_id");
    let mut up = vec![
        "CREATE TABLE article_teasers (\
         article_id INTEGER NOT NULL PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE, \
         teaser TEXT NOT NULL)"
            .to_owned(),
        format!(
            "CREATE VIEW article_teaser_json AS \
             SELECT a.id AS article_id, {SQLITE_TEASER} AS teaser FROM articles a"
        ),
        format!(
            "CREATE TRIGGER article_teasers_article_insert AFTER INSERT ON articles BEGIN {} END",
            sqlite_refresh("article_id = new.id")
        ),
        format!(
            "CREATE TRIGGER article_teasers_article_update AFTER UPDATE OF {TEASER_COLUMNS} \
             ON articles BEGIN {} END",
            sqlite_refresh("article_id = new.id")
        ),
    ];
    for (credits, named) in [("article_authors", "author"), ("article_tags", "tag")] {
        up.extend([
            format!(
                "CREATE TRIGGER {credits}_teasers_insert AFTER INSERT ON {credits} \
                 BEGIN {refresh_new} END"
            ),
            format!(
                "CREATE TRIGGER {credits}_teasers_delete AFTER DELETE ON {credits} \
                 BEGIN {refresh_old} END"
            ),
            format!(
                "CREATE TRIGGER {credits}_teasers_update AFTER UPDATE ON {credits} \
                 BEGIN {refresh_old} {refresh_new} END"
            ),
            format!(
                "CREATE TRIGGER {named}s_teasers_rename AFTER UPDATE OF slug, name ON {named}s \
                 BEGIN {} END",
                sqlite_refresh(&format!(
                    "article_id IN (SELECT article_id FROM {credits} WHERE {named}_id = new.id)"
                ))
            ),
        ]);
    }
    up.extend([
        format!(
            "CREATE TRIGGER sections_teasers_rename AFTER UPDATE OF slug, name ON sections \
             BEGIN {} END",
            sqlite_refresh("article_id IN (SELECT id FROM articles WHERE section_id = new.id)")
        ),
        FILL.to_owned(),
    ]);
    up
}

const FILL: &str = "INSERT INTO article_teasers (article_id, teaser) \
    SELECT article_id, teaser FROM article_teaser_json";

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS sections_teasers_rename",
    "DROP TRIGGER IF EXISTS tags_teasers_rename",
    "DROP TRIGGER IF EXISTS article_tags_teasers_update",
    "DROP TRIGGER IF EXISTS article_tags_teasers_delete",
    "DROP TRIGGER IF EXISTS article_tags_teasers_insert",
    "DROP TRIGGER IF EXISTS authors_teasers_rename",
    "DROP TRIGGER IF EXISTS article_authors_teasers_update",
    "DROP TRIGGER IF EXISTS article_authors_teasers_delete",
    "DROP TRIGGER IF EXISTS article_authors_teasers_insert",
    "DROP TRIGGER IF EXISTS article_teasers_article_update",
    "DROP TRIGGER IF EXISTS article_teasers_article_insert",
    "DROP VIEW IF EXISTS article_teaser_json",
    "DROP TABLE IF EXISTS article_teasers",
];

/// On PostgreSQL inserts and credit changes refresh once per statement, for
/// every article the statement touched (its transition tables): a bulk
/// insert of a thousand credits is one refresh, not a thousand. Updates of
/// chosen columns cannot have transition tables, so those are per row.
fn postgres_up() -> Vec<String> {
    let refresh = |name: &str, ids: &str| {
        format!(
            "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN PERFORM refresh_article_teasers(ARRAY({ids})); RETURN NULL; END $$"
        )
    };
    let mut up = vec![
        "CREATE TABLE article_teasers (\
         article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE, \
         teaser TEXT NOT NULL)"
            .to_owned(),
        format!(
            "CREATE VIEW article_teaser_json AS \
             SELECT a.id AS article_id, ({POSTGRES_TEASER})::text AS teaser FROM articles a"
        ),
        "CREATE FUNCTION refresh_article_teasers(ids bigint[]) RETURNS void LANGUAGE sql AS $$ \
         INSERT INTO article_teasers (article_id, teaser) \
         SELECT article_id, teaser FROM article_teaser_json WHERE article_id = ANY (ids) \
         ON CONFLICT (article_id) DO UPDATE SET teaser = excluded.teaser $$"
            .to_owned(),
        refresh("article_teasers_of_added_articles", "SELECT id FROM added"),
        "CREATE TRIGGER article_teasers_article_insert AFTER INSERT ON articles \
         REFERENCING NEW TABLE AS added FOR EACH STATEMENT \
         EXECUTE FUNCTION article_teasers_of_added_articles()"
            .to_owned(),
        refresh("article_teasers_of_article", "SELECT NEW.id"),
        format!(
            "CREATE TRIGGER article_teasers_article_update AFTER UPDATE OF {TEASER_COLUMNS} \
             ON articles FOR EACH ROW EXECUTE FUNCTION article_teasers_of_article()"
        ),
        refresh(
            "article_teasers_of_added_credits",
            "SELECT DISTINCT article_id FROM added",
        ),
        refresh(
            "article_teasers_of_removed_credits",
            "SELECT DISTINCT article_id FROM removed",
        ),
        refresh(
            "article_teasers_of_changed_credits",
            "SELECT article_id FROM removed UNION SELECT article_id FROM added",
        ),
        refresh(
            "article_teasers_of_section",
            "SELECT id FROM articles WHERE section_id = NEW.id",
        ),
        "CREATE TRIGGER sections_teasers_rename AFTER UPDATE OF slug, name ON sections \
         FOR EACH ROW EXECUTE FUNCTION article_teasers_of_section()"
            .to_owned(),
    ];
    for (credits, named) in [("article_authors", "author"), ("article_tags", "tag")] {
        up.extend([
            format!(
                "CREATE TRIGGER {credits}_teasers_insert AFTER INSERT ON {credits} \
                 REFERENCING NEW TABLE AS added FOR EACH STATEMENT \
                 EXECUTE FUNCTION article_teasers_of_added_credits()"
            ),
            format!(
                "CREATE TRIGGER {credits}_teasers_delete AFTER DELETE ON {credits} \
                 REFERENCING OLD TABLE AS removed FOR EACH STATEMENT \
                 EXECUTE FUNCTION article_teasers_of_removed_credits()"
            ),
            format!(
                "CREATE TRIGGER {credits}_teasers_update AFTER UPDATE ON {credits} \
                 REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT \
                 EXECUTE FUNCTION article_teasers_of_changed_credits()"
            ),
            refresh(
                &format!("article_teasers_of_{named}"),
                &format!("SELECT article_id FROM {credits} WHERE {named}_id = NEW.id"),
            ),
            format!(
                "CREATE TRIGGER {named}s_teasers_rename AFTER UPDATE OF slug, name ON {named}s \
                 FOR EACH ROW EXECUTE FUNCTION article_teasers_of_{named}()"
            ),
        ]);
    }
    up.push(FILL.to_owned());
    up
}

/// Dropping a trigger's function drops the trigger with it.
const POSTGRES_DOWN: &[&str] = &[
    "DROP FUNCTION IF EXISTS article_teasers_of_tag() CASCADE",
    "DROP FUNCTION IF EXISTS article_teasers_of_author() CASCADE",
    "DROP FUNCTION IF EXISTS article_teasers_of_section() CASCADE",
    "DROP FUNCTION IF EXISTS article_teasers_of_changed_credits() CASCADE",
    "DROP FUNCTION IF EXISTS article_teasers_of_removed_credits() CASCADE",
    "DROP FUNCTION IF EXISTS article_teasers_of_added_credits() CASCADE",
    "DROP FUNCTION IF EXISTS article_teasers_of_article() CASCADE",
    "DROP FUNCTION IF EXISTS article_teasers_of_added_articles() CASCADE",
    "DROP FUNCTION IF EXISTS refresh_article_teasers(bigint[])",
    "DROP VIEW IF EXISTS article_teaser_json",
    "DROP TABLE IF EXISTS article_teasers",
];

async fn run(manager: &SchemaManager<'_>, statements: &[String]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

fn owned(statements: &[&str]) -> Vec<String> {
    statements.iter().map(|s| (*s).to_owned()).collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = match manager.get_connection().get_database_backend() {
            DbBackend::Postgres => postgres_up(),
            _ => sqlite_up(),
        };
        run(manager, &statements).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = match manager.get_connection().get_database_backend() {
            DbBackend::Postgres => owned(POSTGRES_DOWN),
            _ => owned(SQLITE_DOWN),
        };
        run(manager, &statements).await
    }
}
