//! Reader comments as the public sees them: approved threads, oldest first.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::articles;
use super::ids::Slug;
use super::page::{Cursor, CursorKind, Page, PageRequest};
use super::visibility::PUBLIC_COMMENT_STATUS;
use crate::db::entities::comments;
use crate::error::Result;

/// A public comment and its public replies. The author's email and address
/// hash are never part of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comment {
    pub id: i64,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub replies: Vec<Comment>,
}

/// A page of a public article's approved threads, each with its approved replies.
pub async fn list_comments(
    db: &impl ConnectionTrait,
    article: &Slug,
    page: &PageRequest,
) -> Result<Page<Comment>> {
    let article_id = articles::public_id(db, article).await?;
    threads(db, article_id, page).await
}

/// A page of approved top-level comments with their replies, two statements
/// whatever the page size. A reply whose parent is not approved is hidden with it.
pub(crate) async fn threads(
    db: &impl ConnectionTrait,
    article_id: i64,
    page: &PageRequest,
) -> Result<Page<Comment>> {
    let mut top = comments::Entity::find()
        .filter(comments::Column::ArticleId.eq(article_id))
        .filter(comments::Column::Status.eq(PUBLIC_COMMENT_STATUS))
        .filter(comments::Column::ParentId.is_null());
    if let Some(after) = page.after {
        top = top.filter(
            Condition::any()
                .add(comments::Column::CreatedAt.gt(after.at))
                .add(
                    Condition::all()
                        .add(comments::Column::CreatedAt.eq(after.at))
                        .add(comments::Column::Id.gt(after.id)),
                ),
        );
    }
    let top = top
        .order_by_asc(comments::Column::CreatedAt)
        .order_by_asc(comments::Column::Id)
        .limit(page.limit.get() + 1)
        .all(db)
        .await?;
    let page = Page::from_overfetch(top, page.limit, |c| Cursor {
        kind: CursorKind::Comments,
        at: c.created_at,
        id: c.id,
    });

    let roots: Vec<i64> = page.items.iter().map(|c| c.id).collect();
    let replies = if roots.is_empty() {
        Vec::new()
    } else {
        comments::Entity::find()
            .filter(comments::Column::RootId.is_in(roots))
            .filter(comments::Column::Status.eq(PUBLIC_COMMENT_STATUS))
            .order_by_asc(comments::Column::CreatedAt)
            .order_by_asc(comments::Column::Id)
            .all(db)
            .await?
    };
    let mut children: HashMap<i64, Vec<comments::Model>> = HashMap::new();
    for reply in replies {
        if let Some(parent) = reply.parent_id {
            children.entry(parent).or_default().push(reply);
        }
    }
    Ok(page.map(|c| nest(c, &mut children)))
}

fn nest(model: comments::Model, children: &mut HashMap<i64, Vec<comments::Model>>) -> Comment {
    let replies = children
        .remove(&model.id)
        .unwrap_or_default()
        .into_iter()
        .map(|child| nest(child, children))
        .collect();
    Comment {
        id: model.id,
        author_name: model.author_name,
        body: model.body,
        created_at: model.created_at,
        replies,
    }
}
