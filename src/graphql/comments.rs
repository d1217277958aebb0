//! `Comment` and its connection. Only approved comments ever reach here.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::article_list::PageInfo;
use super::articles::list_complexity;
use super::context::ContextExt;
use super::error::GqlResult;
use super::node::{Kind, global_id};
use super::serial::Serial;
use crate::domain::comments;
use crate::domain::page::{Cursor, CursorKind, Page, PageRequest};
use crate::domain::replies::{REPLIES_SHOWN, Replies};

/// A reader's comment. The body is plain text as written: show it as text.
pub struct Comment(pub comments::Comment);

#[Object]
impl Comment {
    pub async fn id(&self) -> ID {
        global_id(Kind::Comment, self.0.id)
    }

    async fn author_name(&self) -> &str {
        &self.0.author_name
    }

    async fn body(&self) -> &str {
        &self.0.body
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Approved direct replies, oldest first, each with its own replies.
    /// The first few come with the thread; later pages are read on request.
    #[graphql(complexity = "list_complexity(first, REPLIES_SHOWN, child_complexity)")]
    async fn replies(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Serial<ReplyConnection>> {
        let page = PageRequest::forward(
            CursorKind::Replies,
            first.map(i64::from).or(Some(REPLIES_SHOWN as i64)),
            after.as_deref(),
        )
        .gql()?;
        if let Some(shown) = already_read(&self.0.replies, &page) {
            return Ok(Serial(shown));
        }
        let replies = ctx.reader()?.replies(self.0.id, &page).await.gql()?;
        Ok(Serial(ReplyConnection(ctx.shown(replies))))
    }
}

/// The page asked for, when the thread already read it.
fn already_read(shown: &Replies, page: &PageRequest) -> Option<ReplyConnection> {
    let limit = usize::try_from(page.limit.get()).unwrap_or(usize::MAX);
    if page.after.is_some() || (limit > shown.items.len() && !shown.complete()) {
        return None;
    }
    let items: Vec<comments::Comment> = shown.items.iter().take(limit).cloned().collect();
    let next = ((items.len() as i64) < shown.total)
        .then(|| items.last().map(reply_cursor))
        .flatten();
    Some(ReplyConnection(Replies {
        items,
        total: shown.total,
        next,
    }))
}

fn reply_cursor(comment: &comments::Comment) -> Cursor {
    Cursor {
        kind: CursorKind::Replies,
        at: comment.created_at,
        id: comment.id.0,
    }
}

/// A page of a comment's direct replies, oldest first.
pub struct ReplyConnection(pub Replies);

#[Object]
impl ReplyConnection {
    async fn edges(&self) -> Vec<Serial<CommentEdge>> {
        edges_of(&self.0.items, |c| reply_cursor(c).encode())
    }

    async fn nodes(&self) -> Vec<Serial<Comment>> {
        nodes_of(&self.0.items)
    }

    async fn page_info(&self) -> Serial<PageInfo> {
        let cursor = |c: &comments::Comment| reply_cursor(c).encode();
        Serial(PageInfo {
            has_next_page: self.0.next.is_some(),
            has_previous_page: false,
            start_cursor: self.0.items.first().map(cursor),
            end_cursor: self.0.items.last().map(cursor),
        })
    }

    /// All approved direct replies, over every page.
    async fn total_count(&self) -> i64 {
        self.0.total
    }
}

fn cursor_of(comment: &comments::Comment) -> String {
    Cursor {
        kind: CursorKind::Comments,
        at: comment.created_at,
        id: comment.id.0,
    }
    .encode()
}

fn edges_of(
    items: &[comments::Comment],
    cursor: impl Fn(&comments::Comment) -> String,
) -> Vec<Serial<CommentEdge>> {
    items
        .iter()
        .map(|c| {
            Serial(CommentEdge {
                cursor: cursor(c),
                node: Serial(Comment(c.clone())),
            })
        })
        .collect()
}

fn nodes_of(items: &[comments::Comment]) -> Vec<Serial<Comment>> {
    items.iter().map(|c| Serial(Comment(c.clone()))).collect()
}

#[derive(SimpleObject)]
pub struct CommentEdge {
    pub cursor: String,
    pub node: Serial<Comment>,
}

/// A page of comment threads, oldest first.
pub struct CommentConnection(pub Page<comments::Comment>);

#[Object]
impl CommentConnection {
    async fn edges(&self) -> Vec<Serial<CommentEdge>> {
        edges_of(&self.0.items, cursor_of)
    }

    async fn nodes(&self) -> Vec<Serial<Comment>> {
        nodes_of(&self.0.items)
    }

    async fn page_info(&self) -> Serial<PageInfo> {
        Serial(PageInfo::of(&self.0, cursor_of))
    }
}
