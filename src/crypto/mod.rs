//! Secrets and their stored forms: editor password hashes, API and refresh
//! tokens, and the hash that stands for a client's address. It sits below the
//! domain, which stores these, and imports nothing of the crate.

pub mod password;
pub mod signature;
pub mod token;
