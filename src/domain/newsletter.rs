//! Newsletter sign-up with double opt-in: an address is asked to confirm
//! by a signed link, in a `newsletter.confirmation_requested` event that
//! admins' webhooks hear and that is mailed over SMTP when configured
//! (a delivery like any other, see `domain::mail`); only confirmed addresses
//! are exported. The answer to a sign-up never says whether the address
//! was known, and no public response carries an address.
//!
//! The lists a sign-up asks for travel inside its confirmation link, so a
//! stranger cannot add lists to someone's confirmed subscription: only the
//! owner of the mailbox can confirm them.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use super::actor::{Actor, Scope};
use super::checks::Checks;
use super::newsdesk::Newsdesk;
use super::outbox::{self, EventKind};
use super::time;
use crate::crypto::signature::TokenSigner;
use crate::db::entities::{newsletter_lists, newsletter_subscribers, sections};
use crate::error::{Error, Result};

/// What a caller needs to export subscribers.
pub const SCOPE: Scope = Scope::Admin;

/// The list of the front page's digest; every other list is a section's slug.
pub const FRONT_PAGE: &str = "front-page";

/// How long a confirmation link works.
const CONFIRM_DAYS: i64 = 7;

const PENDING: &str = "pending";
const CONFIRMED: &str = "confirmed";
const UNSUBSCRIBED: &str = "unsubscribed";

/// A confirmed subscriber, as an admin exports them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscriber {
    pub email: String,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub lists: Vec<String>,
}

/// What a confirmation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirmed {
    pub lists: Vec<String>,
}

/// A confirmation to send: where to, and the links it carries.
struct Confirmation {
    email: String,
    lists: Vec<String>,
    confirm_url: String,
    unsubscribe_url: String,
}

fn signer(desk: &Newsdesk) -> TokenSigner {
    TokenSigner::new(&desk.outbound().signing_secret, "newsletter")
}

