//! The read model of comment threads: the first page of each article's
//! threads (twenty, with the replies shown under them), as the JSON an
//! article with its comments shows, stored once per article that has public
//! comments. The application writes an article's page again in the
//! transaction of each comment write that can change it; this migration
//! creates the table and fills it for the comments already there. The
//! page's SQL is written out here, as a migration must stay what it was
//! when it ran; a test in the application holds it equal to the statement
//! the application writes (`documents::thread_page_statement`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The first page of the threads of the article `?1` (of `?2` threads, of
/// comments in status `?3`) on SQLite: its JSON array and the next page's
/// cursor.
pub const SQLITE_THREAD_PAGE: &str = r#"WITH art AS (SELECT id FROM articles WHERE id = ?), page_comments AS MATERIALIZED (SELECT q.*, row_number() OVER (ORDER BY q.created_at, q.id) AS n, count(*) OVER () AS total, CAST(? AS BIGINT) AS lim FROM (SELECT "id", "parent_id", "author_name", "body", "created_at" FROM "comments" WHERE "article_id" IN (SELECT "id" FROM "art") AND "root_id" IS NULL AND "status" = ? ORDER BY "created_at" ASC, "id" ASC LIMIT 21) q), shown_replies AS MATERIALIZED (SELECT * FROM (SELECT c.id, c.parent_id, c.author_name, c.body, c.created_at, row_number() OVER (PARTITION BY c.parent_id ORDER BY c.created_at, c.id) AS position, count(*) OVER (PARTITION BY c.parent_id) AS siblings FROM comments c WHERE c.parent_id IN (SELECT id FROM page_comments WHERE n <= lim) AND c.status = 'approved') numbered WHERE position <= 6), shown_replies_of_replies AS MATERIALIZED (SELECT * FROM (SELECT c.id, c.parent_id, c.author_name, c.body, c.created_at, row_number() OVER (PARTITION BY c.parent_id ORDER BY c.created_at, c.id) AS position, count(*) OVER (PARTITION BY c.parent_id) AS siblings FROM comments c WHERE c.parent_id IN (SELECT id FROM shown_replies WHERE position <= 5) AND c.status = 'approved') numbered WHERE position <= 6), deeper_replies AS MATERIALIZED (SELECT parent_id, count(*) AS siblings FROM comments WHERE parent_id IN (SELECT id FROM shown_replies_of_replies WHERE position <= 5) AND status = 'approved' GROUP BY parent_id) SELECT (SELECT coalesce(json_group_array(json_object('id', c.id, 'parent_id', c.parent_id, 'author_name', c.author_name, 'body', c.body, 'created_at', replace(c.created_at, '+00:00', 'Z'), 'replies', json((SELECT coalesce(json_group_array(json_object('id', r0.id, 'parent_id', r0.parent_id, 'author_name', r0.author_name, 'body', r0.body, 'created_at', replace(r0.created_at, '+00:00', 'Z'), 'replies', json((SELECT coalesce(json_group_array(json_object('id', r1.id, 'parent_id', r1.parent_id, 'author_name', r1.author_name, 'body', r1.body, 'created_at', replace(r1.created_at, '+00:00', 'Z'), 'replies', json(('[]')), 'reply_count', coalesce((SELECT x.siblings FROM deeper_replies x WHERE x.parent_id = r1.id), 0), 'replies_next_cursor', NULL) ORDER BY r1.position) FILTER (WHERE r1.position <= 5), '[]') FROM shown_replies_of_replies r1 WHERE r1.parent_id = r0.id)), 'reply_count', coalesce((SELECT max(r1.siblings) FROM shown_replies_of_replies r1 WHERE r1.parent_id = r0.id), 0), 'replies_next_cursor', (SELECT 'r' || CAST((unixepoch(substr(r1.created_at, 1, 19)) * 1000000 + CASE WHEN substr(r1.created_at, 20, 1) = '.' THEN CAST(substr(rtrim(substr(r1.created_at, 21), '+-:0Z') || '000000', 1, 6) AS INTEGER) ELSE 0 END) AS TEXT) || '.' || CAST(r1.id AS TEXT) || '.' || printf('%x', ((((unixepoch(substr(r1.created_at, 1, 19)) * 1000000 + CASE WHEN substr(r1.created_at, 20, 1) = '.' THEN CAST(substr(rtrim(substr(r1.created_at, 21), '+-:0Z') || '000000', 1, 6) AS INTEGER) ELSE 0 END) % 2147483647) * 48271 + (r1.id % 2147483647) * 16807 + 114) % 2147483647 + 2147483647) % 2147483647) FROM shown_replies_of_replies r1 WHERE r1.parent_id = r0.id AND r1.position = 5 AND r1.siblings > 5)) ORDER BY r0.position) FILTER (WHERE r0.position <= 5), '[]') FROM shown_replies r0 WHERE r0.parent_id = c.id)), 'reply_count', coalesce((SELECT max(r0.siblings) FROM shown_replies r0 WHERE r0.parent_id = c.id), 0), 'replies_next_cursor', (SELECT 'r' || CAST((unixepoch(substr(r0.created_at, 1, 19)) * 1000000 + CASE WHEN substr(r0.created_at, 20, 1) = '.' THEN CAST(substr(rtrim(substr(r0.created_at, 21), '+-:0Z') || '000000', 1, 6) AS INTEGER) ELSE 0 END) AS TEXT) || '.' || CAST(r0.id AS TEXT) || '.' || printf('%x', ((((unixepoch(substr(r0.created_at, 1, 19)) * 1000000 + CASE WHEN substr(r0.created_at, 20, 1) = '.' THEN CAST(substr(rtrim(substr(r0.created_at, 21), '+-:0Z') || '000000', 1, 6) AS INTEGER) ELSE 0 END) % 2147483647) * 48271 + (r0.id % 2147483647) * 16807 + 114) % 2147483647 + 2147483647) % 2147483647) FROM shown_replies r0 WHERE r0.parent_id = c.id AND r0.position = 5 AND r0.siblings > 5)) ORDER BY c.n) FILTER (WHERE c.n <= c.lim), '[]') FROM page_comments c), (SELECT 'c' || CAST((unixepoch(substr(c.created_at, 1, 19)) * 1000000 + CASE WHEN substr(c.created_at, 20, 1) = '.' THEN CAST(substr(rtrim(substr(c.created_at, 21), '+-:0Z') || '000000', 1, 6) AS INTEGER) ELSE 0 END) AS TEXT) || '.' || CAST(c.id AS TEXT) || '.' || printf('%x', ((((unixepoch(substr(c.created_at, 1, 19)) * 1000000 + CASE WHEN substr(c.created_at, 20, 1) = '.' THEN CAST(substr(rtrim(substr(c.created_at, 21), '+-:0Z') || '000000', 1, 6) AS INTEGER) ELSE 0 END) % 2147483647) * 48271 + (c.id % 2147483647) * 16807 + 99) % 2147483647 + 2147483647) % 2147483647) FROM page_comments c WHERE c.n = c.lim AND c.total > c.lim) FROM art"#;

