//! The stored first page of each article's comment threads
//! (`article_thread_pages`): the JSON an article with `include=comments`
//! and the first page of its comments show, written afresh from the
//! comments in the transaction of every comment write that can change it,
//! so a read joins one row instead of running the threads' SQL. An article
//! without public comments has no row. Checked against a fresh rebuild by
//! `newsdesk reindex --check` and the differential test.
//!
//! Stored because the threads' SQL was most of what PostgreSQL spent on an
//! article with its comments: setting up its sub-plans for a handful of
//! rows cost more than the rest of the article (`BENCHMARKS.md`).

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use super::Newsdesk;
use super::documents::thread_page_statement;
use super::ids::ArticleId;
use super::teasers::ids;
use crate::db::sql::{Dialect, Sql};
use crate::db::{FetchRows, fetch_all};
use crate::error::{Error, Result};

/// The first of the two keys of the advisory locks that serialize writing
/// one article's page; no other advisory lock of Newsdesk's uses it.
const WRITING_THREADS: i32 = 0x7ead_5a9e;

/// How many articles one rebuilding transaction writes.
const BATCH: usize = 500;

/// How many rebuilding transactions run at once on PostgreSQL: as many as
/// the default pool holds connections.
const WRITERS: usize = 4;

/// An article's stored page, as read.
#[derive(sea_orm::FromQueryResult, serde::Deserialize)]
pub(super) struct StoredPage {
    pub article_id: i64,
    pub data: String,
    pub next_cursor: Option<String>,
}

/// The stored pages of `articles`, in one statement; an article without
/// public comments has none.
pub(super) async fn stored_pages(db: &impl FetchRows, articles: &[i64]) -> Result<Vec<StoredPage>> {
    let query = Query::select()
        .columns(["article_id", "data", "next_cursor"].map(Alias::new))
        .from(Alias::new("article_thread_pages"))
        .and_where(Expr::col(Alias::new("article_id")).is_in(articles.iter().copied()))
        .to_owned();
    Ok(fetch_all(db, &query).await?)
}

/// The article's page written afresh from the comments, as its JSON array
/// and the next page's cursor; `None` when it is empty (or the article is
/// gone), as no row is stored for it then.
async fn fresh_page(
    db: &impl ConnectionTrait,
    article: i64,
) -> Result<Option<(String, Option<String>)>> {
    let d = Dialect::of(db.get_database_backend());
    let Some(row) = db
        .query_one_raw(thread_page_statement(d, article).statement())
        .await?
    else {
        return Ok(None);
    };
    let page: (String, Option<String>) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
    Ok((page.0 != "[]").then_some(page))
}

/// Writes the stored page of `article`'s threads afresh. Call it inside
/// the transaction of a write that may have changed which comments the
/// public sees there.
pub async fn refresh_thread_page(db: &impl ConnectionTrait, article: i64) -> Result<()> {
    let d = Dialect::of(db.get_database_backend());
    if d == Dialect::Postgres {
        // Two comments written at once on one article: the second waits for
        // the first to commit, so its page is read from a snapshot that
        // includes the first's comment. (SQLite writes one at a time.)
        let mut lock = Sql::new(d);
        lock.push(&format!(
            "SELECT pg_advisory_xact_lock({WRITING_THREADS}, CAST("
        ))
        .bind(article)
        .push(" & 2147483647 AS INTEGER))");
        db.execute_raw(lock.statement()).await?;
    }
    let mut write = Sql::new(d);
    match fresh_page(db, article).await? {
        Some((data, next_cursor)) => {
            write
                .push("INSERT INTO article_thread_pages (article_id, data, next_cursor) VALUES (")
                .bind(article)
                .push(", ")
                .bind(data)
                .push(", ")
                .bind(next_cursor)
                .push(
                    ") ON CONFLICT (article_id) DO UPDATE \
                     SET data = excluded.data, next_cursor = excluded.next_cursor",
                );
        }
        None => {
            write
                .push("DELETE FROM article_thread_pages WHERE article_id = ")
                .bind(article);
        }
    }
    db.execute_raw(write.statement()).await?;
    Ok(())
}

/// Every article that has comments or a stored page, by id.
async fn articles_with_threads(db: &impl ConnectionTrait) -> Result<Vec<i64>> {
    let statement = Statement::from_string(
        db.get_database_backend(),
        "SELECT article_id FROM comments UNION SELECT article_id FROM article_thread_pages \
         ORDER BY 1",
    );
    ids(db, statement).await
}

/// Writes the stored page of every article with comments afresh, a batch
/// of articles per transaction, telling `progress` how many of how many
/// are done; returns how many articles were looked at. `newsdesk seed
/// --scale`, which writes comments in bulk, calls it too.
///
/// On PostgreSQL several batches are written at once, each on its own
/// connection: one at a time, a million articles took most of an hour,
/// three round trips per article with the server idle in between. SQLite
/// writes one transaction at a time whatever the connections.
pub async fn rebuild_thread_pages(
    db: &DatabaseConnection,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<u64> {
    let articles = articles_with_threads(db).await?;
    let total = articles.len() as u64;
    let writers = match Dialect::of(db.get_database_backend()) {
        Dialect::Postgres => WRITERS,
        Dialect::Sqlite => 1,
    };
    let mut batches = articles.chunks(BATCH).map(<[i64]>::to_vec);
    let mut writing = tokio::task::JoinSet::new();
    let mut done = 0;
    progress(done, total);
    loop {
        while writing.len() < writers {
            let Some(batch) = batches.next() else { break };
            let db = db.clone();
            writing.spawn(async move { rebuild_batch(&db, &batch).await.map(|()| batch.len()) });
        }
        let Some(written) = writing.join_next().await else {
            break;
        };
        let written = written.map_err(|e| {
            Error::Internal(format!("a batch of thread pages was not written: {e}"))
        })??;
        done += written as u64;
        progress(done, total);
    }
    Ok(total)
}

/// Writes the stored pages of `articles` afresh, in one transaction.
async fn rebuild_batch(db: &DatabaseConnection, articles: &[i64]) -> Result<()> {
    let txn = crate::db::begin_write(db).await?;
    for &article in articles {
        refresh_thread_page(&txn, article).await?;
    }
    txn.commit().await?;
    Ok(())
}

impl Newsdesk {
    /// The articles whose stored page of threads is missing or differs,
    /// byte for byte, from the page written afresh, or is stored though
    /// empty. Empty when the read model is exact.
    pub async fn stale_thread_pages(&self) -> Result<Vec<ArticleId>> {
        let db = self.db();
        let mut stale = Vec::new();
        for article in articles_with_threads(db).await? {
            let stored = stored_pages(db, &[article]).await?.pop();
            let stored = stored.map(|page| (page.data, page.next_cursor));
            if stored != fresh_page(db, article).await? {
                stale.push(ArticleId(article));
            }
        }
        Ok(stale)
    }

    /// Writes every article's stored page of threads afresh.
    pub async fn rebuild_thread_pages(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<u64> {
        rebuild_thread_pages(self.db(), progress).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The migration fills the pages of an existing database as the
    /// application writes them afterwards.
    #[test]
    fn the_migration_writes_thread_pages_as_this_code_does() {
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            let ours = thread_page_statement(d, 7).statement();
            let frozen = migration::thread_page(d.backend(), 7);
            assert_eq!((ours.sql, ours.values), (frozen.sql, frozen.values));
        }
    }
}
