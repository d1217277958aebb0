//! Every public REST read of an article, a list or a page of comments is one
//! SQL statement, whatever the page holds: the database writes the JSON, and
//! the cursors inside it, exactly as the rest of the API writes them.

use chrono::{Duration, SecondsFormat, TimeZone, Utc};
use serde_json::json;

use crate::support::TestApp;

/// A newsroom with one of everything a page shows: a nested section, an
/// author, a tag, further reading, and a thread with more replies than shown.
async fn full_newsroom() -> TestApp {
    let app = TestApp::uncached().await;
    let world = app.section("world").create().await;
    app.section("europe").parent(world).create().await;
    let ada = app.author("ada").await;
    let trade = app.tag("trade").await;
    let earlier = app
        .article("earlier")
        .hours_ago(30)
        .authors(&[ada])
        .tags(&[trade])
        .create()
        .await;
    for i in 0..3 {
        app.article(&format!("filler-{i}"))
            .hours_ago(20 + i)
            .create()
            .await;
    }
    let story = app
        .article("story")
        .hours_ago(1)
        .authors(&[ada])
        .tags(&[trade])
        .related_article(earlier)
        .related_url("https://example.com/report", "The report")
        .image("https://example.com/a.jpg")
        .create()
        .await;
    let t = Utc::now() - Duration::hours(1);
    let top = app.comment(story).at(t).create().await;
    for i in 0..7 {
        let reply = app
            .comment(story)
            .reply_to(top)
            .at(t + Duration::minutes(i + 1))
            .create()
            .await;
        app.comment(story)
            .reply_to(reply)
            .at(t + Duration::minutes(i + 30))
            .create()
            .await;
    }
    app
}

