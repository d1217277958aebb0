//! RFC 9457 problem details: the only way an error leaves the REST face.

use axum::Json;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::{Error, FieldError};
use crate::http::request::{current_request_id, note_internal_error};

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

    /// The database does not answer: this node should get no traffic yet.
    pub fn not_ready() -> Self {
        Problem {
            headers: headers_of(&Error::Unavailable),
            ..Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_ready",
                "Service Unavailable",
                "the database does not answer",
            )
        }
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

/// The HTTP status of a domain error: the one place that decides it, for
/// REST problems and for GraphQL requests refused before they run.
pub fn status_of(error: &Error) -> StatusCode {
    match error {
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::InvalidInput(_) => StatusCode::BAD_REQUEST,
        Error::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::StaleVersion { .. } => StatusCode::PRECONDITION_FAILED,
        Error::Conflict(_) | Error::Taken(_) => StatusCode::CONFLICT,
        Error::VersionRequired => StatusCode::PRECONDITION_REQUIRED,
        Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Error::Gone(_) => StatusCode::GONE,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The headers a domain error's status calls for.
pub fn headers_of(error: &Error) -> Vec<(HeaderName, HeaderValue)> {
    match error {
        Error::Unauthenticated(_) => vec![(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"newsdesk\""),
        )],
        Error::RateLimited { retry_after_secs } => {
            vec![(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs))]
        }
        Error::Unavailable => vec![(
            header::RETRY_AFTER,
            HeaderValue::from(crate::error::UNAVAILABLE_RETRY_SECS),
        )],
        _ => Vec::new(),
    }
}

impl From<Error> for Problem {
    fn from(error: Error) -> Self {
        if let Error::Internal(cause) = &error {
            note_internal_error(cause);
        }
        let status = status_of(&error);
        let problem = Problem {
            headers: headers_of(&error),
            ..Problem::new(
                status,
                error.code(),
                status.canonical_reason().unwrap_or("Error"),
                error.to_string(),
            )
        };
        match error {
            Error::InvalidInput(errors) => Problem { errors, ..problem },
            Error::Taken(field) => Problem {
                errors: vec![field],
                ..problem
            },
            _ => problem,
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
