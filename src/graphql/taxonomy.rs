//! `Author` and `Tag`, and the queries `author` and `tag`.

use async_graphql::{Context, ID, Object};

use super::article_list::ArticleConnection;
use super::articles::list_complexity;
use super::context::ContextExt;
use super::error::GqlResult;
use super::node::{Kind, global_id};
use super::serial::Serial;
use crate::domain::articles::ArticleList;
use crate::domain::authors;
use crate::domain::ids::Slug;
use crate::domain::tags;
use crate::error::Resource;

/// A writer credited on articles.
pub struct Author(pub authors::Author);

#[Object]
impl Author {
    pub async fn id(&self) -> ID {
        global_id(Kind::Author, self.0.id)
    }

    async fn slug(&self) -> &str {
        &self.0.slug
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn bio(&self) -> &str {
        &self.0.bio
    }

    async fn avatar_url(&self) -> Option<&str> {
        self.0.avatar_url.as_deref()
    }

    /// Their published articles, newest first.
    #[graphql(complexity = "list_complexity(first, 20, child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Serial<ArticleConnection>> {
        ArticleConnection::load(ctx, ArticleList::ByAuthor(self.0.id), first, after).await
    }
}

/// A topic label.
pub struct Tag(pub tags::Tag);

#[Object]
impl Tag {
    pub async fn id(&self) -> ID {
        global_id(Kind::Tag, self.0.id)
    }

    async fn slug(&self) -> &str {
        &self.0.slug
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Published articles with this tag, newest first.
    #[graphql(complexity = "list_complexity(first, 20, child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Serial<ArticleConnection>> {
        ArticleConnection::load(ctx, ArticleList::WithTag(self.0.id), first, after).await
    }
}

#[derive(Default)]
pub struct TaxonomyQuery;

#[Object]
impl TaxonomyQuery {
    /// One author; null with a NOT_FOUND error when there is none.
    async fn author(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<Option<Serial<Author>>> {
        let slug = Slug::parse_address(&slug, Resource::Author).gql()?;
        let found = ctx.reader()?.author(&slug).await.gql()?;
        Ok(Some(Serial(Author(ctx.shown(found)))))
    }

    /// One tag; null with a NOT_FOUND error when there is none.
    async fn tag(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<Option<Serial<Tag>>> {
        let slug = Slug::parse_address(&slug, Resource::Tag).gql()?;
        let found = ctx.reader()?.tag(&slug).await.gql()?;
        Ok(Some(Serial(Tag(ctx.shown(found)))))
    }
}
