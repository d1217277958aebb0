//! The real migrator runs forward on a fresh database (every test does that)
//! and also backward, so a bad release can be rolled back.

use migration::MigratorTrait;
use sea_orm::ConnectionTrait;

use crate::support::TestApp;

#[tokio::test]
async fn every_migration_rolls_back_and_applies_again() {
    let app = TestApp::new().await;

    migration::Migrator::down(app.db(), None)
        .await
        .expect("roll back every migration");
    let gone = app.db().execute_unprepared("SELECT 1 FROM articles").await;
    assert!(gone.is_err(), "down must drop the tables");
    migration::Migrator::up(app.db(), None)
        .await
        .expect("apply every migration again");

    app.article("after-reapply").create().await;
    assert_eq!(app.get("/api/v1/articles").await.slugs(), ["after-reapply"]);
}

#[tokio::test]
async fn the_teasers_migration_fills_the_teasers_of_articles_already_written() {
    let app = TestApp::new().await;
    migration::Migrator::down(app.db(), Some(1))
        .await
        .expect("roll back the teasers migration");
    let section = app.section("world").create().await;
    let ada = app.author("ada").await;
    app.article("written-before")
        .section(section)
        .authors(&[ada])
        .create()
        .await;

    migration::Migrator::up(app.db(), None)
        .await
        .expect("apply the teasers migration");

    assert_eq!(app.state.desk.stale_teasers().await.unwrap(), []);
    let listed = app.get("/api/v1/articles").await.json();
    assert_eq!(listed["data"][0]["slug"], "written-before");
    assert_eq!(listed["data"][0]["authors"][0]["slug"], "ada");
}
