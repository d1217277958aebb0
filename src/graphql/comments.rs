//! `Comment` and its connection. Only approved comments ever reach here.

use async_graphql::{ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::articles::PageInfo;
use super::node::{Kind, global_id};
use crate::domain::comments;
use crate::domain::page::{Cursor, CursorKind, Page};

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

    /// Approved replies, oldest first, each with its own replies.
    async fn replies(&self) -> Vec<Comment> {
        self.0.replies.iter().cloned().map(Comment).collect()
    }
}

fn cursor_of(comment: &comments::Comment) -> String {
    Cursor {
        kind: CursorKind::Comments,
        at: comment.created_at,
        id: comment.id,
    }
    .encode()
}

#[derive(SimpleObject)]
pub struct CommentEdge {
    pub cursor: String,
    pub node: Comment,
}

/// A page of comment threads, oldest first.
pub struct CommentConnection(pub Page<comments::Comment>);

#[Object]
impl CommentConnection {
    async fn edges(&self) -> Vec<CommentEdge> {
        self.0
            .items
            .iter()
            .map(|c| CommentEdge {
                cursor: cursor_of(c),
                node: Comment(c.clone()),
            })
            .collect()
    }

    async fn nodes(&self) -> Vec<Comment> {
        self.0.items.iter().cloned().map(Comment).collect()
    }

    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.0, cursor_of)
    }
}
