//! GraphQL over HTTP (the GraphQL Foundation's spec): POST with JSON, GET for
//! cacheable reads, `application/graphql-response+json` when the client
//! accepts it, and the status codes that go with each media type.

use async_graphql::parser::parse_query;
use async_graphql::parser::types::OperationType;
use async_graphql::{ErrorExtensionValues, ServerError, Value, Variables};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::GraphqlState;
use super::context::{ReadAccess, TagCollector};
use super::error::{code, to_graphql};
use super::limits;
use super::loaders::DomainLoader;
use super::media::{MediaType, negotiate};
use super::persisted::PersistedQueryError;
use super::response_order::in_query_order;
use crate::auth::{AuthOutcome, ClientIp};
use crate::error::Error;
use crate::http::problem::{headers_of, status_of};

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

/// Who a request counts against for per-client limits: its token or account,
/// else its address.
pub struct ClientKey(pub String);

/// A GraphQL-over-HTTP request, from either method.
struct GraphqlRequest {
    query: String,
    variables: Variables,
    operation_name: Option<String>,
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

#[derive(Serialize)]
struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [ServerError],
}

fn error_with_code(message: impl Into<String>, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

/// A response that carries only errors: the request never reached execution.
fn request_error(
    status: StatusCode,
    media: MediaType,
    message: impl Into<String>,
    code: &str,
) -> Response {
    let errors = [error_with_code(message, code)];
    respond(status, media, None, &errors)
}

fn respond(
    status: StatusCode,
    media: MediaType,
    data: Option<&Value>,
    errors: &[ServerError],
) -> Response {
    match serde_json::to_vec(&Body { data, errors }) {
        Ok(body) => (status, [(header::CONTENT_TYPE, media.header())], body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a GraphQL response did not serialize");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /graphql`: GraphiQL for browsers, otherwise a query in the URL.
async fn graphql_get(
    State(state): State<GraphqlState>,
    Extension(auth): Extension<AuthOutcome>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    params: Result<Query<GetParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
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
        return Html(GRAPHIQL_HTML).into_response();
    }
    let Some(media) = negotiate(&headers) else {
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
    match build_request(&state, asked) {
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
    let Some(media) = negotiate(&headers) else {
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
    match build_request(&state, asked) {
        Ok(request) => execute(&state, (auth, ip), media, request, false).await,
        Err(refusal) => refusal.respond(media),
    }
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

fn build_request(state: &GraphqlState, asked: Asked) -> Result<GraphqlRequest, Refusal> {
    if !(asked.variables.is_object() || asked.variables.is_null()) {
        return Err(Refusal::bad_request("`variables` must be an object"));
    }
    let query = state
        .persisted_queries
        .resolve(asked.query, asked.extensions.as_ref())
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

/// The status of a response whose errors stopped it before execution: 400 for
/// the new media type, 200 for legacy JSON clients, as the spec says.
fn rejected_status(media: MediaType) -> StatusCode {
    match media {
        MediaType::GraphqlResponse => StatusCode::BAD_REQUEST,
        MediaType::Json => StatusCode::OK,
    }
}

/// A request refused before execution because of who sent it: the status
/// and headers a REST problem would have, the body a GraphQL error.
fn refused(media: MediaType, error: &Error) -> Response {
    let gql = to_graphql(error);
    let mut server_error = ServerError::new(gql.message, None);
    server_error.extensions = gql.extensions;
    let mut response = respond(status_of(error), media, None, &[server_error]);
    for (name, value) in headers_of(error) {
        response.headers_mut().insert(name, value);
    }
    response
}

async fn execute(
    state: &GraphqlState,
    (auth, ip): (AuthOutcome, ClientIp),
    media: MediaType,
    request: GraphqlRequest,
    via_get: bool,
) -> Response {
    let actor = match auth {
        Ok(authenticated) => authenticated.actor,
        Err(rejection) => return refused(media, &rejection.into_error()),
    };
    let client_key = crate::auth::client_key(&actor, ip);
    let document = match parse_query(&request.query) {
        Ok(document) => document,
        Err(e) => {
            return request_error(
                rejected_status(media),
                media,
                e.to_string(),
                code::GRAPHQL_PARSE_FAILED,
            );
        }
    };
    let operation = document
        .operations
        .iter()
        .find(|(name, _)| match &request.operation_name {
            Some(wanted) => name.is_some_and(|n| n.as_str() == wanted),
            None => true,
        })
        .map(|(_, op)| op.node.ty);
    if via_get
        && matches!(
            operation,
            Some(OperationType::Mutation | OperationType::Subscription)
        )
    {
        let mut response = request_error(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            "only queries may be sent by GET; send mutations by POST",
            code::METHOD_NOT_ALLOWED,
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    if let Err(message) = limits::check(&document, request.operation_name.as_deref()) {
        return request_error(
            rejected_status(media),
            media,
            message,
            code::QUERY_TOO_COMPLEX,
        );
    }
    // Whether the caller may read is the domain's call. A query is all
    // reads, so a refusal refuses it whole; a mutation may still write, and
    // only the fields that read back what it wrote are refused.
    let shown = TagCollector::default();
    let access = match state.desk.reader(&actor) {
        Ok(reader) => ReadAccess::Granted {
            loader: DomainLoader::for_request(reader.clone(), shown.clone()),
            reader,
        },
        Err(error) if matches!(operation, Some(OperationType::Query)) => {
            return refused(media, &error);
        }
        Err(error) => ReadAccess::Refused(error),
    };
    let mut gql = async_graphql::Request::new(request.query)
        .variables(request.variables)
        .data(state.desk.clone())
        .data(ClientKey(client_key))
        .data(actor)
        .data(shown.clone())
        .data(access);
    if let Some(name) = request.operation_name.clone() {
        gql = gql.operation_name(name);
    }
    let response = state.schema.execute(gql).await;

    let uncoded = |e: &ServerError| {
        e.extensions
            .as_ref()
            .is_none_or(|x| x.get("code").is_none())
    };
    let never_ran = !response.errors.is_empty()
        && response.data == Value::Null
        && response.errors.iter().all(uncoded);
    let mut errors = response.errors;
    for error in errors.iter_mut().filter(|e| uncoded(e)) {
        let code = if never_ran {
            if is_limit_message(&error.message) {
                code::QUERY_TOO_COMPLEX
            } else {
                code::GRAPHQL_VALIDATION_FAILED
            }
        } else {
            code::BAD_USER_INPUT
        };
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
    if never_ran {
        return respond(rejected_status(media), media, None, &errors);
    }
    let data = in_query_order(response.data, &document, request.operation_name.as_deref());
    let cacheable = errors.is_empty() && matches!(operation, Some(OperationType::Query));
    let mut response = respond(StatusCode::OK, media, Some(&data), &errors);
    if cacheable {
        response.extensions_mut().insert(shown.tags());
    }
    response
}

/// The schema's own depth and complexity checks speak in these words.
fn is_limit_message(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    [
        "too complex",
        "too deep",
        "nested too deep",
        "too many directives",
    ]
    .iter()
    .any(|m| message.contains(m))
}

/// GraphiQL, loaded from a CDN by the browser: nothing of it is built into the binary but this page.
const GRAPHIQL_HTML: &str = include_str!("graphiql.html");
