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
