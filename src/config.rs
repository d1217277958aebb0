//! Settings, read once from flags and `NEWSDESK_*` variables (flags win) and
//! passed down as a value. A bad setting is an error that names it.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, FromArgMatches};

/// How long others may keep public responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Freshness {
    /// `max-age`: browsers and apps.
    pub max_age: Duration,
    /// `s-maxage`: shared caches, which can be purged by `Surrogate-Key`.
    pub shared_max_age: Duration,
    /// `stale-while-revalidate`.
    pub stale_while_revalidate: Duration,
}

/// Settings of the response cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheConfig {
    /// Bytes the in-process store may hold; 0 switches it off.
    pub capacity_bytes: u64,
    pub freshness: Freshness,
}

/// A value that must not reach logs: `Debug` and `Display` print a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How to reach the database.
#[derive(Clone, Debug)]
pub struct DbSettings {
    /// The connection URL. It may hold a password, so `Debug` hides it.
    pub url: Secret,
    pub max_connections: u32,
}

/// Where public reads may go instead of the primary.
#[derive(Clone, Debug)]
pub struct ReplicaSettings {
    pub urls: Vec<Secret>,
    pub max_lag: Duration,
}

/// The default store: a SQLite file next to where Newsdesk runs, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://newsdesk.db?mode=rwc";

/// Where the data lives.
#[derive(Args, Clone, Debug)]
pub struct DatabaseArgs {
    /// Database URL: `sqlite://FILE?mode=rwc` or `postgres://USER@HOST/DB`.
    #[arg(long, env = "NEWSDESK_DATABASE_URL", default_value = DEFAULT_DATABASE_URL, hide_env_values = true)]
    pub database_url: String,
    /// Connections in the pool.
    #[arg(long, env = "NEWSDESK_DB_MAX_CONNECTIONS", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub db_max_connections: u32,
    /// Read replicas for public reads: comma-separated `postgres://` URLs.
    #[arg(long, env = "NEWSDESK_DATABASE_REPLICA_URLS", hide_env_values = true)]
    pub database_replica_urls: Option<String>,
    /// A replica further behind than this is skipped until it catches up.
    #[arg(long, env = "NEWSDESK_REPLICA_MAX_LAG_MS", default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub replica_max_lag_ms: u64,
}

