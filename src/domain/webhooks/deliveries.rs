//! What is owed to each endpoint: one delivery per event it wants, written
//! with the event, tried until it succeeds or its retries run out. Rows are
//! claimed before they are sent (`FOR UPDATE SKIP LOCKED` on PostgreSQL),
//! so two nodes never send the same delivery at once, and a claim lapses,
//! so a node that dies mid-send leaves it to the next.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::super::actor::Actor;
use super::super::audit::{self, AuditAction, Audited};
use super::super::ids::WebhookId;
use super::super::newsdesk::{Newsdesk, WebhookPolicy};
use super::super::outbox::{Event, EventKind};
use super::super::page::Limit;
use super::super::time;
use super::sender::{Outcome, Sender};
use super::{SCOPE, disable};
use crate::db::entities::{events, webhook_attempts, webhook_deliveries, webhook_endpoints};
use crate::error::{Error, Resource, Result};

pub const PENDING: &str = "pending";
pub const SUCCEEDED: &str = "succeeded";
pub const FAILED: &str = "failed";

/// How many deliveries one pass claims.
const CLAIM_BATCH: u64 = 16;
/// The most of a receiver's answer kept in the log.
const EXCERPT_CHARS: usize = 500;
/// The longest wait a receiver's `Retry-After` may ask for.
const LONGEST_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// Where a delivery goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A registered endpoint.
    Webhook(i64),
    /// The configured CDN purge.
    Purge,
    /// The mailbox a newsletter confirmation event names.
    Mail,
}

impl Target {
    fn stored(&self) -> (&'static str, Option<i64>) {
        match self {
            Target::Webhook(id) => ("webhook", Some(*id)),
            Target::Purge => ("purge", None),
            Target::Mail => ("mail", None),
        }
    }
}

/// A new delivery of event `event` to `target`, due now.
pub(in crate::domain) fn owed(
    target: Target,
    event: i64,
    now: DateTime<Utc>,
) -> webhook_deliveries::ActiveModel {
    let (kind, endpoint) = target.stored();
    webhook_deliveries::ActiveModel {
        target: Set(kind.to_owned()),
        endpoint_id: Set(endpoint),
        event_id: Set(event),
        status: Set(PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        last_status_code: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryStatus {
    Pending,
    Succeeded,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => PENDING,
            DeliveryStatus::Succeeded => SUCCEEDED,
            DeliveryStatus::Failed => FAILED,
        }
    }

    fn stored(raw: &str) -> Result<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Succeeded,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
        .ok_or_else(|| Error::Internal(format!("unknown stored delivery status {raw:?}")))
    }
}

/// One try at a delivery, as the log shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    /// The receiver's status code, when it answered.
    pub status_code: Option<u16>,
    pub latency_ms: i64,
    /// What went wrong without an answer.
    pub error: Option<String>,
    pub response_excerpt: String,
}

/// A delivery and its tries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub event_seq: i64,
    pub event_type: EventKind,
    /// The `webhook-id` the receiver sees, the same on every try.
    pub message_id: String,
    pub status: DeliveryStatus,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub attempts: Vec<Attempt>,
}

/// The `webhook-id` of deliveries of event `seq`: stable across retries
/// and redeliveries, so receivers can drop what they already handled.
pub fn message_id(seq: i64) -> String {
    format!("msg_{seq}")
}

/// Where a claimed delivery goes.
pub enum Recipient {
    Webhook(webhook_endpoints::Model),
    Purge,
    Mail,
}

/// A claimed delivery, ready to send.
pub struct Claimed {
    pub id: i64,
    /// The try this is, from 1.
    pub attempt: i32,
    pub to: Recipient,
    pub event: Event,
}