#[tokio::test]
async fn each_public_read_costs_one_statement() {
    let app = full_newsroom().await;
    let next = app.get("/api/v1/articles?limit=2").await.json()["page"]["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_owned();
    for uri in [
        "/api/v1/articles".to_owned(),
        format!("/api/v1/articles?limit=2&cursor={next}"),
        "/api/v1/articles?section=world&tag=trade&author=ada".to_owned(),
        "/api/v1/articles/story".to_owned(),
        "/api/v1/articles/story?include=comments".to_owned(),
        "/api/v1/articles/story/comments".to_owned(),
        "/api/v1/sections/world/articles".to_owned(),
        "/api/v1/authors/ada".to_owned(),
        "/api/v1/tags/trade".to_owned(),
        "/api/v1/popular?window=30d".to_owned(),
        "/api/v1/articles/story/more-like-this".to_owned(),
        "/api/v1/sections".to_owned(),
        "/api/v1/sections/world".to_owned(),
    ] {
        let before = app.statements();
        let res = app.get(&uri).await;
        assert_eq!(res.status, 200, "{uri}: {}", res.text());
        assert_eq!(app.statements() - before, 1, "{uri}");
    }
}

#[tokio::test]
async fn a_missing_page_is_one_statement_too() {
    let app = full_newsroom().await;
    // The first request reads where the change feed stands; later ones do not.
    app.get("/api/v1/articles").await;
    for (uri, status) in [
        ("/api/v1/articles/nothing-here", 404),
        ("/api/v1/articles?tag=no-such-tag", 404),
        ("/api/v1/authors/nobody", 404),
        ("/api/v1/articles/nothing-here/more-like-this", 404),
    ] {
        let before = app.statements();
        assert_eq!(app.get(uri).await.status, status, "{uri}");
        assert_eq!(app.statements() - before, 1, "{uri}");
    }
}

/// The database writes REST's cursors; Rust writes GraphQL's. Both must be
/// the same cursor for the same place in the list, with or without a
/// fraction of a second in the time.
#[tokio::test]
async fn the_database_writes_the_cursors_rust_writes() {
    let app = TestApp::new().await;
    let whole_second = Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap();
    app.article("a").published_at(whole_second).create().await;
    app.article("b")
        .published_at(whole_second - Duration::milliseconds(250))
        .create()
        .await;
    app.article("c")
        .published_at(whole_second - Duration::microseconds(1_000_001))
        .create()
        .await;
    app.article("d").hours_ago(2_000).create().await;

    for limit in 1..=3 {
        let rest = app
            .get(&format!("/api/v1/articles?limit={limit}"))
            .await
            .json();
        let graphql = app
            .graphql_data(
                "query($n: Int) { articles(first: $n) { pageInfo { endCursor } } }",
                json!({ "n": limit }),
            )
            .await;
        assert_eq!(
            rest["page"]["next_cursor"], graphql["articles"]["pageInfo"]["endCursor"],
            "limit {limit}"
        );
    }
}

/// The database writes REST's times, in the stored teaser and at the read,
/// as the rest of the API writes them: whole seconds, then a fraction of 3
/// or 6 digits only when there is one, then `Z`.
#[tokio::test]
async fn the_database_writes_times_as_rust_writes_them() {
    let app = TestApp::new().await;
    let whole_second = Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap();
    let times = [
        whole_second,
        whole_second - Duration::milliseconds(250),
        whole_second - Duration::milliseconds(1_000),
        whole_second + Duration::microseconds(1),
        whole_second + Duration::microseconds(120_500),
        whole_second + Duration::microseconds(100_000),
    ];
    for (n, time) in times.iter().enumerate() {
        let slug = format!("at-{n}");
        app.article(&slug).published_at(*time).create().await;
        let rest = app.get(&format!("/api/v1/articles/{slug}")).await.json();
        let written = time.to_rfc3339_opts(SecondsFormat::AutoSi, true);
        assert_eq!(rest["published_at"], written.as_str());
        assert_eq!(rest["updated_at"], written.as_str());
    }
}

/// On SQLite the one-statement reads run on the request's own thread, from
/// connections of their own, not on the pool's: a read needs no pooled
/// connection, so it answers even while writers hold every one.
#[tokio::test]
async fn on_sqlite_public_reads_answer_while_every_pooled_connection_is_taken() {
    use sea_orm::TransactionTrait;
    let app = TestApp::uncached().await;
    if app.db().get_database_backend() != sea_orm::DbBackend::Sqlite {
        return;
    }
    app.article("story").create().await;
    // The first request reads where the change feed stands; later ones do not.
    app.get("/api/v1/articles").await;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(app.db().begin().await.expect("a pooled connection"));
    }

    let started = std::time::Instant::now();
    let res = app.get("/api/v1/articles/story").await;

    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["slug"], "story");
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    drop(held);
}

/// `newsdesk sql` prints the statement a read runs on PostgreSQL, values
/// written in, for `bench/run.sh` to hand to pgbench: run as printed, it
/// answers what the API answers. (SQLite has no pgbench, and sea-query
/// writes a timestamp into SQLite text otherwise than it is stored.)
#[tokio::test]
async fn on_postgres_the_printed_statement_of_a_read_answers_what_the_read_answers() {
    use newsdesk::domain::documents::{PublicRead, postgres_statement_text};
    use newsdesk::domain::page::{Limit, PageRequest};
    use sea_orm::{ConnectionTrait, Statement};
    let app = full_newsroom().await;
    let backend = app.db().get_database_backend();
    if backend != sea_orm::DbBackend::Postgres {
        return;
    }
    let read = PublicRead::List {
        filter: newsdesk::domain::articles::ArticleFilter::default(),
        page: PageRequest::first(Limit::of(1)),
    };

    let printed = postgres_statement_text(Utc::now(), &read);
    let row = app
        .db()
        .query_one_raw(Statement::from_string(backend, printed))
        .await
        .unwrap()
        .unwrap();

    let served = app.get("/api/v1/articles?limit=1").await.json();
    let data: String = row.try_get_by_index(3).unwrap();
    let next: Option<String> = row.try_get_by_index(4).unwrap();
    assert_eq!(served["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&data).unwrap(),
        served["data"]
    );
    assert!(next.is_some(), "a page follows");
    assert_eq!(json!(next), served["page"]["next_cursor"]);
}