/// Everything `newsdesk serve` needs beyond the database.
#[derive(Args, Clone, Debug)]
pub struct HttpArgs {
    /// Address and port to listen on.
    #[arg(long, env = "NEWSDESK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Origins allowed to call the API from a browser: `*` for any, or a comma-separated list.
    #[arg(long, env = "NEWSDESK_CORS_ORIGINS", default_value = "*")]
    pub cors_origins: String,
    /// Seconds a request may take before it is answered 503.
    #[arg(long, env = "NEWSDESK_REQUEST_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout_secs: u64,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "NEWSDESK_BODY_LIMIT_BYTES", default_value_t = 1_048_576, value_parser = clap::value_parser!(u64).range(1..=104_857_600))]
    pub body_limit_bytes: u64,
    /// Serve GraphiQL to browsers at GET /graphql.
    #[arg(long, env = "NEWSDESK_GRAPHIQL", default_value_t = true, action = clap::ArgAction::Set)]
    pub graphiql: bool,
    /// Answer GraphQL introspection queries.
    #[arg(long, env = "NEWSDESK_GRAPHQL_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub graphql_introspection: bool,
    /// Secret that signs editor access tokens (at least 32 characters). Unset, a
    /// random one is made at start-up, and logins do not survive a restart.
    #[arg(long, env = "NEWSDESK_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Minutes an editor access token is valid.
    #[arg(long, env = "NEWSDESK_ACCESS_TOKEN_MINUTES", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub access_token_minutes: u64,
    /// Let anonymous callers read published content; off, reads need a `content:read` token.
    #[arg(long, env = "NEWSDESK_PUBLIC_READS", default_value_t = true, action = clap::ArgAction::Set)]
    pub public_reads: bool,
    /// Publish readers' comments at once instead of holding them for moderation.
    #[arg(long, env = "NEWSDESK_AUTO_APPROVE_COMMENTS", default_value_t = false, action = clap::ArgAction::Set)]
    pub auto_approve_comments: bool,
    /// Comments one client address may post per minute.
    #[arg(long, env = "NEWSDESK_COMMENTS_PER_MINUTE", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub comments_per_minute: u32,
    /// Seconds between writes of counted article views to the database.
    #[arg(long, env = "NEWSDESK_VIEWS_FLUSH_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub views_flush_secs: u64,
    /// Megabytes of public responses kept in memory; 0 turns the response cache off.
    #[arg(long, env = "NEWSDESK_CACHE_MB", default_value_t = 32, value_parser = clap::value_parser!(u64).range(0..=65536))]
    pub cache_mb: u64,
    /// `max-age` of public responses, for browsers and apps.
    #[arg(long, env = "NEWSDESK_CACHE_MAX_AGE_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(0..=31_536_000))]
    pub cache_max_age_secs: u64,
    /// `s-maxage` of public responses, for CDNs (which purge by `Surrogate-Key`).
    #[arg(long, env = "NEWSDESK_CACHE_SHARED_MAX_AGE_SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(0..=31_536_000))]
    pub cache_shared_max_age_secs: u64,
    /// `stale-while-revalidate` of public responses.
    #[arg(long, env = "NEWSDESK_CACHE_STALE_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(0..=31_536_000))]
    pub cache_stale_secs: u64,
    /// Minutes a draft's preview link works.
    #[arg(long, env = "NEWSDESK_PREVIEW_MINUTES", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=43_200))]
    pub preview_minutes: u64,
    /// The frontend's preview page, with `{token}` where the token goes
    /// (e.g. `https://www.example.com/preview?token={token}`).
    #[arg(long, env = "NEWSDESK_PREVIEW_URL_TEMPLATE")]
    pub preview_url_template: Option<String>,
    /// Seconds a subscription WebSocket may stay open with no subscription.
    #[arg(long, env = "NEWSDESK_SUBSCRIPTION_IDLE_SECS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub subscription_idle_secs: u64,
    /// WebSocket and event-stream connections one client (address, token or account) may hold.
    #[arg(long, env = "NEWSDESK_STREAMS_PER_CLIENT", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub streams_per_client: u32,
    /// Revisions kept per article, newest first; 0 keeps every one.
    #[arg(long, env = "NEWSDESK_REVISIONS_KEPT", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub revisions_kept: u32,
    /// The address this API is reached at from outside (links in webhooks and
    /// emails start with it); unset, `http://` and the bind address.
    #[arg(long, env = "NEWSDESK_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Days events are kept: webhooks' redelivery window and how long a sync token lasts.
    #[arg(long, env = "NEWSDESK_EVENT_RETENTION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub event_retention_days: u32,
    /// Waits before each webhook retry (`ms`, `s`, `m`, `h`), comma-separated; after the last, a delivery has failed.
    #[arg(
        long,
        env = "NEWSDESK_WEBHOOK_RETRY_SCHEDULE",
        default_value = "5s,5m,30m,2h,5h,10h"
    )]
    pub webhook_retry_schedule: String,
    /// Seconds one webhook or purge attempt may take.
    #[arg(long, env = "NEWSDESK_WEBHOOK_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub webhook_timeout_secs: u64,
    /// Let webhooks and purges call loopback, private and link-local addresses.
    #[arg(long, env = "NEWSDESK_WEBHOOK_ALLOW_PRIVATE_TARGETS", default_value_t = false, action = clap::ArgAction::Set)]
    pub webhook_allow_private_targets: bool,
    /// A CDN's purge URL, called for every content event, with `{keys}` where
    /// the surrogate keys go (they are also sent as `Surrogate-Key`).
    #[arg(long, env = "NEWSDESK_PURGE_URL")]
    pub purge_url: Option<String>,
    /// A header sent with every purge, as `Name: value` (an API key, say).
    #[arg(long, env = "NEWSDESK_PURGE_HEADER", hide_env_values = true)]
    pub purge_header: Option<String>,
    /// `smtp://user:pass@host:port` (STARTTLS with `?tls=required`) or
    /// `smtps://…`; unset, newsletter confirmations are only sent as events.
    #[arg(long, env = "NEWSDESK_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The website's address: feeds, sitemaps and events link to its pages
    /// (`/articles/{slug}`, `/sections/…`, `/authors/…`, `/tags/…`); unset,
    /// they link to the API's own addresses.
    #[arg(long, env = "NEWSDESK_SITE_URL")]
    pub site_url: Option<String>,
    /// The publication's name, in feeds and the news sitemap.
    #[arg(long, env = "NEWSDESK_SITE_NAME", default_value = "Newsdesk")]
    pub site_name: String,
    /// The publication's language (BCP 47), in feeds and the news sitemap.
    #[arg(long, env = "NEWSDESK_SITE_LANGUAGE", default_value = "en")]
    pub site_language: String,
    /// The publisher's logo (an http(s) URL), in articles' structured data.
    #[arg(long, env = "NEWSDESK_SITE_LOGO_URL")]
    pub site_logo_url: Option<String>,
    /// The sender of newsletter mail.
    #[arg(
        long,
        env = "NEWSDESK_MAIL_FROM",
        default_value = "Newsdesk <newsletter@localhost>"
    )]
    pub mail_from: String,
    /// Redis (`redis://host:port/db`) for what a fleet of nodes shares: rate
    /// limits, failed-login counters and persisted queries. Unset, each node
    /// keeps its own.
    #[arg(long, env = "NEWSDESK_REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,
    /// While Redis is unreachable: `open` lets rate-limited requests through,
    /// `closed` answers them 503 with Retry-After.
    #[arg(long, env = "NEWSDESK_REDIS_FAILURE", value_enum, default_value_t = RedisFailure::Open)]
    pub redis_failure: RedisFailure,
    /// What every Redis key of this site starts with, so sites can share a Redis.
    #[arg(long, env = "NEWSDESK_REDIS_PREFIX", default_value = "newsdesk:")]
    pub redis_prefix: String,
    /// Serve `GET /metrics` on this address of its own, without credentials;
    /// unset, `/metrics` is on the API's address for tokens with `metrics:read`.
    #[arg(long, env = "NEWSDESK_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,
}

