//! Logs and traces of the real binary: JSON log lines carry the request id,
//! and (in a build with `--features otel`) spans reach an OTLP collector.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use crate::support::process::{free_port, newsdesk};
use std::time::{Duration, Instant};

/// GET `path` with our own request id; the status line.
fn get(port: u16, path: &str, request_id: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nx-request-id: {request_id}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.lines().next().map(str::to_owned)
}

/// Serves an empty newsroom on a fresh SQLite file with `env`, until stopped.
fn serve(dir: &std::path::Path, env: &[(&str, String)]) -> (Child, u16) {
    let port = free_port();
    let mut command = newsdesk();
    command
        .env(
            "NEWSDESK_DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.join("t.db").display()),
        )
        .env("NEWSDESK_BIND", format!("127.0.0.1:{port}"))
        .env("NEWSDESK_NO_DEMO", "true")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while get(port, "/healthz", "probe").is_none_or(|status| !status.contains("200")) {
        assert!(Instant::now() < deadline, "newsdesk did not come up");
        if let Ok(Some(exit)) = child.try_wait() {
            panic!("newsdesk exited early: {exit}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (child, port)
}

/// Stops the server with SIGTERM and returns what it logged.
fn stop(mut child: Child) -> Vec<String> {
    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    let stderr = child.stderr.take().unwrap();
    let lines = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .collect();
    assert!(child.wait().unwrap().success());
    lines
}

#[test]
fn json_log_lines_carry_the_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let (child, port) = serve(
        dir.path(),
        &[
            ("NEWSDESK_LOG_FORMAT", "json".into()),
            ("NEWSDESK_LOG", "info".into()),
        ],
    );

    let status = get(port, "/api/v1/sections", "find-me-42").unwrap();
    let lines = stop(child);

    assert!(status.contains("200"), "{status}");
    let parsed: Vec<serde_json::Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    let answered = parsed
        .iter()
        .find(|line| line["span"]["id"] == "find-me-42")
        .unwrap_or_else(|| panic!("no line of the request: {lines:#?}"));
    assert_eq!(answered["fields"]["message"], "answered");
    assert_eq!(answered["fields"]["status"], 200);
}

#[cfg(not(feature = "otel"))]
#[test]
fn an_otlp_endpoint_needs_a_build_with_trace_export() {
    let out = newsdesk()
        .env("NEWSDESK_OTLP_ENDPOINT", "http://127.0.0.1:4318/v1/traces")
        .env("NEWSDESK_NO_DEMO", "true")
        .output()
        .unwrap();

    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("NEWSDESK_OTLP_ENDPOINT"), "{stderr}");
}

/// A collector taking OTLP/HTTP posts: each request's headers and body.
#[cfg(feature = "otel")]
fn collector() -> (u16, std::sync::mpsc::Receiver<(String, Vec<u8>)>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (sender, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            // Kept before answering: the server may exit once answered.
            let _ = sender.send((head, body));
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        }
    });
    (port, received)
}

#[cfg(feature = "otel")]
#[test]
fn spans_of_a_request_and_its_statements_reach_the_collector() {
    let (collector_port, received) = collector();
    let dir = tempfile::tempdir().unwrap();
    let (child, port) = serve(
        dir.path(),
        &[(
            "NEWSDESK_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{collector_port}/v1/traces"),
        )],
    );

    get(port, "/api/v1/sections", "traced").unwrap();
    stop(child);

    let posts: Vec<(String, Vec<u8>)> = received.try_iter().collect();
    assert!(!posts.is_empty(), "nothing was exported");
    let head = &posts[0].0;
    assert!(head.starts_with("POST /v1/traces"), "{head}");
    assert!(
        head.to_ascii_lowercase().contains("application/x-protobuf"),
        "{head}"
    );
    let bodies: Vec<u8> = posts.into_iter().flat_map(|(_, body)| body).collect();
    let contains = |needle: &[u8]| bodies.windows(needle.len()).any(|w| w == needle);
    assert!(contains(b"newsdesk"), "the service is named");
    assert!(contains(b"request"), "the request's span");
    assert!(contains(b"sea_orm."), "a statement's span");
}
