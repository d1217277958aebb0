//! RFC 9457 problem details: the only way an error leaves the REST face.

use axum::Json;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::{Error, FieldError};
use crate::middleware::current_request_id;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error as a client sees it.
#[derive(Debug, Clone)]
pub struct Problem {
    status: StatusCode,
    code: &'static str,
    title: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    /// Extra headers the status calls for (WWW-Authenticate, Retry-After).
    headers: Vec<(HeaderName, HeaderValue)>,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
}

impl Problem {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Problem {
            status,
            code,
            title,
            detail: detail.into(),
            errors: Vec::new(),
            headers: Vec::new(),
        }
    }

    fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// No route has this path.
    pub fn no_route() -> Self {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Not Found",
            "no resource lives at this path",
        )
    }

    /// The path exists, but not for this method.
    pub fn method_not_allowed() -> Self {
        Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "Method Not Allowed",
            "this path does not answer this method; see the Allow header",
        )
    }

    /// The request ran past the configured time limit.
    pub fn timed_out() -> Self {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "Service Unavailable",
            "the request took longer than the server allows; try again",
        )
    }

    /// The declared body is larger than the server accepts.
    pub fn payload_too_large(limit: usize) -> Self {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "Content Too Large",
            format!("request bodies may be at most {limit} bytes"),
        )
    }

    /// The request itself could not be read (query string, body, headers).
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_input",
            "Bad Request",
            detail,
        )
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<Error> for Problem {
    fn from(error: Error) -> Self {
        let code = error.code();
        match error {
            Error::NotFound(resource) => Problem::new(
                StatusCode::NOT_FOUND,
                code,
                "Not Found",
                format!("no published {resource} has this slug"),
            ),
            Error::InvalidInput(errors) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                Problem {
                    detail: format!("invalid {}", fields.join(", ")),
                    errors,
                    ..Problem::new(StatusCode::BAD_REQUEST, code, "Bad Request", "")
                }
            }
            Error::Unauthenticated(reason) => {
                Problem::new(StatusCode::UNAUTHORIZED, code, "Unauthorized", reason).with_header(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"newsdesk\""),
                )
            }
            Error::Forbidden(scope) => Problem::new(
                StatusCode::FORBIDDEN,
                code,
                "Forbidden",
                format!("these credentials do not allow this (it needs {scope})"),
            ),
            Error::StaleVersion { current } => Problem::new(
                StatusCode::PRECONDITION_FAILED,
                code,
                "Precondition Failed",
                format!(
                    "the article changed since it was read (now version {current}); read it again and reapply the change"
                ),
            ),
            Error::Conflict(reason) => Problem::new(StatusCode::CONFLICT, code, "Conflict", reason),
            Error::VersionRequired => Problem::new(
                StatusCode::PRECONDITION_REQUIRED,
                code,
                "Precondition Required",
                "send If-Match with the ETag of the version you read",
            ),
            Error::RateLimited { retry_after_secs } => {
                let retry = HeaderValue::from(retry_after_secs);
                Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    code,
                    "Too Many Requests",
                    format!("slow down; try again in {retry_after_secs} s"),
                )
                .with_header(header::RETRY_AFTER, retry)
            }
            Error::Database(cause) => {
                tracing::error!(error = %cause, "database error");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    code,
                    "Internal Server Error",
                    "the server failed to answer; the error is logged under this request id",
                )
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = Body {
            kind: format!(
                "https://newsdesk.dev/problems/{}",
                self.code.replace('_', "-")
            ),
            title: self.title,
            status: self.status.as_u16(),
            detail: &self.detail,
            code: self.code,
            request_id: current_request_id(),
            errors: &self.errors,
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        Problem::from(self).into_response()
    }
}

/// The answer for paths no route matches.
pub async fn no_route() -> Problem {
    Problem::no_route()
}

/// The answer for a known path asked with the wrong method.
pub async fn method_not_allowed() -> Problem {
    Problem::method_not_allowed()
}
