//! Where the one-statement reads run. On PostgreSQL, and on a SQLite
//! database that is not a file, through the pool like every other
//! statement. On a SQLite file, on the calling thread, through connections
//! of its own: sqlx runs each SQLite connection on a thread of its own and
//! hands every statement and every row across to it and back, and that
//! round trip (two thread wake-ups, about 70 µs of CPU on the development
//! machine) cost more than the statement itself. These reads are short and
//! never wait on a writer (WAL: readers see the last commit and go on), so
//! running them where the request already runs is the cheaper place.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chrono::SecondsFormat;
use rusqlite::types::Value as Sqlite;
use sea_orm::sea_query::Value;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, QueryResult, RuntimeErr};

/// How many distinct statements each connection keeps prepared: the
/// one-statement reads are a few dozen texts (one per shape of filter).
const PREPARED_PER_CONNECTION: usize = 64;

/// The pool's own wait for a writer, kept the same here.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs the reads that answer a response in one statement.
#[derive(Clone)]
pub struct Reads {
    pool: DatabaseConnection,
    local: Option<Arc<LocalFile>>,
}

impl Reads {
    /// Reads through `pool`, or, when it is a SQLite file, on the caller's
    /// thread from that file.
    pub fn new(pool: DatabaseConnection) -> Reads {
        let local = sqlite_file(&pool).map(|path| {
            Arc::new(LocalFile {
                path,
                idle: Mutex::new(Vec::new()),
                on_statement: OnceLock::new(),
            })
        });
        Reads { pool, local }
    }

    /// Reads through `pool` alone (a replica's).
    pub fn pooled(pool: DatabaseConnection) -> Reads {
        Reads { pool, local: None }
    }

    /// Reports each statement run here to `hook` instead of the metrics,
    /// as a pool reports to its metric callback; set once.
    pub fn report_statements_to(&self, hook: StatementHook) {
        if let Some(file) = &self.local {
            let _ = file.on_statement.set(hook);
        }
    }

    /// The pool behind these reads, for every other statement.
    pub fn pool(&self) -> &DatabaseConnection {
        &self.pool
    }

    pub fn backend(&self) -> DbBackend {
        self.pool.get_database_backend()
    }

    /// The first row `statement` returns, if any.
    pub async fn one(&self, statement: sea_orm::Statement) -> Result<Option<Row>, DbErr> {
        match self.local() {
            Some(file) => Ok(file.run(&statement, 1)?.pop()),
            None => Ok(self.pool.query_one_raw(statement).await?.map(Row::Pooled)),
        }
    }

    /// Every row `statement` returns.
    pub async fn all(&self, statement: sea_orm::Statement) -> Result<Vec<Row>, DbErr> {
        match self.local() {
            Some(file) => file.run(&statement, usize::MAX),
            None => Ok(self
                .pool
                .query_all_raw(statement)
                .await?
                .into_iter()
                .map(Row::Pooled)
                .collect()),
        }
    }

    /// The file to read on this thread, unless the pool has been closed: a
    /// closed pool means the database is going away, and reads answer so.
    fn local(&self) -> Option<&LocalFile> {
        self.local.as_deref().filter(|_| !self.pool_closed())
    }

    fn pool_closed(&self) -> bool {
        self.backend() == DbBackend::Sqlite && self.pool.get_sqlite_connection_pool().is_closed()
    }
}

