//! Where the one-statement reads run. On PostgreSQL, and on a SQLite
//! database that is not a file, through the pool like every other
//! statement. On a SQLite file, on the calling thread, through connections
//! of its own: sqlx runs each SQLite connection on a thread of its own and
//! hands every statement and every row across to it and back, and that
//! round trip (two thread wake-ups, about 70 µs of CPU on the development
//! machine) cost more than the statement itself. These reads are short and
//! never wait on a writer (WAL: readers see the last commit and go on), so
//! running them where the request already runs is the cheaper place.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chrono::SecondsFormat;
use rusqlite::types::Value as Sqlite;
use sea_orm::sea_query::SelectStatement;
use sea_orm::sea_query::Value;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    FromQueryResult, QueryResult, RuntimeErr,
};
use serde::de::DeserializeOwned;

use super::held_connections::HeldConnections;

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
    held: Option<Arc<HeldConnections>>,
    /// Where statements run outside the pool are reported, when not to the
    /// metrics.
    on_statement: Arc<OnceLock<StatementHook>>,
}

impl Reads {
    /// Reads through `pool`, or, when it is a SQLite file, on the caller's
    /// thread from that file, or, on PostgreSQL, through connections held
    /// beside the pool (as many more as the pool may open).
    pub fn new(pool: DatabaseConnection) -> Reads {
        let local = sqlite_file(&pool).map(|path| {
            Arc::new(LocalFile {
                path,
                idle: Mutex::new(Vec::new()),
            })
        });
        let held = (pool.get_database_backend() == DbBackend::Postgres).then(|| {
            let pool = pool.get_postgres_connection_pool();
            let max = pool.options().get_max_connections();
            Arc::new(HeldConnections::new(
                pool.connect_options(),
                usize::try_from(max).unwrap_or(usize::MAX),
            ))
        });
        Reads {
            pool,
            local,
            held,
            on_statement: Arc::default(),
        }
    }

    /// Reads through `pool` alone (a replica's).
    pub fn pooled(pool: DatabaseConnection) -> Reads {
        Reads {
            pool,
            local: None,
            held: None,
            on_statement: Arc::default(),
        }
    }

    /// Reports each statement run outside the pool to `hook` instead of the
    /// metrics, as a pool reports to its metric callback; set once.
    pub fn report_statements_to(&self, hook: StatementHook) {
        let _ = self.on_statement.set(hook);
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
        match self.route() {
            Route::Local(file) => Ok(file.run(&statement, 1, self.hook())?.pop()),
            Route::Held(held) => Ok(held
                .rows(&statement, self.hook())
                .await?
                .into_iter()
                .next()
                .map(|row| Row::Pooled(row.into()))),
            Route::Pool => Ok(self.pool.query_one_raw(statement).await?.map(Row::Pooled)),
        }
    }

    /// Every row `statement` returns.
    pub async fn all(&self, statement: sea_orm::Statement) -> Result<Vec<Row>, DbErr> {
        match self.route() {
            Route::Local(file) => file.run(&statement, usize::MAX, self.hook()),
            Route::Held(held) => Ok(held
                .rows(&statement, self.hook())
                .await?
                .into_iter()
                .map(|row| Row::Pooled(row.into()))
                .collect()),
            Route::Pool => Ok(self
                .pool
                .query_all_raw(statement)
                .await?
                .into_iter()
                .map(Row::Pooled)
                .collect()),
        }
    }

    /// Where a read runs: on this thread from a SQLite file, on a held
    /// PostgreSQL connection, or through the pool. Never outside the pool
    /// once it has been closed: a closed pool means the database is going
    /// away, and reads answer so.
    fn route(&self) -> Route<'_> {
        if self.pool_closed() {
            return Route::Pool;
        }
        match (&self.local, &self.held) {
            (Some(file), _) => Route::Local(file),
            (None, Some(held)) => Route::Held(held),
            (None, None) => Route::Pool,
        }
    }

    fn hook(&self) -> Option<&StatementHook> {
        self.on_statement.get()
    }

    fn pool_closed(&self) -> bool {
        match self.backend() {
            DbBackend::Sqlite => self.pool.get_sqlite_connection_pool().is_closed(),
            DbBackend::Postgres => self.pool.get_postgres_connection_pool().is_closed(),
            _ => false,
        }
    }
}

