//! Secrets handed to clients: API tokens and refresh tokens. Only their
//! SHA-256 is ever stored; the secret is shown once.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// The prefix that makes a Newsdesk API token recognizable (to people and to secret scanners).
pub const API_TOKEN_PREFIX: &str = "nd_";
/// The prefix of refresh tokens.
pub const REFRESH_TOKEN_PREFIX: &str = "ndr_";

/// A freshly made secret. `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

impl SecretToken {
    /// 256 random bits from the operating system, with a prefix.
    pub fn generate(prefix: &str) -> SecretToken {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system provides randomness");
        SecretToken(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        hash(&self.0)
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(***)")
    }
}

/// The stored form of a secret: SHA-256, hex.
pub fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_hidden_from_debug() {
        let a = SecretToken::generate(API_TOKEN_PREFIX);
        let b = SecretToken::generate(API_TOKEN_PREFIX);
        assert!(a.expose().starts_with("nd_") && a.expose().len() > 40);
        assert_ne!(a, b);
        assert!(!format!("{a:?}").contains(a.expose()));
    }

    #[test]
    fn hashes_are_hex_sha256() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