/// The same on PostgreSQL.
pub const POSTGRES_THREAD_PAGE: &str = r#"WITH art AS (SELECT id FROM articles WHERE id = $1), page_comments AS MATERIALIZED (SELECT q.*, row_number() OVER (ORDER BY q.created_at, q.id) AS n, count(*) OVER () AS total, CAST($2 AS BIGINT) AS lim FROM (SELECT "id", "parent_id", "author_name", "body", "created_at" FROM "comments" WHERE "article_id" IN (SELECT "id" FROM "art") AND "root_id" IS NULL AND "status" = $3 ORDER BY "created_at" ASC, "id" ASC LIMIT 21) q), shown_replies AS MATERIALIZED (SELECT * FROM (SELECT c.id, c.parent_id, c.author_name, c.body, c.created_at, row_number() OVER (PARTITION BY c.parent_id ORDER BY c.created_at, c.id) AS position, count(*) OVER (PARTITION BY c.parent_id) AS siblings FROM comments c WHERE c.parent_id IN (SELECT id FROM page_comments WHERE n <= lim) AND c.status = 'approved') numbered WHERE position <= 6), shown_replies_of_replies AS MATERIALIZED (SELECT * FROM (SELECT c.id, c.parent_id, c.author_name, c.body, c.created_at, row_number() OVER (PARTITION BY c.parent_id ORDER BY c.created_at, c.id) AS position, count(*) OVER (PARTITION BY c.parent_id) AS siblings FROM comments c WHERE c.parent_id IN (SELECT id FROM shown_replies WHERE position <= 5) AND c.status = 'approved') numbered WHERE position <= 6), deeper_replies AS MATERIALIZED (SELECT parent_id, count(*) AS siblings FROM comments WHERE parent_id IN (SELECT id FROM shown_replies_of_replies WHERE position <= 5) AND status = 'approved' GROUP BY parent_id) SELECT ((SELECT coalesce(json_agg(json_build_object('id', c.id, 'parent_id', c.parent_id, 'author_name', c.author_name, 'body', c.body, 'created_at', (regexp_replace(to_char((c.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24":"MI":"SS.US'), '(\.000)?000$', '') || 'Z'), 'replies', ((SELECT coalesce(json_agg(json_build_object('id', r0.id, 'parent_id', r0.parent_id, 'author_name', r0.author_name, 'body', r0.body, 'created_at', (regexp_replace(to_char((r0.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24":"MI":"SS.US'), '(\.000)?000$', '') || 'Z'), 'replies', ((SELECT coalesce(json_agg(json_build_object('id', r1.id, 'parent_id', r1.parent_id, 'author_name', r1.author_name, 'body', r1.body, 'created_at', (regexp_replace(to_char((r1.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24":"MI":"SS.US'), '(\.000)?000$', '') || 'Z'), 'replies', (('[]'))::json, 'reply_count', coalesce((SELECT x.siblings FROM deeper_replies x WHERE x.parent_id = r1.id), 0), 'replies_next_cursor', NULL) ORDER BY r1.position) FILTER (WHERE r1.position <= 5), '[]'::json) FROM shown_replies_of_replies r1 WHERE r1.parent_id = r0.id))::json, 'reply_count', coalesce((SELECT max(r1.siblings) FROM shown_replies_of_replies r1 WHERE r1.parent_id = r0.id), 0), 'replies_next_cursor', (SELECT 'r' || ((extract(epoch FROM r1.created_at) * 1000000)::bigint)::text || '.' || (r1.id)::text || '.' || to_hex(((((extract(epoch FROM r1.created_at) * 1000000)::bigint % 2147483647) * 48271 + (r1.id % 2147483647) * 16807 + 114) % 2147483647 + 2147483647) % 2147483647) FROM shown_replies_of_replies r1 WHERE r1.parent_id = r0.id AND r1.position = 5 AND r1.siblings > 5)) ORDER BY r0.position) FILTER (WHERE r0.position <= 5), '[]'::json) FROM shown_replies r0 WHERE r0.parent_id = c.id))::json, 'reply_count', coalesce((SELECT max(r0.siblings) FROM shown_replies r0 WHERE r0.parent_id = c.id), 0), 'replies_next_cursor', (SELECT 'r' || ((extract(epoch FROM r0.created_at) * 1000000)::bigint)::text || '.' || (r0.id)::text || '.' || to_hex(((((extract(epoch FROM r0.created_at) * 1000000)::bigint % 2147483647) * 48271 + (r0.id % 2147483647) * 16807 + 114) % 2147483647 + 2147483647) % 2147483647) FROM shown_replies r0 WHERE r0.parent_id = c.id AND r0.position = 5 AND r0.siblings > 5)) ORDER BY c.n) FILTER (WHERE c.n <= c.lim), '[]'::json) FROM page_comments c))::text, (SELECT 'c' || ((extract(epoch FROM c.created_at) * 1000000)::bigint)::text || '.' || (c.id)::text || '.' || to_hex(((((extract(epoch FROM c.created_at) * 1000000)::bigint % 2147483647) * 48271 + (c.id % 2147483647) * 16807 + 99) % 2147483647 + 2147483647) % 2147483647) FROM page_comments c WHERE c.n = c.lim AND c.total > c.lim) FROM art"#;

