//! GraphQL over HTTP (the GraphQL Foundation's spec): POST with JSON, GET for
//! cacheable reads, `application/graphql-response+json` when the client
//! accepts it, and the status codes that go with each media type. This
//! reads requests; `execution` runs them and writes the answers.

use async_graphql::Variables;
use axum::Router;
use axum::body::Bytes;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::GraphqlState;
use super::error::code;
use super::execution::{execute, rejected_status, request_error};
use super::media::{MediaType, negotiate};
use super::persisted::PersistedQueryError;
use super::streaming;
use crate::auth::{AuthOutcome, ClientIp};

/// The path of the endpoint.
pub const PATH: &str = "/graphql";
const JSON: &str = "application/json";

/// The endpoint's routes: GET and POST on `/graphql`.
pub fn router() -> Router<GraphqlState> {
    Router::new().route(PATH, get(graphql_get).post(graphql_post))
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// A GraphQL-over-HTTP request, from either method.
pub(super) struct GraphqlRequest {
    pub(super) query: String,
    pub(super) variables: Variables,
    pub(super) operation_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetParams {
    query: Option<String>,
    variables: Option<String>,
    operation_name: Option<String>,
    extensions: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostBody {
    query: Option<serde_json::Value>,
    variables: Option<serde_json::Value>,
    operation_name: Option<serde_json::Value>,
    extensions: Option<serde_json::Value>,
}

/// `GET /graphql`: GraphiQL for browsers, otherwise a query in the URL.
async fn graphql_get(
    State(state): State<GraphqlState>,
    Extension(auth): Extension<AuthOutcome>,
    Extension(ip): Extension<ClientIp>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    headers: HeaderMap,
    params: Result<Query<GetParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Ok(upgrade) = upgrade {
        return streaming::serve_websocket(state, (auth, ip), upgrade).await;
    }
    let media = negotiate(&headers).unwrap_or(MediaType::Json);
    let Ok(Query(params)) = params else {
        return request_error(
            StatusCode::BAD_REQUEST,
            media,
            "the query string cannot be read",
            code::BAD_REQUEST,
        );
    };
    if params.query.is_none() && state.graphiql && wants_html(&headers) {
        return crate::http::assets::page(GRAPHIQL_HTML);
    }
    let streamed = accepts_event_stream(&headers);
    let Some(media) = negotiate(&headers).or(streamed.then_some(MediaType::GraphqlResponse)) else {
        return not_acceptable();
    };
    let variables = match params
        .variables
        .as_deref()
        .map(serde_json::from_str::<serde_json::Value>)
    {
        None => serde_json::Value::Null,
        Some(Ok(v)) => v,
        Some(Err(_)) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                "`variables` is not JSON",
                code::BAD_REQUEST,
            );
        }
    };
    let extensions = match params
        .extensions
        .as_deref()
        .map(serde_json::from_str::<serde_json::Value>)
    {
        None => None,
        Some(Ok(extensions)) => Some(extensions),
        Some(Err(_)) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                "`extensions` is not JSON",
                code::BAD_REQUEST,
            );
        }
    };
    let asked = Asked {
        query: params.query,
        variables,
        operation_name: params.operation_name,
        extensions,
    };
    match build_request(&state, asked).await {
        Ok(request) if streamed => streaming::serve_sse(state, (auth, ip), request, true).await,
        Ok(request) => execute(&state, (auth, ip), media, request, true).await,
        Err(refusal) => refusal.respond(media),
    }
}

/// `POST /graphql` with a JSON body.
async fn graphql_post(
    State(state): State<GraphqlState>,
    Extension(auth): Extension<AuthOutcome>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let streamed = accepts_event_stream(&headers);
    let Some(media) = negotiate(&headers).or(streamed.then_some(MediaType::GraphqlResponse)) else {
        return not_acceptable();
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    if content_type.as_deref() != Some(JSON) {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "send the request as application/json",
            code::UNSUPPORTED_MEDIA_TYPE,
        );
    }
    let body: PostBody = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(_) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                "the body is not a JSON object",
                code::BAD_REQUEST,
            );
        }
    };
    if body
        .extensions
        .as_ref()
        .is_some_and(|e| !e.is_object() && !e.is_null())
    {
        return request_error(
            StatusCode::BAD_REQUEST,
            media,
            "`extensions` must be an object",
            code::BAD_REQUEST,
        );
    }
    let query = match body.query {
        Some(serde_json::Value::String(query)) => Some(query),
        None | Some(serde_json::Value::Null) => None,
        Some(_) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                "`query` must be a string",
                code::BAD_REQUEST,
            );
        }
    };
    let operation_name = match body.operation_name {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(name)) => Some(name),
        Some(_) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                "`operationName` must be a string",
                code::BAD_REQUEST,
            );
        }
    };
    let asked = Asked {
        query,
        variables: body.variables.unwrap_or_default(),
        operation_name,
        extensions: body.extensions,
    };
    match build_request(&state, asked).await {
        Ok(request) if streamed => streaming::serve_sse(state, (auth, ip), request, false).await,
        Ok(request) => execute(&state, (auth, ip), media, request, false).await,
        Err(refusal) => refusal.respond(media),
    }
}

/// Whether the client asks for Server-Sent Events (the `graphql-sse` protocol).
fn accepts_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/event-stream"))
}

/// The parameters of a request, from the URL or the body.
struct Asked {
    query: Option<String>,
    variables: serde_json::Value,
    operation_name: Option<String>,
    extensions: Option<serde_json::Value>,
}

/// A request that cannot be run as sent.
struct Refusal {
    /// `None`: the status of a request stopped before execution.
    status: Option<StatusCode>,
    message: &'static str,
    code: &'static str,
}

impl Refusal {
    fn bad_request(message: &'static str) -> Self {
        Refusal {
            status: Some(StatusCode::BAD_REQUEST),
            message,
            code: code::BAD_REQUEST,
        }
    }

    fn respond(self, media: MediaType) -> Response {
        let status = self.status.unwrap_or_else(|| rejected_status(media));
        request_error(status, media, self.message, self.code)
    }
}

async fn build_request(state: &GraphqlState, asked: Asked) -> Result<GraphqlRequest, Refusal> {
    if !(asked.variables.is_object() || asked.variables.is_null()) {
        return Err(Refusal::bad_request("`variables` must be an object"));
    }
    let query = state
        .persisted_queries
        .resolve(&state.desk, asked.query, asked.extensions.as_ref())
        .await
        .map_err(|e| match e {
            PersistedQueryError::NotFound => Refusal {
                status: None,
                message: "PersistedQueryNotFound",
                code: code::PERSISTED_QUERY_NOT_FOUND,
            },
            PersistedQueryError::HashMismatch => {
                Refusal::bad_request("provided sha does not match query")
            }
            PersistedQueryError::Malformed(message) => Refusal::bad_request(message),
            PersistedQueryError::NoQuery => Refusal::bad_request("`query` is required"),
        })?;
    Ok(GraphqlRequest {
        query,
        variables: Variables::from_json(asked.variables),
        operation_name: asked.operation_name,
    })
}

fn not_acceptable() -> Response {
    request_error(
        StatusCode::NOT_ACCEPTABLE,
        MediaType::Json,
        "accept application/graphql-response+json or application/json",
        code::BAD_REQUEST,
    )
}

/// GraphiQL, loaded from a CDN by the browser: nothing of it is built into the binary but this page.
const GRAPHIQL_HTML: &str = include_str!("graphiql.html");
