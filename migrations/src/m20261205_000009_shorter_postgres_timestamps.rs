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

/// The publication time as migration 7 wrote it, and as it is written now.
const THREE_WAY_TIME: &str = "(to_char((a.published_at AT TIME ZONE 'UTC'), \
    'YYYY-MM-DD\"T\"HH24\":\"MI\":\"SS') \
    || CASE WHEN (extract(microseconds FROM a.published_at)::bigint % 1000000) = 0 THEN '' \
    WHEN (extract(microseconds FROM a.published_at)::bigint % 1000000) % 1000 = 0 \
    THEN to_char((a.published_at AT TIME ZONE 'UTC'), '.MS') \
    ELSE to_char((a.published_at AT TIME ZONE 'UTC'), '.US') END || 'Z')";
const ONE_EXPRESSION_TIME: &str = "(regexp_replace(to_char((a.published_at AT TIME ZONE 'UTC'), \
    'YYYY-MM-DD\"T\"HH24\":\"MI\":\"SS.US'), '(\\.000)?000$', '') || 'Z')";

/// A teaser of the article row `a`, on PostgreSQL (as `json`): migration
/// 7's, its publication time written with one expression.
pub fn postgres_teaser() -> String {
    THREE_WAY_TEASER.replacen(THREE_WAY_TIME, ONE_EXPRESSION_TIME, 1)
}

fn view(teaser: &str) -> String {
    format!(
        "CREATE OR REPLACE VIEW article_teaser_json AS \
         SELECT a.id AS article_id, ({teaser})::text AS teaser FROM articles a"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace_view(manager, &postgres_teaser()).await
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
