//! `/api/v1/comments/{id}/replies`: the rest of a thread, a page at a time.

use axum::Json;
use serde::Serialize;

use super::envelopes::{ListResponse, PageInfo, PageParams};
use super::extract::{AppPath, AppQuery, Reading};
use super::wire::CommentJson;
use crate::domain::cache_tags::CacheTags;
use crate::domain::ids::CommentId;
use crate::domain::page::{CursorKind, Page, PageRequest};
use crate::domain::replies::Replies;
use crate::error::Result;

/// A page of replies and how many there are in all.
#[derive(Serialize)]
pub struct ReplyList {
    data: Vec<CommentJson>,
    page: PageInfo,
    total: i64,
}

impl From<Replies> for ReplyList {
    fn from(replies: Replies) -> Self {
        let ListResponse { data, page } = ListResponse::of(Page {
            items: replies.items,
            next_cursor: replies.next,
        });
        ReplyList {
            data,
            page,
            total: replies.total,
        }
    }
}

/// `GET /api/v1/comments/{id}/replies`
pub async fn list_replies(
    Reading(reader): Reading,
    AppPath(id): AppPath<CommentId>,
    AppQuery(params): AppQuery<PageParams>,
) -> Result<(CacheTags, Json<ReplyList>)> {
    let page = PageRequest::parse(
        CursorKind::Replies,
        params.limit.as_deref(),
        params.cursor.as_deref(),
    )?;
    let replies = reader.replies(id, &page).await?;
    Ok((replies.tags, Json(replies.value.into())))
}
