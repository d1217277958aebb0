//! The domain's one handle. Faces, the cache layer and the command line call
//! Newsdesk through it and never see a database connection: it owns the pool
//! and the in-memory counters, and every read goes through [`Newsdesk::reader`],
//! which applies the read policy once for every face.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::accounts::{Presented, User};
use super::actor::{Actor, ReadPolicy};
use super::comments::CommentPolicy;
use super::events::EventHub;
use super::ids::{ArticleId, TokenId, UserId};
use super::rate_limit::{RateLimiter, SharedLimits};
use super::replicas::{self, Replicas};
use super::revisions::Retention;
use super::time::Clock;
use super::token_usage::TokenUsage;
use super::views::ViewCounter;
use crate::crypto::token::SecretToken;
use crate::db::reads::Reads;
use crate::error::Result;

/// What the domain's rules depend on, built by the app from its configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Whether anonymous callers may read published content.
    pub public_reads: bool,
    /// What the comment rules allow.
    pub comments: CommentPolicy,
    /// Where the time comes from: what is public, and since when, depends on it.
    pub clock: Arc<dyn Clock>,
    /// How revisions are kept and previews handed out.
    pub workflow: Workflow,
    /// How the outside hears of changes: webhooks, purges, sync, mail.
    pub outbound: Outbound,
    /// Where a fleet counts its rate limits and keeps what every node must
    /// remember; `None` on a node of its own.
    pub shared: Option<SharedLimits>,
}

/// Where and how Newsdesk tells the outside what changed.
#[derive(Clone, Debug)]
pub struct Outbound {
    /// The address the API is reached at from outside, without a trailing
    /// slash: links in events and emails start with it.
    pub public_url: String,
    /// How long events are kept: the sync API's window.
    pub event_retention: chrono::Duration,
    /// How webhooks are sent.
    pub webhooks: WebhookPolicy,
    /// The CDN purge every content event calls, if configured.
    pub purge: Option<PurgeTarget>,
    /// How newsletter confirmations are mailed.
    pub mail: MailSettings,
    /// Signs sync tokens and newsletter links.
    pub signing_secret: Vec<u8>,
    /// The website links point at.
    pub site: super::site::Site,
}

/// How deliveries are attempted.
#[derive(Clone, Debug)]
pub struct WebhookPolicy {
    /// The wait before each retry; after the last, a delivery has failed.
    pub retry_schedule: Vec<std::time::Duration>,
    /// How long one attempt may take.
    pub timeout: std::time::Duration,
    /// Whether loopback, private and link-local addresses may be called.
    pub allow_private_targets: bool,
}

/// A CDN's purge-by-key call.
#[derive(Clone, Debug)]
pub struct PurgeTarget {
    /// The URL, with `{keys}` where the space-separated keys go (URL-encoded).
    pub url_template: String,
    /// A header sent with every purge: name and value.
    pub header: Option<(String, crate::config::Secret)>,
}

/// Outgoing mail.
#[derive(Clone, Debug, Default)]
pub struct MailSettings {
    /// `smtp://…` or `smtps://…`; without it, confirmations are only events.
    pub smtp_url: Option<crate::config::Secret>,
    /// The sender of newsletter mail.
    pub from: String,
}

/// The newsroom workflow's settings.
#[derive(Clone, Debug, Default)]
pub struct Workflow {
    /// How many revisions of each article are kept.
    pub revisions: Retention,
    /// How long a preview link works.
    pub preview_ttl: std::time::Duration,
    /// The frontend's preview page, with `{token}` where the token goes;
    /// without one, preview links point at the REST preview read.
    pub preview_url_template: Option<String>,
}

/// The handle to everything Newsdesk knows. Cloning it is cheap.
#[derive(Clone)]
pub struct Newsdesk {
    /// The primary: its pool, and where its one-statement reads run.
    reads: Reads,
    shared: Arc<Shared>,
}

struct Shared {
    clock: Arc<dyn Clock>,
    read_policy: ReadPolicy,
    comment_policy: CommentPolicy,
    workflow: Workflow,
    outbound: Outbound,
    comment_limits: RateLimiter,
    shared: Option<SharedLimits>,
    replicas: std::sync::OnceLock<Replicas>,
    views: ViewCounter,
    usage: TokenUsage,
    events: EventHub,
}

/// How often one client may post comments is counted over this window.
const COMMENT_WINDOW: std::time::Duration = std::time::Duration::from_secs(60);

