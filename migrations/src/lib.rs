//! Newsdesk's schema history. Each change is one migration, applied in the
//! order listed here; a merged migration is never edited, only followed.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_create_content;
mod m20261128_000002_create_accounts_and_audit;
mod m20261128_000003_tune_read_indexes;
mod m20261202_000004_create_newsroom_workflow;
mod m20261204_000005_create_outbox_and_subscriptions;
mod m20261204_000006_create_article_search;
mod m20261205_000007_create_article_teasers;
mod m20261205_000008_index_due_publications;
mod m20261205_000009_shorter_postgres_timestamps;
mod m20261205_000010_create_section_paths;
mod m20261205_000011_create_article_thread_pages;

pub use m20261205_000007_create_article_teasers::SQLITE_TEASER;
pub use m20261205_000008_index_due_publications::DUE_PREDICATE;
pub use m20261205_000009_shorter_postgres_timestamps::postgres_teaser;
pub use m20261205_000010_create_section_paths::{POSTGRES_SECTION_PATH, SQLITE_SECTION_PATH};
pub use m20261205_000011_create_article_thread_pages::thread_page;

/// The ordered list of every schema change, run at start-up and by `newsdesk migrate`.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_content::Migration),
            Box::new(m20261128_000002_create_accounts_and_audit::Migration),
            Box::new(m20261128_000003_tune_read_indexes::Migration),
            Box::new(m20261202_000004_create_newsroom_workflow::Migration),
            Box::new(m20261204_000005_create_outbox_and_subscriptions::Migration),
            Box::new(m20261204_000006_create_article_search::Migration),
            Box::new(m20261205_000007_create_article_teasers::Migration),
            Box::new(m20261205_000008_index_due_publications::Migration),
            Box::new(m20261205_000009_shorter_postgres_timestamps::Migration),
            Box::new(m20261205_000010_create_section_paths::Migration),
            Box::new(m20261205_000011_create_article_thread_pages::Migration),
        ]
    }
}
