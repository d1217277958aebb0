//! How the real binary serves connections: over SQLite it deals them to one
//! runtime per core, and each request still knows the address it came from.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::process::{free_port, newsdesk};

/// Serves an empty newsroom on a fresh SQLite file until dropped.
struct Server {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut child = newsdesk()
            .env(
                "NEWSDESK_DATABASE_URL",
                format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()),
            )
            .env("NEWSDESK_BIND", format!("127.0.0.1:{port}"))
            .env("NEWSDESK_NO_DEMO", "true")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port))
                && exchange(&mut stream, "GET", "/healthz", "").0 == 200
            {
                break;
            }
            assert!(Instant::now() < deadline, "newsdesk did not come up");
            if let Ok(Some(exit)) = child.try_wait() {
                panic!("newsdesk exited early: {exit}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Server {
            child,
            port,
            _dir: dir,
        }
    }

    /// A connection from `from` (any port).
    fn connect_from(&self, from: IpAddr) -> TcpStream {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .unwrap();
        let to = SocketAddr::from(([127, 0, 0, 1], self.port));
        let stream = runtime
            .block_on(async {
                let socket = tokio::net::TcpSocket::new_v4()?;
                socket.bind(SocketAddr::new(from, 0))?;
                socket.connect(to).await
            })
            .unwrap()
            .into_std()
            .unwrap();
        stream.set_nonblocking(false).unwrap();
        stream
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while matches!(self.child.try_wait(), Ok(None)) {
            if Instant::now() > deadline {
                // Never left waiting: a test's failure must not hang the suite.
                let _ = self.child.kill();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// One request on a kept-alive connection; the status and body.
fn exchange(stream: &mut TcpStream, method: &str, path: &str, json: &str) -> (u16, String) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{json}",
        json.len()
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let status = status.split(' ').nth(1).unwrap().parse().unwrap();
    (status, String::from_utf8(body).unwrap())
}

#[test]
fn connections_opened_together_are_all_served_and_kept_alive() {
    let server = Server::start();
    let local = IpAddr::from([127, 0, 0, 1]);
    // More connections than cores, so that every core is dealt some.
    let mut connections: Vec<TcpStream> = (0..8).map(|_| server.connect_from(local)).collect();

    for round in 0..3 {
        for (n, connection) in connections.iter_mut().enumerate() {
            let (status, body) = exchange(connection, "GET", "/api/v1/articles?limit=1", "");
            assert_eq!(status, 200, "connection {n}, round {round}: {body}");
        }
    }
}

#[test]
fn failed_logins_count_against_the_address_they_came_from() {
    let server = Server::start();
    let login = |from: [u8; 4], n: usize| {
        let mut connection = server.connect_from(IpAddr::from(from));
        let body = format!(r#"{{"email":"nobody-{n}@example.com","password":"wrong"}}"#);
        exchange(&mut connection, "POST", "/api/v1/auth/login", &body).0
    };
    // Each try names another account, so only the address's count grows.
    for n in 0..newsdesk::auth::LOGIN_ATTEMPTS_PER_WINDOW as usize {
        assert_eq!(login([127, 0, 0, 1], n), 401, "try {n}");
    }

    assert_eq!(
        login([127, 0, 0, 1], 100),
        429,
        "this address is locked out"
    );
    assert_eq!(login([127, 0, 0, 2], 101), 401, "another address is not");
}