/// What rate limits do while Redis cannot be reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RedisFailure {
    /// Requests pass uncounted: the site stays up, limits are off.
    Open,
    /// Limited requests are answered 503: limits hold, service does not.
    Closed,
}

/// What a fleet of nodes shares, validated.
#[derive(Clone, Debug)]
pub struct FleetConfig {
    pub redis_url: Option<Secret>,
    pub redis_failure: RedisFailure,
    pub redis_prefix: String,
    /// Where `/metrics` is served without credentials; `None`: on the API.
    pub metrics_bind: Option<SocketAddr>,
}

/// How the outside is told of changes, validated.
#[derive(Clone, Debug)]
pub struct OutboundConfig {
    /// Without a trailing slash.
    pub public_url: String,
    pub event_retention: Duration,
    pub retry_schedule: Vec<Duration>,
    pub webhook_timeout: Duration,
    pub allow_private_targets: bool,
    pub purge_url: Option<String>,
    pub purge_header: Option<(String, Secret)>,
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    /// Without a trailing slash.
    pub site_url: Option<String>,
    pub site_name: String,
    pub site_language: String,
    pub site_logo_url: Option<String>,
}

/// Browser origins allowed by CORS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorsOrigins {
    Any,
    List(Vec<axum::http::HeaderValue>),
}

/// The HTTP face's settings, validated.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    pub cors_origins: CorsOrigins,
    pub request_timeout: Duration,
    pub body_limit_bytes: usize,
    pub graphiql: bool,
    pub introspection: bool,
    /// Unset, the app makes a random one for this process only: enough
    /// for a demo and for tests.
    pub jwt_secret: Option<Secret>,
    pub access_token_ttl: Duration,
    pub public_reads: bool,
    pub auto_approve_comments: bool,
    pub comments_per_minute: u32,
    pub cache: CacheConfig,
    pub preview_ttl: Duration,
    pub preview_url_template: Option<String>,
    /// Revisions kept per article; `None` keeps every one.
    pub revisions_kept: Option<u32>,
    /// A subscription WebSocket with no subscription this long is closed.
    pub subscription_idle: Duration,
    /// Long-lived connections one client may hold.
    pub streams_per_client: usize,
    pub outbound: OutboundConfig,
    pub fleet: FleetConfig,
}

