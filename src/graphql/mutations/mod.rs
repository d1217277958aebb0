//! Every mutation: the write side of articles, taxonomy, comments and
//! moderation. Permissions, validation and versions are the domain's; these translate.

mod articles;
mod comments;
mod newsletter;
mod taxonomy;
mod webhooks;
mod workflow;

use async_graphql::{ID, MergedObject};

use super::error::{code, coded};
use super::node::{Kind, parse_global_id};

pub use articles::{ArticleInput, ArticleStatus, ManagedArticle};
pub use comments::{CommentSubmission, ModeratedComment};

/// The mutation root, merged from each resource's mutations.
#[derive(MergedObject, Default)]
pub struct Mutation(
    articles::ArticleMutations,
    taxonomy::TaxonomyMutations,
    comments::CommentMutations,
    workflow::WorkflowMutations,
    webhooks::WebhookMutations,
    newsletter::NewsletterMutations,
);

/// The database id behind a global id of the expected kind.
fn id_of(kind: Kind, id: &ID) -> async_graphql::Result<i64> {
    match parse_global_id(id) {
        Some((found, id)) if found == kind => Ok(id),
        _ => Err(coded("not an id of the right type", code::BAD_USER_INPUT)),
    }
}
