//! The audit log read as a feed ("everything after entry N") by caches and
//! subscribers on every node: entries must become visible in id order, or a
//! reader passes an id whose write has not committed yet and misses it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use newsdesk::domain::actor::Actor;
use newsdesk::domain::audit::{self, AuditAction, Audited};
use sea_orm::TransactionTrait;

use crate::support::TestApp;

#[tokio::test]
async fn a_later_write_cannot_commit_its_entry_before_an_earlier_one() {
    let app = TestApp::new().await;
    let desk = app.state.desk.clone();
    let start = desk.change_feed_position().await.unwrap();
    let first = app.db().begin().await.unwrap();
    audit::record(
        &first,
        &Actor::Operator,
        AuditAction::Update,
        Audited::Tag,
        Some(1),
        "first",
    )
    .await
    .unwrap();

    let committed = Arc::new(AtomicBool::new(false));
    let second = {
        let db = app.db().clone();
        let committed = committed.clone();
        tokio::spawn(async move {
            let txn = db.begin().await.unwrap();
            audit::record(
                &txn,
                &Actor::Operator,
                AuditAction::Update,
                Audited::Tag,
                Some(2),
                "second",
            )
            .await
            .unwrap();
            txn.commit().await.unwrap();
            committed.store(true, Ordering::SeqCst);
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;

    assert!(!committed.load(Ordering::SeqCst), "the second write waited");
    assert_eq!(desk.changes_after(start, 10).await.unwrap().writes, 0);
    first.commit().await.unwrap();
    second.await.unwrap();
    let changes = desk.changes_after(start, 10).await.unwrap();
    assert_eq!(changes.writes, 2);
}
