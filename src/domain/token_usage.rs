//! Counting the requests each partner token makes, in memory, written in
//! batches: a token's use is recorded without a write per request.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::time;
use crate::db::entities::api_tokens;
use crate::error::Result;

/// Requests per token since the last flush, so use is recorded without a
/// write per request.
#[derive(Debug, Default)]
pub struct TokenUsage {
    pending: Mutex<HashMap<i64, (i64, DateTime<Utc>)>>,
}

impl TokenUsage {
    pub fn record(&self, token_id: i64) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let entry = pending.entry(token_id).or_insert((0, time::now()));
        entry.0 += 1;
        entry.1 = time::now();
    }

    /// Adds the counted requests to each token's totals. On failure the counts
    /// are kept for the next flush.
    pub async fn flush(&self, db: &impl ConnectionTrait) -> Result<()> {
        let batch: Vec<(i64, (i64, DateTime<Utc>))> = {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            std::mem::take(&mut *pending).into_iter().collect()
        };
        for (i, &(id, (count, last))) in batch.iter().enumerate() {
            let written = api_tokens::Entity::update_many()
                .col_expr(
                    api_tokens::Column::RequestCount,
                    Expr::col(api_tokens::Column::RequestCount).add(count),
                )
                .col_expr(api_tokens::Column::LastUsedAt, Expr::value(last))
                .filter(api_tokens::Column::Id.eq(id))
                .exec(db)
                .await;
            if let Err(e) = written {
                let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
                for &(id, (count, last)) in &batch[i..] {
                    let entry = pending.entry(id).or_insert((0, last));
                    entry.0 += count;
                }
                return Err(e.into());
            }
        }
        Ok(())
    }
}