impl Newsdesk {
    pub fn new(db: DatabaseConnection, settings: Settings) -> Self {
        Newsdesk {
            reads: Reads::new(db),
            shared: Arc::new(Shared {
                clock: settings.clock,
                read_policy: ReadPolicy {
                    public_reads: settings.public_reads,
                },
                comment_policy: settings.comments,
                workflow: settings.workflow,
                outbound: settings.outbound,
                comment_limits: RateLimiter::shared(
                    "comment",
                    COMMENT_WINDOW,
                    settings.shared.clone(),
                ),
                shared: settings.shared,
                replicas: std::sync::OnceLock::new(),
                views: ViewCounter::default(),
                usage: TokenUsage::default(),
                events: EventHub::default(),
            }),
        }
    }

    /// The pool, for the domain's own queries.
    pub(in crate::domain) fn db(&self) -> &DatabaseConnection {
        self.reads.pool()
    }

    /// Where the primary's one-statement reads run.
    pub(in crate::domain) fn reads(&self) -> &Reads {
        &self.reads
    }

    /// Reports the statements the one-statement reads run beside the pool
    /// to `hook`, as the pool reports to its metric callback: whoever
    /// replaced that callback (to count an app's statements) sees them all.
    pub fn report_statements_to(&self, hook: crate::db::reads::StatementHook) {
        self.reads.report_statements_to(hook);
    }

    /// The right to read published content, granted to `actor` under the
    /// read policy. Every public read is a method of [`Reader`], so no face
    /// can read without asking here first.
    pub fn reader(&self, actor: &Actor) -> Result<Reader> {
        self.shared.read_policy.check(actor)?;
        Ok(Reader {
            reads: self.read_connection(actor),
            desk: self.clone(),
            now: Some(self.now()),
        })
    }

    /// Where `actor`'s public reads go: a usable replica, unless the actor
    /// may write (it must see its own writes) or none is usable.
    fn read_connection(&self, actor: &Actor) -> Reads {
        let replica = match self.shared.replicas.get() {
            Some(replicas) if !replicas::may_write(actor) => replicas.pick(),
            _ => None,
        };
        match replica {
            Some(replica) => Reads::pooled(replica.clone()),
            None => self.reads.clone(),
        }
    }

    /// Sends public reads to these replicas from now on; set once, at
    /// start-up. Each is used once a check finds it answering and current.
    pub fn use_replicas(&self, replicas: Replicas) {
        if self.shared.replicas.set(replicas).is_err() {
            tracing::warn!("read replicas were already set; keeping the first");
        }
    }

    /// Checks how far behind each replica is, and uses only those within bounds.
    pub async fn check_replicas(&self) {
        if let Some(replicas) = self.shared.replicas.get() {
            replicas.check().await;
        }
    }

    /// How stale a public read may be when replicas serve them: `None`
    /// without replicas.
    pub fn replica_lag_bound(&self) -> Option<std::time::Duration> {
        self.shared.replicas.get().map(Replicas::max_lag)
    }

    /// The same right for a connection that outlives many reads (a
    /// subscription): each read happens at its own moment, so what went
    /// public since the connection opened shows.
    pub fn lasting_reader(&self, actor: &Actor) -> Result<Reader> {
        self.shared.read_policy.check(actor)?;
        Ok(Reader {
            reads: self.read_connection(actor),
            desk: self.clone(),
            now: None,
        })
    }