enum Route<'a> {
    Local(&'a LocalFile),
    Held(&'a HeldConnections),
    Pool,
}

/// Where typed rows are read: a transaction or the pool through SeaORM,
/// and [`Reads`] on the calling thread when it can. Rows are read through
/// SeaORM's `FromQueryResult` from the pool and through serde from a local
/// connection, so a row type derives both.
pub trait FetchRows: ConnectionTrait {
    /// The rows of a hand-written statement.
    fn fetch_statement<T>(
        &self,
        statement: sea_orm::Statement,
    ) -> impl Future<Output = Result<Vec<T>, DbErr>> + Send
    where
        T: FromQueryResult + DeserializeOwned + Send;

    fn fetch_rows<T>(
        &self,
        query: &SelectStatement,
    ) -> impl Future<Output = Result<Vec<T>, DbErr>> + Send
    where
        T: FromQueryResult + DeserializeOwned + Send,
    {
        self.fetch_statement(self.get_database_backend().build(query))
    }
}

async fn fetch_pooled<T: FromQueryResult>(
    db: &impl ConnectionTrait,
    statement: sea_orm::Statement,
) -> Result<Vec<T>, DbErr> {
    db.query_all_raw(statement)
        .await?
        .iter()
        .map(|row| T::from_query_result(row, ""))
        .collect()
}

impl FetchRows for DatabaseConnection {
    async fn fetch_statement<T>(&self, statement: sea_orm::Statement) -> Result<Vec<T>, DbErr>
    where
        T: FromQueryResult + DeserializeOwned + Send,
    {
        fetch_pooled(self, statement).await
    }
}

impl FetchRows for DatabaseTransaction {
    async fn fetch_statement<T>(&self, statement: sea_orm::Statement) -> Result<Vec<T>, DbErr>
    where
        T: FromQueryResult + DeserializeOwned + Send,
    {
        fetch_pooled(self, statement).await
    }
}

impl FetchRows for Reads {
    async fn fetch_statement<T>(&self, statement: sea_orm::Statement) -> Result<Vec<T>, DbErr>
    where
        T: FromQueryResult + DeserializeOwned + Send,
    {
        match self.route() {
            Route::Local(file) => file.rows(&statement, self.hook()),
            Route::Held(held) => held
                .rows(&statement, self.hook())
                .await?
                .into_iter()
                .map(|row| T::from_query_result(&QueryResult::from(row), ""))
                .collect(),
            Route::Pool => fetch_pooled(&self.pool, statement).await,
        }
    }
}

/// Two row types read from the same row, each by the columns it names: a
/// row type and what a statement adds to it (a rank, a group).
#[derive(Debug)]
pub struct Both<A, B>(pub A, pub B);

impl<A: FromQueryResult, B: FromQueryResult> FromQueryResult for Both<A, B> {
    fn from_query_result(row: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Both(
            A::from_query_result(row, pre)?,
            B::from_query_result(row, pre)?,
        ))
    }
}

impl<'de, A: serde::Deserialize<'de>, B: serde::Deserialize<'de>> serde::Deserialize<'de>
    for Both<A, B>
{
    /// Read from [`row_de::Row`] as a pair, each half seeing the whole row.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pair<A, B>(std::marker::PhantomData<(A, B)>);
        impl<'de, A: serde::Deserialize<'de>, B: serde::Deserialize<'de>> serde::de::Visitor<'de>
            for Pair<A, B>
        {
            type Value = Both<A, B>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a row read twice")
            }
            fn visit_seq<S: serde::de::SeqAccess<'de>>(
                self,
                mut seq: S,
            ) -> Result<Self::Value, S::Error> {
                let missing = || serde::de::Error::custom("a row read twice needs both halves");
                let a = seq.next_element()?.ok_or_else(missing)?;
                let b = seq.next_element()?.ok_or_else(missing)?;
                Ok(Both(a, b))
            }
        }
        deserializer.deserialize_tuple(2, Pair(std::marker::PhantomData))
    }
}