impl Default for HttpConfig {
    /// The defaults the command line declares, written once there, whatever
    /// the environment says.
    fn default() -> Self {
        let command = HttpArgs::augment_args(clap::Command::new("defaults"))
            .mut_args(|arg| arg.env(None::<&'static str>));
        let matches = command
            .try_get_matches_from(["defaults"])
            .expect("the declared defaults parse");
        let args =
            HttpArgs::from_arg_matches(&matches).expect("the declared defaults are arguments");
        args.config().expect("the declared defaults are valid")
    }
}

/// A setting that cannot be used, with its name.
#[derive(Debug, thiserror::Error)]
#[error("{setting}: {message}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub message: String,
}

impl DatabaseArgs {
    /// Checks the URL's scheme and yields the database settings.
    pub fn settings(&self) -> Result<DbSettings, ConfigError> {
        let url = self.database_url.trim();
        let known = ["sqlite:", "postgres://", "postgresql://"];
        if !known.iter().any(|scheme| url.starts_with(scheme)) {
            return Err(ConfigError {
                setting: "NEWSDESK_DATABASE_URL (--database-url)",
                message: "must start with sqlite:, postgres:// or postgresql://".into(),
            });
        }
        Ok(DbSettings {
            url: Secret::new(url),
            max_connections: self.db_max_connections,
        })
    }

    /// The read replicas, each a PostgreSQL URL.
    pub fn replicas(&self) -> Result<ReplicaSettings, ConfigError> {
        let urls = self
            .database_replica_urls
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(|url| {
                if url.starts_with("postgres://") || url.starts_with("postgresql://") {
                    Ok(Secret::new(url))
                } else {
                    Err(ConfigError {
                        setting: "NEWSDESK_DATABASE_REPLICA_URLS (--database-replica-urls)",
                        message: "each must be a postgres:// URL".into(),
                    })
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ReplicaSettings {
            urls,
            max_lag: Duration::from_millis(self.replica_max_lag_ms),
        })
    }
}

impl HttpArgs {
    /// Validates the HTTP settings.
    pub fn config(&self) -> Result<HttpConfig, ConfigError> {
        Ok(HttpConfig {
            cors_origins: parse_origins(&self.cors_origins)?,
            request_timeout: Duration::from_secs(self.request_timeout_secs),
            body_limit_bytes: usize::try_from(self.body_limit_bytes).map_err(|_| ConfigError {
                setting: "NEWSDESK_BODY_LIMIT_BYTES (--body-limit-bytes)",
                message: "too large for this machine".into(),
            })?,
            graphiql: self.graphiql,
            introspection: self.graphql_introspection,
            jwt_secret: match &self.jwt_secret {
                Some(secret) if secret.chars().count() >= 32 => Some(Secret::new(secret.clone())),
                Some(_) => {
                    return Err(ConfigError {
                        setting: "NEWSDESK_JWT_SECRET (--jwt-secret)",
                        message: "must be at least 32 characters".into(),
                    });
                }
                None => None,
            },
            access_token_ttl: Duration::from_secs(self.access_token_minutes * 60),
            public_reads: self.public_reads,
            auto_approve_comments: self.auto_approve_comments,
            comments_per_minute: self.comments_per_minute,
            cache: CacheConfig {
                capacity_bytes: self.cache_mb * 1024 * 1024,
                freshness: Freshness {
                    max_age: Duration::from_secs(self.cache_max_age_secs),
                    shared_max_age: Duration::from_secs(self.cache_shared_max_age_secs),
                    stale_while_revalidate: Duration::from_secs(self.cache_stale_secs),
                },
            },
            preview_ttl: Duration::from_secs(self.preview_minutes * 60),
            preview_url_template: match self.preview_url_template.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(template)
                    if template.contains("{token}")
                        && (template.starts_with("https://")
                            || template.starts_with("http://")) =>
                {
                    Some(template.to_owned())
                }
                Some(_) => {
                    return Err(ConfigError {
                        setting: "NEWSDESK_PREVIEW_URL_TEMPLATE (--preview-url-template)",
                        message: "must be an http(s) URL holding {token}".into(),
                    });
                }
            },
            revisions_kept: (self.revisions_kept > 0).then_some(self.revisions_kept),
            subscription_idle: Duration::from_secs(self.subscription_idle_secs),
            streams_per_client: self.streams_per_client as usize,
            outbound: self.outbound()?,
            fleet: self.fleet()?,
        })
    }

    fn fleet(&self) -> Result<FleetConfig, ConfigError> {
        let redis_url = match self.redis_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url)
                if (url.starts_with("redis://") || url.starts_with("redis+unix://"))
                    && redis::Client::open(url).is_ok() =>
            {
                Some(Secret::new(url))
            }
            Some(_) => {
                return Err(ConfigError {
                    setting: "NEWSDESK_REDIS_URL (--redis-url)",
                    message: "must be a redis:// URL".into(),
                });
            }
        };
        Ok(FleetConfig {
            redis_url,
            redis_failure: self.redis_failure,
            redis_prefix: self.redis_prefix.clone(),
            metrics_bind: self.metrics_bind,
        })
    }

