//! The content model: sections, authors, tags, articles with their authors,
//! tags and related links, threaded comments, and daily view counts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sections {
    Table,
    Id,
    Slug,
    Name,
    Description,
    ParentId,
    Position,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Authors {
    Table,
    Id,
    Slug,
    Name,
    Bio,
    AvatarUrl,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tags {
    Table,
    Id,
    Slug,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    Slug,
    Title,
    Subtitle,
    Excerpt,
    BodyMarkdown,
    BodyHtml,
    BodyBlocks,
    Status,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
    SectionId,
    FeaturedImageUrl,
    FeaturedImageAlt,
    FeaturedImageCaption,
    FeaturedImageCredit,
    CanonicalUrl,
    SeoTitle,
    SeoDescription,
    ReadingTimeMinutes,
    CommentsOpen,
}

#[derive(DeriveIden)]
enum ArticleAuthors {
    Table,
    ArticleId,
    AuthorId,
    Position,
}

#[derive(DeriveIden)]
enum ArticleTags {
    Table,
    ArticleId,
    TagId,
}

#[derive(DeriveIden)]
enum RelatedLinks {
    Table,
    Id,
    ArticleId,
    Position,
    TargetArticleId,
    Url,
    Title,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    Id,
    ArticleId,
    ParentId,
    RootId,
    AuthorName,
    AuthorEmail,
    Body,
    Status,
    CreatedAt,
    IpHash,
}

#[derive(DeriveIden)]
enum ArticleViews {
    Table,
    ArticleId,
    Day,
    Views,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    columns: &[&'static str],
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(*column);
    }
    manager.create_index(index).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Sections::Table)
                    .col(big_pk_auto(Sections::Id))
                    .col(string_uniq(Sections::Slug))
                    .col(string(Sections::Name))
                    .col(text(Sections::Description).default(""))
                    .col(big_integer_null(Sections::ParentId))
                    .col(integer(Sections::Position).default(0))
                    .col(timestamp_with_time_zone(Sections::CreatedAt))
                    .col(timestamp_with_time_zone(Sections::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_sections_parent",
                        (Sections::Table, Sections::ParentId),
                        (Sections::Table, Sections::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_sections_parent_position",
            Sections::Table,
            &["parent_id", "position"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Authors::Table)
                    .col(big_pk_auto(Authors::Id))
                    .col(string_uniq(Authors::Slug))
                    .col(string(Authors::Name))
                    .col(text(Authors::Bio).default(""))
                    .col(string_null(Authors::AvatarUrl))
                    .col(timestamp_with_time_zone(Authors::CreatedAt))
                    .col(timestamp_with_time_zone(Authors::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Tags::Table)
                    .col(big_pk_auto(Tags::Id))
                    .col(string_uniq(Tags::Slug))
                    .col(string(Tags::Name))
                    .col(timestamp_with_time_zone(Tags::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Articles::Table)
                    .col(big_pk_auto(Articles::Id))
                    .col(string_uniq(Articles::Slug))
                    .col(string(Articles::Title))
                    .col(string_null(Articles::Subtitle))
                    .col(text(Articles::Excerpt))
                    .col(text(Articles::BodyMarkdown))
                    .col(text(Articles::BodyHtml))
                    .col(text(Articles::BodyBlocks))
                    .col(string_len(Articles::Status, 16))
                    .col(timestamp_with_time_zone_null(Articles::PublishedAt))
                    .col(timestamp_with_time_zone(Articles::CreatedAt))
                    .col(timestamp_with_time_zone(Articles::UpdatedAt))
                    .col(big_integer(Articles::SectionId))
                    .col(string_null(Articles::FeaturedImageUrl))
                    .col(string_null(Articles::FeaturedImageAlt))
                    .col(text_null(Articles::FeaturedImageCaption))
                    .col(string_null(Articles::FeaturedImageCredit))
                    .col(string_null(Articles::CanonicalUrl))
                    .col(string_null(Articles::SeoTitle))
                    .col(text_null(Articles::SeoDescription))
                    .col(integer(Articles::ReadingTimeMinutes))
                    .col(boolean(Articles::CommentsOpen).default(true))
                    .foreign_key(&mut fk(
                        "fk_articles_section",
                        (Articles::Table, Articles::SectionId),
                        (Sections::Table, Sections::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // The public lists walk these newest first by (published_at, id).
        index(
            manager,
            "idx_articles_published",
            Articles::Table,
            &["published_at", "id"],
        )
        .await?;
        index(
            manager,
            "idx_articles_section_published",
            Articles::Table,
            &["section_id", "published_at", "id"],
        )
        .await?;
        index(
            manager,
            "idx_articles_status",
            Articles::Table,
            &["status", "published_at"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleAuthors::Table)
                    .col(big_integer(ArticleAuthors::ArticleId))
                    .col(big_integer(ArticleAuthors::AuthorId))
                    .col(integer(ArticleAuthors::Position))
                    .primary_key(
                        Index::create()
                            .col(ArticleAuthors::ArticleId)
                            .col(ArticleAuthors::AuthorId),
                    )
                    .foreign_key(&mut fk(
                        "fk_article_authors_article",
                        (ArticleAuthors::Table, ArticleAuthors::ArticleId),
                        (Articles::Table, Articles::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_article_authors_author",
                        (ArticleAuthors::Table, ArticleAuthors::AuthorId),
                        (Authors::Table, Authors::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_article_authors_author",
            ArticleAuthors::Table,
            &["author_id", "article_id"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleTags::Table)
                    .col(big_integer(ArticleTags::ArticleId))
                    .col(big_integer(ArticleTags::TagId))
                    .primary_key(
                        Index::create()
                            .col(ArticleTags::ArticleId)
                            .col(ArticleTags::TagId),
                    )
                    .foreign_key(&mut fk(
                        "fk_article_tags_article",
                        (ArticleTags::Table, ArticleTags::ArticleId),
                        (Articles::Table, Articles::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_article_tags_tag",
                        (ArticleTags::Table, ArticleTags::TagId),
                        (Tags::Table, Tags::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_article_tags_tag",
            ArticleTags::Table,
            &["tag_id", "article_id"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RelatedLinks::Table)
                    .col(big_pk_auto(RelatedLinks::Id))
                    .col(big_integer(RelatedLinks::ArticleId))
                    .col(integer(RelatedLinks::Position))
                    .col(big_integer_null(RelatedLinks::TargetArticleId))
                    .col(string_null(RelatedLinks::Url))
                    .col(string_null(RelatedLinks::Title))
                    .foreign_key(&mut fk(
                        "fk_related_links_article",
                        (RelatedLinks::Table, RelatedLinks::ArticleId),
                        (Articles::Table, Articles::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_related_links_target",
                        (RelatedLinks::Table, RelatedLinks::TargetArticleId),
                        (Articles::Table, Articles::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_related_links_article",
            RelatedLinks::Table,
            &["article_id", "position"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Comments::Table)
                    .col(big_pk_auto(Comments::Id))
                    .col(big_integer(Comments::ArticleId))
                    .col(big_integer_null(Comments::ParentId))
                    .col(big_integer_null(Comments::RootId))
                    .col(string(Comments::AuthorName))
                    .col(string(Comments::AuthorEmail))
                    .col(text(Comments::Body))
                    .col(string_len(Comments::Status, 16))
                    .col(timestamp_with_time_zone(Comments::CreatedAt))
                    .col(string_null(Comments::IpHash))
                    .foreign_key(&mut fk(
                        "fk_comments_article",
                        (Comments::Table, Comments::ArticleId),
                        (Articles::Table, Articles::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_comments_parent",
                        (Comments::Table, Comments::ParentId),
                        (Comments::Table, Comments::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // Top-level threads of an article, oldest first; then whole threads by root.
        index(
            manager,
            "idx_comments_article_threads",
            Comments::Table,
            &["article_id", "status", "root_id", "created_at", "id"],
        )
        .await?;
        index(
            manager,
            "idx_comments_root",
            Comments::Table,
            &["root_id", "status"],
        )
        .await?;
        index(
            manager,
            "idx_comments_parent",
            Comments::Table,
            &["parent_id"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleViews::Table)
                    .col(big_integer(ArticleViews::ArticleId))
                    .col(date(ArticleViews::Day))
                    .col(big_integer(ArticleViews::Views))
                    .primary_key(
                        Index::create()
                            .col(ArticleViews::ArticleId)
                            .col(ArticleViews::Day),
                    )
                    .foreign_key(&mut fk(
                        "fk_article_views_article",
                        (ArticleViews::Table, ArticleViews::ArticleId),
                        (Articles::Table, Articles::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_article_views_day",
            ArticleViews::Table,
            &["day", "article_id"],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ArticleViews::Table.into_iden(),
            Comments::Table.into_iden(),
            RelatedLinks::Table.into_iden(),
            ArticleTags::Table.into_iden(),
            ArticleAuthors::Table.into_iden(),
            Articles::Table.into_iden(),
            Tags::Table.into_iden(),
            Authors::Table.into_iden(),
            Sections::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
