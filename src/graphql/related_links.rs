//! `RelatedLink`: one entry of an article's further-reading list.

use async_graphql::{Context, Enum, ID, Object};

use super::articles::Article;
use super::context::ContextExt;
use super::error::GqlResult;
use super::loaders::ArticleKey;
use super::node::{Kind, global_id};
use super::serial::Serial;
use crate::domain::related_links;

/// Another article, or a page elsewhere.
pub struct RelatedLink(pub related_links::RelatedLink);

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum RelatedLinkKind {
    /// Another published article: see `article`.
    Article,
    /// A page elsewhere: see `url`.
    External,
}

#[Object]
impl RelatedLink {
    pub async fn id(&self) -> ID {
        global_id(Kind::RelatedLink, self.0.id())
    }

    async fn kind(&self) -> RelatedLinkKind {
        match self.0 {
            related_links::RelatedLink::Article { .. } => RelatedLinkKind::Article,
            related_links::RelatedLink::External { .. } => RelatedLinkKind::External,
        }
    }

    /// The editor's wording, or the linked article's title.
    async fn title(&self) -> &str {
        match &self.0 {
            related_links::RelatedLink::Article { title, .. }
            | related_links::RelatedLink::External { title, .. } => title,
        }
    }

    /// The address of an external link.
    async fn url(&self) -> Option<&str> {
        match &self.0 {
            related_links::RelatedLink::External { url, .. } => Some(url),
            related_links::RelatedLink::Article { .. } => None,
        }
    }

    /// The linked article, for an internal link.
    async fn article(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Serial<Article>>> {
        let related_links::RelatedLink::Article { article, .. } = &self.0 else {
            return Ok(None);
        };
        Ok(ctx
            .loader()?
            .load_one(ArticleKey(article.id.0))
            .await
            .gql()?
            .map(|row| Serial(Article(row))))
    }
}
