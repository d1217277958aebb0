//! The article queries: `articles`, `article` and `popular`.

use async_graphql::{Context, Enum, Object, SimpleObject};

use super::article_list::ArticleConnection;
use super::articles::{Article, list_complexity};
use super::context::ContextExt;
use super::error::GqlResult;
use super::loaders::{along, feed_parts, feed_relations, prefetch, wants_parts};
use super::serial::Serial;
use crate::domain::articles::{ArticleList, ArticleRow, ListArticles};
use crate::domain::ids::Slug;
use crate::domain::page::{BOX_LIMIT, CursorKind, Limit, PageRequest};
use crate::domain::popular::Window;
use crate::error::Resource;

/// How far back "popular" looks. Views are counted per UTC day.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum PopularWindow {
    /// Today and yesterday.
    Last24Hours,
    Last7Days,
    Last30Days,
}

impl From<PopularWindow> for Window {
    fn from(w: PopularWindow) -> Self {
        match w {
            PopularWindow::Last24Hours => Window::Day,
            PopularWindow::Last7Days => Window::Week,
            PopularWindow::Last30Days => Window::Month,
        }
    }
}

/// A popular article and its views in the window.
#[derive(SimpleObject)]
pub struct PopularArticle {
    pub article: Serial<Article>,
    pub views: i64,
}

#[derive(Default)]
pub struct ArticleQuery;

#[Object]
impl ArticleQuery {
    /// Published articles, newest first. `section` includes its subsections.
    #[graphql(complexity = "list_complexity(first, 20, child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        section: Option<String>,
        tag: Option<String>,
        author: Option<String>,
    ) -> async_graphql::Result<Serial<ArticleConnection>> {
        let query = ListArticles::from_input(
            section.as_deref(),
            tag.as_deref(),
            author.as_deref(),
            PageRequest::forward(CursorKind::Articles, first.map(i64::from), after.as_deref()),
        )
        .gql()?;
        ArticleConnection::read(ctx, ArticleList::Filtered(query.filter), &query.page).await
    }

    /// One published article; null with a NOT_FOUND error when there is none.
    async fn article(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<Option<Serial<Article>>> {
        let slug = Slug::parse_address(&slug, Resource::Article).gql()?;
        let reader = ctx.reader()?;
        if wants_parts(&ctx.look_ahead()) {
            let parts = ctx.shown(reader.article_parts(&slug).await.gql()?);
            return Ok(Some(Serial(Article(feed_parts(ctx, parts).await?))));
        }
        let row = ctx.shown(reader.article_row(&slug).await.gql()?);
        Ok(Some(Serial(Article(row))))
    }

    /// The article a preview link opens: its latest saved version in any
    /// status, in the public shape; a draft reads as if published now. Never
    /// cached. Null with NOT_FOUND for a made-up, expired or revoked link.
    async fn preview(
        &self,
        ctx: &Context<'_>,
        token: String,
    ) -> async_graphql::Result<Option<Serial<Article>>> {
        ctx.keep_private();
        let row = ctx.desk().preview_row(&token).await.gql()?;
        Ok(Some(Serial(Article(row))))
    }

    /// The most viewed published articles in the window.
    #[graphql(complexity = "list_complexity(first, BOX_LIMIT, child_complexity)")]
    async fn popular(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "PopularWindow::Last7Days")] window: PopularWindow,
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<Serial<PopularArticle>>> {
        let limit = Limit::from_number("first", first.map(i64::from), BOX_LIMIT).gql()?;
        let item = ctx.look_ahead().field("article");
        let (ranked, relations) = ctx.shown(
            ctx.reader()?
                .popular_rows(window.into(), limit, along(&item))
                .await
                .gql()?,
        );
        feed_relations(ctx, &relations).await?;
        let rows: Vec<ArticleRow> = ranked.iter().map(|(row, _)| row.clone()).collect();
        prefetch(ctx, &rows, item).await?;
        Ok(ranked
            .into_iter()
            .map(|(row, views)| {
                Serial(PopularArticle {
                    article: Serial(Article(row)),
                    views,
                })
            })
            .collect())
    }
}
