//! Live coverage in GraphQL: an article's entries as a connection.

use async_graphql::{ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::article_list::PageInfo;
use super::blocks::Block;
use super::error::GqlResult;
use crate::domain::live::{self, LiveEntry as DomainEntry};
use crate::domain::markdown;
use crate::domain::page::Page;

/// The journalist an entry credits.
#[derive(SimpleObject)]
pub struct Byline {
    pub slug: String,
    pub name: String,
}

/// One entry of an article's live coverage.
pub struct LiveEntry(pub DomainEntry);

#[Object]
impl LiveEntry {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn author(&self) -> Option<Byline> {
        self.0.author.as_ref().map(|a| Byline {
            slug: a.slug.clone(),
            name: a.name.clone(),
        })
    }

    async fn body_markdown(&self) -> &str {
        &self.0.body_markdown
    }

    /// Sanitized HTML, rendered when the entry was saved.
    async fn body_html(&self) -> &str {
        &self.0.body_html
    }

    async fn body_blocks(&self) -> async_graphql::Result<Vec<Block>> {
        let blocks = markdown::stored_blocks(self.0.article_id, self.0.body_blocks.get()).gql()?;
        Ok(blocks.into_iter().map(Block::from).collect())
    }

    /// Kept at the top of the coverage.
    async fn pinned(&self) -> bool {
        self.0.pinned
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

fn cursor_of(entry: &DomainEntry) -> String {
    live::cursor_of(entry).encode()
}

#[derive(SimpleObject)]
pub struct LiveEntryEdge {
    pub cursor: String,
    pub node: LiveEntry,
}

/// A page of live entries, newest first.
pub struct LiveEntryConnection(pub Page<DomainEntry>);

#[Object]
impl LiveEntryConnection {
    async fn edges(&self) -> Vec<LiveEntryEdge> {
        self.0
            .items
            .iter()
            .map(|e| LiveEntryEdge {
                cursor: cursor_of(e),
                node: LiveEntry(e.clone()),
            })
            .collect()
    }

    async fn nodes(&self) -> Vec<LiveEntry> {
        self.0.items.iter().cloned().map(LiveEntry).collect()
    }

    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.0, cursor_of)
    }
}