/// The statement that writes the page of the article `article`.
pub fn thread_page(backend: DbBackend, article: i64) -> Statement {
    let text = match backend {
        DbBackend::Postgres => POSTGRES_THREAD_PAGE,
        _ => SQLITE_THREAD_PAGE,
    };
    Statement::from_sql_and_values(
        backend,
        text,
        [article.into(), 20_i64.into(), "approved".into()],
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let id = match backend {
            DbBackend::Postgres => "BIGINT",
            _ => "INTEGER",
        };
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "CREATE TABLE article_thread_pages (\
             article_id {id} PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE, \
             data TEXT NOT NULL, next_cursor TEXT)"
        ))
        .await?;
        // Only an article with an approved first comment has a page to store.
        let articles = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT DISTINCT article_id FROM comments \
                 WHERE root_id IS NULL AND status = 'approved' ORDER BY 1",
            ))
            .await?;
        for article in articles {
            let article: i64 = article.try_get_by_index(0)?;
            let Some(page) = db.query_one_raw(thread_page(backend, article)).await? else {
                continue;
            };
            let (data, next_cursor): (String, Option<String>) =
                (page.try_get_by_index(0)?, page.try_get_by_index(1)?);
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                match backend {
                    DbBackend::Postgres => {
                        "INSERT INTO article_thread_pages (article_id, data, next_cursor) \
                         VALUES ($1, $2, $3)"
                    }
                    _ => {
                        "INSERT INTO article_thread_pages (article_id, data, next_cursor) \
                         VALUES (?, ?, ?)"
                    }
                },
                [article.into(), data.into(), next_cursor.into()],
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE IF EXISTS article_thread_pages")
            .await?;
        Ok(())
    }
}
