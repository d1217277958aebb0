//! Long-lived GraphQL connections: subscriptions over WebSocket (the
//! `graphql-transport-ws` protocol, and the older `graphql-ws` one, chosen by
//! `Sec-WebSocket-Protocol`) and over Server-Sent Events (the `graphql-sse`
//! protocol's distinct-connections mode: a POST that accepts
//! `text/event-stream`), for clients that cannot open WebSockets.
//!
//! Limits ([`StreamLimits`], configurable): connections per client (address,
//! or token or account), open subscriptions per connection (see
//! `subscriptions`), and a WebSocket with no subscription open for a while is
//! closed.

use std::collections::HashMap;
use std::convert::Infallible;
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_graphql::Data;
use async_graphql::futures_util::{SinkExt, StreamExt, future, stream};
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocket, WebSocketProtocols, WsMessage};
use async_graphql::parser::parse_query;
use async_graphql::parser::types::OperationType;
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};

use super::GraphqlState;
use super::context::{ReadAccess, TagCollector};
use super::error::code;
use super::execution::{ClientKey, only_by_post, operation_type, refused, request_error};
use super::http::GraphqlRequest;
use super::limits;
use super::loaders::DomainLoader;
use super::media::MediaType;
use super::subscriptions::SubscriptionBudget;
use crate::auth::{AuthOutcome, ClientIp, authenticate, client_key};
use crate::domain::actor::Actor;
use crate::error::Error;

/// How long-lived connections are held in check.
#[derive(Clone, Copy, Debug)]
pub struct StreamLimits {
    /// Long-lived connections one client may hold at once.
    pub per_client: usize,
    /// A WebSocket with no subscription open for this long is closed.
    pub idle: Duration,
}
/// The close code for an idle connection (4000–4999 are the application's).
const CLOSE_IDLE: u16 = 4408;

/// The long-lived connections open now, per client, and their limits.
#[derive(Debug)]
pub struct OpenConnections {
    open: Arc<Mutex<HashMap<String, usize>>>,
    pub limits: StreamLimits,
}

impl OpenConnections {
    pub fn new(limits: StreamLimits) -> Self {
        OpenConnections {
            open: Arc::default(),
            limits,
        }
    }

    /// A place for one more connection of `client`, unless it holds the most it may.
    fn admit(&self, client: &str) -> Option<Admitted> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(client.to_owned()).or_default();
        if *count >= self.limits.per_client {
            return None;
        }
        *count += 1;
        Some(Admitted {
            open: self.open.clone(),
            client: client.to_owned(),
        })
    }
}

/// One admitted connection; leaving gives its place back.
struct Admitted {
    open: Arc<Mutex<HashMap<String, usize>>>,
    client: String,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.client);
            }
        }
    }
}

/// Who is connecting, and their place, or why they may not.
fn admit(
    state: &GraphqlState,
    auth: AuthOutcome,
    ip: ClientIp,
) -> Result<(Actor, String, Admitted), Error> {
    let actor = auth.map_err(|rejection| rejection.into_error())?.actor;
    let client = client_key(&actor, ip);
    let admitted = state.connections.admit(&client).ok_or(Error::RateLimited {
        retry_after_secs: state.connections.limits.idle.as_secs(),
    })?;
    Ok((actor, client, admitted))
}

/// What every operation of `actor` reaches: the handle, the caller, and
/// loaders that do not cache, since one connection outlives many changes.
fn actor_data(state: &GraphqlState, actor: Actor, client: String) -> Data {
    let shown = TagCollector::default();
    let access = match state.desk.lasting_reader(&actor) {
        Ok(reader) => {
            let loader = DomainLoader::for_request(reader.clone(), shown.clone());
            loader.enable_all_cache(false);
            ReadAccess::Granted { reader, loader }
        }
        Err(error) => ReadAccess::Refused(error),
    };
    let mut data = Data::default();
    data.insert(state.desk.clone());
    data.insert(ClientKey(client));
    data.insert(actor);
    data.insert(shown);
    data.insert(access);
    data
}

/// The data of one connection: its caller's, and its subscription budget.
fn connection_data(
    state: &GraphqlState,
    actor: Actor,
    client: String,
    budget: SubscriptionBudget,
) -> Data {
    let mut data = actor_data(state, actor, client);
    data.insert(budget);
    data
}

/// The caller a `connection_init` payload names, as graphql-ws clients send
/// credentials (`connectionParams: { Authorization: "Bearer …" }`); `None`
/// when it names none, so the upgrade request's own credentials stand.
async fn init_data(
    state: GraphqlState,
    ip: ClientIp,
    payload: serde_json::Value,
) -> async_graphql::Result<Data> {
    let presented = ["Authorization", "authorization"]
        .iter()
        .find_map(|key| payload.get(*key).and_then(serde_json::Value::as_str));
    let Some(presented) = presented else {
        return Ok(Data::default());
    };
    let mut headers = HeaderMap::new();
    let value = HeaderValue::from_str(presented)
        .map_err(|_| async_graphql::Error::new("Authorization is not a header value"))?;
    headers.insert(header::AUTHORIZATION, value);
    let actor = authenticate(&state.auth, &headers)
        .await
        .map_err(|e| async_graphql::Error::new(e.to_string()))?
        .actor;
    let client = client_key(&actor, ip);
    Ok(actor_data(&state, actor, client))
}

