//! Running one GraphQL-over-HTTP request: who may read, limits, execution
//! with this request's loaders and tags, and the answer in the negotiated
//! media type with the status the spec gives it.

use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{ServerError, Value};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::GraphqlState;
use super::context::{ReadAccess, TagCollector};
use super::documents::Validated;
use super::error::{code, request_failure, to_graphql};
use super::limits;
use super::loaders::DomainLoader;
use super::media::MediaType;
use super::response_order::{FieldOrder, in_query_order};
use crate::auth::{AuthOutcome, ClientIp};
use crate::error::Error;
use crate::http::problem::{headers_of, status_of};
use crate::http::request::note_internal_error;

use super::http::GraphqlRequest;

/// Who a request counts against for per-client limits: its token or account,
/// else its address.
pub struct ClientKey(pub String);

#[derive(Serialize)]
struct Body<'a, D> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<D>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [ServerError],
}

/// A response that carries only errors: the request never reached execution.
pub(super) fn request_error(
    status: StatusCode,
    media: MediaType,
    message: impl Into<String>,
    code: &str,
) -> Response {
    let errors = [request_failure(message, code)];
    respond(status, media, None::<Value>, &errors)
}

fn respond(
    status: StatusCode,
    media: MediaType,
    data: Option<impl Serialize>,
    errors: &[ServerError],
) -> Response {
    match serde_json::to_vec(&Body { data, errors }) {
        Ok(body) => (status, [(header::CONTENT_TYPE, media.header())], body).into_response(),
        Err(e) => {
            note_internal_error(&format!("a GraphQL response did not serialize: {e}"));
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The status of a response whose errors stopped it before execution: 400 for
/// the new media type, 200 for legacy JSON clients, as the spec says.
pub(super) fn rejected_status(media: MediaType) -> StatusCode {
    match media {
        MediaType::GraphqlResponse => StatusCode::BAD_REQUEST,
        MediaType::Json => StatusCode::OK,
    }
}

/// A request refused before execution because of who sent it: the status
/// and headers a REST problem would have, the body a GraphQL error.
pub(super) fn refused(media: MediaType, error: &Error) -> Response {
    let gql = to_graphql(error);
    let mut server_error = ServerError::new(gql.message, None);
    server_error.extensions = gql.extensions;
    let mut response = respond(status_of(error), media, None::<Value>, &[server_error]);
    for (name, value) in headers_of(error) {
        response.headers_mut().insert(name, value);
    }
    response
}

pub(super) async fn execute(
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
    let document = match state.documents.parse(&request.query) {
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
    let operation = operation_type(&document, request.operation_name.as_deref());
    if via_get
        && matches!(
            operation,
            Some(OperationType::Mutation | OperationType::Subscription)
        )
    {
        return only_by_post(
            media,
            "only queries may be sent by GET; send mutations by POST",
        );
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
    gql.set_parsed_query(ExecutableDocument::clone(&document));
    let validated = Validated::of(&gql.query, gql.operation_name.as_deref(), &gql.variables);
    let seen_valid = state.documents.was_validated(&validated);
    let schema = if seen_valid {
        &state.schema_for_validated
    } else {
        &state.schema
    };
    // Never closed, so this waits for a turn rather than failing.
    let turn = super::turn_to_execute().await;
    let response = schema.execute(gql).await;
    drop(turn);

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
        return respond(rejected_status(media), media, None::<Value>, &errors);
    }
    if !seen_valid {
        state.documents.note_validated(validated);
    }
    let order = FieldOrder::of_operation(&document, request.operation_name.as_deref());
    let data = in_query_order(&response.data, &order);
    let cacheable =
        errors.is_empty() && matches!(operation, Some(OperationType::Query)) && !shown.is_private();
    let mut response = respond(StatusCode::OK, media, Some(&data), &errors);
    if cacheable {
        response.extensions_mut().insert(shown.tags());
    } else if shown.is_private() {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    response
}

/// The type of the operation a request runs: the one named, or the only one.
pub(super) fn operation_type(
    document: &ExecutableDocument,
    name: Option<&str>,
) -> Option<OperationType> {
    document
        .operations
        .iter()
        .find(|(found, _)| match name {
            Some(wanted) => found.is_some_and(|n| n.as_str() == wanted),
            None => true,
        })
        .map(|(_, op)| op.node.ty)
}

/// 405 for an operation GET may not carry, naming POST as the way.
pub(super) fn only_by_post(media: MediaType, message: &str) -> Response {
    let mut response = request_error(
        StatusCode::METHOD_NOT_ALLOWED,
        media,
        message.to_owned(),
        code::METHOD_NOT_ALLOWED,
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
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