/// Where a statement's duration and outcome are reported.
pub type StatementHook = Arc<dyn Fn(&sea_orm::metric::Info<'_>) + Send + Sync>;

/// The file behind a SQLite pool; `None` for PostgreSQL and for a
/// database that lives in memory, which other connections cannot open.
fn sqlite_file(pool: &DatabaseConnection) -> Option<PathBuf> {
    if pool.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    let options = pool.get_sqlite_connection_pool().connect_options();
    let path = options.get_filename();
    // sqlx names an in-memory database `file:sqlx-in-memory-…` (a URI, not
    // a path), and the pool has created a file database by now.
    let in_memory = path.to_string_lossy().starts_with("file:");
    (!in_memory && path.is_file()).then(|| path.to_path_buf())
}

/// Connections to one SQLite file, each used by one thread at a time.
struct LocalFile {
    path: PathBuf,
    /// Connections not in use. A read takes one (or opens one when none is
    /// idle) and puts it back, so there are as many as threads ever read at
    /// once: the runtime's workers.
    idle: Mutex<Vec<rusqlite::Connection>>,
    /// Where statements are reported, when not to the metrics.
    on_statement: OnceLock<StatementHook>,
}

impl LocalFile {
    /// At most `limit` rows of `statement`.
    fn run(&self, statement: &sea_orm::Statement, limit: usize) -> Result<Vec<Row>, DbErr> {
        let started = Instant::now();
        let taken = self.idle.lock().map_or(None, |mut idle| idle.pop());
        let connection = match taken {
            Some(connection) => connection,
            None => open(&self.path).map_err(query_error)?,
        };
        let rows = query(&connection, statement, limit);
        let info = sea_orm::metric::Info {
            elapsed: started.elapsed(),
            statement,
            failed: rows.is_err(),
        };
        match self.on_statement.get() {
            Some(hook) => hook(&info),
            None => super::statements::record(&info),
        }
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(connection);
        }
        rows.map_err(query_error)
    }
}

fn open(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let connection = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    // These connections only read; a mistake that writes fails loudly.
    connection.pragma_update(None, "query_only", true)?;
    connection.set_prepared_statement_cache_capacity(PREPARED_PER_CONNECTION);
    Ok(connection)
}

fn query(
    connection: &rusqlite::Connection,
    statement: &sea_orm::Statement,
    limit: usize,
) -> rusqlite::Result<Vec<Row>> {
    let mut prepared = connection.prepare_cached(&statement.sql)?;
    let values = statement.values.as_ref().map_or(&[][..], |v| &v.0[..]);
    for (i, value) in values.iter().enumerate() {
        prepared.raw_bind_parameter(i + 1, bound(value)?)?;
    }
    let columns = prepared.column_count();
    let mut rows = prepared.raw_query();
    let mut out = Vec::new();
    while out.len() < limit {
        let Some(row) = rows.next()? else { break };
        let values = (0..columns)
            .map(|i| row.get::<_, Sqlite>(i))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.push(Row::Local(values));
    }
    Ok(out)
}

/// A parameter as sqlx binds it for SQLite, so it compares equal to what
/// the pool wrote: timestamps as RFC 3339 text (`+00:00`, fraction only when
/// there is one), booleans as 1 and 0.
fn bound(value: &Value) -> rusqlite::Result<Sqlite> {
    let unsupported = || {
        rusqlite::Error::ToSqlConversionFailure(
            format!("no SQLite binding for the parameter {value:?}").into(),
        )
    };
    let integer = |i: Option<i64>| i.map_or(Sqlite::Null, Sqlite::Integer);
    Ok(match value {
        Value::Bool(b) => integer(b.map(i64::from)),
        Value::TinyInt(i) => integer(i.map(i64::from)),
        Value::SmallInt(i) => integer(i.map(i64::from)),
        Value::Int(i) => integer(i.map(i64::from)),
        Value::BigInt(i) => integer(*i),
        Value::TinyUnsigned(i) => integer(i.map(i64::from)),
        Value::SmallUnsigned(i) => integer(i.map(i64::from)),
        Value::Unsigned(i) => integer(i.map(i64::from)),
        Value::BigUnsigned(i) => match i {
            Some(i) => Sqlite::Integer(i64::try_from(*i).map_err(|_| unsupported())?),
            None => Sqlite::Null,
        },
        Value::Float(f) => f.map_or(Sqlite::Null, |f| Sqlite::Real(f64::from(f))),
        Value::Double(f) => f.map_or(Sqlite::Null, Sqlite::Real),
        Value::String(s) => s.clone().map_or(Sqlite::Null, Sqlite::Text),
        Value::Char(c) => c.map_or(Sqlite::Null, |c| Sqlite::Text(c.to_string())),
        Value::Bytes(b) => b.clone().map_or(Sqlite::Null, Sqlite::Blob),
        Value::ChronoDateTimeUtc(t) => t.map_or(Sqlite::Null, |t| {
            Sqlite::Text(t.to_rfc3339_opts(SecondsFormat::AutoSi, false))
        }),
        Value::ChronoDate(d) => {
            d.map_or(Sqlite::Null, |d| Sqlite::Text(d.format("%F").to_string()))
        }
        Value::ChronoDateTime(t) => t.map_or(Sqlite::Null, |t| {
            Sqlite::Text(t.format("%F %T%.f").to_string())
        }),
        _ => return Err(unsupported()),
    })
}

