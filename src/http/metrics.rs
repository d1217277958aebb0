//! Prometheus metrics. Counters and histograms are recorded where things
//! happen (requests here, statements in the pool, the cache, deliveries,
//! rate limits, view flushes) through the `metrics` facade; what is a level
//! rather than a count (the pool, the delivery queue, subscriptions) is
//! read when `/metrics` is scraped. Requests are labelled by route template,
//! never by raw path, and by a method the HTTP specifications name, never by
//! whatever token a client sends, so a crawler cannot grow the series
//! without bound.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::domain::operations::Operations;

/// Seconds: from a cache hit (tens of µs) to a slow search.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];
/// Statements one request ran; views one flush wrote.
const COUNT_BUCKETS: [f64; 12] = [
    0.0, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 50.0, 100.0, 1000.0, 10000.0,
];

/// The process's one recorder: installed by the first app built, shared by
/// every app of the process (tests build many).
fn recorder() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full("newsdesk_db_statements_per_request".into()),
                        &COUNT_BUCKETS,
                    )
                })
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full("newsdesk_view_flush_views".into()),
                        &COUNT_BUCKETS,
                    )
                })
                .map_err(|e| e.to_string())
                .and_then(|b| b.install_recorder().map_err(|e| e.to_string()));
            match installed {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(e) => {
                    tracing::error!(error = %e, "metrics are off: the recorder could not be installed");
                    None
                }
            }
        })
        .as_ref()
}

/// Says what each family means, and makes the counters that may stay at
/// zero for a while exist from the start, so dashboards and alerts find
/// every series before its first event.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "newsdesk_http_requests_total",
        "Requests answered, by route template, method and status."
    );
    describe_histogram!(
        "newsdesk_http_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to answer, by route template and method."
    );
    describe_histogram!(
        "newsdesk_db_statements_per_request",
        "SQL statements one request ran, by route template."
    );
    describe_histogram!(
        "newsdesk_db_statement_duration_seconds",
        metrics::Unit::Seconds,
        "Time of each SQL statement."
    );
    describe_counter!(
        "newsdesk_db_statement_failures_total",
        "SQL statements that returned an error."
    );
    describe_counter!(
        "newsdesk_db_pool_acquire_failures_total",
        "Requests that found no free database connection within the pool's wait."
    );
    describe_gauge!(
        "newsdesk_db_pool_connections",
        "Database connections open, in use or idle."
    );
    describe_gauge!(
        "newsdesk_db_pool_max_connections",
        "The pool's largest size."
    );
    describe_counter!(
        "newsdesk_response_cache_hits_total",
        "Public responses served from this node's cache."
    );
    describe_counter!(
        "newsdesk_response_cache_hit_bytes_total",
        metrics::Unit::Bytes,
        "Body bytes served from this node's cache."
    );
    describe_counter!(
        "newsdesk_response_cache_misses_total",
        "Public reads the cache could not answer."
    );
    describe_counter!(
        "newsdesk_response_cache_evictions_total",
        "Cached responses removed: for room (size), age (expired) or a write (retired)."
    );
    describe_gauge!(
        "newsdesk_response_cache_bytes",
        metrics::Unit::Bytes,
        "Bytes the cache holds."
    );
    describe_gauge!(
        "newsdesk_response_cache_entries",
        "Responses the cache holds."
    );
    describe_counter!(
        "newsdesk_rate_limit_rejections_total",
        "Requests refused by a rate limit, or while its shared store was away (closed)."
    );
    describe_histogram!(
        "newsdesk_view_flush_views",
        "Article views one flush wrote."
    );
    describe_histogram!(
        "newsdesk_view_flush_duration_seconds",
        metrics::Unit::Seconds,
        "Time of one flush of counted views."
    );
    describe_gauge!(
        "newsdesk_views_pending",
        "Article views counted in memory, not yet written."
    );
    describe_gauge!(
        "newsdesk_deliveries_waiting",
        "Webhook, purge and mail deliveries not yet sent or waiting to retry (the fleet's queue)."
    );
    describe_counter!(
        "newsdesk_delivery_attempts_total",
        "Delivery attempts by target and outcome."
    );
    describe_gauge!(
        "newsdesk_subscriptions_open",
        "GraphQL subscriptions and event streams this node serves."
    );

    for counter in [
        "newsdesk_db_statement_failures_total",
        "newsdesk_db_pool_acquire_failures_total",
        "newsdesk_response_cache_hits_total",
        "newsdesk_response_cache_hit_bytes_total",
        "newsdesk_response_cache_misses_total",
    ] {
        metrics::counter!(counter).increment(0);
    }
    for cause in ["size", "expired", "retired"] {
        metrics::counter!("newsdesk_response_cache_evictions_total", "cause" => cause).increment(0);
    }
    for limit in ["token", "login", "comment"] {
        for reason in ["limit", "shared_store_unreachable"] {
            metrics::counter!("newsdesk_rate_limit_rejections_total", "limit" => limit, "reason" => reason)
                .increment(0);
        }
    }
    for target in ["webhook", "purge", "mail"] {
        for outcome in ["delivered", "will_retry", "gave_up"] {
            metrics::counter!("newsdesk_delivery_attempts_total", "target" => target, "outcome" => outcome)
                .increment(0);
        }
    }
}

/// How often recorded histogram samples are folded into their buckets.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Folds the samples histograms recorded since the last call into their
/// buckets, every [`UPKEEP_EVERY`], until the process ends. Without it the
/// exporter keeps every sample until a scrape, and a node nobody scrapes
/// grows by each request's samples (seen in the fleet soak: 230 kB/s).
pub fn keep_up() -> Option<tokio::task::JoinHandle<()>> {
    let handle = recorder()?;
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(UPKEEP_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            handle.run_upkeep();
        }
    }))
}

