//! Extractors whose failures are problems, and the parsers for path and query values.

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::problem::Problem;
use crate::domain::ids::Slug;
use crate::error::{Error, Resource};

/// Query parameters; an unreadable query string is a 400 problem.
pub struct AppQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for AppQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| AppQuery(value))
            .map_err(|rejection| Problem::bad_request(rejection.body_text()))
    }
}

/// Path parameters. One that cannot even be read (not UTF-8) names nothing
/// that could exist, so it is a 404 like any unknown path.
pub struct AppPath<T>(pub T);

impl<T, S> FromRequestParts<S> for AppPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| AppPath(value))
            .map_err(|_| Problem::no_route())
    }
}

/// A slug in the path. One that cannot exist is simply not found.
pub fn path_slug(raw: &str, resource: Resource) -> Result<Slug, Error> {
    Slug::parse_address(raw, resource)
}
