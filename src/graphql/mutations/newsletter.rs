//! The Subscribe box, for frontends that speak GraphQL: the same sign-up as
//! `POST /api/v1/newsletter/subscriptions`.

use async_graphql::{Context, Object};

use crate::graphql::context::ContextExt;
use crate::graphql::error::GqlResult;

#[derive(Default)]
pub struct NewsletterMutations;

#[Object]
impl NewsletterMutations {
    /// Asks an address to confirm newsletter lists (`front-page` or a
    /// section's slug). The answer is the same whether or not the address is
    /// known: `true`, once a confirmation link is on its way to the mailbox.
    async fn sign_up_for_newsletter(
        &self,
        ctx: &Context<'_>,
        email: String,
        lists: Vec<String>,
    ) -> async_graphql::Result<bool> {
        let client = ctx
            .data_opt::<crate::graphql::execution::ClientKey>()
            .map_or("ip:unknown", |k| k.0.as_str());
        ctx.desk().sign_up(client, &email, &lists).await.gql()?;
        Ok(true)
    }
}
