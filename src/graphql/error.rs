//! The one mapping from domain errors to GraphQL errors with `extensions.code`.

use async_graphql::{ErrorExtensions, Value};

use crate::error::Error;

/// Codes a GraphQL error can carry.
pub mod code {
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    pub const INTERNAL: &str = "INTERNAL";
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const CONFLICT: &str = "CONFLICT";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
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

/// Maps a domain error. Database failures are logged here and answered with a
/// plain message, so no SQL reaches a client.
pub fn to_graphql(error: &Error) -> async_graphql::Error {
    match error {
        Error::NotFound(resource) => coded(
            format!("no published {resource} has this slug"),
            code::NOT_FOUND,
        ),
        Error::InvalidInput(fields) => {
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
                ext.set("code", code::BAD_USER_INPUT);
                ext.set("fields", Value::List(fields.clone()));
            })
        }
        Error::Unauthenticated(reason) => coded(*reason, code::UNAUTHENTICATED),
        Error::Forbidden(scope) => coded(
            format!("these credentials do not allow this (it needs {scope})"),
            code::FORBIDDEN,
        ),
        Error::StaleVersion { current } => coded(
            format!(
                "the article changed since it was read (now version {current}); read it again and reapply the change"
            ),
            code::CONFLICT,
        ),
        Error::Conflict(reason) => coded(*reason, code::CONFLICT),
        Error::VersionRequired => coded("name the version you read", code::BAD_USER_INPUT),
        Error::RateLimited { retry_after_secs } => {
            let retry = *retry_after_secs;
            async_graphql::Error::new(format!("slow down; try again in {retry} s")).extend_with(
                move |_, ext| {
                    ext.set("code", code::RATE_LIMITED);
                    ext.set("retryAfter", retry);
                },
            )
        }
        Error::Database(cause) => {
            tracing::error!(error = %cause, "database error");
            coded(
                "internal error; it is logged under this request's id",
                code::INTERNAL,
            )
        }
    }
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
