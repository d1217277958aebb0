//! The application: shared state and the one service that `main` serves and
//! the tests drive.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Method, header};
use sea_orm::DatabaseConnection;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::auth::{self, Auth, jwt::JwtKeys};
use crate::config::{CorsOrigins, FleetConfig, HttpConfig, Secret};
use crate::crypto::token::SecretToken;
use crate::db::redis::SharedStore;
use crate::domain::comments::CommentPolicy;
use crate::domain::rate_limit::SharedLimits;
use crate::domain::revisions::Retention;
use crate::domain::time::{Clock, SystemClock};
use crate::domain::{self, Newsdesk};
use crate::graphql::{self, GraphqlState};
use crate::http::cache::ResponseCache;
use crate::http::cache::front::CacheFront;
use crate::http::cache::middleware::{HttpCaching, http_caching};
use crate::http::metrics::{self, RequestMetrics};
use crate::http::{problem, request};
use crate::rest::{self, RestState};

/// How often a SQLite node reads the change feed for other nodes' writes.
const CHANGE_POLL: std::time::Duration = std::time::Duration::from_millis(100);
/// How often a PostgreSQL node reads it without being woken.
const CHANGE_FALLBACK: std::time::Duration = std::time::Duration::from_secs(1);

/// The parts of a running Newsdesk, built once from its settings.
#[derive(Clone)]
pub struct AppState {
    pub desk: Newsdesk,
    pub auth: Arc<Auth>,
    pub cache: Arc<ResponseCache>,
    pub graphql: GraphqlState,
}

impl AppState {
    /// Builds each part's settings from the configuration. `db` is handed
    /// to the domain, which alone uses it.
    pub fn new(db: DatabaseConnection, http: &HttpConfig) -> Self {
        Self::with_clock(db, http, Arc::new(SystemClock))
    }

    /// The same, reading the time from `clock`.
    pub fn with_clock(db: DatabaseConnection, http: &HttpConfig, clock: Arc<dyn Clock>) -> Self {
        // Without a configured secret, logins, sync tokens and newsletter
        // links last as long as this process.
        let jwt_secret = http.jwt_secret.clone().unwrap_or_else(|| {
            tracing::warn!(
                "NEWSDESK_JWT_SECRET is not set: editor logins, sync tokens and newsletter links will not survive a restart"
            );
            Secret::new(SecretToken::generate("jwt_").expose())
        });
        let desk = Newsdesk::new(db, domain_settings(http, clock, &jwt_secret));
        let auth = Arc::new(Auth::new(
            desk.clone(),
            JwtKeys::new(&jwt_secret, http.access_token_ttl),
        ));
        AppState {
            cache: Arc::new(ResponseCache::new(http.cache)),
            graphql: GraphqlState::new(
                desk.clone(),
                auth.clone(),
                graphql::streaming::StreamLimits {
                    per_client: http.streams_per_client,
                    idle: http.subscription_idle,
                },
                http.introspection,
                http.graphiql,
            ),
            auth,
            desk,
        }
    }

    /// Keeps this node's response cache true to writes served by other
    /// nodes: woken by each commit on PostgreSQL (`LISTEN`), with a read of
    /// the change feed every [`CHANGE_FALLBACK`] in case a wake-up is lost;
    /// on SQLite, whose nodes share one machine, every [`CHANGE_POLL`].
    pub fn follow_changes(&self) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        tokio::spawn(async move {
            let mut signal = state.desk.change_signal(CHANGE_POLL, CHANGE_FALLBACK).await;
            loop {
                signal.wait().await;
                if let Err(e) = state.cache.catch_up(&state.desk).await {
                    tracing::warn!(error = %e, "reading the change feed failed; retrying");
                }
            }
        })
    }

    /// Writes the views counted in memory, then retires the responses that
    /// rank by them. Nothing is retired when no view was counted, so an idle site's
    /// cached pages are not all rebuilt at once every flush.
    pub async fn flush_views(&self) -> crate::error::Result<()> {
        if self.desk.flush_views().await? {
            self.cache.views_flushed();
        }
        Ok(())
    }
}