impl Newsdesk {
    /// Sends what is due, at most a batch; says how many were tried.
    pub async fn deliver_due(&self, sender: &Sender) -> Result<usize> {
        let claimed = self.claim_due().await?;
        let tried = claimed.len();
        let mut sending = tokio::task::JoinSet::new();
        for delivery in claimed {
            let sender = sender.clone();
            let purge = self.outbound().purge.clone();
            let mail = self.outbound().mail.clone();
            sending.spawn(async move {
                let outcome = match &delivery.to {
                    Recipient::Webhook(endpoint) => sender.webhook(endpoint, &delivery.event).await,
                    Recipient::Purge => match &purge {
                        Some(target) => sender.purge(target, &delivery.event).await,
                        None => Outcome::refused("no CDN purge is configured on this node"),
                    },
                    Recipient::Mail => super::super::mail::send(&mail, &delivery.event).await,
                };
                (delivery, outcome)
            });
        }
        while let Some(done) = sending.join_next().await {
            let (delivery, outcome) =
                done.map_err(|e| Error::Internal(format!("a delivery task failed: {e}")))?;
            self.settle(&delivery, outcome).await?;
        }
        Ok(tried)
    }

    async fn claim_due(&self) -> Result<Vec<Claimed>> {
        use webhook_deliveries::Column as D;
        let now = self.now();
        let lease = now
            + chrono::Duration::from_std(self.outbound().webhooks.timeout * 3)
                .unwrap_or(chrono::Duration::minutes(1));
        let unclaimed = Condition::any()
            .add(Expr::col(D::ClaimedUntil).is_null())
            .add(Expr::col(D::ClaimedUntil).lt(now));
        // Every node asks twice a second; a plain read keeps an idle one
        // from taking SQLite's write lock each time.
        let any: Option<i64> = webhook_deliveries::Entity::find()
            .select_only()
            .column(D::Id)
            .filter(D::Status.eq(PENDING))
            .filter(D::NextAttemptAt.lte(now))
            .filter(unclaimed.clone())
            .limit(1)
            .into_tuple()
            .one(self.db())
            .await?;
        if any.is_none() {
            return Ok(Vec::new());
        }
        let due = Query::select()
            .column(D::Id)
            .from(webhook_deliveries::Entity)
            .and_where(Expr::col(D::Status).eq(PENDING))
            .and_where(Expr::col(D::NextAttemptAt).lte(now))
            .cond_where(unclaimed)
            .order_by(D::NextAttemptAt, sea_orm::Order::Asc)
            .order_by(D::Id, sea_orm::Order::Asc)
            .limit(CLAIM_BATCH)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .to_owned();
        let txn = crate::db::begin_write(self.db()).await?;
        let claimed = webhook_deliveries::Entity::update_many()
            .col_expr(D::ClaimedUntil, Expr::value(lease))
            .col_expr(D::Attempts, Expr::col(D::Attempts).add(1))
            .filter(D::Id.in_subquery(due))
            .exec_with_returning(&txn)
            .await?;
        txn.commit().await?;
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let event_ids: Vec<i64> = claimed.iter().map(|d| d.event_id).collect();
        let endpoint_ids: Vec<i64> = claimed.iter().filter_map(|d| d.endpoint_id).collect();
        let events: std::collections::HashMap<i64, Event> = events::Entity::find()
            .filter(events::Column::Id.is_in(event_ids))
            .all(self.db())
            .await?
            .into_iter()
            .map(|e| Event::try_from(e).map(|e| (e.seq, e)))
            .collect::<Result<_>>()?;
        let endpoints: std::collections::HashMap<i64, webhook_endpoints::Model> =
            webhook_endpoints::Entity::find()
                .filter(webhook_endpoints::Column::Id.is_in(endpoint_ids))
                .all(self.db())
                .await?
                .into_iter()
                .map(|e| (e.id, e))
                .collect();
        Ok(claimed
            .into_iter()
            .filter_map(|d| {
                let to = match (d.target.as_str(), d.endpoint_id) {
                    ("webhook", Some(id)) => Recipient::Webhook(endpoints.get(&id)?.clone()),
                    ("purge", _) => Recipient::Purge,
                    ("mail", _) => Recipient::Mail,
                    _ => return None,
                };
                Some(Claimed {
                    id: d.id,
                    attempt: d.attempts,
                    to,
                    event: events.get(&d.event_id)?.clone(),
                })
            })
            .collect())
    }

