//! Editor access tokens: short-lived JWTs, HS256 only, with issuer, audience,
//! expiry and subject always checked.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::Secret;
use crate::domain::ids::UserId;
use crate::error::{Error, Result};

const ISSUER: &str = "newsdesk";
const AUDIENCE: &str = "newsdesk-api";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    aud: String,
    iat: i64,
    exp: i64,
}

/// Signs and checks access tokens with one secret.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub ttl: Duration,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys(***)")
    }
}

impl JwtKeys {
    pub fn new(secret: &Secret, ttl: Duration) -> JwtKeys {
        // Pinned: a token naming any other algorithm, `none` included, is refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        JwtKeys {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
            validation,
            ttl,
        }
    }

    /// A token for the user, valid for the configured time.
    pub fn issue(&self, user_id: UserId) -> Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            exp: now + self.ttl.as_secs() as i64,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| Error::Internal(format!("signing a token failed: {e}")))
    }

    /// The user id a valid token names; anything else is unauthenticated.
    pub fn verify(&self, token: &str) -> Result<UserId> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| Error::Unauthenticated("the access token is invalid or expired"))?;
        data.claims
            .sub
            .parse()
            .map(UserId)
            .map_err(|_| Error::Unauthenticated("the access token is invalid or expired"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn keys(secret: &str) -> JwtKeys {
        JwtKeys::new(&Secret::new(secret), Duration::from_secs(900))
    }

    #[test]
    fn an_issued_token_verifies() {
        let k = keys("a-long-enough-test-secret");
        assert_eq!(k.verify(&k.issue(UserId(7)).unwrap()).unwrap(), UserId(7));
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let token = keys("one-secret-value").issue(UserId(7)).unwrap();
        assert!(keys("another-secret-value").verify(&token).is_err());
    }

    #[test]
    fn alg_none_is_refused() {
        let k = keys("a-long-enough-test-secret");
        let now = chrono::Utc::now().timestamp();
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let claims = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"sub":"7","iss":"newsdesk","aud":"newsdesk-api","iat":{now},"exp":{}}}"#,
            now + 600
        ));
        assert!(k.verify(&format!("{header}.{claims}.")).is_err());
    }

    #[test]
    fn an_expired_token_is_refused() {
        let k = JwtKeys::new(
            &Secret::new("a-long-enough-test-secret"),
            Duration::from_secs(0),
        );
        let mut claims = k.issue(UserId(7)).unwrap();
        claims.push('x');
        assert!(k.verify(&claims).is_err());
        let expired = {
            let now = chrono::Utc::now().timestamp();
            let c = Claims {
                sub: "7".into(),
                iss: ISSUER.into(),
                aud: AUDIENCE.into(),
                iat: now - 100,
                exp: now - 60,
            };
            jsonwebtoken::encode(
                &Header::new(Algorithm::HS256),
                &c,
                &EncodingKey::from_secret(b"a-long-enough-test-secret"),
            )
            .unwrap()
        };
        assert!(k.verify(&expired).is_err());
    }

    #[test]
    fn a_wrong_audience_is_refused() {
        let now = chrono::Utc::now().timestamp();
        let c = Claims {
            sub: "7".into(),
            iss: ISSUER.into(),
            aud: "someone-else".into(),
            iat: now,
            exp: now + 600,
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &c,
            &EncodingKey::from_secret(b"a-long-enough-test-secret"),
        )
        .unwrap();
        assert!(keys("a-long-enough-test-secret").verify(&token).is_err());
    }
}
