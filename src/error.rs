//! The one error type of the domain. Each variant has a stable `code()`;
//! `rest::problem` maps it to HTTP, and that is the only place that does.

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

/// Everything a domain operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing does not exist, or the caller may not know that it does:
    /// a draft answers exactly like a missing article.
    #[error("{0} not found")]
    NotFound(Resource),
    /// The input cannot be used; each entry names what was wrong.
    #[error("invalid input: {}", describe(.0))]
    InvalidInput(Vec<FieldError>),
    /// No valid credentials were presented where they are needed.
    #[error("unauthenticated: {0}")]
    Unauthenticated(&'static str),
    /// The caller is known but may not do this.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// A write named a version that is no longer current; nothing was changed.
    #[error("stale version: the current version is {current}")]
    StaleVersion { current: i32 },
    /// The write would leave the data inconsistent (a section still in use, say).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// A write that must name the version it read did not.
    #[error("the version read is required")]
    VersionRequired,
    /// Too many requests; try again after this many seconds.
    #[error("rate limited; retry after {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    /// The database failed. The cause is logged, never shown.
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),
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
            Error::Conflict(_) => "conflict",
            Error::RateLimited { .. } => "rate_limited",
            Error::Database(_) => "internal",
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
