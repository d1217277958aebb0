//! The one mapping from domain errors to GraphQL errors with `extensions.code`.

use async_graphql::{ErrorExtensionValues, ErrorExtensions, ServerError, Value};

use crate::error::Error;
use crate::http::request::note_internal_error;

/// Codes a GraphQL error can carry.
pub mod code {
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    pub const INTERNAL: &str = "INTERNAL";
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const CONFLICT: &str = "CONFLICT";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    pub const UNAVAILABLE: &str = "UNAVAILABLE";
    pub const GONE: &str = "GONE";
    pub const BAD_REQUEST: &str = "BAD_REQUEST";
    pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
    pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
    pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
    pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "UNSUPPORTED_MEDIA_TYPE";
    /// Apollo's automatic persisted queries: retry with the query text.
    pub const PERSISTED_QUERY_NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
}

/// A domain field name in GraphQL's spelling: `featured_image.url` → `featuredImage.url`.
fn camel_case(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// A GraphQL error with a code and nothing else.
pub fn coded(message: impl Into<String>, code: &'static str) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", code))
}

/// An error of the request as a whole (no field, no position), with a code.
pub fn request_failure(message: impl Into<String>, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

/// The GraphQL code of a domain error: the one place that decides it.
pub fn code_of(error: &Error) -> &'static str {
    match error {
        Error::NotFound(_) => code::NOT_FOUND,
        Error::InvalidInput(_) | Error::VersionRequired => code::BAD_USER_INPUT,
        Error::Unauthenticated(_) => code::UNAUTHENTICATED,
        Error::Forbidden(_) => code::FORBIDDEN,
        Error::StaleVersion { .. } | Error::Conflict(_) | Error::Taken(_) => code::CONFLICT,
        Error::RateLimited { .. } => code::RATE_LIMITED,
        Error::Unavailable => code::UNAVAILABLE,
        Error::Gone(_) => code::GONE,
        Error::Internal(_) => code::INTERNAL,
    }
}

/// Maps a domain error: its message as the domain wrote it, its code, and
/// for bad input each field in GraphQL's spelling. The cause of an internal
/// error is noted for the request's log, never shown.
pub fn to_graphql(error: &Error) -> async_graphql::Error {
    let code = code_of(error);
    match error {
        Error::Taken(field) => fields_error(std::slice::from_ref(field), code),
        Error::InvalidInput(fields) => fields_error(fields, code),
        Error::RateLimited { retry_after_secs } => {
            let retry = *retry_after_secs;
            async_graphql::Error::new(error.to_string()).extend_with(move |_, ext| {
                ext.set("code", code);
                ext.set("retryAfter", retry);
            })
        }
        Error::Unavailable => async_graphql::Error::new(error.to_string()).extend_with(|_, ext| {
            ext.set("code", code);
            ext.set("retryAfter", crate::error::UNAVAILABLE_RETRY_SECS);
        }),
        Error::Internal(cause) => {
            note_internal_error(cause);
            coded(error.to_string(), code)
        }
        _ => coded(error.to_string(), code),
    }
}

/// An error about named fields, each in GraphQL's spelling.
fn fields_error(fields: &[crate::error::FieldError], code: &'static str) -> async_graphql::Error {
    let message = fields
        .iter()
        .map(|f| format!("{}: {}", camel_case(&f.field), f.message))
        .collect::<Vec<_>>()
        .join("; ");
    let fields: Vec<Value> = fields
        .iter()
        .map(|f| {
            let mut entry = async_graphql::indexmap::IndexMap::new();
            entry.insert(
                async_graphql::Name::new("field"),
                Value::from(camel_case(&f.field)),
            );
            entry.insert(
                async_graphql::Name::new("message"),
                Value::from(f.message.as_str()),
            );
            Value::Object(entry)
        })
        .collect();
    async_graphql::Error::new(message).extend_with(|_, ext| {
        ext.set("code", code);
        ext.set("fields", Value::List(fields.clone()));
    })
}

/// `.gql()` on a domain result: the error mapped, with its code.
pub trait GqlResult<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResult<T> for Result<T, Error> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| to_graphql(&e))
    }
}

impl<T> GqlResult<T> for Result<T, std::sync::Arc<Error>> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| to_graphql(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::camel_case;

    #[test]
    fn field_names_follow_graphql_spelling() {
        assert_eq!(camel_case("body_markdown"), "bodyMarkdown");
        assert_eq!(camel_case("featured_image.url"), "featuredImage.url");
        assert_eq!(camel_case("links[0].url"), "links[0].url");
        assert_eq!(camel_case("first"), "first");
    }
}
