//! The real `newsdesk` binary, started as an operator would.

use std::net::TcpListener;
use std::process::Command;

/// The binary, with no `NEWSDESK_*` setting of the test's environment and
/// logs at `warn`.
pub fn newsdesk() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_newsdesk"));
    for (key, _) in std::env::vars() {
        if key.starts_with("NEWSDESK_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("NEWSDESK_LOG", "warn");
    cmd
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
