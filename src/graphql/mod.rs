//! The GraphQL face: one schema over the domain, served per GraphQL over HTTP.
//! Resolvers translate; every rule lives in `domain`. Limits keep any single
//! query from costing more than a page should.

pub mod article_list;
pub mod article_queries;
pub mod articles;
pub mod blocks;
pub mod comments;
pub mod context;
pub mod documents;
pub mod error;
pub mod execution;
pub mod http;
pub mod limits;
pub mod live;
pub mod loaders;
pub mod media;
pub mod mutations;
pub mod node;
pub mod notes;
pub mod persisted;
pub mod related_links;
pub mod response_order;
pub mod revisions;
pub mod search;
pub mod sections;
pub mod serial;
pub mod streaming;
pub mod subscriptions;
pub mod taxonomy;
pub mod webhooks;

use std::sync::Arc;

use async_graphql::{MergedObject, Schema, ValidationMode};

use crate::auth::Auth;
use crate::domain::Newsdesk;
use persisted::PersistedQueries;

/// What the GraphQL endpoint reaches: the domain handle and the schema.
#[derive(Clone)]
pub struct GraphqlState {
    pub desk: Newsdesk,
    pub schema: NewsdeskSchema,
    /// The same schema checking only its limits and fragment cycles, for
    /// requests that passed the full validation before (`documents`).
    pub schema_for_validated: NewsdeskSchema,
    /// Whether `GET /graphql` from a browser shows GraphiQL.
    pub graphiql: bool,
    pub persisted_queries: Arc<PersistedQueries>,
    /// Documents parsed before, by their text.
    pub documents: Arc<documents::ParsedDocuments>,
    /// The WebSocket and event-stream connections open now.
    pub connections: Arc<streaming::OpenConnections>,
    /// Credential checks, for WebSocket clients that authenticate in
    /// `connection_init` (browsers cannot set headers on a WebSocket).
    pub auth: Arc<Auth>,
}

/// Operations executed at once per core. An operation mostly waits on the
/// database's few connections, so more at once do not finish sooner: each
/// only holds its partial answer in memory longer. Past this, operations
/// queue in arrival order holding nothing but their request.
pub const EXECUTING_PER_CORE: usize = 4;

thread_local! {
    /// Turns to execute on this thread. Per thread, not shared: over SQLite
    /// the server runs one runtime per core, and with one count for all, one core's
    /// operations could hold every turn while the other core's connections
    /// waited with nothing to run (the article page at 64 connections
    /// served a third fewer).
    static EXECUTING: Arc<tokio::sync::Semaphore> =
        Arc::new(tokio::sync::Semaphore::new(EXECUTING_PER_CORE));
}

/// Waits for a turn to execute an operation on this thread's core; the
/// turn ends when what this returns is dropped.
async fn turn_to_execute() -> Result<tokio::sync::OwnedSemaphorePermit, tokio::sync::AcquireError> {
    EXECUTING.with(Arc::clone).acquire_owned().await
}

impl GraphqlState {
    pub fn new(
        desk: Newsdesk,
        auth: Arc<Auth>,
        streams: streaming::StreamLimits,
        introspection: bool,
        graphiql: bool,
    ) -> Self {
        GraphqlState {
            desk,
            schema: schema(introspection, ValidationMode::Strict),
            schema_for_validated: schema(introspection, ValidationMode::Fast),
            graphiql,
            persisted_queries: Arc::new(PersistedQueries::default()),
            documents: Arc::new(documents::ParsedDocuments::default()),
            connections: Arc::new(streaming::OpenConnections::new(streams)),
            auth,
        }
    }
}

/// Every query field.
#[derive(MergedObject, Default)]
pub struct Query(
    article_queries::ArticleQuery,
    sections::SectionQuery,
    taxonomy::TaxonomyQuery,
    node::NodeQuery,
    webhooks::WebhookQuery,
    search::SearchQuery,
);

pub type NewsdeskSchema = Schema<Query, mutations::Mutation, subscriptions::Subscription>;

/// Builds the schema with its depth, complexity and directive limits;
/// introspection can be switched off. `ValidationMode::Fast` checks only the
/// limits and fragment cycles, for requests known to pass every rule. Aliases and root fields are counted by
/// each transport before the schema runs (`limits::check`, and
/// `limits::Checked` for WebSockets), not by an extension: any extension
/// puts every field on async-graphql's slower path, and objects resolved by
/// [`serial::Serial`] would not run it.
pub fn schema(introspection: bool, validation: ValidationMode) -> NewsdeskSchema {
    let builder = Schema::build(
        Query::default(),
        mutations::Mutation::default(),
        subscriptions::Subscription,
    )
    .validation_mode(validation)
    .limit_depth(limits::MAX_DEPTH)
    .limit_complexity(limits::MAX_COMPLEXITY)
    .limit_directives(limits::MAX_DIRECTIVES);
    if introspection {
        builder.finish()
    } else {
        builder.disable_introspection().finish()
    }
}

/// The schema in SDL, as checked in at `schema/schema.graphql`.
pub fn sdl() -> String {
    schema(true, ValidationMode::Strict).sdl()
}
