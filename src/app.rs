//! The application: shared state and the one router that `main` serves and
//! the tests drive.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Method, header};
use sea_orm::DatabaseConnection;
use tower_http::cors::{AllowOrigin, CorsLayer};

use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::SizeAbove;

use crate::auth::{self, Auth, jwt::JwtKeys};
use crate::cache::ResponseCache;
use crate::cache::http::{HttpCaching, http_caching};
use crate::config::{CorsOrigins, HttpConfig};
use crate::domain::actor::ReadPolicy;
use crate::domain::comments::CommentPolicy;
use crate::domain::views::ViewCounter;
use crate::graphql::persisted::PersistedQueries;
use crate::graphql::{self, NewsdeskSchema};
use crate::rest::problem;
use crate::{middleware, rest};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub views: Arc<ViewCounter>,
    pub graphql: NewsdeskSchema,
    /// Whether `GET /graphql` from a browser shows GraphiQL.
    pub graphiql: bool,
    pub auth: Arc<Auth>,
    /// What the comment rules allow; see `domain::comments`.
    pub comment_policy: CommentPolicy,
    pub cache: Arc<ResponseCache>,
    pub persisted_queries: Arc<PersistedQueries>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, http: &HttpConfig) -> Self {
        AppState {
            db,
            views: Arc::new(ViewCounter::default()),
            graphql: graphql::schema(http.introspection),
            graphiql: http.graphiql,
            auth: Arc::new(Auth::new(
                JwtKeys::new(&http.jwt_secret, http.access_token_ttl),
                ReadPolicy {
                    public_reads: http.public_reads,
                },
            )),
            comment_policy: CommentPolicy {
                auto_approve: http.auto_approve_comments,
                per_minute: http.comments_per_minute,
            },
            cache: Arc::new(ResponseCache::new(http.cache)),
            persisted_queries: Arc::new(PersistedQueries::default()),
        }
    }

    /// Writes the views counted in memory, then retires the responses that
    /// rank by them. Nothing is retired when no view was counted, so an idle site's
    /// cached pages are not all rebuilt at once every flush.
    pub async fn flush_views(&self) -> crate::error::Result<()> {
        if self.views.pending() == 0 {
            return Ok(());
        }
        self.views.flush(&self.db).await?;
        self.cache.views_flushed();
        Ok(())
    }
}

/// Smaller bodies gain less from compression than it costs.
const COMPRESS_ABOVE_BYTES: u64 = 1024;

/// Builds the complete router with its middleware.
pub fn build(state: AppState, http: &HttpConfig) -> Router {
    Router::new()
        .merge(rest::router().into_router())
        .merge(graphql::http::router())
        .fallback(problem::no_route)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate_request,
        ))
        .layer(axum::middleware::from_fn_with_state(
            HttpCaching::new(
                state.cache.clone(),
                state.db.clone(),
                graphql::http::PATH,
                http.body_limit_bytes,
            ),
            http_caching,
        ))
        .layer(DefaultBodyLimit::max(http.body_limit_bytes))
        .layer(CompressionLayer::new().compress_when(SizeAbove::new(COMPRESS_ABOVE_BYTES)))
        .layer(cors(&http.cors_origins))
        .layer(axum::middleware::from_fn_with_state(
            middleware::RequestLimits {
                timeout: http.request_timeout,
                body_bytes: http.body_limit_bytes,
            },
            middleware::request_context,
        ))
        .with_state(state)
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
            HeaderName::from_static(middleware::REQUEST_ID_HEADER),
        ])
        .max_age(std::time::Duration::from_secs(600))
}
