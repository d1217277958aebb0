//! `Section` and the section queries: `section`, `sections`.

use async_graphql::{Context, ID, Object};

use super::article_list::ArticleConnection;
use super::articles::list_complexity;
use super::context::ContextExt;
use super::error::GqlResult;
use super::loaders::{ChildrenOf, SectionKey};
use super::node::{Kind, global_id};
use super::serial::Serial;
use crate::domain::articles::ArticleList;
use crate::domain::ids::Slug;
use crate::domain::sections::SectionInfo;
use crate::error::Resource;

/// A section of the site, in a tree (World > Middle East).
pub struct Section(pub SectionInfo);

#[Object]
impl Section {
    pub async fn id(&self) -> ID {
        global_id(Kind::Section, self.0.id)
    }

    async fn slug(&self) -> &str {
        &self.0.slug
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Serial<Section>>> {
        let Some(parent) = self.0.parent_id else {
            return Ok(None);
        };
        Ok(ctx
            .loader()?
            .load_one(SectionKey(parent))
            .await
            .gql()?
            .map(|s| Serial(Section(s))))
    }

    /// Subsections, in menu order.
    async fn children(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Serial<Section>>> {
        let children = ctx
            .loader()?
            .load_one(ChildrenOf(self.0.id.0))
            .await
            .gql()?;
        Ok(children
            .unwrap_or_default()
            .into_iter()
            .map(|s| Serial(Section(s)))
            .collect())
    }

    /// Published articles of this section and its subsections, newest first.
    #[graphql(complexity = "list_complexity(first, 20, child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Serial<ArticleConnection>> {
        ArticleConnection::load(ctx, ArticleList::InSection(self.0.id), first, after).await
    }
}

#[derive(Default)]
pub struct SectionQuery;

#[Object]
impl SectionQuery {
    /// One section; null with a NOT_FOUND error when there is none.
    async fn section(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<Option<Serial<Section>>> {
        let slug = Slug::parse_address(&slug, Resource::Section).gql()?;
        let found = ctx.reader()?.section_info(&slug).await.gql()?;
        Ok(Some(Serial(Section(ctx.shown(found)))))
    }

    /// The top-level sections in menu order; `children` walks the tree.
    async fn sections(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Serial<Section>>> {
        let all = ctx.shown(ctx.reader()?.all_sections().await.gql()?);
        Ok(all
            .into_iter()
            .filter(|s| s.parent_id.is_none())
            .map(|s| Serial(Section(s)))
            .collect())
    }
}
