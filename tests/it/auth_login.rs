//! Editors: login for a short-lived JWT, refresh, and every way a token can be wrong.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use newsdesk::domain::accounts;
use newsdesk::domain::actor::{Actor, Role};
use serde_json::json;

use crate::support::TestApp;
use crate::support::fixtures::PASSWORD;

#[tokio::test]
async fn an_editor_logs_in_and_reads_with_the_access_token() {
    let app = TestApp::new().await;
    app.editor("ed@news.example", Role::Editor).await;

    let res = app
        .post_json(
            "/api/v1/auth/login",
            json!({ "email": "ED@news.example", "password": PASSWORD }),
            None,
        )
        .await;

    assert_eq!(res.status, 200);
    let body = res.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["refresh_token"].as_str().unwrap().starts_with("ndr_"));
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(app.get_as("/api/v1/sections", access).await.status, 200);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_fail_alike() {
    let app = TestApp::new().await;
    app.editor("ed@news.example", Role::Editor).await;

    let wrong = app
        .post_json(
            "/api/v1/auth/login",
            json!({ "email": "ed@news.example", "password": "nope-nope-nope" }),
            None,
        )
        .await;
    let unknown = app
        .post_json(
            "/api/v1/auth/login",
            json!({ "email": "who@news.example", "password": PASSWORD }),
            None,
        )
        .await;

    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    assert_eq!(wrong.json()["detail"], unknown.json()["detail"]);
}

#[tokio::test]
async fn login_failures_are_rate_limited_per_account() {
    let app = TestApp::new().await;
    app.editor("ed@news.example", Role::Editor).await;
    for _ in 0..10 {
        let res = app
            .post_json(
                "/api/v1/auth/login",
                json!({ "email": "ed@news.example", "password": "wrong-password" }),
                None,
            )
            .await;
        assert_eq!(res.status, 401);
    }

    let res = app
        .post_json(
            "/api/v1/auth/login",
            json!({ "email": "ed@news.example", "password": PASSWORD }),
            None,
        )
        .await;

    assert_eq!(
        res.status, 429,
        "even the right password waits once the account is locked"
    );
    assert!(res.header("retry-after").is_some());
}

#[tokio::test]
async fn a_malformed_login_body_is_a_400_or_415() {
    let app = TestApp::new().await;

    let missing = app
        .post_json("/api/v1/auth/login", json!({ "email": "x@y.z" }), None)
        .await;
    let not_json = app
        .send(
            axum::http::Request::post("/api/v1/auth/login")
                .header("content-type", "text/plain")
                .body(axum::body::Body::from("email=x"))
                .unwrap(),
        )
        .await;

    assert_eq!(missing.status, 400);
    assert_eq!(not_json.status, 415);
}

#[tokio::test]
async fn a_refresh_token_is_good_once() {
    let app = TestApp::new().await;
    app.editor("ed@news.example", Role::Editor).await;
    let login = app
        .post_json(
            "/api/v1/auth/login",
            json!({ "email": "ed@news.example", "password": PASSWORD }),
            None,
        )
        .await
        .json();
    let refresh = login["refresh_token"].as_str().unwrap();

    let first = app
        .post_json(
            "/api/v1/auth/refresh",
            json!({ "refresh_token": refresh }),
            None,
        )
        .await;
    let again = app
        .post_json(
            "/api/v1/auth/refresh",
            json!({ "refresh_token": refresh }),
            None,
        )
        .await;

    assert_eq!(first.status, 200);
    assert_ne!(first.json()["refresh_token"], login["refresh_token"]);
    assert_eq!(again.status, 401);
}

#[tokio::test]
async fn a_token_for_a_deleted_user_is_refused() {
    let app = TestApp::new().await;
    let id = app.editor("gone@news.example", Role::Editor).await;
    let access = app.login("gone@news.example").await;

    accounts::delete_user(&app.state.desk, &Actor::Operator, id)
        .await
        .unwrap();

    assert_eq!(app.get_as("/api/v1/sections", &access).await.status, 401);
}

#[tokio::test]
async fn jwts_with_another_key_alg_none_or_past_expiry_are_refused() {
    let app = TestApp::new().await;
    let id = app.editor("ed@news.example", Role::Editor).await;
    let now = chrono::Utc::now().timestamp();
    let claims = |exp: i64| json!({ "sub": id.to_string(), "iss": "newsdesk", "aud": "newsdesk-api", "iat": now, "exp": exp });
    let other_key = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(now + 600),
        &EncodingKey::from_secret(b"some-other-secret-of-32-characters!"),
    )
    .unwrap();
    use base64::Engine;
    let b64 = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let alg_none = format!(
        "{}.{}.",
        b64(json!({ "alg": "none", "typ": "JWT" })),
        b64(claims(now + 600))
    );

    for token in [
        other_key.as_str(),
        alg_none.as_str(),
        "not.a.jwt",
        "eyJhbGciOiJIUzI1NiJ9.e30.x",
    ] {
        let res = app.get_as("/api/v1/sections", token).await;
        assert_eq!(res.status, 401, "{token}");
        let gql = app
            .graphql_as("{ sections { slug } }", json!({}), token)
            .await;
        assert_eq!(
            gql.json()["errors"][0]["extensions"]["code"],
            "UNAUTHENTICATED"
        );
    }
}
