//! Connecting to the database, running migrations, and a typed query helper.

pub mod entities;
mod held_connections;
pub mod reads;
pub mod redis;
pub mod sql;
pub mod statements;

use std::time::Duration;

use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, EntityTrait,
    FromQueryResult, PaginatorTrait, QueryFilter, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

pub use crate::config::DbSettings;
pub use reads::FetchRows;

/// How long a request waits for a free connection before it is answered 503.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// A pooled connection idle at least this long is pinged before it is handed
/// out; a busier one is not. sqlx pings on every checkout by default: one more
/// round trip to PostgreSQL (or hop to SQLite's driver thread) per statement,
/// as costly as a one-statement read itself. Under load no connection idles
/// this long; after an outage every connection that outlived it has, so the
/// ping finds it broken and the pool opens another, as before.
pub const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(1);

/// Opens a pool. SQLite files are created when missing and run in WAL mode with
/// a busy timeout, so a writer makes readers wait instead of fail.
pub async fn connect(settings: &DbSettings) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(settings.url.expose().to_owned());
    options
        .max_connections(settings.max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        // While the database is down, the pool keeps trying to connect until
        // this passes: short, so callers get a 503 with Retry-After rather
        // than a request hanging for the whole outage.
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire_if_idle_for(PING_WHEN_IDLE_FOR)
        .sqlx_logging(false)
        // Each node names its connections, so nodes can see each other.
        .map_sqlx_postgres_opts(newsdesk_session)
        .map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
        });
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(statements::record);
    db.ping().await?;
    Ok(db)
}

/// Pools on the read replicas, named by host and database for the logs.
/// Lazy: a replica that is down at start-up is used once it answers.
pub fn connect_replicas(
    settings: &crate::config::ReplicaSettings,
    max_connections: u32,
) -> Result<Vec<(String, DatabaseConnection)>, DbErr> {
    settings
        .urls
        .iter()
        .map(|url| {
            let options: sea_orm::sqlx::postgres::PgConnectOptions = url
                .expose()
                .parse()
                .map_err(|e: sea_orm::sqlx::Error| DbErr::Custom(e.to_string()))?;
            let name = format!(
                "{}:{}/{}",
                options.get_host(),
                options.get_port(),
                options.get_database().unwrap_or("")
            );
            let pool = sea_orm::sqlx::postgres::PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .test_before_acquire(false)
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for >= PING_WHEN_IDLE_FOR {
                            sea_orm::sqlx::Connection::ping(conn).await?;
                        }
                        Ok(true)
                    })
                })
                .connect_lazy_with(newsdesk_session(options));
            let mut db = sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
            db.set_metric_callback(statements::record);
            Ok((name, db))
        })
        .collect()
}

/// How every PostgreSQL session of Newsdesk starts: named for its node (so
/// nodes can see each other), and planning each prepared statement once.
/// PostgreSQL plans a prepared statement again at every execution as long
/// as its estimate of a custom plan beats the generic one, which for the
/// one-statement JSON reads it always did: planning took longer than
/// running them (1 ms against 0.7 ms for a section's list). Every statement
/// Newsdesk prepares filters through indexes whose choice does not depend
/// on the values bound.
fn newsdesk_session(
    options: sea_orm::sqlx::postgres::PgConnectOptions,
) -> sea_orm::sqlx::postgres::PgConnectOptions {
    options
        .application_name(&node_name())
        .options([("plan_cache_mode", "force_generic_plan")])
}

/// What this process calls its PostgreSQL connections: `newsdesk/` and a
/// name of its own, so each node is told apart from the others.
pub fn node_name() -> String {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        let mut salt = [0u8; 4];
        // Without randomness the process id alone still tells most nodes apart.
        let _ = getrandom::fill(&mut salt);
        format!(
            "{NODE_PREFIX}{}-{:08x}",
            std::process::id(),
            u32::from_le_bytes(salt)
        )
    })
    .clone()
}

/// What every node's connection name starts with.
pub const NODE_PREFIX: &str = "newsdesk/";

/// How many other Newsdesk nodes have connections to this database now
/// (PostgreSQL; a SQLite file has one machine's nodes, which it cannot see).
pub async fn other_nodes(db: &DatabaseConnection) -> Result<u64, DbErr> {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(0);
    }
    let row = db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT count(DISTINCT application_name) AS nodes FROM pg_stat_activity \
             WHERE datname = current_database() AND application_name LIKE $1 AND application_name <> $2",
            [format!("{NODE_PREFIX}%").into(), node_name().into()],
        ))
        .await?;
    Ok(row
        .map(|row| row.try_get::<i64>("", "nodes"))
        .transpose()?
        .map_or(0, |n| u64::try_from(n).unwrap_or(0)))
}

/// How a pool's connections are used now.
#[derive(Clone, Copy, Debug, Default)]
pub struct PoolUse {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

/// The pool's connections now.
pub fn pool_use(db: &DatabaseConnection) -> PoolUse {
    let (open, idle, max) = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        _ => (0, 0, 0),
    };
    PoolUse {
        open,
        idle: u32::try_from(idle).unwrap_or(u32::MAX),
        max,
    }
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

/// Begins a transaction that writes. On SQLite it asks for the write lock
/// at once (`BEGIN IMMEDIATE`), waiting for it as long as the busy timeout
/// allows: a transaction begun the default way takes the lock only at its
/// first write, and if it read before that while another writer committed,
/// SQLite refuses it at once ("database is locked") rather than wait, which
/// moderators approving comments side by side ran into. PostgreSQL ignores
/// the mode.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// Runs a select built with sea-query and reads each row as `T`.
pub async fn fetch_all<T>(db: &impl FetchRows, query: &SelectStatement) -> Result<Vec<T>, DbErr>
where
    T: FromQueryResult + serde::de::DeserializeOwned + Send,
{
    db.fetch_rows(query).await
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
