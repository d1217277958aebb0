//! Writes a teaser's publication time on PostgreSQL with one expression
//! instead of a `CASE` over three: the same text (whole seconds, then 3 or 6
//! fraction digits only when there is a fraction, then `Z`). Every public
//! read on PostgreSQL formats its timestamps this way now; the executor sets
//! up each expression of a statement on every run, and the three-way form,
//! written out for each timestamp of an article page, cost 8 % of the
//! statement. The stored teasers are already the same text; only the view
//! that writes them changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::m20261205_000007_create_article_teasers::POSTGRES_TEASER as THREE_WAY_TEASER;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A teaser of the article row `a`, on PostgreSQL (as `json`).
pub const POSTGRES_TEASER: &str = "json_build_object('slug', a.slug, 'title', a.title, \
    'subtitle', a.subtitle, 'excerpt', a.excerpt, \
    'published_at', (regexp_replace(to_char((a.published_at AT TIME ZONE 'UTC'), \
    'YYYY-MM-DD\"T\"HH24\":\"MI\":\"SS.US'), '(\\.000)?000$', '') || 'Z'), \
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

fn view(teaser: &str) -> String {
    format!(
        "CREATE OR REPLACE VIEW article_teaser_json AS \
         SELECT a.id AS article_id, ({teaser})::text AS teaser FROM articles a"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace_view(manager, POSTGRES_TEASER).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace_view(manager, THREE_WAY_TEASER).await
    }
}

/// SQLite writes its timestamps as they are stored: nothing changes there.
async fn replace_view(manager: &SchemaManager<'_>, teaser: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() == DbBackend::Postgres {
        manager
            .get_connection()
            .execute_unprepared(&view(teaser))
            .await?;
    }
    Ok(())
}
