//! GraphQL subscriptions over a real WebSocket, in the `graphql-transport-ws`
//! protocol, against the real server on a local port.

use std::net::SocketAddr;
use std::time::Duration;

use axum::ServiceExt as _;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::support::TestApp;
use crate::support::fixtures::newsroom;
use crate::support::streams::{PATIENCE, wait_for_subscribers};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Serves the app on a free local port.
async fn serve(app: &TestApp) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("a bound address");
    let service = app.service.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            service.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    addr
}

/// Opens a `graphql-transport-ws` connection and completes its handshake.
async fn connect(addr: SocketAddr) -> Socket {
    connect_with(addr, json!({})).await
}

/// The same, sending `payload` as `connection_init`'s (graphql-ws clients'
/// `connectionParams`).
async fn connect_with(addr: SocketAddr, payload: Value) -> Socket {
    let mut request = format!("ws://{addr}/graphql")
        .into_client_request()
        .expect("a valid URL");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("a header value"),
    );
    let (mut socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("the upgrade succeeds");
    assert_eq!(
        response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok()),
        Some("graphql-transport-ws")
    );
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    assert_eq!(receive(&mut socket).await["type"], "connection_ack");
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("the message is sent");
}

async fn receive(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("a message arrives in time")
            .expect("the socket is open")
            .expect("a readable message");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).expect("messages are JSON");
        }
    }
}

fn subscribe_message(id: &str, slug: &str) -> Value {
    json!({
        "id": id,
        "type": "subscribe",
        "payload": {
            "query": "subscription($slug: String!) { liveEntryAdded(slug: $slug) { bodyMarkdown } }",
            "variables": { "slug": slug }
        }
    })
}

#[tokio::test]
async fn a_websocket_subscriber_hears_a_live_entry_added_over_rest() {
    let (app, token) = newsroom().await;
    let id = app.article("storm").create().await;
    let addr = serve(&app).await;
    let mut socket = connect(addr).await;
    send(&mut socket, subscribe_message("1", "storm")).await;
    wait_for_subscribers(&app.state.desk, 1).await;

    let added = app
        .post_json(
            &format!("/api/v1/manage/articles/{id}/live-entries"),
            json!({ "body_markdown": "Over the wire." }),
            Some(&token),
        )
        .await;
    assert_eq!(added.status, 201);

    let message = receive(&mut socket).await;
    assert_eq!(message["type"], "next");
    assert_eq!(message["id"], "1");
    assert_eq!(
        message["payload"]["data"]["liveEntryAdded"]["bodyMarkdown"],
        "Over the wire."
    );
}

#[tokio::test]
async fn a_connection_may_hold_only_so_many_subscriptions() {
    let (app, _) = newsroom().await;
    app.article("storm").create().await;
    let addr = serve(&app).await;
    let mut socket = connect(addr).await;
    let limit = newsdesk::graphql::subscriptions::MAX_PER_CONNECTION;
    for n in 0..limit {
        send(&mut socket, subscribe_message(&n.to_string(), "storm")).await;
    }
    wait_for_subscribers(&app.state.desk, limit).await;

    send(&mut socket, subscribe_message("one-too-many", "storm")).await;

    let refused = receive(&mut socket).await;
    assert_eq!(refused["id"], "one-too-many");
    assert_eq!(refused["type"], "next");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"],
        "RATE_LIMITED"
    );
    assert_eq!(receive(&mut socket).await["type"], "complete");
}

