//! Running the server: bind, serve until SIGTERM or Ctrl-C, let in-flight
//! requests finish, and write the views still counted in memory.

use std::net::SocketAddr;
use std::time::Duration;

use axum::ServiceExt as _;
use axum::serve::ListenerExt;
use sea_orm::{DatabaseConnection, DbBackend};

use crate::app::{self, AppState};
use crate::config::HttpConfig;
use crate::domain::replicas::Replicas;

mod per_core;

/// Why serving stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("NEWSDESK_BIND (--bind): cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("NEWSDESK_METRICS_BIND (--metrics-bind): cannot listen on {addr}: {source}")]
    MetricsBind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Stopped(std::io::Error),
}

/// How often each read replica's lag is checked.
const REPLICA_CHECK: Duration = Duration::from_secs(1);

/// How often this node looks for deliveries due and articles whose time came.
const OUTBOX_POLL: Duration = Duration::from_millis(500);

/// How often events past their retention are forgotten.
const EVENT_PRUNE: Duration = Duration::from_secs(3600);

/// How often the query planner's statistics are brought up to date; the
/// first refresh runs at start-up.
const STATISTICS_REFRESH: Duration = Duration::from_secs(3600);

/// Serves the API on `bind` until a shutdown signal.
pub async fn run(
    db: DatabaseConnection,
    replicas: Option<Replicas>,
    bind: SocketAddr,
    http: HttpConfig,
    views_flush: Duration,
) -> Result<(), ServeError> {
    let backend = db.get_database_backend();
    let state = AppState::new(db, &http);
    let replica_checks = replicas.map(|replicas| {
        state.desk.use_replicas(replicas);
        let desk = state.desk.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(REPLICA_CHECK);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                desk.check_replicas().await;
            }
        })
    });
    let app = app::build(state.clone(), &http);
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|source| ServeError::Bind { addr: bind, source })?;
    let metrics = match http.fleet.metrics_bind {
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|source| ServeError::MetricsBind { addr, source })?;
            tracing::info!(%addr, "metrics are served on http://{addr}/metrics");
            let router = crate::rest::metrics::private_router(state.desk.clone());
            Some(tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, router).await {
                    tracing::error!(error = %e, "the metrics address stopped serving");
                }
            }))
        }
        None => None,
    };
    // The address it got: for a port of 0 the system chose one.
    let serving = listener.local_addr().unwrap_or(bind);
    tracing::info!(bind = %serving, "newsdesk is serving on http://{serving}");
    warn_if_limits_are_per_node(&state).await;

    let flusher = {
        let state = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(views_flush);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = state.flush_views().await {
                    tracing::warn!(error = %e, "writing view counts failed; keeping them for the next try");
                }
                if let Err(e) = state.desk.flush_token_usage().await {
                    tracing::warn!(error = %e, "writing token use failed; keeping it for the next try");
                }
            }
        })
    };
    let planner = {
        let desk = state.desk.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(STATISTICS_REFRESH);
            loop {
                tick.tick().await;
                if let Err(e) = desk.refresh_statistics().await {
                    tracing::warn!(error = %e, "refreshing planner statistics failed");
                }
            }
        })
    };
    let follower = state.follow_changes();
    let metrics_upkeep = crate::http::metrics::keep_up();

    // What the outside is owed: scheduled articles announced when their
    // time comes, webhooks and purges sent, old events forgotten. Every node
    // runs it; the database decides who does each piece once.
    let outbox = {
        let desk = state.desk.clone();
        let sender = state.desk.delivery_sender();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(OUTBOX_POLL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut last_prune = tokio::time::Instant::now();
            loop {
                tick.tick().await;
                if let Err(e) = desk.announce_due_publications().await {
                    tracing::warn!(error = %e, "announcing scheduled articles failed; retrying");
                }
                loop {
                    match desk.deliver_due(&sender).await {
                        Ok(0) => break,
                        Ok(_) => continue,
                        Err(e) => {
                            tracing::warn!(error = %e, "sending webhooks failed; retrying");
                            break;
                        }
                    }
                }
                if last_prune.elapsed() >= EVENT_PRUNE {
                    last_prune = tokio::time::Instant::now();
                    if let Err(e) = desk.prune_events().await {
                        tracing::warn!(error = %e, "forgetting old events failed");
                    }
                }
            }
        })
    };

    // SQLite is read on the request's own thread, so each core's runtime
    // serves its connections alone. PostgreSQL's connections are driven by
    // the runtime that opened them: on runtimes per core, requests on one
    // core waited for the other to drive theirs, and served up to a quarter
    // fewer (BENCHMARKS.md), so PostgreSQL keeps one work-stealing runtime.
    let served = if backend == DbBackend::Sqlite {
        per_core::serve(listener, app, shutdown_signal()).await
    } else {
        let listener = listener.tap_io(|tcp| without_delay(tcp));
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    };
    flusher.abort();
    outbox.abort();
    follower.abort();
    if let Some(upkeep) = metrics_upkeep {
        upkeep.abort();
    }
    if let Some(checks) = replica_checks {
        checks.abort();
    }
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    planner.abort();
    if let Err(e) = state.flush_views().await {
        tracing::error!(error = %e, pending = state.desk.pending_views(), "views counted since the last flush were not written");
    }
    if let Err(e) = state.desk.flush_token_usage().await {
        tracing::error!(error = %e, "token use counted since the last flush was not written");
    }
    tracing::info!("newsdesk stopped");
    served.map_err(ServeError::Stopped)
}

/// Responses leave in one write; Nagle's delay would only hold them back.
fn without_delay(tcp: &tokio::net::TcpStream) {
    if let Err(e) = tcp.set_nodelay(true) {
        tracing::debug!(error = %e, "TCP_NODELAY could not be set");
    }
}

/// Several nodes without a shared store each let a token have its whole
/// rate: say so once, at start-up, where the operator looks.
async fn warn_if_limits_are_per_node(state: &AppState) {
    if state.desk.limits_are_shared() {
        return;
    }
    match state.desk.other_nodes().await {
        Ok(0) => {}
        Ok(others) => tracing::warn!(
            others,
            "other Newsdesk nodes serve this database, but NEWSDESK_REDIS_URL is not set: rate limits, failed-login counts and persisted queries are per node"
        ),
        Err(e) => tracing::debug!(error = %e, "could not look for other nodes"),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