/// Every other statement a read makes goes through the pool.
#[async_trait::async_trait]
impl ConnectionTrait for Reads {
    fn get_database_backend(&self) -> DbBackend {
        self.backend()
    }

    async fn execute_raw(&self, stmt: sea_orm::Statement) -> Result<ExecResult, DbErr> {
        self.pool.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.pool.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: sea_orm::Statement) -> Result<Option<QueryResult>, DbErr> {
        self.pool.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: sea_orm::Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.pool.query_all_raw(stmt).await
    }
}

/// Where a statement's duration and outcome are reported.
pub type StatementHook = Arc<dyn Fn(&sea_orm::metric::Info<'_>) + Send + Sync>;

/// Reports a statement run outside the pool, begun at `started`, to `hook`
/// or (without one) to the metrics, as a pool reports its own.
pub(super) fn report(
    hook: Option<&StatementHook>,
    statement: &sea_orm::Statement,
    started: Instant,
    failed: bool,
) {
    let info = sea_orm::metric::Info {
        elapsed: started.elapsed(),
        statement,
        failed,
    };
    match hook {
        Some(hook) => hook(&info),
        None => super::statements::record(&info),
    }
}

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
}

impl LocalFile {
    /// At most `limit` rows of `statement`.
    fn run(
        &self,
        statement: &sea_orm::Statement,
        limit: usize,
        hook: Option<&StatementHook>,
    ) -> Result<Vec<Row>, DbErr> {
        self.on_connection(statement, hook, |connection| {
            query(connection, statement, limit).map_err(query_error)
        })
    }

    /// The rows of `statement`, each read as a `T` by its column names.
    fn rows<T: DeserializeOwned>(
        &self,
        statement: &sea_orm::Statement,
        hook: Option<&StatementHook>,
    ) -> Result<Vec<T>, DbErr> {
        self.on_connection(statement, hook, |connection| {
            typed_rows(connection, statement)
        })
    }

    /// Runs `read` of `statement` on an idle connection (or a new one),
    /// reports the statement as the pool reports its own, and puts the
    /// connection back.
    fn on_connection<R>(
        &self,
        statement: &sea_orm::Statement,
        hook: Option<&StatementHook>,
        read: impl FnOnce(&rusqlite::Connection) -> Result<R, DbErr>,
    ) -> Result<R, DbErr> {
        let started = Instant::now();
        let taken = self.idle.lock().map_or(None, |mut idle| idle.pop());
        let connection = match taken {
            Some(connection) => connection,
            None => open(&self.path).map_err(query_error)?,
        };
        let read = read(&connection);
        report(hook, statement, started, read.is_err());
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(connection);
        }
        read
    }
}

