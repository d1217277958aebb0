//! Webhooks: the endpoints admins register, each told of the events it
//! asked for with a signed delivery (Standard Webhooks). Endpoints are
//! managed here; [`deliveries`] keeps what is owed to them and
//! [`sender`] sends it.

pub mod deliveries;
pub mod sender;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};

use super::actor::{Actor, Scope};
use super::audit::{self, AuditAction, Audited};
use super::checks::Checks;
use super::ids::WebhookId;
use super::newsdesk::Newsdesk;
use super::outbox::is_known_pattern;
use super::time;
use crate::crypto::signature::new_webhook_secret;
use crate::db::entities::webhook_endpoints;
use crate::error::{Error, Resource, Result};

/// What a caller needs to manage webhooks.
pub const SCOPE: Scope = Scope::Admin;

/// The longest description kept.
const MAX_DESCRIPTION: usize = 500;

/// A registered endpoint. The secret shows only when it is made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub id: WebhookId,
    pub url: String,
    pub description: String,
    /// The patterns it subscribed to, as given.
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why it no longer receives deliveries, if it does not.
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new endpoint and its signing secret, shown this once.
#[derive(Clone, Debug)]
pub struct CreatedEndpoint {
    pub endpoint: Endpoint,
    pub secret: String,
}

/// What an admin may set; `None` keeps what is stored.
#[derive(Clone, Debug, Default)]
pub struct EndpointFields {
    pub url: Option<String>,
    pub description: Option<String>,
    pub events: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

impl From<webhook_endpoints::Model> for Endpoint {
    fn from(m: webhook_endpoints::Model) -> Endpoint {
        Endpoint {
            id: WebhookId(m.id),
            url: m.url,
            description: m.description,
            events: m.events.split(',').map(str::to_owned).collect(),
            enabled: m.enabled,
            disabled_reason: m.disabled_reason,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

fn check(desk: &Newsdesk, checks: &mut Checks, fields: &EndpointFields, creating: bool) {
    match fields.url.as_deref() {
        Some(url) => {
            if let Err(why) = sender::check_target(url, &desk.outbound().webhooks) {
                checks.require(false, "url", why);
            }
        }
        None => checks.require(!creating, "url", "is required"),
    }
    match &fields.events {
        Some(events) => {
            checks.require(!events.is_empty(), "events", "must name at least one event");
            if let Some(bad) = events.iter().find(|p| !is_known_pattern(p)) {
                checks.require(
                    false,
                    "events",
                    format!(
                        "{bad:?} names no event: use a type such as article.published, a family such as article.*, or *"
                    ),
                );
            }
        }
        None => checks.require(!creating, "events", "is required"),
    }
    checks.text(
        "description",
        fields.description.as_deref(),
        MAX_DESCRIPTION,
    );
}

impl Newsdesk {
    /// Registers an endpoint; its secret is in the answer and nowhere else
    /// it can be read.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn create_webhook(
        &self,
        actor: &Actor,
        fields: EndpointFields,
    ) -> Result<CreatedEndpoint> {
        actor.require(SCOPE)?;
        let mut checks = Checks::new();
        check(self, &mut checks, &fields, true);
        checks.finish()?;
        let secret = new_webhook_secret();
        let now = time::truncate(self.now());
        let txn = crate::db::begin_write(self.db()).await?;
        let saved = webhook_endpoints::ActiveModel {
            url: Set(fields.url.unwrap_or_default()),
            description: Set(fields.description.unwrap_or_default()),
            events: Set(fields.events.unwrap_or_default().join(",")),
            secret: Set(secret.clone()),
            enabled: Set(fields.enabled.unwrap_or(true)),
            disabled_reason: Set(None),
            created_by: Set(actor.to_string()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            actor,
            AuditAction::Create,
            Audited::Webhook,
            Some(saved.id),
            saved.url.clone(),
        )
        .await?;
        txn.commit().await?;
        Ok(CreatedEndpoint {
            endpoint: saved.into(),
            secret,
        })
    }

    /// Every endpoint, oldest first.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn webhooks(&self, actor: &Actor) -> Result<Vec<Endpoint>> {
        actor.require(SCOPE)?;
        Ok(webhook_endpoints::Entity::find()
            .order_by_asc(webhook_endpoints::Column::Id)
            .all(self.db())
            .await?
            .into_iter()
            .map(Endpoint::from)
            .collect())
    }

    /// One endpoint.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn webhook(&self, actor: &Actor, id: WebhookId) -> Result<Endpoint> {
        actor.require(SCOPE)?;
        Ok(find(self, id).await?.into())
    }

    /// Edits an endpoint. Enabling it again clears why it was disabled.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn update_webhook(
        &self,
        actor: &Actor,
        id: WebhookId,
        fields: EndpointFields,
    ) -> Result<Endpoint> {
        actor.require(SCOPE)?;
        let current = find(self, id).await?;
        let mut checks = Checks::new();
        check(self, &mut checks, &fields, false);
        checks.finish()?;
        let txn = crate::db::begin_write(self.db()).await?;
        let mut model = current.into_active_model();
        if let Some(url) = fields.url {
            model.url = Set(url);
        }
        if let Some(description) = fields.description {
            model.description = Set(description);
        }
        if let Some(events) = fields.events {
            model.events = Set(events.join(","));
        }
        if let Some(enabled) = fields.enabled {
            model.enabled = Set(enabled);
            model.disabled_reason = Set((!enabled).then(|| "disabled by an admin".to_owned()));
        }
        model.updated_at = Set(time::truncate(self.now()));
        let saved = model.update(&txn).await?;
        audit::record(
            &txn,
            actor,
            AuditAction::Update,
            Audited::Webhook,
            Some(id.0),
            "",
        )
        .await?;
        txn.commit().await?;
        Ok(saved.into())
    }

    /// Removes an endpoint and what was owed to it.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn delete_webhook(&self, actor: &Actor, id: WebhookId) -> Result<()> {
        actor.require(SCOPE)?;
        find(self, id).await?;
        let txn = crate::db::begin_write(self.db()).await?;
        webhook_endpoints::Entity::delete_by_id(id.0)
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            actor,
            AuditAction::Delete,
            Audited::Webhook,
            Some(id.0),
            "",
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}

async fn find(desk: &Newsdesk, id: WebhookId) -> Result<webhook_endpoints::Model> {
    webhook_endpoints::Entity::find_by_id(id.0)
        .one(desk.db())
        .await?
        .ok_or(Error::NotFound(Resource::Webhook))
}

/// Stops deliveries to an endpoint that said it is gone (410).
pub(super) async fn disable(desk: &Newsdesk, id: i64, reason: String) -> Result<()> {
    webhook_endpoints::Entity::update_many()
        .col_expr(
            webhook_endpoints::Column::Enabled,
            sea_orm::sea_query::Expr::value(false),
        )
        .col_expr(
            webhook_endpoints::Column::DisabledReason,
            sea_orm::sea_query::Expr::value(reason),
        )
        .filter(webhook_endpoints::Column::Id.eq(id))
        .exec(desk.db())
        .await?;
    Ok(())
}
