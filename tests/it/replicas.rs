//! Read replicas: public reads go to a replica that answers and keeps up;
//! writers read the primary; a replica that stops answering is skipped; and
//! the cache never keeps an answer a lagging replica gave after a write.
//! Another test database stands in for a streaming replica.

use std::time::Duration;

use newsdesk::domain::replicas::Replicas;
use sea_orm::DatabaseConnection;

use crate::support::fixtures::{newsroom_in, published_draft, retitle};
use crate::support::{TestApp, db};

const SLUG: &str = "port-talks-resume";

/// A primary and a stand-in replica holding the same newsroom and article
/// (so ids agree), with the editor's token on each.
async fn primary_and_replica(
    max_lag: Duration,
) -> (TestApp, TestApp, String, String, DatabaseConnection) {
    let (primary, editor) = newsroom_in(TestApp::new().await).await;
    let (replica, replica_editor) = newsroom_in(TestApp::new().await).await;
    let (id, _) = published_draft(&primary, &editor).await;
    let (same, _) = published_draft(&replica, &replica_editor).await;
    assert_eq!(id, same, "both databases number the article alike");
    let pool = db::connect(replica.db_url()).await;
    primary.state.desk.use_replicas(Replicas::new(
        vec![("stand-in".into(), pool.clone())],
        max_lag,
    ));
    primary.state.desk.check_replicas().await;
    (primary, replica, editor, replica_editor, pool)
}

/// Gives the article a new title as `token`, naming its current version.
async fn set_title(app: &TestApp, token: &str, title: &str) {
    // Both databases give the one article the first id.
    let id = 1;
    let managed = app
        .get_as(&format!("/api/v1/manage/articles/{id}"), token)
        .await;
    retitle(app, token, id, managed.header("etag").unwrap(), title).await;
}

async fn public_title(app: &TestApp) -> String {
    app.get(&format!("/api/v1/articles/{SLUG}")).await.json()["title"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn public_reads_go_to_the_replica() {
    let (primary, replica, _, replica_editor, _) =
        primary_and_replica(Duration::from_secs(2)).await;
    set_title(&replica, &replica_editor, "Only the replica says this").await;

    assert_eq!(public_title(&primary).await, "Only the replica says this");
}

#[tokio::test]
async fn a_writer_reads_its_own_writes_from_the_primary() {
    let (primary, _replica, editor, _, _) = primary_and_replica(Duration::from_secs(2)).await;

    set_title(&primary, &editor, "Written on the primary").await;
    let read = primary
        .get_as(&format!("/api/v1/articles/{SLUG}"), &editor)
        .await;

    assert_eq!(read.json()["title"], "Written on the primary");
}

#[tokio::test]
async fn a_replica_that_stops_answering_is_skipped() {
    let (primary, replica, editor, replica_editor, pool) =
        primary_and_replica(Duration::from_secs(2)).await;
    set_title(&primary, &editor, "The primary's title").await;
    set_title(&replica, &replica_editor, "The replica's title").await;

    pool.close().await.unwrap();
    primary.state.desk.check_replicas().await;

    assert_eq!(public_title(&primary).await, "The primary's title");
}

#[tokio::test]
async fn an_answer_from_a_replica_behind_a_write_is_not_kept_past_the_lag() {
    let lag = Duration::from_millis(300);
    let (primary, replica, editor, replica_editor, _) = primary_and_replica(lag).await;
    assert_eq!(public_title(&primary).await, "Port Talks Resume");

    // The write lands on the primary; the replica has not replayed it yet,
    // so the next public read caches the old title again.
    set_title(&primary, &editor, "Talks resume at the port").await;
    assert_eq!(public_title(&primary).await, "Port Talks Resume");
    // Replication catches up, well within the allowed lag.
    set_title(&replica, &replica_editor, "Talks resume at the port").await;
    tokio::time::sleep(lag + Duration::from_millis(150)).await;

    assert_eq!(public_title(&primary).await, "Talks resume at the port");
}
