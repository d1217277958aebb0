//! Extractors whose failures are problems, and the parsers for path and query values.

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::RestState;
use crate::auth::AuthOutcome;
use crate::domain::Reader;
use crate::domain::actor::{Actor, Scope};
use crate::domain::ids::Slug;
use crate::error::{Error, Resource};
use crate::http::problem::Problem;

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

/// A JSON body. Anything unreadable is a problem: 415 for another media
/// type, 413 past the size limit, 400 otherwise, naming what was wrong.
pub struct AppJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for AppJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(
        request: axum::extract::Request,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::JsonRejection;
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(AppJson(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(Problem::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported Media Type",
                "send the body as application/json",
            )),
            Err(JsonRejection::BytesRejection(_)) => Err(Problem::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Content Too Large",
                "the body is larger than the server accepts",
            )),
            Err(rejection) => Err(Problem::bad_request(rejection.body_text())),
        }
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

/// The authenticated caller. Refused credentials are a problem (401, 429).
pub struct Caller(pub Actor);

impl FromRequestParts<RestState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &RestState,
    ) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<AuthOutcome>() {
            Some(Ok(authenticated)) => Ok(Caller(authenticated.actor.clone())),
            Some(Err(rejection)) => Err(rejection.clone().into_error().into()),
            None => Err(Problem::from(Error::Unauthenticated(
                "credentials were not checked",
            ))),
        }
    }
}

/// The right to read published content, as the domain's read policy grants
/// it to the caller. Every public read needs one, so a handler cannot skip
/// the policy.
pub struct Reading(pub Reader);

impl FromRequestParts<RestState> for Reading {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &RestState,
    ) -> Result<Self, Self::Rejection> {
        let Caller(actor) = Caller::from_request_parts(parts, state).await?;
        Ok(Reading(state.desk.reader(&actor)?))
    }
}

/// Middleware for operations that need a scope: the caller is checked
/// before the handler reads anything of the request, so a caller without
/// the scope is told so (401, 403) whatever its body or headers say. The
/// domain checks again; this only makes the refusal come first.
pub async fn require_scope(
    State(scope): State<Scope>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let allowed = match request.extensions().get::<AuthOutcome>() {
        Some(Ok(authenticated)) => authenticated.actor.require(scope),
        Some(Err(rejection)) => Err(rejection.clone().into_error()),
        None => Err(Error::Unauthenticated("credentials were not checked")),
    };
    match allowed {
        Ok(()) => next.run(request).await,
        Err(error) => Problem::from(error).into_response(),
    }
}
