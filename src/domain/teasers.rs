//! The stored teasers every list reads (`article_teasers`, kept by the
//! triggers of the `create_article_teasers` migration in each write's own
//! transaction): checked against a fresh rebuild, and rebuilt.

use sea_orm::{ConnectionTrait, Statement};

use super::Newsdesk;
use super::documents::teaser_shape;
use super::ids::ArticleId;
use crate::db::sql::{Dialect, Sql};
use crate::error::Result;

/// How many articles one rebuilding transaction writes: small enough that
/// writers waiting for SQLite's lock wait milliseconds, not the whole run.
const BATCH: u64 = 500;

/// The first column of every row, as integers.
pub(super) async fn ids(db: &impl ConnectionTrait, statement: Statement) -> Result<Vec<i64>> {
    db.query_all_raw(statement)
        .await?
        .iter()
        .map(|row| Ok(row.try_get_by_index(0)?))
        .collect()
}

impl Newsdesk {
    /// The articles whose stored teaser is missing or differs, byte for
    /// byte, from the teaser written afresh from the tables, and stored
    /// teasers of articles that no longer exist. Empty when the read model
    /// is exact.
    pub async fn stale_teasers(&self) -> Result<Vec<ArticleId>> {
        let db = self.db();
        let d = Dialect::of(db.get_database_backend());
        let fresh = d.as_text(&teaser_shape(d, "a"));
        let mut sql = Sql::new(d);
        sql.push(&format!(
            "SELECT a.id FROM articles a LEFT JOIN article_teasers t ON t.article_id = a.id \
             WHERE t.teaser IS NULL OR t.teaser <> {fresh} \
             UNION SELECT t.article_id FROM article_teasers t \
             WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = t.article_id) \
             ORDER BY 1"
        ));
        ids(db, sql.statement())
            .await
            .map(|ids| ids.into_iter().map(ArticleId).collect())
    }

    /// Writes every article's teaser afresh from the tables, a batch of
    /// articles per transaction, telling `progress` how many of how many
    /// are done; returns how many were written. On PostgreSQL a write that
    /// commits while its batch is being written can be overwritten by the
    /// batch's older view of it: check with [`Newsdesk::stale_teasers`]
    /// afterwards (the command line does).
    pub async fn rebuild_teasers(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<u64> {
        let db = self.db();
        let d = Dialect::of(db.get_database_backend());
        let count = Statement::from_string(d.backend(), "SELECT count(*) FROM articles");
        let total = ids(db, count).await?.first().map_or(0, |&n| n as u64);
        let fresh = d.as_text(&teaser_shape(d, "a"));
        let (mut done, mut after) = (0, i64::MIN);
        progress(done, total);
        loop {
            let mut batch = Sql::new(d);
            batch
                .push("SELECT id FROM articles WHERE id > ")
                .bind(after)
                .push(&format!(" ORDER BY id LIMIT {BATCH}"));
            let ids = ids(db, batch.statement()).await?;
            let (Some(&first), Some(&last)) = (ids.first(), ids.last()) else {
                break;
            };
            let mut write = Sql::new(d);
            write
                .push(&format!(
                    "INSERT INTO article_teasers (article_id, teaser) \
                     SELECT a.id, {fresh} FROM articles a WHERE a.id BETWEEN "
                ))
                .bind(first)
                .push(" AND ")
                .bind(last)
                .push(" ON CONFLICT (article_id) DO UPDATE SET teaser = excluded.teaser");
            let txn = crate::db::begin_write(db).await?;
            txn.execute_raw(write.statement()).await?;
            txn.commit().await?;
            after = last;
            done += ids.len() as u64;
            progress(done.min(total), total);
        }
        db.execute_raw(Statement::from_string(
            d.backend(),
            "DELETE FROM article_teasers \
             WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = article_id)",
        ))
        .await?;
        Ok(done)
    }
}
