//! The newsroom's workflow made visible: every saved version of an article
//! (revisions), links that show a draft to whoever holds them (previews),
//! public corrections, clarifications and updates (notes), and the
//! timestamped entries of live coverage.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    /// Whether the article is live coverage still going on.
    Live,
}

#[derive(DeriveIden)]
enum Authors {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ArticleRevisions {
    Table,
    Id,
    ArticleId,
    Version,
    /// The editable fields as JSON: what a restore writes back.
    Fields,
    Actor,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PreviewLinks {
    Table,
    Id,
    ArticleId,
    TokenHash,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum ArticleNotes {
    Table,
    Id,
    ArticleId,
    /// `correction`, `clarification` or `update`.
    Kind,
    BodyMarkdown,
    BodyHtml,
    CreatedBy,
    CreatedAt,
    /// Set when an editor removes the note: it leaves the public article,
    /// and stays for the newsroom's record.
    RemovedBy,
    RemovedAt,
}

#[derive(DeriveIden)]
enum LiveEntries {
    Table,
    Id,
    ArticleId,
    AuthorId,
    BodyMarkdown,
    BodyHtml,
    BodyBlocks,
    Pinned,
    CreatedAt,
    UpdatedAt,
}

fn article_key(
    name: &str,
    table: impl IntoIden,
    column: impl IntoIden,
) -> ForeignKeyCreateStatement {
    let table = table.into_iden();
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(Articles::Table, Articles::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Articles::Table)
                    .add_column(boolean(Articles::Live).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ArticleRevisions::Table)
                    .col(big_pk_auto(ArticleRevisions::Id))
                    .col(big_integer(ArticleRevisions::ArticleId))
                    .col(integer(ArticleRevisions::Version))
                    .col(text(ArticleRevisions::Fields))
                    .col(string(ArticleRevisions::Actor))
                    .col(timestamp_with_time_zone(ArticleRevisions::CreatedAt))
                    .foreign_key(&mut article_key(
                        "fk_article_revisions_article",
                        ArticleRevisions::Table,
                        ArticleRevisions::ArticleId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_article_revisions_article")
                    .table(ArticleRevisions::Table)
                    .col(ArticleRevisions::ArticleId)
                    .col(ArticleRevisions::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PreviewLinks::Table)
                    .col(big_pk_auto(PreviewLinks::Id))
                    .col(big_integer(PreviewLinks::ArticleId))
                    .col(string_uniq(PreviewLinks::TokenHash))
                    .col(string(PreviewLinks::CreatedBy))
                    .col(timestamp_with_time_zone(PreviewLinks::CreatedAt))
                    .col(timestamp_with_time_zone(PreviewLinks::ExpiresAt))
                    .col(timestamp_with_time_zone_null(PreviewLinks::RevokedAt))
                    .foreign_key(&mut article_key(
                        "fk_preview_links_article",
                        PreviewLinks::Table,
                        PreviewLinks::ArticleId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_preview_links_article")
                    .table(PreviewLinks::Table)
                    .col(PreviewLinks::ArticleId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ArticleNotes::Table)
                    .col(big_pk_auto(ArticleNotes::Id))
                    .col(big_integer(ArticleNotes::ArticleId))
                    .col(string_len(ArticleNotes::Kind, 16))
                    .col(text(ArticleNotes::BodyMarkdown))
                    .col(text(ArticleNotes::BodyHtml))
                    .col(string(ArticleNotes::CreatedBy))
                    .col(timestamp_with_time_zone(ArticleNotes::CreatedAt))
                    .col(string_null(ArticleNotes::RemovedBy))
                    .col(timestamp_with_time_zone_null(ArticleNotes::RemovedAt))
                    .foreign_key(&mut article_key(
                        "fk_article_notes_article",
                        ArticleNotes::Table,
                        ArticleNotes::ArticleId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_article_notes_article")
                    .table(ArticleNotes::Table)
                    .col(ArticleNotes::ArticleId)
                    .col(ArticleNotes::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LiveEntries::Table)
                    .col(big_pk_auto(LiveEntries::Id))
                    .col(big_integer(LiveEntries::ArticleId))
                    .col(big_integer_null(LiveEntries::AuthorId))
                    .col(text(LiveEntries::BodyMarkdown))
                    .col(text(LiveEntries::BodyHtml))
                    .col(text(LiveEntries::BodyBlocks))
                    .col(boolean(LiveEntries::Pinned).default(false))
                    .col(timestamp_with_time_zone(LiveEntries::CreatedAt))
                    .col(timestamp_with_time_zone(LiveEntries::UpdatedAt))
                    .foreign_key(&mut article_key(
                        "fk_live_entries_article",
                        LiveEntries::Table,
                        LiveEntries::ArticleId,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_live_entries_author")
                            .from(LiveEntries::Table, LiveEntries::AuthorId)
                            .to(Authors::Table, Authors::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_live_entries_article_created")
                    .table(LiveEntries::Table)
                    .col(LiveEntries::ArticleId)
                    .col(LiveEntries::CreatedAt)
                    .col(LiveEntries::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LiveEntries::Table.into_iden(),
            ArticleNotes::Table.into_iden(),
            PreviewLinks::Table.into_iden(),
            ArticleRevisions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Articles::Table)
                    .drop_column(Articles::Live)
                    .to_owned(),
            )
            .await
    }
}