#[tokio::test]
async fn completing_a_subscription_gives_its_place_back() {
    let (app, _) = newsroom().await;
    app.article("storm").create().await;
    let addr = serve(&app).await;
    let mut socket = connect(addr).await;
    send(&mut socket, subscribe_message("1", "storm")).await;
    wait_for_subscribers(&app.state.desk, 1).await;

    send(&mut socket, json!({ "id": "1", "type": "complete" })).await;

    tokio::time::timeout(PATIENCE, async {
        while app.state.desk.event_subscribers() > 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the subscription ends");
}

#[tokio::test]
async fn a_subscription_is_held_to_the_same_document_limits_as_a_query() {
    let (app, _) = newsroom().await;
    app.article("storm").create().await;
    let addr = serve(&app).await;
    let mut socket = connect(addr).await;
    let aliases: Vec<String> = (0..=newsdesk::graphql::limits::MAX_ALIASES)
        .map(|n| format!("a{n}: liveEntryAdded(slug: \"storm\") {{ bodyMarkdown }}"))
        .collect();

    send(
        &mut socket,
        json!({
            "id": "greedy",
            "type": "subscribe",
            "payload": { "query": format!("subscription {{ {} }}", aliases.join(" ")) }
        }),
    )
    .await;

    let refused = receive(&mut socket).await;
    assert_eq!(refused["id"], "greedy");
    assert_eq!(refused["type"], "next");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"],
        "QUERY_TOO_COMPLEX"
    );
    assert_eq!(app.state.desk.event_subscribers(), 0);
}

#[tokio::test]
async fn a_browser_client_authenticates_in_connection_init_when_reads_need_a_token() {
    let app = TestApp::builder()
        .http(|c| c.public_reads = false)
        .build()
        .await;
    let (app, token) = crate::support::fixtures::newsroom_in(app).await;
    let id = app.article("storm").create().await;
    let reader = app.token("content:read").await;
    let addr = serve(&app).await;
    let mut anonymous = connect(addr).await;
    let mut partner =
        connect_with(addr, json!({ "Authorization": format!("Bearer {reader}") })).await;

    send(&mut anonymous, subscribe_message("1", "storm")).await;
    send(&mut partner, subscribe_message("1", "storm")).await;
    wait_for_subscribers(&app.state.desk, 1).await;
    app.post_json(
        &format!("/api/v1/manage/articles/{id}/live-entries"),
        json!({ "body_markdown": "for token holders" }),
        Some(&token),
    )
    .await;

    let refused = receive(&mut anonymous).await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    let heard = receive(&mut partner).await;
    assert_eq!(
        heard["payload"]["data"]["liveEntryAdded"]["bodyMarkdown"],
        "for token holders"
    );
}

#[tokio::test]
async fn a_websocket_with_no_subscription_is_closed_when_idle() {
    let app = TestApp::builder()
        .http(|c| c.subscription_idle = Duration::from_millis(300))
        .build()
        .await;
    let addr = serve(&app).await;
    let mut socket = connect(addr).await;

    let closed = tokio::time::timeout(PATIENCE, socket.next())
        .await
        .expect("the server closes the connection in time");

    match closed {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 4408),
        other => panic!("expected a close frame, got {other:?}"),
    }
}

#[tokio::test]
async fn a_subscribed_websocket_stays_open_past_the_idle_time() {
    let app = TestApp::builder()
        .http(|c| c.subscription_idle = Duration::from_millis(300))
        .build()
        .await;
    let (app, token) = crate::support::fixtures::newsroom_in(app).await;
    let id = app.article("storm").create().await;
    let addr = serve(&app).await;
    let mut socket = connect(addr).await;
    send(&mut socket, subscribe_message("1", "storm")).await;
    wait_for_subscribers(&app.state.desk, 1).await;
    tokio::time::sleep(Duration::from_millis(900)).await;

    app.post_json(
        &format!("/api/v1/manage/articles/{id}/live-entries"),
        json!({ "body_markdown": "still here" }),
        Some(&token),
    )
    .await;

    assert_eq!(receive(&mut socket).await["type"], "next");
}

#[tokio::test]
async fn a_client_may_hold_only_so_many_connections() {
    let app = TestApp::builder()
        .http(|c| c.streams_per_client = 2)
        .build()
        .await;
    let addr = serve(&app).await;
    let _first = connect(addr).await;
    let _second = connect(addr).await;

    let third = tokio_tungstenite::connect_async(format!("ws://{addr}/graphql")).await;

    match third {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 429)
        }
        other => panic!("expected 429, got {other:?}"),
    }
}
