//! Newsdesk: a headless content API for news publishers.
//!
//! Modules, top to bottom; each uses only what lies below it, and
//! `tests/it/architecture.rs` checks that:
//! - [`cli`] parses the command line and runs a command; [`server`] serves the app.
//! - [`app`] builds every part from the configuration, and the one router.
//! - The faces, which only translate: [`rest`] (JSON, RFC 9457 problems, the
//!   OpenAPI contract) and [`graphql`] (schema, DataLoaders, limits); and
//!   [`seed`], the demo and benchmark newsrooms.
//! - [`http`]: what both faces share: request ids and limits, problem
//!   rendering, HTTP caching and the in-process response cache.
//! - [`auth`] turns credentials into an `Actor`, once per request.
//! - [`domain`] holds every query and rule behind one handle,
//!   [`domain::Newsdesk`]; it knows nothing of HTTP.
//! - [`db`] connects, migrates, and holds the SeaORM entities.
//! - Leaves, used by anyone and using nothing of the crate: [`config`] (plain
//!   settings), [`error`] (the one error type) and [`crypto`] (password and
//!   token hashing).

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod rest;
pub mod seed;
pub mod server;
