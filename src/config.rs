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
        })
    }
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
        };
        let err = args.settings().unwrap_err();
        assert!(err.to_string().starts_with("NEWSDESK_DATABASE_URL"));
    }
}
