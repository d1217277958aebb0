//! Finding articles: full-text search over public articles' title,
//! subtitle, excerpt and body, kept in step with every write in the write's
//! own transaction — on SQLite an FTS5 index over the articles table, fed
//! by triggers; on PostgreSQL a generated, weighted `tsvector` column with a
//! GIN index; both stem English words (porter / `english`) — and an index of
//! public articles by publication time, which lets the sitemap index walk
//! month by month without reading the articles themselves.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE articles_fts USING fts5(\
     title, subtitle, excerpt, body_markdown, \
     content='articles', content_rowid='id', \
     tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN \
     INSERT INTO articles_fts(rowid, title, subtitle, excerpt, body_markdown) \
     VALUES (new.id, new.title, new.subtitle, new.excerpt, new.body_markdown); END",
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN \
     INSERT INTO articles_fts(articles_fts, rowid, title, subtitle, excerpt, body_markdown) \
     VALUES ('delete', old.id, old.title, old.subtitle, old.excerpt, old.body_markdown); END",
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, subtitle, excerpt, body_markdown \
     ON articles BEGIN \
     INSERT INTO articles_fts(articles_fts, rowid, title, subtitle, excerpt, body_markdown) \
     VALUES ('delete', old.id, old.title, old.subtitle, old.excerpt, old.body_markdown); \
     INSERT INTO articles_fts(rowid, title, subtitle, excerpt, body_markdown) \
     VALUES (new.id, new.title, new.subtitle, new.excerpt, new.body_markdown); END",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
    PUBLIC_INDEX,
];

const PUBLIC_INDEX: &str = "CREATE INDEX idx_articles_public_published ON articles (published_at) \
     WHERE status IN ('published', 'scheduled')";

const SQLITE_DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS idx_articles_public_published",
    "DROP TRIGGER IF EXISTS articles_fts_update",
    "DROP TRIGGER IF EXISTS articles_fts_delete",
    "DROP TRIGGER IF EXISTS articles_fts_insert",
    "DROP TABLE IF EXISTS articles_fts",
];

const POSTGRES_UP: &[&str] = &[
    "ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (\
     setweight(to_tsvector('english', coalesce(title, '')), 'A') || \
     setweight(to_tsvector('english', coalesce(subtitle, '')), 'B') || \
     setweight(to_tsvector('english', coalesce(excerpt, '')), 'B') || \
     setweight(to_tsvector('english', coalesce(body_markdown, '')), 'C')) STORED",
    "CREATE INDEX idx_articles_search ON articles USING GIN (search)",
    PUBLIC_INDEX,
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS idx_articles_public_published",
    "DROP INDEX IF EXISTS idx_articles_search",
    "ALTER TABLE articles DROP COLUMN IF EXISTS search",
];

async fn run(manager: &SchemaManager<'_>, sqlite: &[&str], postgres: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let statements = match db.get_database_backend() {
        DbBackend::Postgres => postgres,
        _ => sqlite,
    };
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_UP, POSTGRES_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_DOWN, POSTGRES_DOWN).await
    }
}