/// The domain's settings, from the configuration.
pub fn domain_settings(
    http: &HttpConfig,
    clock: Arc<dyn Clock>,
    server_secret: &Secret,
) -> domain::Settings {
    let out = &http.outbound;
    domain::Settings {
        public_reads: http.public_reads,
        comments: CommentPolicy {
            auto_approve: http.auto_approve_comments,
            per_minute: http.comments_per_minute,
        },
        clock,
        workflow: domain::Workflow {
            revisions: http
                .revisions_kept
                .map_or(Retention::All, Retention::Newest),
            preview_ttl: http.preview_ttl,
            preview_url_template: http.preview_url_template.clone(),
        },
        outbound: domain::Outbound {
            public_url: out.public_url.clone(),
            event_retention: chrono::Duration::from_std(out.event_retention)
                .unwrap_or(chrono::Duration::days(30)),
            webhooks: domain::WebhookPolicy {
                retry_schedule: out.retry_schedule.clone(),
                timeout: out.webhook_timeout,
                allow_private_targets: out.allow_private_targets,
            },
            purge: out
                .purge_url
                .clone()
                .map(|url_template| domain::PurgeTarget {
                    url_template,
                    header: out.purge_header.clone(),
                }),
            mail: domain::MailSettings {
                smtp_url: out.smtp_url.clone(),
                from: out.mail_from.clone(),
            },
            signing_secret: server_secret.expose().as_bytes().to_vec(),
            site: domain::site::Site {
                url: out.site_url.clone(),
                api_url: out.public_url.clone(),
                name: out.site_name.clone(),
                language: out.site_language.clone(),
                logo_url: out.site_logo_url.clone(),
            },
        },
        shared: shared_limits(&http.fleet),
    }
}

/// The fleet's shared store, when one is configured.
fn shared_limits(fleet: &FleetConfig) -> Option<SharedLimits> {
    let url = fleet.redis_url.as_ref()?;
    match SharedStore::new(url, &fleet.redis_prefix) {
        Ok(store) => Some(SharedLimits {
            store: Arc::new(store),
            on_failure: fleet.redis_failure,
        }),
        // The URL was checked when the settings were read.
        Err(e) => {
            tracing::error!(error = %e, "NEWSDESK_REDIS_URL cannot be used; limits are per node");
            None
        }
    }
}

/// Smaller bodies gain less from compression than it costs.
const COMPRESS_ABOVE_BYTES: u64 = 1024;

/// The application as one service: the response cache's front door, which
/// answers what the store holds and hands everything else to the router
/// with its middleware. Nothing stands before it, so a hit pays for no
/// routing.
pub type App = CacheFront;

/// Builds the complete application.
pub fn build(state: AppState, http: &HttpConfig) -> App {
    let rest = RestState {
        desk: state.desk.clone(),
        auth: state.auth.clone(),
    };
    let routes = rest::router();
    let request_metrics = RequestMetrics::new(
        routes
            .operations()
            .iter()
            .map(|operation| operation.path)
            .chain([graphql::http::PATH]),
    );
    let stack = Router::new()
        .merge(routes.into_router().with_state(rest))
        .merge(graphql::http::router().with_state(state.graphql.clone()))
        .fallback(problem::no_route)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.auth.clone(),
            auth::authenticate_request,
        ))
        .layer(axum::middleware::from_fn_with_state(
            HttpCaching::new(
                state.cache.clone(),
                state.desk.clone(),
                graphql::http::PATH,
                http.body_limit_bytes,
            ),
            http_caching,
        ))
        .layer(DefaultBodyLimit::max(http.body_limit_bytes))
        .layer(
            // An event stream is written as events happen; compressing it
            // would hold them back until the encoder's buffer fills.
            CompressionLayer::new().compress_when(
                SizeAbove::new(COMPRESS_ABOVE_BYTES)
                    .and(NotForContentType::const_new("text/event-stream")),
            ),
        )
        .layer(cors(&http.cors_origins))
        .layer(axum::middleware::from_fn_with_state(
            request_metrics.clone(),
            metrics::track,
        ))
        .layer(axum::middleware::from_fn_with_state(
            request::RequestLimits {
                timeout: http.request_timeout,
                body_bytes: http.body_limit_bytes,
            },
            request::request_context,
        ));
    CacheFront::new(
        stack,
        state.cache.clone(),
        state.desk.clone(),
        graphql::http::PATH,
        http.body_limit_bytes,
        request_metrics,
    )
}

fn cors(origins: &CorsOrigins) -> CorsLayer {
    let allow_origin = match origins {
        CorsOrigins::Any => AllowOrigin::any(),
        CorsOrigins::List(list) => AllowOrigin::list(list.clone()),
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::HEAD, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::IF_NONE_MATCH,
            header::IF_MATCH,
        ])
        .expose_headers([
            header::ETAG,
            HeaderName::from_static(request::REQUEST_ID_HEADER),
        ])
        .max_age(std::time::Duration::from_secs(600))
}
