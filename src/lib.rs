//! Newsdesk: a headless content API for news publishers.
//!
//! - [`domain`] holds every query and rule; it knows nothing of HTTP.
//! - [`rest`] is the REST face: thin handlers, RFC 9457 problems, the OpenAPI contract.
//! - [`graphql`] is the GraphQL face: resolvers over the same domain, DataLoaders, limits.
//! - [`auth`] turns credentials into an `Actor`, once per request.
//! - [`db`] connects, migrates, and holds the SeaORM entities.
//! - [`app`] builds the router (for `main` and the tests alike); [`server`] runs it.
//! - [`cli`] and [`config`] are the command line and its settings; [`seed`] the demo newsroom.

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
