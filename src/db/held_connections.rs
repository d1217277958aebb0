//! PostgreSQL connections the reads hold for themselves. sqlx's pool pings a
//! connection when it goes back (`return_to_pool`, unconditionally, from a
//! spawned task): every statement read through the pool paid a second round
//! trip to PostgreSQL and a task. A one-statement read needs neither: it
//! takes a connection from here, runs its statement, and puts the connection
//! back only when the statement finished cleanly. A read cancelled half way
//! (the client went away) or failed drops its connection with it, so a
//! connection here is never left in the middle of a reply. A connection that
//! went down while it waited here is replaced and the read asked again.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use sea_orm::sqlx::Connection;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection, PgRow};
use sea_orm::{DbErr, RuntimeErr};
use tokio::sync::Semaphore;

use super::ACQUIRE_TIMEOUT;
use super::reads::StatementHook;

/// At most `max` connections to one PostgreSQL database, opened as reads
/// need them with the pool's own options (the session settings included).
pub struct HeldConnections {
    options: Arc<PgConnectOptions>,
    /// One permit per connection that may exist, idle or busy.
    permits: Semaphore,
    idle: Mutex<Vec<PgConnection>>,
}

impl HeldConnections {
    pub fn new(options: Arc<PgConnectOptions>, max: usize) -> HeldConnections {
        HeldConnections {
            options,
            permits: Semaphore::new(max),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The rows of `statement`, reported to `hook` (or the metrics) as the
    /// pool reports its statements.
    pub async fn rows(
        &self,
        statement: &sea_orm::Statement,
        hook: Option<&StatementHook>,
    ) -> Result<Vec<PgRow>, DbErr> {
        let started = Instant::now();
        let rows = self.run(statement).await;
        super::reads::report(hook, statement, started, rows.is_err());
        rows
    }

    async fn run(&self, statement: &sea_orm::Statement) -> Result<Vec<PgRow>, DbErr> {
        // Waiting as long as the pool would, and answered as the pool's
        // timeout is: every connection busy is an outage to wait out.
        let _permit = tokio::time::timeout(ACQUIRE_TIMEOUT, self.permits.acquire())
            .await
            .map_err(|_| DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout))?
            .map_err(|_| DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::ConnectionClosed))?;
        loop {
            let idle = self.idle.lock().map_or(None, |mut idle| idle.pop());
            let was_idle = idle.is_some();
            let mut connection = match idle {
                Some(connection) => connection,
                None => self.open().await?,
            };
            match query(statement).fetch_all(&mut connection).await {
                Ok(rows) => {
                    if let Ok(mut idle) = self.idle.lock() {
                        idle.push(connection);
                    }
                    return Ok(rows);
                }
                // A connection that waited here while PostgreSQL restarted
                // (or ended it) fails the first statement it is given. A read
                // changes nothing, so it is asked again on a new connection;
                // the failed one is dropped, as is every failed connection.
                Err(error) if was_idle && crate::error::is_outage(&error) => continue,
                Err(error) => return Err(DbErr::Query(RuntimeErr::SqlxError(Arc::new(error)))),
            }
        }
    }

    async fn open(&self) -> Result<PgConnection, DbErr> {
        tokio::time::timeout(ACQUIRE_TIMEOUT, PgConnection::connect_with(&self.options))
            .await
            .map_err(|_| DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout))?
            .map_err(|e| DbErr::Conn(RuntimeErr::SqlxError(Arc::new(e))))
    }
}

/// `statement` as sqlx runs it, its values bound as SeaORM binds them.
fn query(
    statement: &sea_orm::Statement,
) -> sea_orm::sqlx::query::Query<'_, sea_orm::sqlx::Postgres, sea_query_sqlx::SqlxValues> {
    let values = statement
        .values
        .clone()
        .unwrap_or(sea_orm::sea_query::Values(Vec::new()));
    sea_orm::sqlx::query_with(
        sea_orm::sqlx::AssertSqlSafe(statement.sql.as_str()),
        sea_query_sqlx::SqlxValues(values),
    )
}