    fn outbound(&self) -> Result<OutboundConfig, ConfigError> {
        let http_url = |raw: &str| raw.starts_with("http://") || raw.starts_with("https://");
        let public_url = match self.public_url.as_deref().map(str::trim) {
            None | Some("") => format!("http://{}", self.bind),
            Some(url) if http_url(url) => url.trim_end_matches('/').to_owned(),
            Some(_) => {
                return Err(ConfigError {
                    setting: "NEWSDESK_PUBLIC_URL (--public-url)",
                    message: "must be an http(s) URL".into(),
                });
            }
        };
        let purge_url = match self.purge_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) if http_url(url) => Some(url.to_owned()),
            Some(_) => {
                return Err(ConfigError {
                    setting: "NEWSDESK_PURGE_URL (--purge-url)",
                    message: "must be an http(s) URL, with {keys} where the keys go".into(),
                });
            }
        };
        let purge_header = match self.purge_header.as_deref() {
            None => None,
            Some(raw) => match raw.split_once(':') {
                Some((name, value))
                    if axum::http::HeaderName::from_bytes(name.trim().as_bytes()).is_ok()
                        && axum::http::HeaderValue::from_str(value.trim()).is_ok() =>
                {
                    Some((name.trim().to_owned(), Secret::new(value.trim())))
                }
                _ => {
                    return Err(ConfigError {
                        setting: "NEWSDESK_PURGE_HEADER (--purge-header)",
                        message: "must be `Name: value`".into(),
                    });
                }
            },
        };
        let smtp_url = match self.smtp_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url)
                if (url.starts_with("smtp://") || url.starts_with("smtps://"))
                    && lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url)
                        .is_ok() =>
            {
                Some(Secret::new(url))
            }
            Some(_) => {
                return Err(ConfigError {
                    setting: "NEWSDESK_SMTP_URL (--smtp-url)",
                    message: "must be an smtp:// or smtps:// URL".into(),
                });
            }
        };
        let site_url = match self.site_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) if http_url(url) => Some(url.trim_end_matches('/').to_owned()),
            Some(_) => {
                return Err(ConfigError {
                    setting: "NEWSDESK_SITE_URL (--site-url)",
                    message: "must be an http(s) URL".into(),
                });
            }
        };
        let language = self.site_language.trim();
        if language.is_empty()
            || !language
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(ConfigError {
                setting: "NEWSDESK_SITE_LANGUAGE (--site-language)",
                message: "must be a language tag such as en or pt-BR".into(),
            });
        }
        let site_logo_url = match self.site_logo_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) if http_url(url) => Some(url.to_owned()),
            Some(_) => {
                return Err(ConfigError {
                    setting: "NEWSDESK_SITE_LOGO_URL (--site-logo-url)",
                    message: "must be an http(s) URL".into(),
                });
            }
        };
        Ok(OutboundConfig {
            site_logo_url,
            site_url,
            site_name: self.site_name.trim().to_owned(),
            site_language: language.to_owned(),
            public_url,
            event_retention: Duration::from_secs(u64::from(self.event_retention_days) * 86_400),
            retry_schedule: parse_schedule(&self.webhook_retry_schedule).map_err(|message| {
                ConfigError {
                    setting: "NEWSDESK_WEBHOOK_RETRY_SCHEDULE (--webhook-retry-schedule)",
                    message,
                }
            })?,
            webhook_timeout: Duration::from_secs(self.webhook_timeout_secs),
            allow_private_targets: self.webhook_allow_private_targets,
            purge_url,
            purge_header,
            smtp_url,
            mail_from: match self.mail_from.trim().parse::<lettre::message::Mailbox>() {
                Ok(_) => self.mail_from.trim().to_owned(),
                Err(_) => {
                    return Err(ConfigError {
                        setting: "NEWSDESK_MAIL_FROM (--mail-from)",
                        message: "must be an address, as `News <news@example.com>`".into(),
                    });
                }
            },
        })
    }
}

