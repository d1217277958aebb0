//! A webhook receiver on a local port: it keeps every request it gets and
//! answers each with the next status of its script (then 200).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("the delivery has no {name} header"))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("deliveries are JSON")
    }
}

/// A status to answer with, and headers to send along.
pub type Answer = (u16, Vec<(&'static str, &'static str)>);

#[derive(Clone, Default)]
struct Shared {
    got: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<Answer>>>,
}

/// A running receiver; it stops with the test's runtime.
pub struct Receiver {
    pub url: String,
    shared: Shared,
}

impl Receiver {
    /// A receiver answering with `script`'s statuses in turn, then 200.
    pub async fn start(script: &[u16]) -> Receiver {
        Self::start_with(script.iter().map(|&s| (s, vec![])).collect()).await
    }

    /// The same, with headers on each scripted answer.
    pub async fn start_with(script: Vec<Answer>) -> Receiver {
        let shared = Shared {
            got: Arc::default(),
            script: Arc::new(Mutex::new(script.into())),
        };
        let state = shared.clone();
        let app = Router::new().route(
            "/hook",
            post(move |headers: HeaderMap, body: Bytes| {
                let state = state.clone();
                async move {
                    state.got.lock().unwrap().push(Received {
                        headers,
                        body: String::from_utf8_lossy(&body).into_owned(),
                    });
                    let (status, extra) = state
                        .script
                        .lock()
                        .unwrap()
                        .pop_front()
                        .unwrap_or((200, vec![]));
                    let mut headers = HeaderMap::new();
                    for (name, value) in extra {
                        headers.insert(name, value.parse().unwrap());
                    }
                    (StatusCode::from_u16(status).unwrap(), headers, "received")
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { url, shared }
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared.got.lock().unwrap().clone()
    }
}