    /// The time by the handle's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.shared.clock.now()
    }

    pub(in crate::domain) fn comment_policy(&self) -> CommentPolicy {
        self.shared.comment_policy
    }

    pub(in crate::domain) fn revisions_kept(&self) -> Retention {
        self.shared.workflow.revisions
    }

    pub(in crate::domain) fn workflow(&self) -> &Workflow {
        &self.shared.workflow
    }

    pub(in crate::domain) fn outbound(&self) -> &Outbound {
        &self.shared.outbound
    }

    pub(in crate::domain) fn comment_limits(&self) -> &RateLimiter {
        &self.shared.comment_limits
    }

    /// A rate limiter named `name` (for metrics) with windows of `window`,
    /// counted across the fleet when it shares a store.
    pub fn rate_limiter(&self, name: &'static str, window: std::time::Duration) -> RateLimiter {
        RateLimiter::shared(name, window, self.shared.shared.clone())
    }

    /// Whether rate limits are counted across the fleet.
    pub fn limits_are_shared(&self) -> bool {
        self.shared.shared.is_some()
    }

    /// What the fleet keeps under `key`: `None` when nothing is, when
    /// there is no shared store, or when it cannot be reached.
    pub async fn recall_shared(&self, key: &str) -> Option<String> {
        let shared = self.shared.shared.as_ref()?;
        shared.store.get(key).await.ok().flatten()
    }

    /// Keeps `value` under `key` for the whole fleet, for `ttl`; without a
    /// reachable shared store this node alone remembers what its caller keeps.
    pub async fn keep_shared(&self, key: &str, value: &str, ttl: std::time::Duration) {
        if let Some(shared) = &self.shared.shared {
            // Unreachable is logged by the store, once per outage.
            let _ = shared.store.set(key, value, ttl).await;
        }
    }

    pub(in crate::domain) fn events(&self) -> &EventHub {
        &self.shared.events
    }

    pub(in crate::domain) fn views(&self) -> &ViewCounter {
        &self.shared.views
    }

    /// Whether there are neither sections nor articles: a newsroom not yet begun.
    pub async fn is_empty(&self) -> Result<bool> {
        use crate::db::entities::{articles, sections};
        use sea_orm::{EntityTrait, PaginatorTrait};
        Ok(sections::Entity::find().count(self.db()).await? == 0
            && articles::Entity::find().count(self.db()).await? == 0)
    }

    /// How many other nodes serve from this database now, as far as it can tell.
    pub async fn other_nodes(&self) -> Result<u64> {
        Ok(crate::db::other_nodes(self.db()).await?)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        Ok(self.db().ping().await?)
    }

    /// Counts `views` views of an article on `day`, as if read then; the
    /// demo seed backfills reading history with it.
    pub fn add_views(&self, article_id: ArticleId, day: chrono::NaiveDate, views: i64) {
        self.shared.views.add(article_id.0, day, views);
    }

    /// Views counted in memory and not yet written.
    pub fn pending_views(&self) -> i64 {
        self.shared.views.pending()
    }

    /// Writes the views counted in memory; says whether there were any, so
    /// only then are the responses that rank by them retired.
    pub async fn flush_views(&self) -> Result<bool> {
        let pending = self.shared.views.pending();
        if pending == 0 {
            return Ok(false);
        }
        let started = std::time::Instant::now();
        self.shared.views.flush(self.db()).await?;
        metrics::histogram!("newsdesk_view_flush_views").record(pending as f64);
        metrics::histogram!("newsdesk_view_flush_duration_seconds")
            .record(started.elapsed().as_secs_f64());
        Ok(true)
    }

    /// Writes the token use counted in memory.
    pub async fn flush_token_usage(&self) -> Result<()> {
        self.shared.usage.flush(self.db()).await
    }

    /// Brings the query planner's statistics up to date.
    pub async fn refresh_statistics(&self) -> Result<()> {
        Ok(crate::db::refresh_statistics(self.db()).await?)
    }

    /// The partner behind an API token, counting the request against it.
    pub async fn authenticate_token(&self, secret: &str) -> Result<Presented> {
        super::accounts::authenticate_token(self.db(), secret).await
    }

    /// Counts one request made with a token; written with the next flush.
    pub fn record_token_use(&self, token_id: TokenId) {
        self.shared.usage.record(token_id.0);
    }

    /// An editor account by id.
    pub async fn find_user(&self, id: UserId) -> Result<Option<User>> {
        super::accounts::find_user(self.db(), id).await
    }

    /// The account whose password this is.
    pub async fn verify_login(&self, email: &str, password: &str) -> Result<User> {
        super::accounts::verify_login(self.db(), email, password).await
    }

    /// A new refresh token for a signed-in editor.
    pub async fn issue_refresh_token(&self, user_id: UserId) -> Result<SecretToken> {
        super::accounts::issue_refresh_token(self.db(), user_id).await
    }

    /// Trades a refresh token for its successor.
    pub async fn rotate_refresh_token(&self, presented: &str) -> Result<(User, SecretToken)> {
        super::accounts::rotate_refresh_token(self.db(), presented).await
    }
}

/// A caller the read policy lets read published content. Made only by
/// [`Newsdesk::reader`] and [`Newsdesk::lasting_reader`]; its methods (in
/// `domain::reads`) are every public read.
#[derive(Clone)]
pub struct Reader {
    /// Where its reads go: the primary or a replica.
    reads: Reads,
    desk: Newsdesk,
    /// The moment the read happens at: one request sees one instant, so
    /// an article going live mid-request is in all of its lists or none.
    /// `None` for a lasting reader: the clock's time at each read.
    now: Option<DateTime<Utc>>,
}

impl Reader {
    /// Where a read's statements go: typed rows on the calling thread
    /// where it can ([`crate::db::FetchRows`]), the rest through the pool.
    pub(in crate::domain) fn db(&self) -> &Reads {
        &self.reads
    }

    pub(in crate::domain) fn reads(&self) -> &Reads {
        &self.reads
    }

    pub(in crate::domain) fn desk(&self) -> &Newsdesk {
        &self.desk
    }

    pub(in crate::domain) fn now(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(|| self.desk.now())
    }
}
