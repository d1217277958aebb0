//! Counting SQL statements: each one's duration for the metrics, and how
//! many a request ran, for the statements-per-request histogram. The count
//! lives in the request's task, where SeaORM reports each statement.

use std::cell::Cell;
use std::future::Future;

tokio::task_local! {
    static IN_REQUEST: Cell<u32>;
}

/// Runs `work`, counting the statements it runs in this task.
pub async fn counted<F: Future>(work: F) -> (F::Output, u32) {
    IN_REQUEST
        .scope(Cell::new(0), async move {
            let output = work.await;
            (output, IN_REQUEST.with(Cell::get))
        })
        .await
}

/// Notes one statement: installed as the pool's metric callback, and
/// called for the reads run outside it (`db::reads`).
pub fn record(info: &sea_orm::metric::Info<'_>) {
    let _ = IN_REQUEST.try_with(|count| count.set(count.get() + 1));
    metrics::histogram!("newsdesk_db_statement_duration_seconds")
        .record(info.elapsed.as_secs_f64());
    if info.failed {
        metrics::counter!("newsdesk_db_statement_failures_total").increment(1);
    }
}
