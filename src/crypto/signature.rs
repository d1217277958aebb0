//! Signatures made with a shared secret: Standard Webhooks' `v1` signature
//! over each delivery, and the tamper-evident tokens Newsdesk hands out
//! (sync positions, newsletter links), which carry their own data.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The prefix of webhook signing secrets, as Standard Webhooks writes them.
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";

/// A new webhook signing secret: `whsec_` and 24 random bytes in base64.
pub fn new_webhook_secret() -> String {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    format!("{WEBHOOK_SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// The `webhook-signature` header for a message: `v1,` and the base64
/// HMAC-SHA256 of `id.timestamp.body` under the secret's key. `None` when
/// the secret is not one this module made.
pub fn webhook_signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD
        .decode(secret.strip_prefix(WEBHOOK_SECRET_PREFIX)?)
        .ok()?;
    let mut mac = HmacSha256::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// A key for signing tokens of one kind, derived from the server's secret,
/// so a token of one kind never passes for another.
#[derive(Clone)]
pub struct TokenSigner(Vec<u8>);

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSigner(***)")
    }
}

impl TokenSigner {
    pub fn new(server_secret: &[u8], purpose: &str) -> TokenSigner {
        let mut mac = HmacSha256::new_from_slice(server_secret).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        TokenSigner(mac.finalize().into_bytes().to_vec())
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key length")
    }

    /// `payload` made into a token: itself in base64url, a dot, its tag.
    pub fn sign(&self, payload: &str) -> String {
        let mut mac = self.mac();
        mac.update(payload.as_bytes());
        let tag = mac.finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(&tag[..18])
        )
    }

    /// The payload of a token this signer made; `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<String> {
        let (payload, tag) = token.split_once('.')?;
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        let mut mac = self.mac();
        mac.update(&payload);
        mac.verify_truncated_left(&tag).ok()?;
        if tag.len() != 18 {
            return None;
        }
        String::from_utf8(payload).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_the_standard_webhooks_example() {
        // The example in the Standard Webhooks specification's test vectors.
        let signature = webhook_signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signature.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn tokens_verify_only_unchanged_and_only_for_their_purpose() {
        let sync = TokenSigner::new(b"server secret", "sync");
        let other = TokenSigner::new(b"server secret", "newsletter");
        let token = sync.sign("d:42");
        assert_eq!(sync.verify(&token).as_deref(), Some("d:42"));
        assert_eq!(other.verify(&token), None);
        let forged = format!(
            "{}{}",
            URL_SAFE_NO_PAD.encode("d:41"),
            &token[token.find('.').unwrap_or(0)..]
        );
        assert_eq!(sync.verify(&forged), None);
        assert_eq!(sync.verify("nonsense"), None);
    }

    #[test]
    fn new_secrets_are_prefixed_and_usable() {
        let secret = new_webhook_secret();
        assert!(secret.starts_with("whsec_"));
        assert!(webhook_signature(&secret, "msg_1", 1, "{}").is_some());
        assert_ne!(secret, new_webhook_secret());
    }
}
