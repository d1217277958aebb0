//! Telling the outside what changed: the ordered event outbox every public
//! change writes in its own transaction, the webhook endpoints, the
//! deliveries owed to them, to the CDN and to mailboxes, and the
//! newsletter's subscribers.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Articles {
    Table,
    Status,
    PublishedAt,
    /// Whether the outside has been told the article is public: the state
    /// events move from (published, updated) or to (unpublished, archived,
    /// deleted). A scheduled article flips it when its time comes.
    Announced,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    /// The sequence: strictly increasing in commit order.
    Id,
    /// `article.published`, `comment.approved`, …
    Kind,
    /// `article`, `comment`, `section`, `author`, `tag`, `live_entry`, `newsletter`.
    Subject,
    SubjectId,
    /// The body's `data`, as JSON, fixed when the event happened.
    Data,
    /// Set on events that must happen once whichever node notices them first
    /// (a scheduled article going live).
    OnceKey,
    OccurredAt,
}

#[derive(DeriveIden)]
enum WebhookEndpoints {
    Table,
    Id,
    Url,
    Description,
    /// Comma-separated patterns: `article.*`, `comment.approved`, `*`.
    Events,
    /// `whsec_…`; needed in full to sign, so kept as given.
    Secret,
    Enabled,
    /// Why delivery stopped, when the receiver answered 410 or an admin paused it.
    DisabledReason,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    /// `webhook` (to `endpoint_id`), `purge` (the configured CDN purge) or
    /// `mail` (the newsletter confirmation the event holds).
    Target,
    /// The endpoint, for webhooks.
    EndpointId,
    EventId,
    /// `pending`, `succeeded` or `failed`.
    Status,
    Attempts,
    NextAttemptAt,
    /// A node sending it holds it until then; past it, another may retry.
    ClaimedUntil,
    LastStatusCode,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookAttempts {
    Table,
    Id,
    DeliveryId,
    AttemptedAt,
    StatusCode,
    LatencyMs,
    /// What went wrong without an answer: timeout, refused connection.
    Error,
    /// The start of what the receiver answered.
    ResponseExcerpt,
}

#[derive(DeriveIden)]
enum NewsletterSubscribers {
    Table,
    Id,
    /// Lower-cased; never in a public response.
    Email,
    /// `pending`, `confirmed` or `unsubscribed`.
    Status,
    CreatedAt,
    ConfirmedAt,
    UnsubscribedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum NewsletterLists {
    Table,
    SubscriberId,
    /// `front-page` or a section's slug.
    List,
}

fn cascade(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
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
                    .add_column(boolean(Articles::Announced).default(false))
                    .to_owned(),
            )
            .await?;
        // What the public can read today has, as far as events go, been announced.
        let now = sea_orm_migration::sea_orm::prelude::ChronoUtc::now();
        manager
            .exec_stmt(
                Query::update()
                    .table(Articles::Table)
                    .value(Articles::Announced, true)
                    .and_where(Expr::col(Articles::Status).is_in(["published", "scheduled"]))
                    .and_where(Expr::col(Articles::PublishedAt).lte(now))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(big_pk_auto(Events::Id))
                    .col(string_len(Events::Kind, 64))
                    .col(string_len(Events::Subject, 32))
                    .col(big_integer(Events::SubjectId))
                    .col(text(Events::Data))
                    .col(string_null(Events::OnceKey).unique_key())
                    .col(timestamp_with_time_zone(Events::OccurredAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_events_occurred_at")
                    .table(Events::Table)
                    .col(Events::OccurredAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpoints::Table)
                    .col(big_pk_auto(WebhookEndpoints::Id))
                    .col(text(WebhookEndpoints::Url))
                    .col(text(WebhookEndpoints::Description).default(""))
                    .col(text(WebhookEndpoints::Events))
                    .col(string(WebhookEndpoints::Secret))
                    .col(boolean(WebhookEndpoints::Enabled).default(true))
                    .col(text_null(WebhookEndpoints::DisabledReason))
                    .col(string(WebhookEndpoints::CreatedBy))
                    .col(timestamp_with_time_zone(WebhookEndpoints::CreatedAt))
                    .col(timestamp_with_time_zone(WebhookEndpoints::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(big_pk_auto(WebhookDeliveries::Id))
                    .col(string_len(WebhookDeliveries::Target, 16))
                    .col(big_integer_null(WebhookDeliveries::EndpointId))
                    .col(big_integer(WebhookDeliveries::EventId))
                    .col(string_len(WebhookDeliveries::Status, 16))
                    .col(integer(WebhookDeliveries::Attempts).default(0))
                    .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(
                        WebhookDeliveries::ClaimedUntil,
                    ))
                    .col(integer_null(WebhookDeliveries::LastStatusCode))
                    .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                    .col(timestamp_with_time_zone(WebhookDeliveries::UpdatedAt))
                    .foreign_key(&mut cascade(
                        "fk_webhook_deliveries_endpoint",
                        (WebhookDeliveries::Table, WebhookDeliveries::EndpointId),
                        (WebhookEndpoints::Table, WebhookEndpoints::Id),
                    ))
                    .foreign_key(&mut cascade(
                        "fk_webhook_deliveries_event",
                        (WebhookDeliveries::Table, WebhookDeliveries::EventId),
                        (Events::Table, Events::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_due")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::Status)
                    .col(WebhookDeliveries::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_endpoint")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::EndpointId)
                    .col(WebhookDeliveries::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookAttempts::Table)
                    .col(big_pk_auto(WebhookAttempts::Id))
                    .col(big_integer(WebhookAttempts::DeliveryId))
                    .col(timestamp_with_time_zone(WebhookAttempts::AttemptedAt))
                    .col(integer_null(WebhookAttempts::StatusCode))
                    .col(big_integer(WebhookAttempts::LatencyMs))
                    .col(text_null(WebhookAttempts::Error))
                    .col(text(WebhookAttempts::ResponseExcerpt).default(""))
                    .foreign_key(&mut cascade(
                        "fk_webhook_attempts_delivery",
                        (WebhookAttempts::Table, WebhookAttempts::DeliveryId),
                        (WebhookDeliveries::Table, WebhookDeliveries::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_attempts_delivery")
                    .table(WebhookAttempts::Table)
                    .col(WebhookAttempts::DeliveryId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NewsletterSubscribers::Table)
                    .col(big_pk_auto(NewsletterSubscribers::Id))
                    .col(string_uniq(NewsletterSubscribers::Email))
                    .col(string_len(NewsletterSubscribers::Status, 16))
                    .col(timestamp_with_time_zone(NewsletterSubscribers::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        NewsletterSubscribers::ConfirmedAt,
                    ))
                    .col(timestamp_with_time_zone_null(
                        NewsletterSubscribers::UnsubscribedAt,
                    ))
                    .col(timestamp_with_time_zone(NewsletterSubscribers::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NewsletterLists::Table)
                    .col(big_integer(NewsletterLists::SubscriberId))
                    .col(string_len(NewsletterLists::List, 128))
                    .primary_key(
                        Index::create()
                            .col(NewsletterLists::SubscriberId)
                            .col(NewsletterLists::List),
                    )
                    .foreign_key(&mut cascade(
                        "fk_newsletter_lists_subscriber",
                        (NewsletterLists::Table, NewsletterLists::SubscriberId),
                        (NewsletterSubscribers::Table, NewsletterSubscribers::Id),
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            NewsletterLists::Table.into_iden(),
            NewsletterSubscribers::Table.into_iden(),
            WebhookAttempts::Table.into_iden(),
            WebhookDeliveries::Table.into_iden(),
            WebhookEndpoints::Table.into_iden(),
            Events::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Articles::Table)
                    .drop_column(Articles::Announced)
                    .to_owned(),
            )
            .await
    }
}
