//! Reading GraphQL subscriptions in tests: Server-Sent Events through the
//! real service, one event at a time.

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use newsdesk::app::App;
use newsdesk::domain::Newsdesk;
use serde_json::Value;
use tokio::sync::mpsc;
use tower::ServiceExt;

/// How long a test waits for an event before failing.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// The events of one `graphql-sse` stream, as they arrive.
pub struct EventStream {
    pub status: u16,
    pub content_type: Option<String>,
    events: mpsc::UnboundedReceiver<(String, String)>,
}

impl EventStream {
    /// The next event's name and data; panics after [`PATIENCE`].
    pub async fn next(&mut self) -> (String, String) {
        tokio::time::timeout(PATIENCE, self.events.recv())
            .await
            .expect("an event arrives in time")
            .expect("the stream is still open")
    }

    /// The next `next` event's payload as JSON.
    pub async fn next_result(&mut self) -> Value {
        let (event, data) = self.next().await;
        assert_eq!(event, "next", "expected a result, got {event}: {data}");
        serde_json::from_str(&data).expect("a result is JSON")
    }

    /// Whether an event arrives within `wait`.
    pub async fn quiet_for(&mut self, wait: Duration) -> bool {
        tokio::time::timeout(wait, self.events.recv())
            .await
            .is_err()
    }
}

/// POSTs an operation asking for an event stream, and reads it in the background.
pub async fn subscribe(
    service: &App,
    query: &str,
    variables: Value,
    token: Option<&str>,
) -> EventStream {
    let body = serde_json::json!({ "query": query, "variables": variables });
    let mut request = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("accept", "text/event-stream");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    open(
        service,
        request
            .body(Body::from(body.to_string()))
            .expect("a valid request"),
    )
    .await
}

/// Asks for an operation's event stream by GET, as a plain `EventSource` does.
pub async fn subscribe_by_get(service: &App, query: &str) -> EventStream {
    let encoded: String = query
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    let request = Request::get(format!("/graphql?query={encoded}"))
        .header("accept", "text/event-stream")
        .body(Body::empty())
        .expect("a valid request");
    open(service, request).await
}

/// Sends `request` and reads its event stream in the background.
async fn open(service: &App, request: Request<Body>) -> EventStream {
    let response = service
        .clone()
        .oneshot(request)
        .await
        .expect("the service answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (send, events) = mpsc::unbounded_channel();
    let mut body = response.into_body();
    tokio::spawn(async move {
        let mut pending = String::new();
        while let Some(Ok(frame)) = body.frame().await {
            let Ok(bytes) = frame.into_data() else {
                continue;
            };
            pending.push_str(&String::from_utf8_lossy(&bytes));
            while let Some(end) = pending.find("\n\n") {
                let block: String = pending.drain(..end + 2).collect();
                let (mut event, mut data) = (String::new(), Vec::new());
                for line in block.lines() {
                    if let Some(name) = line.strip_prefix("event:") {
                        event = name.trim().to_owned();
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push(value.strip_prefix(' ').unwrap_or(value).to_owned());
                    }
                }
                // Comments (keep-alives) carry neither.
                if !event.is_empty() && send.send((event, data.join("\n"))).is_err() {
                    return;
                }
            }
        }
    });
    EventStream {
        status,
        content_type,
        events,
    }
}

/// Waits until `desk` serves at least `n` subscriptions.
pub async fn wait_for_subscribers(desk: &Newsdesk, n: usize) {
    tokio::time::timeout(PATIENCE, async {
        while desk.event_subscribers() < n {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the subscription starts in time");
}
