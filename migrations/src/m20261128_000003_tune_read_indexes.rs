//! Lets public lists walk `(published_at, id)` newest first. Measured with
//! 10,000 articles: SQLite preferred the `(status, published_at)` index for
//! every list, read all public rows and sorted them, so a page cost ten times
//! what it should and page 500 twice page 1. Nearly every article is
//! published, so the status column filters nothing an index needs to find.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const STATUS_INDEX: &str = "idx_articles_status";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(STATUS_INDEX)
                    .table("articles")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(STATUS_INDEX)
                    .table("articles")
                    .col("status")
                    .col("published_at")
                    .to_owned(),
            )
            .await
    }
}