/// `GET /graphql` asking to upgrade: subscriptions over a WebSocket.
pub(super) async fn serve_websocket(
    state: GraphqlState,
    (auth, ip): (AuthOutcome, ClientIp),
    upgrade: WebSocketUpgrade,
) -> Response {
    let (actor, client, admitted) = match admit(&state, auth, ip) {
        Ok(admitted) => admitted,
        Err(error) => return refused(MediaType::Json, &error),
    };
    let upgrade = upgrade.protocols(ALL_WEBSOCKET_PROTOCOLS);
    let protocol = upgrade
        .selected_protocol()
        .and_then(|p| p.to_str().ok())
        .and_then(|p| WebSocketProtocols::from_str(p).ok())
        .unwrap_or(WebSocketProtocols::GraphQLWS);
    let budget = SubscriptionBudget::default();
    let data = connection_data(&state, actor, client, budget.clone());
    let init_state = state.clone();
    let idle = state.connections.limits.idle;
    upgrade.on_upgrade(move |socket| async move {
        let _admitted = admitted;
        let (mut sink, source) = socket.split();
        let input = source
            .take_while(|message| future::ready(message.is_ok()))
            .filter_map(|message| {
                future::ready(match message {
                    Ok(Message::Text(text)) => Some(text.as_bytes().to_vec()),
                    Ok(Message::Binary(bytes)) => Some(bytes.to_vec()),
                    _ => None,
                })
            });
        let mut output = WebSocket::new(limits::Checked(state.schema.clone()), input, protocol)
            .connection_data(data)
            .on_connection_init(move |payload| init_data(init_state, ip, payload));
        loop {
            let message = match tokio::time::timeout(idle, output.next()).await {
                Ok(Some(WsMessage::Text(text))) => Message::Text(text.into()),
                Ok(Some(WsMessage::Close(code, reason))) => Message::Close(Some(CloseFrame {
                    code,
                    reason: reason.into(),
                })),
                Ok(None) => break,
                Err(_) if budget.open() == 0 => Message::Close(Some(CloseFrame {
                    code: CLOSE_IDLE,
                    reason: "idle: no subscription open".into(),
                })),
                Err(_) => continue,
            };
            let closing = matches!(message, Message::Close(_));
            if sink.send(message).await.is_err() || closing {
                break;
            }
        }
    })
}

/// `POST /graphql` (or `GET`, for a plain `EventSource`) accepting
/// `text/event-stream`: the operation's results as `next` events, then
/// `complete`. By GET, as over HTTP, mutations are refused: GET is safe.
pub(super) async fn serve_sse(
    state: GraphqlState,
    (auth, ip): (AuthOutcome, ClientIp),
    request: GraphqlRequest,
    via_get: bool,
) -> Response {
    let document = match parse_query(&request.query) {
        Ok(document) => document,
        Err(e) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                MediaType::GraphqlResponse,
                e.to_string(),
                code::GRAPHQL_PARSE_FAILED,
            );
        }
    };
    let operation = operation_type(&document, request.operation_name.as_deref());
    if via_get && operation == Some(OperationType::Mutation) {
        return only_by_post(
            MediaType::GraphqlResponse,
            "only queries and subscriptions may be sent by GET; send mutations by POST",
        );
    }
    if let Err(message) = limits::check(&document, request.operation_name.as_deref()) {
        return request_error(
            StatusCode::BAD_REQUEST,
            MediaType::GraphqlResponse,
            message,
            code::QUERY_TOO_COMPLEX,
        );
    }
    let (actor, client, admitted) = match admit(&state, auth, ip) {
        Ok(admitted) => admitted,
        Err(error) => return refused(MediaType::Json, &error),
    };
    let mut gql = async_graphql::Request::new(request.query).variables(request.variables);
    if let Some(name) = request.operation_name {
        gql = gql.operation_name(name);
    }
    gql.data = connection_data(&state, actor, client, SubscriptionBudget::default());
    let results = state.schema.execute_stream(gql).map(move |response| {
        // Held for as long as the stream is.
        let _ = &admitted;
        let json = serde_json::to_string(&response).unwrap_or_else(|e| {
            crate::http::request::note_internal_error(&format!(
                "a GraphQL result did not serialize: {e}"
            ));
            serde_json::json!({ "errors": [{ "message": "the result could not be written" }] })
                .to_string()
        });
        Ok::<_, Infallible>(Event::default().event("next").data(json))
    });
    let done = stream::once(future::ready(Ok(Event::default()
        .event("complete")
        .data(""))));
    Sse::new(results.chain(done))
        .keep_alive(KeepAlive::default())
        .into_response()
}
