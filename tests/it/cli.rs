//! The `newsdesk` binary: start-up errors, serving, and graceful shutdown.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use crate::support::process::{free_port, newsdesk};
use std::time::{Duration, Instant};

/// One HTTP/1.1 request over a plain socket; returns the status line and body.
fn http(port: u16, method: &str, path: &str) -> Option<(String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.lines().next()?.to_owned();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Some((status, body))
}

fn wait_until_up(child: &mut Child, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Some((status, _)) = http(port, "GET", "/healthz")
            && status.contains("200")
        {
            return;
        }
        if let Ok(Some(exit)) = child.try_wait() {
            panic!("newsdesk exited early: {exit}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("newsdesk did not come up");
}

fn assert_failed_with_one_line_naming(out: &std::process::Output, setting: &str) {
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(setting), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unsupported_database_url_exits_with_one_line_naming_the_setting() {
    let out = newsdesk()
        .args(["migrate", "--database-url", "mysql://localhost/x"])
        .output()
        .unwrap();

    assert_failed_with_one_line_naming(&out, "NEWSDESK_DATABASE_URL");
}

#[test]
fn an_unreachable_database_exits_with_one_line_naming_the_setting() {
    let port = free_port();
    let out = newsdesk()
        .arg("migrate")
        .env(
            "NEWSDESK_DATABASE_URL",
            format!("postgres://nobody@127.0.0.1:{port}/none"),
        )
        .output()
        .unwrap();

    assert_failed_with_one_line_naming(&out, "NEWSDESK_DATABASE_URL");
}

#[test]
fn a_bad_bind_address_exits_with_one_line_naming_the_setting() {
    let out = newsdesk()
        .env("NEWSDESK_BIND", "not-an-address")
        .output()
        .unwrap();

    assert_failed_with_one_line_naming(&out, "NEWSDESK_BIND");
}

#[test]
fn bad_outbound_settings_exit_with_one_line_naming_them() {
    for (variable, value) in [
        ("NEWSDESK_SMTP_URL", "mail.example.com"),
        ("NEWSDESK_MAIL_FROM", "not an address"),
        ("NEWSDESK_WEBHOOK_RETRY_SCHEDULE", "5s,soon"),
        ("NEWSDESK_PURGE_URL", "ftp://cdn.example.com/{keys}"),
        ("NEWSDESK_PURGE_HEADER", "no colon here"),
        ("NEWSDESK_PUBLIC_URL", "news.example.com"),
        ("NEWSDESK_REDIS_URL", "cache.example.com:6379"),
        ("NEWSDESK_REDIS_FAILURE", "sometimes"),
        (
            "NEWSDESK_DATABASE_REPLICA_URLS",
            "postgres://replica/db,mysql://other/db",
        ),
        ("NEWSDESK_METRICS_BIND", "everywhere"),
    ] {
        let out = newsdesk().env(variable, value).output().unwrap();
        assert_failed_with_one_line_naming(&out, variable);
    }
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["seed", "--help"],
        vec!["reindex", "--help"],
        vec!["webhook", "--help"],
        vec!["webhook", "create", "--help"],
    ] {
        let out = newsdesk().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[test]
fn serve_creates_and_seeds_a_sqlite_file_then_shuts_down_gracefully_writing_views() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fresh.db");
    let port = free_port();
    let mut child = newsdesk()
        .env(
            "NEWSDESK_DATABASE_URL",
            format!("sqlite://{}?mode=rwc", file.display()),
        )
        .env("NEWSDESK_BIND", format!("127.0.0.1:{port}"))
        .env("NEWSDESK_VIEWS_FLUSH_SECS", "3600")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until_up(&mut child, port);

    let (status, body) = http(port, "GET", "/api/v1/articles?limit=1").unwrap();
    assert!(status.contains("200"), "{status}");
    assert!(
        body.contains("\"has_more\":true"),
        "the demo was seeded: {body}"
    );
    let (status, _) = http(
        port,
        "POST",
        "/api/v1/articles/harbor-accord-talks-end-without-truce/views",
    )
    .unwrap();
    assert!(status.contains("204"), "{status}");

    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "newsdesk did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit}");

    let out = newsdesk()
        .args(["seed", "--demo"])
        .env(
            "NEWSDESK_DATABASE_URL",
            format!("sqlite://{}?mode=rwc", file.display()),
        )
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "the file kept its content, so seeding again is refused"
    );
    let views = sqlite_scalar(
        &file,
        "SELECT SUM(views) FROM article_views a JOIN articles b ON a.article_id = b.id WHERE b.slug = 'harbor-accord-talks-end-without-truce'",
    );
    assert_eq!(
        views, 4_201,
        "the seeded 4,200 views plus the one flushed at shutdown"
    );
}

fn sqlite_scalar(file: &std::path::Path, sql: &str) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        use sea_orm::ConnectionTrait;
        let db = sea_orm::Database::connect(format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        // A statement that returns no row (a write) answers 0.
        let Some(row) = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                sql.to_owned(),
            ))
            .await
            .unwrap()
        else {
            return 0;
        };
        row.try_get_by_index::<i64>(0).unwrap()
    })
}

