//! Newsdesk's integration tests: one binary, each test against its own fresh
//! database (SQLite, or PostgreSQL when NEWSDESK_TEST_POSTGRES_URL is set),
//! every HTTP request through the real router, every response checked
//! against openapi.yaml.

mod support;

mod architecture;
mod auth_login;
mod auth_tokens;
mod change_feed;
mod cli;
mod comments_workflow;
mod contract_graphql;
mod contract_openapi;
mod demo;
mod docs_pages;
mod feeds;
mod fleet;
mod graphql_caching;
mod graphql_http;
mod graphql_limits;
mod graphql_mutations;
mod graphql_node;
mod graphql_page;
mod graphql_pagination;
mod graphql_visibility;
mod graphql_workflow;
mod http_caching;
mod live_coverage;
mod metrics;
mod migrations;
mod newsletter;
mod notes;
mod one_statement_reads;
mod ops;
mod pagination;
mod previews;
mod read_model;
mod replicas;
mod replies;
mod response_cache;
mod rest_articles;
mod rest_comments;
mod rest_errors;
mod rest_popular;
mod rest_sections;
mod rest_taxonomy;
mod revisions;
mod search;
mod serving;
mod structured_data;
mod subscriptions;
mod subscriptions_ws;
mod sync;
mod telemetry;
mod visibility;
mod webhooks;
mod write_articles;
mod write_taxonomy;