/// What requests are counted by: the router's path templates.
pub struct RequestMetrics {
    routes: matchit::Router<&'static str>,
    /// The series of each kind of request answered so far. Asking the
    /// registry for a series formats and hashes its labels, which cost every
    /// request three lookups and four allocations; the kinds are bounded by
    /// routes × methods × statuses.
    seen: RwLock<HashMap<SeriesKey, RequestSeries>>,
}

/// A kind of request: its route's label, its method's, its status.
type SeriesKey = (&'static str, &'static str, u16);

/// The label of a request that matched no route.
const UNMATCHED: &str = "unmatched";

impl RequestMetrics {
    /// Counts requests by the templates in `paths` (`/api/v1/articles/{slug}`).
    pub fn new(paths: impl IntoIterator<Item = &'static str>) -> Arc<Self> {
        recorder();
        let mut routes = matchit::Router::new();
        let mut seen = HashSet::new();
        for path in paths {
            if seen.insert(path)
                && let Err(e) = routes.insert(path, label_of(path))
            {
                tracing::warn!(path, error = %e, "a route is counted as unmatched");
            }
        }
        Arc::new(RequestMetrics {
            routes,
            seen: RwLock::default(),
        })
    }

    fn template(&self, path: &str) -> &'static str {
        self.routes.at(path).map_or(UNMATCHED, |found| *found.value)
    }

    /// The series a request to `path` with `method` answered `status` is
    /// counted in, for callers that keep it (the cache's front door).
    pub fn series(&self, path: &str, method: &Method, status: u16) -> RequestSeries {
        let key = (self.template(path), method_label(method), status);
        self.with_series(key, RequestSeries::clone)
    }

    /// Runs `f` on the series of `key`, registering it the first time.
    fn with_series<T>(&self, key: SeriesKey, f: impl FnOnce(&RequestSeries) -> T) -> T {
        if let Some(series) = self
            .seen
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return f(series);
        }
        let mut seen = self.seen.write().unwrap_or_else(PoisonError::into_inner);
        f(seen
            .entry(key)
            .or_insert_with(|| RequestSeries::registered(key)))
    }
}

/// A method's label: the methods of RFC 9110 and PATCH by name, any other
/// token a client sends as `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::CONNECT => "CONNECT",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

/// The series one kind of request is counted in; see [`RequestMetrics::series`].
#[derive(Clone, Debug)]
pub struct RequestSeries {
    requests: metrics::Counter,
    duration: metrics::Histogram,
    statements: metrics::Histogram,
}

impl RequestSeries {
    fn registered((route, method, status): SeriesKey) -> RequestSeries {
        RequestSeries {
            requests: metrics::counter!("newsdesk_http_requests_total", "route" => route, "method" => method, "status" => status.to_string()),
            duration: metrics::histogram!("newsdesk_http_request_duration_seconds", "route" => route, "method" => method),
            statements: metrics::histogram!("newsdesk_db_statements_per_request", "route" => route),
        }
    }

    /// Counts one request answered without a statement.
    pub fn record(&self, started: Instant) {
        self.record_with(started, 0);
    }

    fn record_with(&self, started: Instant, statements: u32) {
        self.requests.increment(1);
        self.duration.record(started.elapsed().as_secs_f64());
        self.statements.record(f64::from(statements));
    }
}

/// A template as a label: `/articles/{slug}` → `/articles/:slug`, since
/// braces inside label values trip up some Prometheus text parsers.
/// Made once per template for the whole process, so the labels can be
/// `'static` and cost no allocation per request.
fn label_of(template: &'static str) -> &'static str {
    static LABELS: OnceLock<Mutex<HashMap<&'static str, &'static str>>> = OnceLock::new();
    let mut labels = LABELS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    labels.entry(template).or_insert_with(|| {
        let label = template.replace('{', ":").replace('}', "");
        Box::leak(label.into_boxed_str())
    })
}

/// Middleware: counts and times every request, and the statements it ran.
/// Outside the response cache, so hits are counted too.
pub async fn track(
    State(metrics): State<Arc<RequestMetrics>>,
    request: Request,
    next: Next,
) -> Response {
    let route = metrics.template(request.uri().path());
    let method = method_label(request.method());
    let started = Instant::now();
    let (response, statements) = crate::db::statements::counted(next.run(request)).await;
    let key = (route, method, response.status().as_u16());
    metrics.with_series(key, |series| series.record_with(started, statements));
    response
}

/// The Prometheus text exposition of everything recorded, with the levels
/// read now.
pub fn render(now: &Operations) -> String {
    let Some(handle) = recorder() else {
        return String::new();
    };
    metrics::gauge!("newsdesk_db_pool_connections", "state" => "in_use")
        .set(f64::from(now.pool.open.saturating_sub(now.pool.idle)));
    metrics::gauge!("newsdesk_db_pool_connections", "state" => "idle")
        .set(f64::from(now.pool.idle));
    metrics::gauge!("newsdesk_db_pool_max_connections").set(f64::from(now.pool.max));
    for target in ["webhook", "purge", "mail"] {
        let waiting = now
            .deliveries_waiting
            .iter()
            .find(|(t, _)| t == target)
            .map_or(0, |(_, n)| *n);
        metrics::gauge!("newsdesk_deliveries_waiting", "target" => target).set(waiting as f64);
    }
    metrics::gauge!("newsdesk_subscriptions_open").set(now.subscribers as f64);
    metrics::gauge!("newsdesk_views_pending").set(now.views_pending as f64);
    handle.run_upkeep();
    handle.render()
}
