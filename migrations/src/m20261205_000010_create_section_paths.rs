//! The read model of section paths: each section's path from the top, as
//! the JSON a whole article shows, stored once per section. The application
//! writes every section's path again in the transaction of each section
//! write; this migration creates the table and fills it for the sections
//! already there. The path's SQL is written out here, as a migration must
//! stay what it was when it ran; a test in the application holds it equal
//! to the path the application writes (`documents::section_path_shape`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The path of the section row `sec`, on SQLite, as JSON text.
pub const SQLITE_SECTION_PATH: &str = "json((WITH RECURSIVE p(id, slug, name, parent_id, depth) AS (\
    SELECT s.id, s.slug, s.name, s.parent_id, 0 FROM sections s WHERE s.id = sec.id \
    UNION ALL SELECT s.id, s.slug, s.name, s.parent_id, p.depth + 1 \
    FROM sections s JOIN p ON s.id = p.parent_id WHERE p.depth < 32) \
    SELECT coalesce(json_group_array(json_object('slug', p.slug, 'name', p.name) \
    ORDER BY p.depth DESC), '[]') FROM p))";

/// The path of the section row `sec`, on PostgreSQL, as JSON text.
pub const POSTGRES_SECTION_PATH: &str = "(((WITH RECURSIVE p(id, slug, name, parent_id, depth) AS (\
    SELECT s.id, s.slug, s.name, s.parent_id, 0 FROM sections s WHERE s.id = sec.id \
    UNION ALL SELECT s.id, s.slug, s.name, s.parent_id, p.depth + 1 \
    FROM sections s JOIN p ON s.id = p.parent_id WHERE p.depth < 32) \
    SELECT coalesce(json_agg(json_build_object('slug', p.slug, 'name', p.name) \
    ORDER BY p.depth DESC), '[]'::json) FROM p))::json)::text";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let (id, path) = match manager.get_database_backend() {
            DbBackend::Postgres => ("BIGINT", POSTGRES_SECTION_PATH),
            _ => ("INTEGER", SQLITE_SECTION_PATH),
        };
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "CREATE TABLE section_paths (section_id {id} PRIMARY KEY, path TEXT NOT NULL)"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO section_paths (section_id, path) SELECT sec.id, {path} FROM sections sec"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE IF EXISTS section_paths")
            .await?;
        Ok(())
    }
}
