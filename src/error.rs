//! The one error type of the domain. Each variant has a stable `code()`;
//! `http::problem` maps it to an HTTP status and `graphql::error` to a
//! GraphQL code; those are the only places that do.

use std::fmt;

/// A problem with one named input: a query parameter, a field or a header.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Everything a domain operation can fail with. `Display` is the message a
/// client reads, written once here; each face only picks a status and a code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing does not exist, or the caller may not know that it does:
    /// a draft answers exactly like a missing article.
    #[error("no such {0}, or it is not published")]
    NotFound(Resource),
    /// The input cannot be used; each entry names what was wrong.
    #[error("invalid input: {}", describe(.0))]
    InvalidInput(Vec<FieldError>),
    /// No valid credentials were presented where they are needed.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// The caller is known but may not do this; names the scope it needs.
    #[error("these credentials do not allow this (it needs {0})")]
    Forbidden(&'static str),
    /// A write named a version that is no longer current; nothing was changed.
    #[error(
        "the article changed since it was read (now version {current}); read it again and reapply the change"
    )]
    StaleVersion { current: i32 },
    /// The write would leave the data inconsistent (a section still in use, say).
    #[error("{0}")]
    Conflict(&'static str),
    /// A value that must be unique was taken by a concurrent write between
    /// the check and the write; nothing was changed.
    #[error("{}: {}", .0.field, .0.message)]
    Taken(FieldError),
    /// A write that must name the version it read did not.
    #[error(
        "name the version you read (REST: If-Match with its ETag; GraphQL: the version argument)"
    )]
    VersionRequired,
    /// Too many requests; try again after this many seconds.
    #[error("slow down; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// The database cannot be reached just now; nothing was changed.
    #[error("the database is unavailable; try again shortly")]
    Unavailable,

    /// What was asked for existed once and is gone for good: an expired sync token, say.
    #[error("{0}")]
    Gone(&'static str),
    /// Something failed that the caller cannot fix. The cause is logged once,
    /// with the request id, never shown.
    #[error("the server failed to answer; the error is logged under this request id")]
    Internal(String),
}

/// Seconds a client is asked to wait before retrying while the database is away.
pub const UNAVAILABLE_RETRY_SECS: u64 = 1;

impl From<sea_orm::DbErr> for Error {
    /// A pool that cannot hand out a connection, or a connection that broke,
    /// is an outage to wait out; anything else is a fault of ours.
    fn from(error: sea_orm::DbErr) -> Self {
        use sea_orm::{DbErr, RuntimeErr};
        match &error {
            DbErr::ConnectionAcquire(_) => {
                // Every connection stayed busy past the pool's wait.
                metrics::counter!("newsdesk_db_pool_acquire_failures_total").increment(1);
                Error::Unavailable
            }
            DbErr::Conn(_) => Error::Unavailable,
            DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e))
                if is_outage(e) =>
            {
                Error::Unavailable
            }
            _ => Error::Internal(error.to_string()),
        }
    }
}

/// Whether a driver error means the database went away rather than refused.
pub(crate) fn is_outage(error: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    match error {
        Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed => true,
        // PostgreSQL's class 57P (operator intervention: shutting down,
        // cannot connect now) and 08 (connection exception); SQLite's busy
        // and locked (5 and 6, and their extended codes): other writers
        // kept the database past the busy timeout.
        Sqlx::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("57P")
                || code.starts_with("08")
                || code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
        }),
        _ => false,
    }
}

/// What was looked for, so a 404 can say what it did not find.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Article,
    Section,
    Author,
    Tag,
    Comment,
    User,
    Token,
    Revision,
    Note,
    LiveEntry,
    /// A working preview link: a made-up, expired or revoked one is missing.
    PreviewLink,
    Webhook,
    WebhookDelivery,
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Resource::Article => "article",
            Resource::Section => "section",
            Resource::Author => "author",
            Resource::Tag => "tag",
            Resource::Comment => "comment",
            Resource::User => "user",
            Resource::Token => "token",
            Resource::Revision => "revision",
            Resource::Note => "note",
            Resource::LiveEntry => "live entry",
            Resource::PreviewLink => "preview link (it may have expired or been revoked)",
            Resource::Webhook => "webhook endpoint",
            Resource::WebhookDelivery => "delivery of this webhook endpoint",
        })
    }
}

fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    /// A single invalid input.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput(vec![FieldError::new(field, message)])
    }

    /// A stable machine-readable code, the same in every face.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound(_) => "not_found",
            Error::InvalidInput(_) => "invalid_input",
            Error::Unauthenticated(_) => "unauthenticated",
            Error::Forbidden(_) => "forbidden",
            Error::StaleVersion { .. } => "stale_version",
            Error::VersionRequired => "version_required",
            Error::Conflict(_) | Error::Taken(_) => "conflict",
            Error::RateLimited { .. } => "rate_limited",
            Error::Unavailable => "unavailable",
            Error::Gone(_) => "gone",
            Error::Internal(_) => "internal",
        }
    }
}

/// Merges the errors of independent checks so a client hears of every bad
/// input at once. An error that is not about input wins over the rest.
pub fn merge_errors(errors: impl IntoIterator<Item = Option<Error>>) -> Option<Error> {
    let mut fields = Vec::new();
    for error in errors.into_iter().flatten() {
        match error {
            Error::InvalidInput(mut more) => fields.append(&mut more),
            other => return Some(other),
        }
    }
    (!fields.is_empty()).then_some(Error::InvalidInput(fields))
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
