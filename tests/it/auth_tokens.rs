//! Partner API tokens: scoped, revocable, rate-limited, recorded without a write per request.

use newsdesk::domain::accounts;
use newsdesk::domain::actor::{Actor, Role, Scope};
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn a_valid_token_reads_and_gets_rate_limit_headers() {
    let app = TestApp::new().await;
    let token = app.token_with_rate("content:read", 50).await;

    let res = app.get_as("/api/v1/articles", &token).await;

    assert_eq!(res.status, 200);
    assert_eq!(res.header("ratelimit-limit"), Some("50"));
    assert_eq!(res.header("ratelimit-remaining"), Some("49"));
    assert!(res.header("ratelimit-reset").is_some());
}

#[tokio::test]
async fn an_unknown_token_is_401_with_www_authenticate() {
    let app = TestApp::new().await;

    let res = app.get_as("/api/v1/articles", "nd_not-a-real-token").await;

    assert_eq!(res.status, 401);
    assert_eq!(res.json()["code"], "unauthenticated");
    assert!(
        res.header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );
}

#[tokio::test]
async fn a_malformed_authorization_header_is_401() {
    let app = TestApp::new().await;

    for value in [
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer ",
        "nd_token-without-scheme",
    ] {
        let res = app
            .send(
                axum::http::Request::get("/api/v1/articles")
                    .header("authorization", value)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(res.status, 401, "{value}");
    }
}

/// Revokes the app's one token, as the operator would from the command line.
async fn revoke_the_only_token(app: &TestApp) {
    let id = accounts::list_tokens(&app.state.desk, &Actor::Operator)
        .await
        .unwrap()[0]
        .id;
    accounts::revoke_token(&app.state.desk, &Actor::Operator, id)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_revoked_token_is_refused_on_its_very_next_request() {
    let app = TestApp::new().await;
    let token = app.token("content:read").await;
    assert_eq!(app.get_as("/api/v1/articles", &token).await.status, 200);

    revoke_the_only_token(&app).await;

    assert_eq!(app.get_as("/api/v1/articles", &token).await.status, 401);
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = TestApp::new().await;
    let (_, secret) = accounts::create_token(
        &app.state.desk,
        &Actor::Operator,
        accounts::NewToken {
            name: "old".into(),
            scopes: vec![newsdesk::domain::actor::Scope::ContentRead],
            rate_per_minute: 10,
            expires_at: Some(chrono::Utc::now() - chrono::Duration::minutes(1)),
        },
    )
    .await
    .unwrap();

    assert_eq!(
        app.get_as("/api/v1/articles", secret.expose()).await.status,
        401
    );
}

#[tokio::test]
async fn a_token_past_its_rate_is_429_with_retry_after() {
    let app = TestApp::new().await;
    let token = app.token_with_rate("content:read", 2).await;
    app.get_as("/api/v1/sections", &token).await;
    app.get_as("/api/v1/sections", &token).await;

    let res = app.get_as("/api/v1/sections", &token).await;

    assert_eq!(res.status, 429);
    assert_eq!(res.json()["code"], "rate_limited");
    let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(res.header("ratelimit-remaining"), Some("0"));
}

#[tokio::test]
async fn token_use_is_counted_in_memory_and_written_in_batches() {
    let app = TestApp::new().await;
    let token = app.token("content:read").await;
    for _ in 0..3 {
        app.get_as("/api/v1/sections", &token).await;
    }
    let before = &accounts::list_tokens(&app.state.desk, &Actor::Operator)
        .await
        .unwrap()[0];
    assert_eq!(before.request_count, 0, "no write per request");

    app.state.desk.flush_token_usage().await.unwrap();

    let after = &accounts::list_tokens(&app.state.desk, &Actor::Operator)
        .await
        .unwrap()[0];
    assert_eq!(after.request_count, 3);
    assert!(after.last_used_at.is_some());
}

#[tokio::test]
async fn with_public_reads_off_anonymous_reads_are_401_and_need_content_read() {
    let app = TestApp::builder()
        .http(|http| http.public_reads = false)
        .build()
        .await;
    let reader = app.token("content:read").await;
    let commenter = app.token("comments:write").await;

    assert_eq!(app.get("/api/v1/articles").await.status, 401);
    assert_eq!(app.get_as("/api/v1/articles", &commenter).await.status, 403);
    assert_eq!(app.get_as("/api/v1/articles", &reader).await.status, 200);
    let anonymous = app.graphql("{ sections { slug } }", json!({})).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(
        anonymous.json()["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    let forbidden = app
        .graphql_as("{ sections { slug } }", json!({}), &commenter)
        .await;
    assert_eq!(
        forbidden.json()["errors"][0]["extensions"]["code"],
        "FORBIDDEN"
    );
    let allowed = app
        .graphql_as("{ sections { slug } }", json!({}), &reader)
        .await;
    assert_eq!(allowed.status, 200);
}

#[tokio::test]
async fn graphql_refuses_bad_and_rate_limited_tokens_with_codes() {
    let app = TestApp::new().await;
    let token = app.token_with_rate("content:read", 1).await;
    app.graphql_as("{ sections { slug } }", json!({}), &token)
        .await;

    let limited = app
        .graphql_as("{ sections { slug } }", json!({}), &token)
        .await;
    let unknown = app
        .graphql_as("{ sections { slug } }", json!({}), "nd_unknown")
        .await;

    assert_eq!(limited.status, 429);
    assert_eq!(
        limited.json()["errors"][0]["extensions"]["code"],
        "RATE_LIMITED"
    );
    assert_eq!(unknown.status, 401);
    assert_eq!(
        unknown.json()["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn accounts_and_tokens_made_at_the_command_line_are_in_the_audit_log() {
    let app = TestApp::new().await;
    app.editor("boss@news.example", Role::Admin).await;
    let admin = app.login("boss@news.example").await;
    app.token("content:read").await;
    revoke_the_only_token(&app).await;

    let log = app.get_as("/api/v1/manage/audit", &admin).await.json();

    let entries: Vec<(String, String, String)> = log["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap().to_owned();
            (text("action"), text("resource"), text("actor"))
        })
        .collect();
    let by_operator = |action: &str, resource: &str| {
        (
            action.to_owned(),
            resource.to_owned(),
            "operator".to_owned(),
        )
    };
    assert_eq!(
        entries,
        [
            by_operator("revoke", "token"),
            by_operator("create", "token"),
            by_operator("create", "user"),
        ]
    );
}

#[tokio::test]
async fn only_admins_make_tokens() {
    let editor = Actor::Editor {
        user_id: newsdesk::domain::ids::UserId(1),
        email: "ed@news.example".into(),
        role: Role::Editor,
    };
    let app = TestApp::new().await;

    let made = accounts::create_token(
        &app.state.desk,
        &editor,
        accounts::NewToken {
            name: "sneaky".into(),
            scopes: vec![Scope::Admin],
            rate_per_minute: 60,
            expires_at: None,
        },
    )
    .await;

    assert!(matches!(made, Err(newsdesk::error::Error::Forbidden(_))));
    assert!(
        accounts::list_tokens(&app.state.desk, &Actor::Operator)
            .await
            .unwrap()
            .is_empty()
    );
}
