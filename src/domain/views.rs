//! Counting article views. A view is counted in memory and written in batches,
//! so a viral article costs one upsert per flush, not a row lock per read.

use crate::db::FetchRows;
use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};

use super::articles;
use super::ids::Slug;
use crate::db::entities::article_views;
use crate::error::Result;

/// Rows per upsert statement, well under every driver's parameter limit.
const FLUSH_CHUNK: usize = 500;

/// Views counted since the last flush, per article and UTC day.
#[derive(Debug, Default)]
pub struct ViewCounter {
    pending: Mutex<HashMap<(i64, NaiveDate), i64>>,
}

impl ViewCounter {
    /// Counts one view of a public article; anything else is not found.
    pub async fn record(&self, db: &impl FetchRows, now: DateTime<Utc>, slug: &Slug) -> Result<()> {
        let id = articles::public_id(db, now, slug).await?;
        self.add(id.0, now.date_naive(), 1);
        Ok(())
    }

    /// Counts `views` views of an article on `day`; the demo seed backfills history with it.
    pub fn add(&self, article_id: i64, day: NaiveDate, views: i64) {
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *pending.entry((article_id, day)).or_default() += views;
    }

    /// Views not yet written.
    pub fn pending(&self) -> i64 {
        let pending = self
            .pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        pending.values().sum()
    }

    /// Adds the counted views to the database. On failure the counts are kept
    /// for the next flush, so a database hiccup loses no views.
    pub async fn flush(&self, db: &impl FetchRows) -> Result<()> {
        let batch: Vec<((i64, NaiveDate), i64)> = {
            let mut pending = self
                .pending
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            std::mem::take(&mut *pending).into_iter().collect()
        };
        for (done, chunk) in batch.chunks(FLUSH_CHUNK).enumerate() {
            if let Err(e) = upsert(db, chunk).await {
                for &((article_id, day), views) in &batch[done * FLUSH_CHUNK..] {
                    self.add(article_id, day, views);
                }
                return Err(e);
            }
        }
        Ok(())
    }
}

async fn upsert(db: &impl FetchRows, rows: &[((i64, NaiveDate), i64)]) -> Result<()> {
    use article_views::Column;
    let mut q = Query::insert();
    q.into_table(article_views::Entity)
        .columns([Column::ArticleId, Column::Day, Column::Views]);
    for &((article_id, day), views) in rows {
        q.values_panic([article_id.into(), day.into(), views.into()]);
    }
    q.on_conflict(
        OnConflict::columns([Column::ArticleId, Column::Day])
            .value(
                Column::Views,
                Expr::col((article_views::Entity, Column::Views))
                    .add(Expr::col((Alias::new("excluded"), Column::Views))),
            )
            .to_owned(),
    );
    db.execute(&q).await?;
    Ok(())
}
