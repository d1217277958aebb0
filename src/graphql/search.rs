//! `search`: public articles matching a reader's words, best first, each
//! with a highlighted snippet, as a Relay connection.

use async_graphql::{Context, Object, SimpleObject};

use super::article_list::PageInfo;
use super::articles::{Article, list_complexity};
use super::context::ContextExt;
use super::error::GqlResult;
use super::loaders::ArticleKey;
use crate::domain::articles::ArticleFilter;
use crate::domain::page::{DEFAULT_LIMIT, Limit};
use crate::domain::search::{SearchPage, SearchRequest};

/// A result and where results resume after it.
#[derive(SimpleObject)]
pub struct SearchEdge {
    pub cursor: String,
    /// The best passage as HTML: text escaped, matched words in `<mark>`.
    pub snippet: String,
    pub node: Article,
}

/// A page of search results, best first.
#[derive(SimpleObject)]
pub struct SearchConnection {
    pub edges: Vec<SearchEdge>,
    pub page_info: PageInfo,
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Public articles whose title, subtitle, excerpt or body hold every
    /// word of `query` (quoted phrases as phrases), best first with a boost
    /// for recent ones. `section` includes its subsections.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "list_complexity(first, 20, child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        first: Option<i32>,
        after: Option<String>,
        section: Option<String>,
        tag: Option<String>,
        author: Option<String>,
    ) -> async_graphql::Result<SearchConnection> {
        let request = SearchRequest {
            query,
            filter: ArticleFilter::from_input(
                section.as_deref(),
                tag.as_deref(),
                author.as_deref(),
            )
            .gql()?,
            from: None,
            to: None,
        };
        let limit = Limit::from_number("first", first.map(i64::from), DEFAULT_LIMIT).gql()?;
        let found = ctx
            .reader()?
            .search(&request, limit, after.as_deref())
            .await
            .gql()?;
        let SearchPage { hits, next_cursor } = ctx.shown(found);
        let rows = ctx
            .loader()?
            .load_many(hits.iter().map(|h| ArticleKey(h.id.0)))
            .await
            .gql()?;
        let edges: Vec<SearchEdge> = hits
            .into_iter()
            .filter_map(|h| {
                let row = rows.get(&ArticleKey(h.id.0))?.clone();
                Some(SearchEdge {
                    cursor: h.cursor,
                    snippet: h.snippet_html,
                    node: Article(row),
                })
            })
            .collect();
        Ok(SearchConnection {
            page_info: PageInfo {
                has_next_page: next_cursor.is_some(),
                has_previous_page: false,
                start_cursor: edges.first().map(|e| e.cursor.clone()),
                end_cursor: edges.last().map(|e| e.cursor.clone()),
            },
            edges,
        })
    }
}