impl Newsdesk {
    /// Asks `email` to confirm `lists`. Answers the same whether or not the
    /// address was known; a bad address or an unknown list is an error. The
    /// link goes only to the mailbox (and to admins' webhooks), never back
    /// to the caller, who may not own the address.
    pub async fn sign_up(&self, client: &str, email: &str, lists: &[String]) -> Result<()> {
        let policy = self.comment_policy();
        self.comment_limits()
            .hit(&format!("newsletter:{client}"), policy.per_minute)
            .await?;
        let email = email.trim().to_lowercase();
        let mut checks = Checks::new();
        checks.email("email", &email);
        checks.require(!lists.is_empty(), "lists", "name at least one list");
        let mut wanted: Vec<String> = lists.iter().map(|l| l.trim().to_owned()).collect();
        wanted.sort();
        wanted.dedup();
        let slugs: Vec<String> = sections::Entity::find()
            .all(self.db())
            .await?
            .into_iter()
            .map(|s| s.slug)
            .collect();
        if let Some(unknown) = wanted
            .iter()
            .find(|l| l.as_str() != FRONT_PAGE && !slugs.contains(l))
        {
            checks.require(
                false,
                "lists",
                format!("{unknown:?} is no list: use {FRONT_PAGE} or a section's slug"),
            );
        }
        checks.finish()?;
        let now = time::truncate(self.now());
        let txn = crate::db::begin_write(self.db()).await?;
        let found = newsletter_subscribers::Entity::find()
            .filter(newsletter_subscribers::Column::Email.eq(&email))
            .one(&txn)
            .await?;
        let id = match found {
            Some(known) => known.id,
            None => {
                newsletter_subscribers::ActiveModel {
                    email: Set(email.clone()),
                    status: Set(PENDING.to_owned()),
                    created_at: Set(now),
                    confirmed_at: Set(None),
                    unsubscribed_at: Set(None),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
                .id
            }
        };
        let signer = signer(self);
        let base = format!("{}/api/v1/newsletter", self.outbound().public_url);
        let confirmation = Confirmation {
            confirm_url: format!(
                "{base}/confirm?token={}",
                signer.sign(&format!(
                    "confirm|{id}|{}|{}|{email}",
                    now.timestamp(),
                    wanted.join(",")
                ))
            ),
            unsubscribe_url: format!(
                "{base}/unsubscribe?token={}",
                signer.sign(&format!("unsubscribe|{id}|{email}"))
            ),
            email,
            lists: wanted,
        };
        outbox::emit(
            self,
            &txn,
            EventKind::NewsletterConfirmationRequested,
            id,
            json!({
                "email": confirmation.email,
                "lists": confirmation.lists,
                "confirm_url": confirmation.confirm_url,
                "unsubscribe_url": confirmation.unsubscribe_url,
            }),
            None,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Confirms the lists a signed link names.
    pub async fn confirm_subscription(&self, token: &str) -> Result<Confirmed> {
        let bad = || {
            Error::invalid(
                "token",
                "is not a working confirmation link; it may have expired, so sign up again",
            )
        };
        let payload = signer(self).verify(token).ok_or_else(bad)?;
        let parts: Vec<&str> = payload.splitn(5, '|').collect();
        let [kind, id, issued, lists, email] = parts.as_slice() else {
            return Err(bad());
        };
        let (Ok(id), Ok(issued)) = (id.parse::<i64>(), issued.parse::<i64>()) else {
            return Err(bad());
        };
        let issued = DateTime::<Utc>::from_timestamp(issued, 0).ok_or_else(bad)?;
        if *kind != "confirm" || self.now() - issued > chrono::Duration::days(CONFIRM_DAYS) {
            return Err(bad());
        }
        let now = time::truncate(self.now());
        let txn = crate::db::begin_write(self.db()).await?;
        let subscriber = newsletter_subscribers::Entity::find_by_id(id)
            .filter(newsletter_subscribers::Column::Email.eq(*email))
            .one(&txn)
            .await?
            .ok_or_else(bad)?;
        let lists: Vec<String> = lists.split(',').map(str::to_owned).collect();
        let held: Vec<String> = newsletter_lists::Entity::find()
            .filter(newsletter_lists::Column::SubscriberId.eq(id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|l| l.list)
            .collect();
        let new: Vec<newsletter_lists::ActiveModel> = lists
            .iter()
            .filter(|l| !held.contains(l))
            .map(|l| newsletter_lists::ActiveModel {
                subscriber_id: Set(id),
                list: Set(l.clone()),
            })
            .collect();
        if !new.is_empty() {
            newsletter_lists::Entity::insert_many(new)
                .exec(&txn)
                .await?;
        }
        let mut model = subscriber.into_active_model();
        model.status = Set(CONFIRMED.to_owned());
        model.confirmed_at = Set(Some(now));
        model.unsubscribed_at = Set(None);
        model.updated_at = Set(now);
        model.update(&txn).await?;
        txn.commit().await?;
        let mut all: Vec<String> = held.into_iter().chain(lists).collect();
        all.sort();
        all.dedup();
        Ok(Confirmed { lists: all })
    }

    /// Takes the address a signed link names off every list.
    pub async fn unsubscribe(&self, token: &str) -> Result<()> {
        let bad = || Error::invalid("token", "is not an unsubscribe link this server made");
        let payload = signer(self).verify(token).ok_or_else(bad)?;
        let parts: Vec<&str> = payload.splitn(3, '|').collect();
        let ["unsubscribe", id, email] = parts.as_slice() else {
            return Err(bad());
        };
        let id: i64 = id.parse().map_err(|_| bad())?;
        let now = time::truncate(self.now());
        let txn = crate::db::begin_write(self.db()).await?;
        let Some(subscriber) = newsletter_subscribers::Entity::find_by_id(id)
            .filter(newsletter_subscribers::Column::Email.eq(*email))
            .one(&txn)
            .await?
        else {
            // Already gone: unsubscribing again is not an error.
            return Ok(());
        };
        newsletter_lists::Entity::delete_many()
            .filter(newsletter_lists::Column::SubscriberId.eq(id))
            .exec(&txn)
            .await?;
        let mut model = subscriber.into_active_model();
        model.status = Set(UNSUBSCRIBED.to_owned());
        model.unsubscribed_at = Set(Some(now));
        model.updated_at = Set(now);
        model.update(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Confirmed subscribers, of one list or of any, oldest first.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn subscribers(&self, actor: &Actor, list: Option<&str>) -> Result<Vec<Subscriber>> {
        actor.require(SCOPE)?;
        let confirmed = newsletter_subscribers::Entity::find()
            .filter(newsletter_subscribers::Column::Status.eq(CONFIRMED))
            .order_by_asc(newsletter_subscribers::Column::Id)
            .all(self.db())
            .await?;
        let ids: Vec<i64> = confirmed.iter().map(|s| s.id).collect();
        let mut lists: std::collections::HashMap<i64, Vec<String>> = Default::default();
        for row in newsletter_lists::Entity::find()
            .filter(newsletter_lists::Column::SubscriberId.is_in(ids))
            .order_by_asc(newsletter_lists::Column::List)
            .all(self.db())
            .await?
        {
            lists.entry(row.subscriber_id).or_default().push(row.list);
        }
        Ok(confirmed
            .into_iter()
            .filter_map(|s| {
                let held = lists.remove(&s.id).unwrap_or_default();
                let wanted = list.is_none_or(|l| held.iter().any(|h| h == l));
                (wanted && !held.is_empty()).then_some(Subscriber {
                    email: s.email,
                    confirmed_at: s.confirmed_at,
                    lists: held,
                })
            })
            .collect())
    }
}
