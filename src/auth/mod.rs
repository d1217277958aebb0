//! Turning a request's credentials into one [`Actor`], once per request:
//! `Authorization: Bearer nd_…` for partner tokens, `Bearer <JWT>` for editors,
//! nothing for anonymous readers. Permissions are decided in the domain.

pub mod jwt;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

use crate::crypto::token::API_TOKEN_PREFIX;
use crate::domain::Newsdesk;
use crate::domain::actor::Actor;
use crate::domain::rate_limit::{RateInfo, RateLimiter};
use crate::error::{Error, Result};
use jwt::JwtKeys;

/// Failed logins allowed per account, and per client address, in a window.
pub const LOGIN_ATTEMPTS_PER_WINDOW: u32 = 10;
/// The window failed logins are counted in.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Everything authentication needs, shared by every request.
pub struct Auth {
    pub desk: Newsdesk,
    pub jwt: JwtKeys,
    pub token_limits: RateLimiter,
    pub login_limits: RateLimiter,
}

impl Auth {
    pub fn new(desk: Newsdesk, jwt: JwtKeys) -> Auth {
        Auth {
            token_limits: desk.rate_limiter("token", Duration::from_secs(60)),
            login_limits: desk.rate_limiter("login", LOGIN_WINDOW),
            desk,
            jwt,
        }
    }
}

/// Who is calling, and where their rate limit stands.
#[derive(Clone, Debug)]
pub struct Authenticated {
    pub actor: Actor,
    pub rate: Option<RateInfo>,
}

/// Why credentials were refused, in a form every request handler can copy.
#[derive(Clone, Debug)]
pub enum Rejection {
    Unauthenticated(&'static str),
    RateLimited {
        retry_after_secs: u64,
    },
    /// The credentials could not be checked: the database is away.
    Unavailable,
    /// The credentials could not be checked, for a reason that is logged.
    Internal(Arc<str>),
}

impl Rejection {
    pub fn into_error(self) -> Error {
        match self {
            Rejection::Unauthenticated(reason) => Error::Unauthenticated(reason),
            Rejection::RateLimited {
                retry_after_secs, ..
            } => Error::RateLimited { retry_after_secs },
            Rejection::Unavailable => Error::Unavailable,
            Rejection::Internal(cause) => Error::Internal(cause.to_string()),
        }
    }
}

/// The outcome of authentication, kept in the request's extensions.
pub type AuthOutcome = std::result::Result<Authenticated, Rejection>;

/// The client's address, when the server knows it.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub Option<IpAddr>);

/// Who a request counts against for per-client limits: its token or account,
/// else its address.
pub fn client_key(actor: &Actor, ip: ClientIp) -> String {
    match actor {
        Actor::Partner { token_id, .. } => format!("token:{token_id}"),
        Actor::Editor { user_id, .. } => format!("user:{user_id}"),
        Actor::Operator => "operator".to_owned(),
        Actor::Anonymous => format!(
            "ip:{}",
            ip.0.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
        ),
    }
}

/// Decides the actor behind the request's credentials.
pub async fn authenticate(auth: &Auth, headers: &HeaderMap) -> Result<Authenticated> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Authenticated {
            actor: Actor::Anonymous,
            rate: None,
        });
    };
    let bearer = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, credentials)| credentials.trim())
        .filter(|credentials| !credentials.is_empty())
        .ok_or(Error::Unauthenticated(
            "send credentials as Authorization: Bearer <token>",
        ))?;
    if bearer.starts_with(API_TOKEN_PREFIX) {
        let presented = auth.desk.authenticate_token(bearer).await?;
        let Actor::Partner { token_id, .. } = &presented.actor else {
            unreachable!("API tokens authenticate partners");
        };
        let rate = auth
            .token_limits
            .hit(&format!("token:{token_id}"), presented.rate_per_minute)
            .await?;
        auth.desk.record_token_use(*token_id);
        return Ok(Authenticated {
            actor: presented.actor,
            rate: Some(rate),
        });
    }
    let user_id = auth.jwt.verify(bearer)?;
    let user = auth
        .desk
        .find_user(user_id)
        .await?
        .ok_or(Error::Unauthenticated("the account no longer exists"))?;
    Ok(Authenticated {
        actor: user.actor(),
        rate: None,
    })
}

/// Middleware: authenticates every request once, and adds the RateLimit
/// headers to answers for rate-limited callers.
pub async fn authenticate_request(
    State(auth): State<Arc<Auth>>,
    mut request: Request,
    next: Next,
) -> Response {
    let outcome: AuthOutcome = match authenticate(&auth, request.headers()).await {
        Ok(authenticated) => Ok(authenticated),
        Err(Error::Unauthenticated(reason)) => Err(Rejection::Unauthenticated(reason)),
        Err(Error::RateLimited { retry_after_secs }) => {
            Err(Rejection::RateLimited { retry_after_secs })
        }
        Err(Error::Internal(cause)) => Err(Rejection::Internal(cause.into())),
        Err(_) => Err(Rejection::Unavailable),
    };
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    request.extensions_mut().insert(ClientIp(ip));
    request.extensions_mut().insert(outcome.clone());
    let mut response = next.run(request).await;
    if let Ok(Authenticated {
        rate: Some(rate), ..
    }) = outcome
    {
        let headers = response.headers_mut();
        headers.insert("ratelimit-limit", HeaderValue::from(rate.limit));
        headers.insert("ratelimit-remaining", HeaderValue::from(rate.remaining));
        headers.insert("ratelimit-reset", HeaderValue::from(rate.reset_secs));
    }
    if let Err(Rejection::RateLimited { retry_after_secs }) = outcome {
        let headers = response.headers_mut();
        headers.insert("ratelimit-remaining", HeaderValue::from(0));
        headers.insert("ratelimit-reset", HeaderValue::from(retry_after_secs));
    }
    response
}