/// A failed read: a database kept busy past the wait is an outage to wait
/// out (503); anything else is a fault of ours.
fn query_error(error: rusqlite::Error) -> DbErr {
    let busy = matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    );
    let error = RuntimeErr::Internal(format!("SQLite read: {error}"));
    if busy {
        DbErr::Conn(error)
    } else {
        DbErr::Query(error)
    }
}

/// One row of a read, from either place.
pub enum Row {
    Pooled(QueryResult),
    Local(Vec<Sqlite>),
}

impl Row {
    /// Column `index` as `T`.
    pub fn get<T: Column>(&self, index: usize) -> Result<T, DbErr> {
        match self {
            Row::Pooled(row) => row.try_get_by_index(index),
            Row::Local(values) => {
                let value = values.get(index).ok_or_else(|| {
                    DbErr::Type(format!(
                        "a read asked for column {index} of {}",
                        values.len()
                    ))
                })?;
                T::from_sqlite(value)
                    .ok_or_else(|| DbErr::Type(format!("column {index} holds {value:?}")))
            }
        }
    }
}

/// What a column of these reads can be read as.
pub trait Column: sea_orm::TryGetable {
    fn from_sqlite(value: &Sqlite) -> Option<Self>;
}

impl Column for i64 {
    fn from_sqlite(value: &Sqlite) -> Option<Self> {
        match value {
            Sqlite::Integer(i) => Some(*i),
            _ => None,
        }
    }
}

impl Column for bool {
    fn from_sqlite(value: &Sqlite) -> Option<Self> {
        i64::from_sqlite(value).map(|i| i != 0)
    }
}

impl Column for String {
    fn from_sqlite(value: &Sqlite) -> Option<Self> {
        match value {
            Sqlite::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}

impl<T: Column> Column for Option<T> {
    fn from_sqlite(value: &Sqlite) -> Option<Self> {
        match value {
            Sqlite::Null => Some(None),
            value => T::from_sqlite(value).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use sea_orm::{Database, Statement};

    fn sql(text: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(DbBackend::Sqlite, text, values)
    }

    #[tokio::test]
    async fn a_database_in_memory_is_read_through_its_pool() {
        let reads = Reads::new(Database::connect("sqlite::memory:").await.unwrap());

        let row = reads.one(sql("SELECT 41 + 1", vec![])).await.unwrap();

        assert!(reads.local.is_none());
        assert_eq!(row.unwrap().get::<i64>(0).unwrap(), 42);
    }

    /// What the pool wrote, a read on the calling thread finds by the same
    /// values: timestamps (with a fraction of a second) and booleans are
    /// bound exactly as sqlx binds them.
    #[tokio::test]
    async fn a_file_is_read_on_the_calling_thread_with_the_pools_bindings() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let pool = Database::connect(&url).await.unwrap();
        let at = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap()
            + chrono::Duration::milliseconds(250);
        pool.execute_unprepared("CREATE TABLE t (at TEXT, flag BOOLEAN, body TEXT)")
            .await
            .unwrap();
        pool.execute_raw(sql(
            "INSERT INTO t VALUES (?, ?, ?)",
            vec![at.into(), true.into(), "{\"a\":1}".into()],
        ))
        .await
        .unwrap();
        let reads = Reads::new(pool);

        let row = reads
            .one(sql(
                "SELECT body, flag, NULL FROM t WHERE at = ? AND flag = ?",
                vec![at.into(), true.into()],
            ))
            .await
            .unwrap()
            .expect("the row the pool wrote");

        assert!(reads.local.is_some());
        assert_eq!(row.get::<String>(0).unwrap(), "{\"a\":1}");
        assert!(row.get::<bool>(1).unwrap());
        assert_eq!(row.get::<Option<String>>(2).unwrap(), None);
    }
}