/// `5s,5m,30m,2h` as waits; `ms` for milliseconds.
fn parse_schedule(raw: &str) -> Result<Vec<Duration>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|step| !step.is_empty())
        .map(|step| {
            let split = step
                .find(|c: char| !c.is_ascii_digit())
                .ok_or_else(|| format!("{step:?} has no unit (ms, s, m or h)"))?;
            let (number, unit) = step.split_at(split);
            let n: u64 = number
                .parse()
                .map_err(|_| format!("{step:?} does not start with a whole number"))?;
            let unit_ms = match unit {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => return Err(format!("{step:?}: the unit must be ms, s, m or h")),
            };
            Ok(Duration::from_millis(n.saturating_mul(unit_ms)))
        })
        .collect()
}

fn parse_origins(raw: &str) -> Result<CorsOrigins, ConfigError> {
    let raw = raw.trim();
    if raw == "*" {
        return Ok(CorsOrigins::Any);
    }
    let error = |message: String| ConfigError {
        setting: "NEWSDESK_CORS_ORIGINS (--cors-origins)",
        message,
    };
    let mut origins = Vec::new();
    for origin in raw.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        if !(origin.starts_with("http://") || origin.starts_with("https://"))
            || origin.ends_with('/')
        {
            return Err(error(format!(
                "{origin:?} is not an origin like https://example.com"
            )));
        }
        origins.push(
            axum::http::HeaderValue::from_str(origin)
                .map_err(|_| error(format!("{origin:?} is not a valid header value")))?,
        );
    }
    if origins.is_empty() {
        return Err(error("name at least one origin, or * for any".into()));
    }
    Ok(CorsOrigins::List(origins))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_command_line_s_own() {
        let defaults = HttpConfig::default();
        assert_eq!(defaults.request_timeout, Duration::from_secs(30));
        assert_eq!(
            defaults.cache.freshness.shared_max_age,
            Duration::from_secs(300)
        );
        assert!(defaults.public_reads && defaults.jwt_secret.is_none());
    }

    #[test]
    fn retry_schedules_read_units_and_refuse_the_rest() {
        assert_eq!(
            parse_schedule("250ms, 5s,5m,2h"),
            Ok(vec![
                Duration::from_millis(250),
                Duration::from_secs(5),
                Duration::from_secs(300),
                Duration::from_secs(7200)
            ])
        );
        assert!(parse_schedule("5").is_err());
        assert!(parse_schedule("5d").is_err());
        assert!(parse_schedule("x5s").is_err());
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("postgres://u:hunter2@h/db");
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn origins_are_any_or_a_list() {
        assert_eq!(parse_origins("*").unwrap(), CorsOrigins::Any);
        let CorsOrigins::List(list) =
            parse_origins("https://a.example, http://localhost:3000").unwrap()
        else {
            panic!("expected a list");
        };
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn a_bad_origin_names_the_setting() {
        let err = parse_origins("example.com").unwrap_err();
        assert!(err.to_string().starts_with("NEWSDESK_CORS_ORIGINS"));
    }

    #[test]
    fn an_unknown_database_scheme_names_the_setting() {
        let args = DatabaseArgs {
            database_url: "mysql://x".into(),
            db_max_connections: 4,
            database_replica_urls: None,
            replica_max_lag_ms: 2000,
        };
        let err = args.settings().unwrap_err();
        assert!(err.to_string().starts_with("NEWSDESK_DATABASE_URL"));
    }

    #[test]
    fn replica_urls_are_a_comma_separated_list_of_postgres_urls() {
        let args = DatabaseArgs {
            database_url: "postgres://primary/news".into(),
            db_max_connections: 4,
            database_replica_urls: Some(
                " postgres://replica-1/news, postgresql://replica-2/news ,".into(),
            ),
            replica_max_lag_ms: 500,
        };
        let replicas = args.replicas().unwrap();
        let urls: Vec<&str> = replicas.urls.iter().map(Secret::expose).collect();
        assert_eq!(
            urls,
            ["postgres://replica-1/news", "postgresql://replica-2/news"]
        );
        assert_eq!(replicas.max_lag, Duration::from_millis(500));
    }
}
