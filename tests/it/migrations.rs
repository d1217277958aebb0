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

/// Rolls back the migration whose name ends with `name`, and every later one.
async fn roll_back_through(app: &TestApp, name: &str) {
    let all = migration::Migrator::migrations();
    let at = all
        .iter()
        .position(|m| m.name().ends_with(name))
        .expect("a migration of that name");
    migration::Migrator::down(app.db(), Some((all.len() - at) as u32))
        .await
        .expect("roll back");
}

/// A section written straight into the table, as an older release wrote it
/// (the application's own writes need the tables a rollback removed).
async fn section_written_before(app: &TestApp, slug: &str, parent: Option<i64>) -> i64 {
    let parent = parent.map_or("NULL".to_owned(), |id| id.to_string());
    app.db()
        .execute_unprepared(&format!(
            "INSERT INTO sections (slug, name, description, parent_id, position, created_at, \
             updated_at) VALUES ('{slug}', 'Section {slug}', '', {parent}, 0, \
             '2026-12-01T10:00:00+00:00', '2026-12-01T10:00:00+00:00')"
        ))
        .await
        .expect("write a section");
    let row = app
        .db()
        .query_one_raw(sea_orm::Statement::from_string(
            app.db().get_database_backend(),
            format!("SELECT id FROM sections WHERE slug = '{slug}'"),
        ))
        .await
        .expect("read it back")
        .expect("the section");
    row.try_get_by_index(0).expect("its id")
}

#[tokio::test]
async fn the_teasers_migration_fills_the_teasers_of_articles_already_written() {
    let app = TestApp::new().await;
    roll_back_through(&app, "create_article_teasers").await;
    let section = section_written_before(&app, "world", None).await;
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

#[tokio::test]
async fn the_section_paths_migration_fills_the_paths_of_sections_already_written() {
    let app = TestApp::new().await;
    roll_back_through(&app, "create_section_paths").await;
    let world = section_written_before(&app, "world", None).await;
    let europe = section_written_before(&app, "europe", Some(world)).await;
    app.article("filed-before").section(europe).create().await;

    migration::Migrator::up(app.db(), None)
        .await
        .expect("apply the section paths migration");

    assert_eq!(app.state.desk.stale_section_paths().await.unwrap(), []);
    let article = app.get("/api/v1/articles/filed-before").await.json();
    let path: Vec<&str> = article["section_path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["slug"].as_str().unwrap())
        .collect();
    assert_eq!(path, ["world", "europe"]);
}

/// An approved comment written straight into the table, as an older
/// release wrote it.
async fn comment_written_before(app: &TestApp, article: i64, reply_to: Option<i64>, body: &str) {
    let parent = reply_to.map_or("NULL".to_owned(), |id| id.to_string());
    app.db()
        .execute_unprepared(&format!(
            "INSERT INTO comments (article_id, parent_id, root_id, author_name, author_email, \
             body, status, created_at) VALUES ({article}, {parent}, {parent}, 'Reader', \
             'reader@private.example', '{body}', 'approved', '2026-12-01T10:00:00+00:00')"
        ))
        .await
        .expect("write a comment");
}

#[tokio::test]
async fn the_thread_pages_migration_fills_the_pages_of_comments_already_written() {
    let app = TestApp::new().await;
    roll_back_through(&app, "create_article_thread_pages").await;
    let article = app.article("discussed-before").create().await;
    comment_written_before(&app, article, None, "First").await;
    let first = app
        .db()
        .query_one_raw(sea_orm::Statement::from_string(
            app.db().get_database_backend(),
            "SELECT max(id) FROM comments",
        ))
        .await
        .expect("read it back")
        .expect("a row")
        .try_get_by_index(0)
        .expect("its id");
    comment_written_before(&app, article, Some(first), "Reply").await;

    migration::Migrator::up(app.db(), None)
        .await
        .expect("apply the thread pages migration");

    assert_eq!(app.state.desk.stale_thread_pages().await.unwrap(), []);
    let page = app
        .get("/api/v1/articles/discussed-before?include=comments")
        .await
        .json();
    assert_eq!(page["comments"]["data"][0]["body"], "First");
    assert_eq!(page["comments"]["data"][0]["replies"][0]["body"], "Reply");
}
