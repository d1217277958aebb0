//! Lists of articles as Relay connections: edges, page information and a
//! count made only when asked.

use async_graphql::{Context, Object, SimpleObject};

use super::articles::Article;
use super::context::ContextExt;
use super::error::GqlResult;
use super::loaders::{along_connection, feed_relations, prefetch};
use super::serial::Serial;
use crate::domain::articles::{ArticleList, ArticleRow};
use crate::domain::page::{CursorKind, Page, PageRequest};

/// Relay's page information. Only forward paging (`first`/`after`) is offered.
#[derive(SimpleObject)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

impl PageInfo {
    pub fn of<T>(page: &Page<T>, cursor: impl Fn(&T) -> String) -> PageInfo {
        PageInfo {
            has_next_page: page.has_more(),
            has_previous_page: false,
            start_cursor: page.items.first().map(&cursor),
            end_cursor: page.items.last().map(&cursor),
        }
    }
}

/// An article and where a list resumes after it.
#[derive(SimpleObject)]
pub struct ArticleEdge {
    pub cursor: String,
    pub node: Serial<Article>,
}

/// A page of published articles, newest first.
pub struct ArticleConnection {
    pub page: Page<ArticleRow>,
    /// What the list holds, for `totalCount`.
    pub list: ArticleList,
}

impl ArticleConnection {
    /// A page of the published articles `list` holds.
    pub async fn load(
        ctx: &Context<'_>,
        list: ArticleList,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Serial<ArticleConnection>> {
        let page =
            PageRequest::forward(CursorKind::Articles, first.map(i64::from), after.as_deref())
                .gql()?;
        ArticleConnection::read(ctx, list, &page).await
    }

    /// `page` of `list`, with the relations its items ask for read by the
    /// list's own statement.
    pub async fn read(
        ctx: &Context<'_>,
        list: ArticleList,
        page: &PageRequest,
    ) -> async_graphql::Result<Serial<ArticleConnection>> {
        let along = along_connection(&ctx.look_ahead());
        let (page, relations) =
            ctx.shown(ctx.reader()?.article_rows(&list, page, along).await.gql()?);
        feed_relations(ctx, &relations).await?;
        Ok(Serial(ArticleConnection { page, list }))
    }
}

#[Object]
impl ArticleConnection {
    async fn edges(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Serial<ArticleEdge>>> {
        prefetch(ctx, &self.page.items, ctx.look_ahead().field("node")).await?;
        Ok(self
            .page
            .items
            .iter()
            .map(|row| {
                Serial(ArticleEdge {
                    cursor: row.cursor().encode(),
                    node: Serial(Article(row.clone())),
                })
            })
            .collect())
    }

    async fn nodes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Serial<Article>>> {
        prefetch(ctx, &self.page.items, ctx.look_ahead()).await?;
        Ok(self
            .page
            .items
            .iter()
            .map(|row| Serial(Article(row.clone())))
            .collect())
    }

    async fn page_info(&self) -> Serial<PageInfo> {
        Serial(PageInfo::of(&self.page, |row| row.cursor().encode()))
    }

    /// All articles in the list, over every page. Counted only when asked.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let n = ctx.shown(ctx.reader()?.count_articles(&self.list).await.gql()?);
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
