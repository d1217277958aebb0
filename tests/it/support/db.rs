//! A fresh, migrated database per test, dropped when the test ends.

use std::sync::atomic::{AtomicU64, Ordering};

use newsdesk::config::Secret;
use newsdesk::db::{self, DbSettings};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

/// The variable that switches the suite to PostgreSQL.
pub const POSTGRES_ENV: &str = "NEWSDESK_TEST_POSTGRES_URL";

pub enum TestDb {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// Creates the database, runs the real migrations and returns a pool on
    /// it, and its URL for more pools.
    pub async fn create() -> (TestDb, DatabaseConnection, String) {
        let (test_db, url) = match std::env::var(POSTGRES_ENV) {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = unique_name();
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("NEWSDESK_TEST_POSTGRES_URL must reach PostgreSQL");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create the test database");
                admin.close().await.ok();
                let url = replace_database(&admin_url, &name);
                (TestDb::Postgres { admin_url, name }, url)
            }
            _ => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                (TestDb::Sqlite { _dir: dir }, url)
            }
        };
        let conn = connect(&url).await;
        db::migrate(&conn)
            .await
            .expect("migrations apply to a fresh database");
        (test_db, conn, url)
    }
}

/// A pool of its own on a test database.
pub async fn connect(url: &str) -> DatabaseConnection {
    db::connect(&DbSettings {
        url: Secret::new(url),
        max_connections: 4,
    })
    .await
    .expect("connect to the test database")
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside any runtime that could still be polled, so the
            // cleanup gets a thread and a runtime of its own.
            let cleanup = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                runtime.block_on(async {
                    let admin = Database::connect(&admin_url).await.ok()?;
                    admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await
                        .ok()?;
                    admin.close().await.ok()
                })
            });
            let _ = cleanup.join();
        }
    }
}

fn unique_name() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "newsdesk_test_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The same server URL with another database name.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}