fn typed_rows<T: DeserializeOwned>(
    connection: &rusqlite::Connection,
    statement: &sea_orm::Statement,
) -> Result<Vec<T>, DbErr> {
    let mut prepared = connection
        .prepare_cached(&statement.sql)
        .map_err(query_error)?;
    let values = statement.values.as_ref().map_or(&[][..], |v| &v.0[..]);
    for (i, value) in values.iter().enumerate() {
        prepared
            .raw_bind_parameter(i + 1, bound(value).map_err(query_error)?)
            .map_err(query_error)?;
    }
    let names = row_de::Names::of(&prepared).map_err(query_error)?;
    let mut rows = prepared.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(query_error)? {
        let row = T::deserialize(row_de::Row { row, names: &names })
            .map_err(|e| DbErr::Type(format!("a row read on the calling thread: {e}")))?;
        out.push(row);
    }
    Ok(out)
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

/// A SQLite row as serde input: a map from column name to value, read as
/// sqlx reads the same columns (booleans from 0 and 1, timestamps from
/// their RFC 3339 text, which chrono parses). Values are read from the row
/// where SQLite holds them, only for the columns a row type names: copying
/// every column out first, and the whole row again for each half of a
/// [`super::Both`], was most of what reading rows cost.
mod row_de {
    use rusqlite::types::ValueRef;
    use serde::de::value::{Error, StrDeserializer};
    use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
    use serde::forward_to_deserialize_any;

    /// The names of a statement's columns, read once for all its rows: read
    /// from SQLite for each column of each row (and again for each half of
    /// a [`super::Both`]), they cost about 2 % of a GraphQL page. Kept in
    /// one string, so reading them allocates twice, not once per column.
    pub struct Names {
        text: String,
        ends: Vec<usize>,
    }

    impl Names {
        pub fn of(statement: &rusqlite::Statement<'_>) -> rusqlite::Result<Names> {
            let mut names = Names {
                text: String::new(),
                ends: Vec::with_capacity(statement.column_count()),
            };
            for i in 0..statement.column_count() {
                names.text.push_str(statement.column_name(i)?);
                names.ends.push(names.text.len());
            }
            Ok(names)
        }

        /// The name of column `index`, if the statement has that many.
        pub fn get(&self, index: usize) -> Option<&str> {
            let end = *self.ends.get(index)?;
            let start = index.checked_sub(1).map_or(0, |before| self.ends[before]);
            self.text.get(start..end)
        }
    }

    /// The row, and its statement's column names.
    #[derive(Clone, Copy)]
    pub struct Row<'a> {
        pub row: &'a rusqlite::Row<'a>,
        pub names: &'a Names,
    }

    impl<'de> de::Deserializer<'de> for Row<'_> {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.visit_map(Columns { row: self, next: 0 })
        }

        /// A tuple of row types ([`super::Both`]): each reads the whole row.
        fn deserialize_tuple<V: Visitor<'de>>(
            self,
            len: usize,
            visitor: V,
        ) -> Result<V::Value, Error> {
            visitor.visit_seq(Views {
                row: self,
                left: len,
            })
        }

        forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq
            tuple_struct map struct enum identifier ignored_any
        }
    }

    struct Views<'a> {
        row: Row<'a>,
        left: usize,
    }

    impl<'de> de::SeqAccess<'de> for Views<'_> {
        type Error = Error;

        fn next_element_seed<T: DeserializeSeed<'de>>(
            &mut self,
            seed: T,
        ) -> Result<Option<T::Value>, Error> {
            if self.left == 0 {
                return Ok(None);
            }
            self.left -= 1;
            seed.deserialize(self.row).map(Some)
        }
    }

    struct Columns<'a> {
        row: Row<'a>,
        /// The column whose name was read last is `next - 1`.
        next: usize,
    }

    impl<'de> MapAccess<'de> for Columns<'_> {
        type Error = Error;

        fn next_key_seed<K: DeserializeSeed<'de>>(
            &mut self,
            seed: K,
        ) -> Result<Option<K::Value>, Error> {
            let Some(name) = self.row.names.get(self.next) else {
                return Ok(None);
            };
            self.next += 1;
            let name: StrDeserializer<'_, Error> = name.into_deserializer();
            seed.deserialize(name).map(Some)
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
            let index = self
                .next
                .checked_sub(1)
                .ok_or_else(|| de::Error::custom("a row's value asked before its column"))?;
            let value = self.row.row.get_ref(index).map_err(de::Error::custom)?;
            seed.deserialize(Cell(value))
        }
    }

    struct Cell<'a>(ValueRef<'a>);

    impl<'de> de::Deserializer<'de> for Cell<'_> {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.0 {
                ValueRef::Null => visitor.visit_unit(),
                ValueRef::Integer(i) => visitor.visit_i64(i),
                ValueRef::Real(f) => visitor.visit_f64(f),
                ValueRef::Text(s) => {
                    visitor.visit_str(std::str::from_utf8(s).map_err(de::Error::custom)?)
                }
                ValueRef::Blob(b) => visitor.visit_bytes(b),
            }
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.0 {
                ValueRef::Null => visitor.visit_none(),
                _ => visitor.visit_some(self),
            }
        }

        /// SQLite keeps booleans as integers.
        fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.0 {
                ValueRef::Integer(i) => visitor.visit_bool(i != 0),
                _ => self.deserialize_any(visitor),
            }
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Error> {
            visitor.visit_newtype_struct(self)
        }

        /// A column no field names is not read at all.
        fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.visit_unit()
        }

        forward_to_deserialize_any! {
            i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf unit unit_struct seq tuple
            tuple_struct map struct enum identifier
        }
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

    /// A typed id, as the domain's are.
    #[derive(Clone, Copy, Debug, PartialEq, serde::Deserialize, sea_orm::DeriveValueType)]
    struct Id(i64);

    #[derive(Debug, PartialEq, FromQueryResult, serde::Deserialize)]
    struct Typed {
        id: Id,
        minutes: i32,
        at: chrono::DateTime<chrono::Utc>,
        flag: bool,
        note: Option<String>,
        gone: Option<i64>,
    }

    /// Every column keeps its own name, an empty one and a repeated one too.
    #[test]
    fn a_statements_column_names_are_read_in_order() {
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        let statement = connection
            .prepare(r#"SELECT 1 AS id, 2 AS "", 3 AS title, 4 AS id"#)
            .unwrap();
        let names = row_de::Names::of(&statement).unwrap();
        let read: Vec<_> = (0..5).map(|i| names.get(i)).collect();
        assert_eq!(
            read,
            [Some("id"), Some(""), Some("title"), Some("id"), None]
        );
    }

    /// A typed row read on the calling thread is the row SeaORM reads from
    /// the pool: typed ids, narrower integers, timestamps the pool wrote,
    /// booleans and NULLs.
    #[tokio::test]
    async fn a_typed_row_read_on_the_calling_thread_equals_the_pools() {
        use sea_orm::sea_query::{Alias, Query};
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let pool = Database::connect(&url).await.unwrap();
        pool.execute_unprepared(
            "CREATE TABLE t (id INTEGER, minutes INTEGER, at TEXT, flag BOOLEAN, note TEXT, gone INTEGER)",
        )
        .await
        .unwrap();
        let at = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap()
            + chrono::Duration::microseconds(8);
        pool.execute_raw(sql(
            "INSERT INTO t VALUES (?, ?, ?, ?, ?, NULL)",
            vec![7i64.into(), 4i32.into(), at.into(), true.into(), "n".into()],
        ))
        .await
        .unwrap();
        let query = Query::select()
            .columns(["id", "minutes", "at", "flag", "note", "gone"].map(Alias::new))
            .from(Alias::new("t"))
            .to_owned();
        let reads = Reads::new(pool.clone());

        let local: Vec<Typed> = reads.fetch_rows(&query).await.unwrap();
        let pooled: Vec<Typed> = pool.fetch_rows(&query).await.unwrap();

        assert!(reads.local.is_some());
        assert_eq!(local, pooled);
        assert_eq!(local[0].at, at);
        assert!(local[0].flag);

        #[derive(Debug, PartialEq, FromQueryResult, serde::Deserialize)]
        struct Minutes {
            minutes: i64,
        }
        let both: Vec<Both<Minutes, Typed>> = reads.fetch_rows(&query).await.unwrap();
        let Both(minutes, typed) = both.into_iter().next().unwrap();
        assert_eq!(minutes, Minutes { minutes: 4 });
        assert_eq!(typed, pooled[0]);
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