fn run_with_db(file: &std::path::Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = newsdesk()
        .args(args)
        .env(
            "NEWSDESK_DATABASE_URL",
            format!("sqlite://{}?mode=rwc", file.display()),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

#[test]
fn tokens_are_created_listed_without_secrets_and_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.db");

    let created = run_with_db(
        &file,
        &[
            "token",
            "create",
            "--name",
            "acme",
            "--scopes",
            "content:read,comments:write",
            "--rate",
            "10/s",
            "--expires",
            "90d",
        ],
        None,
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let stdout = String::from_utf8_lossy(&created.stdout);
    let secret = stdout
        .lines()
        .find(|l| l.starts_with("nd_"))
        .expect("the secret is printed once")
        .to_owned();

    let listed = run_with_db(&file, &["token", "list"], None);
    let listing = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listing.contains("acme")
            && listing.contains("content:read,comments:write")
            && listing.contains("600")
    );
    assert!(!listing.contains(&secret), "list never shows a secret");

    let revoked = run_with_db(&file, &["token", "revoke", "1"], None);
    assert!(revoked.status.success());
    assert!(
        String::from_utf8_lossy(&run_with_db(&file, &["token", "list"], None).stdout)
            .contains("revoked")
    );
    let again = run_with_db(&file, &["token", "revoke", "1"], None);
    assert!(!again.status.success(), "revoking twice is an error");
}

#[test]
fn webhooks_are_created_with_their_secret_once_listed_without_it_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hooks.db");

    let created = run_with_db(
        &file,
        &[
            "webhook",
            "create",
            "--url",
            "https://hooks.example.com/in",
            "--events",
            "article.*,comment.approved",
        ],
        None,
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let stdout = String::from_utf8_lossy(&created.stdout);
    let secret = stdout
        .lines()
        .find(|l| l.starts_with("whsec_"))
        .expect("the secret is printed once")
        .to_owned();

    let listing = String::from_utf8_lossy(&run_with_db(&file, &["webhook", "list"], None).stdout)
        .into_owned();
    assert!(listing.contains("https://hooks.example.com/in"));
    assert!(listing.contains("article.*,comment.approved"));
    assert!(!listing.contains(&secret), "list never shows a secret");

    assert!(
        run_with_db(&file, &["webhook", "delete", "1"], None)
            .status
            .success()
    );
    let after = String::from_utf8_lossy(&run_with_db(&file, &["webhook", "list"], None).stdout)
        .into_owned();
    assert!(!after.contains("hooks.example.com"));
}

#[test]
fn a_webhook_on_a_private_address_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_with_db(
        &dir.path().join("h.db"),
        &[
            "webhook",
            "create",
            "--url",
            "http://127.0.0.1:9/in",
            "--events",
            "*",
        ],
        None,
    );

    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("url"), "{stderr}");
}

#[test]
fn a_token_with_an_unknown_scope_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_with_db(
        &dir.path().join("t.db"),
        &["token", "create", "--name", "x", "--scopes", "root"],
        None,
    );

    assert_failed_with_one_line_naming(&out, "scopes");
}

#[test]
fn users_are_created_with_a_password_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.db");

    let created = run_with_db(
        &file,
        &[
            "user",
            "create",
            "--email",
            "Ed@News.example",
            "--name",
            "Ed",
            "--role",
            "admin",
        ],
        Some("a long enough password\n"),
    );
    let short = run_with_db(
        &file,
        &["user", "create", "--email", "x@news.example", "--name", "X"],
        Some("short\n"),
    );

    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(String::from_utf8_lossy(&created.stdout).contains("ed@news.example"));
    assert_failed_with_one_line_naming(&short, "password");
}

#[test]
fn reindex_finds_a_stale_teaser_and_rebuilds_it() {
    spoil_then_reindex("article_teasers", "article_id", "teaser", "{}", "articles");
}

#[test]
fn reindex_finds_a_stale_section_path_and_rebuilds_it() {
    spoil_then_reindex("section_paths", "section_id", "path", "[]", "sections");
}

/// Spoils the first stored row of a read model in a seeded demo database
/// (`column` of `table` set to `spoiled`); `reindex --check` must then fail
/// naming it among `named`, and `reindex` must rebuild it.
fn spoil_then_reindex(table: &str, key: &str, column: &str, spoiled: &str, named: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reindex.db");
    let seeded = run_with_db(&file, &["seed", "--demo"], None);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let first = sqlite_scalar(&file, &format!("SELECT min({key}) FROM {table}"));
    sqlite_scalar(
        &file,
        &format!("UPDATE {table} SET {column} = '{spoiled}' WHERE {key} = {first}"),
    );

    let checked = run_with_db(&file, &["reindex", "--check"], None);
    assert!(
        !checked.status.success(),
        "a stale {column} fails the check"
    );
    let said = String::from_utf8_lossy(&checked.stderr);
    assert!(said.contains(&format!("({named} {first})")), "{said}");

    let rebuilt = run_with_db(&file, &["reindex"], None);
    assert!(
        rebuilt.status.success(),
        "{}",
        String::from_utf8_lossy(&rebuilt.stderr)
    );
    assert!(
        run_with_db(&file, &["reindex", "--check"], None)
            .status
            .success()
    );
    assert_eq!(
        sqlite_scalar(
            &file,
            &format!("SELECT {column} = '{spoiled}' FROM {table} WHERE {key} = {first}")
        ),
        0,
        "rebuilt"
    );
}
