//! Connecting to the database, running migrations, and a typed query helper.

pub mod entities;
pub mod sql;

use std::time::Duration;

use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, EntityTrait,
    FromQueryResult, PaginatorTrait, QueryFilter,
};

pub use crate::config::DbSettings;

/// Opens a pool. SQLite files are created when missing and run in WAL mode with
/// a busy timeout, so a writer makes readers wait instead of fail.
pub async fn connect(settings: &DbSettings) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(settings.url.expose().to_owned());
    options
        .max_connections(settings.max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
        });
    let db = Database::connect(options).await?;
    db.ping().await?;
    Ok(db)
}

/// Refreshes the statistics the query planner chooses indexes by. Without
/// them SQLite guesses, and on a large database can pick an index that walks
/// every row; `PRAGMA optimize` analyzes only what changed, within a budget.
pub async fn refresh_statistics(db: &DatabaseConnection) -> Result<(), DbErr> {
    match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            db.execute_unprepared("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")
                .await?;
        }
        _ => {
            db.execute_unprepared("ANALYZE").await?;
        }
    }
    Ok(())
}

/// Applies every migration not yet applied.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    use migration::MigratorTrait;
    migration::Migrator::up(db, None).await
}

/// Runs a select built with sea-query and reads each row as `T`.
pub async fn fetch_all<T: FromQueryResult>(
    db: &impl ConnectionTrait,
    query: &SelectStatement,
) -> Result<Vec<T>, DbErr> {
    db.query_all(query)
        .await?
        .iter()
        .map(|row| T::from_query_result(row, ""))
        .collect()
}

/// Whether a row of `E` other than `except` already has this slug.
pub async fn slug_in_use<E: EntityTrait>(
    db: &impl ConnectionTrait,
    slug_column: E::Column,
    id_column: E::Column,
    slug: &str,
    except: Option<i64>,
) -> Result<bool, DbErr>
where
    E::Model: Sync,
{
    let mut query = E::find().filter(slug_column.eq(slug));
    if let Some(id) = except {
        query = query.filter(id_column.ne(id));
    }
    Ok(query.count(db).await? > 0)
}
