//! What wraps every request: a request id (echoed as `x-request-id`), a
//! tracing span carrying it, an access log line, the time limit, and the one
//! place internal errors are logged.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::http::problem::Problem;

/// The header that carries the request id both ways.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// What the request being served carries through its task.
struct RequestContext {
    id: String,
    /// Causes of internal errors met while answering, logged once at the end.
    internal_errors: Mutex<Vec<String>>,
}

tokio::task_local! {
    static CONTEXT: RequestContext;
}

/// The id of the request being served, for error bodies and logs.
pub fn current_request_id() -> Option<String> {
    CONTEXT.try_with(|context| context.id.clone()).ok()
}

/// Notes the cause of an internal error, which a client never sees; it is
/// logged with the request id when the request is answered. Outside a
/// request (a background task) it is logged at once.
pub fn note_internal_error(cause: &str) {
    let noted = CONTEXT.try_with(|context| {
        context
            .internal_errors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(cause.to_owned());
    });
    if noted.is_err() {
        tracing::error!(cause, "internal error");
    }
}

/// Keeps a caller's id when it is a sane token (so ids can follow a request
/// across services) and makes one otherwise.
pub fn request_id(given: Option<&HeaderValue>) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    // Asked once: it is a system call.
    static PID: OnceLock<u32> = OnceLock::new();
    let given = given
        .and_then(|v| v.to_str().ok())
        .filter(|v| (1..=128).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_graphic()));
    match given {
        Some(id) => id.to_owned(),
        None => {
            let boot = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default();
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let pid = PID.get_or_init(std::process::id);
            format!("{boot:x}-{pid:x}-{n:08x}")
        }
    }
}

/// The limits every request is held to.
#[derive(Clone, Copy, Debug)]
pub struct RequestLimits {
    pub timeout: Duration,
    pub body_bytes: usize,
}

/// A declared body over the limit is refused before anything reads it; bodies
/// without a length are capped where they are read (`DefaultBodyLimit`).
fn declared_too_large(request: &Request, limit: usize) -> bool {
    request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|length| length > limit as u64)
}

/// Serves one request inside its id, span and limits.
pub async fn request_context(
    State(limits): State<RequestLimits>,
    request: Request,
    next: Next,
) -> Response {
    let id = request_id(request.headers().get(REQUEST_ID_HEADER));
    let span = request_span(&id, request.method(), request.uri().path());
    #[cfg(feature = "otel")]
    {
        // The trace's id beside the request's, so a log line leads to its trace.
        use opentelemetry::trace::TraceContextExt;
        use tracing_opentelemetry::OpenTelemetrySpanExt;
        let trace_id = span.context().span().span_context().trace_id();
        if trace_id != opentelemetry::trace::TraceId::INVALID {
            span.record("trace_id", tracing::field::display(trace_id));
        }
    }
    let started = Instant::now();
    let context = RequestContext {
        id: id.clone(),
        internal_errors: Mutex::new(Vec::new()),
    };
    let (mut response, internal_errors) = CONTEXT
        .scope(context, async move {
            if declared_too_large(&request, limits.body_bytes) {
                return (
                    Problem::payload_too_large(limits.body_bytes).into_response(),
                    Vec::new(),
                );
            }
            let response = match tokio::time::timeout(limits.timeout, next.run(request)).await {
                Ok(response) => response,
                Err(_) => Problem::timed_out().into_response(),
            };
            let internal_errors = CONTEXT.with(|context| {
                std::mem::take(
                    &mut *context
                        .internal_errors
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner),
                )
            });
            (response, internal_errors)
        })
        .instrument(span.clone())
        .await;
    span.in_scope(|| {
        for cause in &internal_errors {
            tracing::error!(cause = %cause, "internal error");
        }
    });
    log_answered(&span, response.status(), started);
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// The span a request is served and logged in.
pub fn request_span(id: &str, method: &Method, path: &str) -> tracing::Span {
    tracing::info_span!(
        "request",
        id = %id,
        method = %method,
        path = %path,
        trace_id = tracing::field::Empty,
    )
}

/// The access log's line for a request.
pub fn log_answered(span: &tracing::Span, status: StatusCode, started: Instant) {
    span.in_scope(|| {
        tracing::info!(
            status = status.as_u16(),
            micros = started.elapsed().as_micros() as u64,
            "answered"
        );
    });
}
