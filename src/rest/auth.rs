//! `/api/v1/auth`: editors log in for a short-lived access token and a
//! refresh token, and trade the refresh token for new ones.

use axum::Json;
use axum::extract::{Extension, State};
use serde::{Deserialize, Serialize};

use super::RestState;
use super::extract::AppJson;
use crate::auth::{ClientIp, LOGIN_ATTEMPTS_PER_WINDOW};
use crate::domain::accounts::User;
use crate::error::{Error, Result};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    email: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    refresh_token: String,
}

/// Credentials for the next quarter hour, and the way to get more.
#[derive(Serialize)]
pub struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    refresh_token: String,
}

async fn tokens_for(state: &RestState, user: &User) -> Result<Json<TokenResponse>> {
    let refresh = state.desk.issue_refresh_token(user.id).await?;
    Ok(Json(TokenResponse {
        access_token: state.auth.jwt.issue(user.id)?,
        token_type: "Bearer",
        expires_in: state.auth.jwt.ttl.as_secs(),
        refresh_token: refresh.expose().to_owned(),
    }))
}

/// `POST /api/v1/auth/login`. Failures are limited per account and per client
/// address, so passwords cannot be guessed at speed.
pub async fn login(
    State(state): State<RestState>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    AppJson(body): AppJson<LoginBody>,
) -> Result<Json<TokenResponse>> {
    let account_key = format!("login:account:{}", body.email.trim().to_lowercase());
    let ip_key = format!(
        "login:ip:{}",
        ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    );
    let limits = &state.auth.login_limits;
    limits
        .check(&account_key, LOGIN_ATTEMPTS_PER_WINDOW)
        .await?;
    limits.check(&ip_key, LOGIN_ATTEMPTS_PER_WINDOW).await?;
    match state.desk.verify_login(&body.email, &body.password).await {
        Ok(user) => tokens_for(&state, &user).await,
        Err(error @ Error::Unauthenticated(_)) => {
            // Counting can refuse the next try; this one has already failed.
            let _ = limits.hit(&account_key, LOGIN_ATTEMPTS_PER_WINDOW).await;
            let _ = limits.hit(&ip_key, LOGIN_ATTEMPTS_PER_WINDOW).await;
            Err(error)
        }
        Err(other) => Err(other),
    }
}

/// `POST /api/v1/auth/refresh`: a used refresh token never works again.
pub async fn refresh(
    State(state): State<RestState>,
    AppJson(body): AppJson<RefreshBody>,
) -> Result<Json<TokenResponse>> {
    let (user, next) = state.desk.rotate_refresh_token(&body.refresh_token).await?;
    Ok(Json(TokenResponse {
        access_token: state.auth.jwt.issue(user.id)?,
        token_type: "Bearer",
        expires_in: state.auth.jwt.ttl.as_secs(),
        refresh_token: next.expose().to_owned(),
    }))
}