    /// Logs a try and decides what comes next: done, another try, or failed.
    async fn settle(&self, delivery: &Claimed, outcome: Outcome) -> Result<()> {
        let now = self.now();
        let succeeded = outcome.succeeded;
        let endpoint = match &delivery.to {
            Recipient::Webhook(endpoint) => Some(endpoint),
            _ => None,
        };
        let gone = endpoint.is_some() && outcome.status == Some(410);
        let next = if succeeded || gone {
            None
        } else {
            next_try(
                &self.outbound().webhooks,
                delivery.attempt,
                outcome.retry_after,
            )
        };
        let status = match (succeeded, next) {
            (true, _) => SUCCEEDED,
            (false, Some(_)) => PENDING,
            (false, None) => FAILED,
        };
        let txn = crate::db::begin_write(self.db()).await?;
        webhook_attempts::ActiveModel {
            delivery_id: Set(delivery.id),
            attempted_at: Set(time::truncate(now)),
            status_code: Set(outcome.status.map(i32::from)),
            latency_ms: Set(outcome.latency_ms),
            error: Set(outcome.error.clone()),
            response_excerpt: Set(outcome.excerpt.chars().take(EXCERPT_CHARS).collect()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut model = webhook_deliveries::ActiveModel {
            id: sea_orm::ActiveValue::Unchanged(delivery.id),
            status: Set(status.to_owned()),
            claimed_until: Set(None),
            last_status_code: Set(outcome.status.map(i32::from)),
            updated_at: Set(time::truncate(now)),
            ..Default::default()
        };
        if let Some(wait) = next {
            model.next_attempt_at =
                Set(now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1)));
        }
        model.update(&txn).await?;
        txn.commit().await?;
        let target = match &delivery.to {
            Recipient::Webhook(_) => "webhook",
            Recipient::Purge => "purge",
            Recipient::Mail => "mail",
        };
        let attempt = match (succeeded, next) {
            (true, _) => "delivered",
            (false, Some(_)) => "will_retry",
            (false, None) => "gave_up",
        };
        metrics::counter!("newsdesk_delivery_attempts_total", "target" => target, "outcome" => attempt)
            .increment(1);
        if let (true, Some(endpoint)) = (gone, endpoint) {
            tracing::warn!(endpoint = endpoint.id, url = %endpoint.url, "webhook endpoint answered 410 Gone; disabling it");
            disable(
                self,
                endpoint.id,
                "the receiver answered 410 Gone".to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    /// The newest deliveries to an endpoint with their tries, newest first.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn webhook_deliveries(
        &self,
        actor: &Actor,
        endpoint: WebhookId,
        limit: Limit,
    ) -> Result<Vec<Delivery>> {
        self.webhook(actor, endpoint).await?;
        let rows = webhook_deliveries::Entity::find()
            .filter(webhook_deliveries::Column::EndpointId.eq(endpoint.0))
            .order_by_desc(webhook_deliveries::Column::Id)
            .limit(limit.get())
            .all(self.db())
            .await?;
        self.with_attempts(rows).await
    }

    async fn with_attempts(&self, rows: Vec<webhook_deliveries::Model>) -> Result<Vec<Delivery>> {
        let ids: Vec<i64> = rows.iter().map(|d| d.id).collect();
        let event_ids: Vec<i64> = rows.iter().map(|d| d.event_id).collect();
        let kinds: std::collections::HashMap<i64, String> = events::Entity::find()
            .select_only()
            .column(events::Column::Id)
            .column(events::Column::Kind)
            .filter(events::Column::Id.is_in(event_ids))
            .into_tuple()
            .all(self.db())
            .await?
            .into_iter()
            .collect();
        let mut tries: std::collections::HashMap<i64, Vec<Attempt>> = Default::default();
        for a in webhook_attempts::Entity::find()
            .filter(webhook_attempts::Column::DeliveryId.is_in(ids))
            .order_by_asc(webhook_attempts::Column::Id)
            .all(self.db())
            .await?
        {
            tries.entry(a.delivery_id).or_default().push(Attempt {
                at: a.attempted_at,
                status_code: a.status_code.and_then(|s| u16::try_from(s).ok()),
                latency_ms: a.latency_ms,
                error: a.error,
                response_excerpt: a.response_excerpt,
            });
        }
        rows.into_iter()
            .map(|d| {
                let status = DeliveryStatus::stored(&d.status)?;
                let kind = kinds
                    .get(&d.event_id)
                    .ok_or_else(|| Error::Internal(format!("delivery {} names no event", d.id)))?;
                Ok(Delivery {
                    id: d.id,
                    event_seq: d.event_id,
                    event_type: EventKind::stored(kind)?,
                    message_id: message_id(d.event_id),
                    next_attempt_at: (status == DeliveryStatus::Pending)
                        .then_some(d.next_attempt_at),
                    status,
                    created_at: d.created_at,
                    attempts: tries.remove(&d.id).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Sends delivery `delivery` of endpoint `endpoint` again, as a new
    /// delivery due now with the same `webhook-id`.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn redeliver(
        &self,
        actor: &Actor,
        endpoint: WebhookId,
        delivery: i64,
    ) -> Result<Delivery> {
        actor.require(SCOPE)?;
        let original = webhook_deliveries::Entity::find_by_id(delivery)
            .filter(webhook_deliveries::Column::EndpointId.eq(endpoint.0))
            .one(self.db())
            .await?
            .ok_or(Error::NotFound(Resource::WebhookDelivery))?;
        let now = time::truncate(self.now());
        let txn = crate::db::begin_write(self.db()).await?;
        let again = owed(Target::Webhook(endpoint.0), original.event_id, now)
            .insert(&txn)
            .await?;
        audit::record(
            &txn,
            actor,
            AuditAction::Redeliver,
            Audited::Webhook,
            Some(endpoint.0),
            format!("delivery {delivery} as {}", again.id),
        )
        .await?;
        txn.commit().await?;
        self.with_attempts(vec![again])
            .await?
            .pop()
            .ok_or_else(|| Error::Internal("a new delivery vanished".into()))
    }
}

/// How long to wait before try `attempt + 1`, or `None` when the schedule
/// is spent. A receiver's `Retry-After` makes the wait at least that long.
/// A tenth either way of jitter keeps many receivers' retries apart.
fn next_try(
    policy: &WebhookPolicy,
    attempt: i32,
    retry_after: Option<Duration>,
) -> Option<Duration> {
    let slot = usize::try_from(attempt).ok()?.checked_sub(1)?;
    let planned = *policy.retry_schedule.get(slot)?;
    let mut byte = [0u8; 1];
    let jitter = match getrandom::fill(&mut byte) {
        Ok(()) => 0.9 + f64::from(byte[0]) / 255.0 * 0.2,
        Err(_) => 1.0,
    };
    let planned = planned.mul_f64(jitter);
    Some(match retry_after {
        Some(asked) => planned.max(asked.min(LONGEST_RETRY_AFTER)),
        None => planned,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> WebhookPolicy {
        WebhookPolicy {
            retry_schedule: vec![Duration::from_secs(5), Duration::from_secs(300)],
            timeout: Duration::from_secs(10),
            allow_private_targets: false,
        }
    }

    #[test]
    fn retries_follow_the_schedule_with_a_little_jitter_then_stop() {
        let first = next_try(&policy(), 1, None).expect("a second try");
        assert!(first >= Duration::from_millis(4500) && first <= Duration::from_millis(5500));
        let second = next_try(&policy(), 2, None).expect("a third try");
        assert!(second >= Duration::from_secs(270) && second <= Duration::from_secs(330));
        assert_eq!(next_try(&policy(), 3, None), None);
    }

    #[test]
    fn retry_after_lengthens_the_wait_but_never_beyond_a_day() {
        let asked = next_try(&policy(), 1, Some(Duration::from_secs(60))).expect("a retry");
        assert_eq!(asked, Duration::from_secs(60));
        let capped =
            next_try(&policy(), 1, Some(Duration::from_secs(10 * 86400))).expect("a retry");
        assert_eq!(capped, LONGEST_RETRY_AFTER);
    }
}
