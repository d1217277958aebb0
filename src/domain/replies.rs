//! Replies under a comment, paged like any list. A few are shown with each
//! comment, nested a few levels deep, so a page of threads reads naturally;
//! each comment says how many direct replies it has and where the next ones
//! start, and the rest are read a page at a time. A viral thread costs the
//! same statements and rows as a quiet one.

use crate::db::FetchRows;
use crate::domain::ids::CommentId;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, Order, Query, SelectStatement, UnionType, WindowStatement,
};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QuerySelect,
    QueryTrait,
};

use super::comments::Comment;
use super::page::{Cursor, CursorKind, Limit, Page, PageRequest};
use super::visibility::PUBLIC_COMMENT_STATUS;
use crate::db::entities::comments;
use crate::db::fetch_all;
use crate::error::Result;

/// Direct replies shown with a comment before a reader asks for more.
pub const REPLIES_SHOWN: u64 = 5;
/// Levels of replies shown under a top-level comment. Deeper replies are
/// counted, and read on request.
pub const NESTED_LEVELS: usize = 2;

/// Some of a comment's direct replies, oldest first: how many there are in
/// all, and where the next ones start (`None` when all are shown, or when
/// none are shown because they lie deeper than a page nests).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Replies {
    pub items: Vec<Comment>,
    pub total: i64,
    pub next: Option<Cursor>,
}

impl Replies {
    /// Whether every direct reply is among `items`.
    pub fn complete(&self) -> bool {
        self.items.len() as i64 >= self.total
    }
}

fn cursor_of(reply: &ReplyRow) -> Cursor {
    Cursor {
        kind: CursorKind::Replies,
        at: reply.created_at,
        id: reply.id,
    }
}

/// An approved reply, its place among its siblings, and how many siblings.
#[derive(Debug, FromQueryResult, serde::Deserialize)]
struct ReplyRow {
    id: i64,
    parent_id: Option<i64>,
    author_name: String,
    body: String,
    created_at: DateTime<Utc>,
    /// 1 for the oldest reply to its parent.
    position: i64,
    /// Approved replies to the same parent.
    siblings: i64,
}

/// The first `limit` approved replies to each of `parents`, and their
/// counts, in one statement: window functions number the replies of each
/// parent, so no parent's crowd of replies is read past the limit.
async fn first_replies(db: &impl FetchRows, parents: &[i64], limit: u64) -> Result<Vec<ReplyRow>> {
    use comments::Column as C;
    let mut in_order = WindowStatement::partition_by(C::ParentId);
    in_order
        .order_by(C::CreatedAt, Order::Asc)
        .order_by(C::Id, Order::Asc);
    let numbered = Query::select()
        .columns([C::Id, C::ParentId, C::AuthorName, C::Body, C::CreatedAt])
        .expr_window_as(Expr::cust("ROW_NUMBER()"), in_order, Alias::new("position"))
        .expr_window_as(
            Expr::cust("COUNT(*)"),
            WindowStatement::partition_by(C::ParentId),
            Alias::new("siblings"),
        )
        .from(comments::Entity)
        .and_where(Expr::col(C::ParentId).is_in(parents.iter().copied()))
        .and_where(Expr::col(C::Status).eq(PUBLIC_COMMENT_STATUS))
        .to_owned();
    let query = Query::select()
        .column(Asterisk)
        .from_subquery(numbered, Alias::new("numbered"))
        .and_where(Expr::col(Alias::new("position")).lte(limit as i64))
        .order_by(Alias::new("parent_id"), Order::Asc)
        .order_by(Alias::new("position"), Order::Asc)
        .to_owned();
    Ok(fetch_all(db, &query).await?)
}

/// How many approved replies each of `parents` has.
async fn reply_counts(db: &impl FetchRows, parents: &[i64]) -> Result<HashMap<i64, i64>> {
    use comments::Column as C;
    #[derive(FromQueryResult, serde::Deserialize)]
    struct Count {
        parent_id: Option<i64>,
        n: i64,
    }
    let counts: Vec<Count> = fetch_all(
        db,
        &comments::Entity::find()
            .select_only()
            .column(C::ParentId)
            .column_as(C::Id.count(), "n")
            .filter(C::ParentId.is_in(parents.iter().copied()))
            .filter(C::Status.eq(PUBLIC_COMMENT_STATUS))
            .group_by(C::ParentId)
            .into_query(),
    )
    .await?;
    Ok(counts
        .into_iter()
        .filter_map(|c| c.parent_id.map(|p| (p, c.n)))
        .collect())
}

/// The replies shown under each of `parents`: up to [`REPLIES_SHOWN`] per
/// comment, [`NESTED_LEVELS`] deep, one statement per level and one to count
/// the level below. Every parent gets an entry, empty when unanswered.
pub async fn shown_under(db: &impl FetchRows, parents: &[i64]) -> Result<HashMap<i64, Replies>> {
    let mut children: HashMap<i64, Vec<ReplyRow>> = HashMap::new();
    let mut totals: HashMap<i64, i64> = HashMap::new();
    let mut asking: Vec<i64> = parents.to_vec();
    for _ in 0..NESTED_LEVELS {
        if asking.is_empty() {
            break;
        }
        let rows = first_replies(db, &asking, REPLIES_SHOWN + 1).await?;
        let mut next = Vec::new();
        for row in rows {
            let Some(parent) = row.parent_id else {
                continue;
            };
            totals.insert(parent, row.siblings);
            if row.position as u64 <= REPLIES_SHOWN {
                next.push(row.id);
            }
            children.entry(parent).or_default().push(row);
        }
        asking = next;
    }
    if !asking.is_empty() {
        totals.extend(reply_counts(db, &asking).await?);
    }
    Ok(parents
        .iter()
        .map(|&parent| (parent, assemble(parent, &mut children, &totals)))
        .collect())
}

/// The replies to `parent` from what was read, nested.
fn assemble(
    parent: i64,
    children: &mut HashMap<i64, Vec<ReplyRow>>,
    totals: &HashMap<i64, i64>,
) -> Replies {
    let total = totals.get(&parent).copied().unwrap_or(0);
    let rows = children.remove(&parent).unwrap_or_default();
    let page = Page::from_overfetch(rows, Limit::of(REPLIES_SHOWN), cursor_of);
    Replies {
        next: page.next_cursor,
        items: page
            .items
            .into_iter()
            .map(|row| {
                let replies = assemble(row.id, children, totals);
                comment(row, replies)
            })
            .collect(),
        total,
    }
}

fn comment(row: ReplyRow, replies: Replies) -> Comment {
    Comment {
        id: CommentId(row.id),
        parent_id: row.parent_id.map(CommentId),
        author_name: row.author_name,
        body: row.body,
        created_at: row.created_at,
        replies,
    }
}

/// A page of the approved comments `matching` (a thread's first comments,
/// or one comment's replies), oldest first, each with the first of its
/// replies: one statement for the page and one per level of replies shown.
pub(super) async fn page_where(
    db: &impl FetchRows,
    matching: Condition,
    kind: CursorKind,
    page: &PageRequest,
) -> Result<Page<Comment>> {
    let mut pages = pages_where(db, vec![matching], kind, page).await?;
    Ok(pages.pop().unwrap_or(Page {
        items: Vec::new(),
        next_cursor: None,
    }))
}

/// [`page_where`] for several conditions at once (the threads of every
/// article in a list), in as many statements as for one: each condition's
/// page is read by its own ordered, limited select, so it walks its index
/// as far as its page and no further, and the selects are joined by
/// `UNION ALL`; the replies of every page are read together. The pages come
/// back in the order of `groups`.
pub(super) async fn pages_where(
    db: &impl FetchRows,
    groups: Vec<Condition>,
    kind: CursorKind,
    page: &PageRequest,
) -> Result<Vec<Page<Comment>>> {
    use comments::Column as C;
    let mut union: Option<SelectStatement> = None;
    for (n, matching) in groups.iter().enumerate() {
        let mut one = Query::select();
        one.column(Asterisk)
            .from(comments::Entity)
            .cond_where(matching.clone())
            .and_where(Expr::col(C::Status).eq(PUBLIC_COMMENT_STATUS));
        if let Some(after) = page.after {
            one.and_where(after.after(Expr::col(C::CreatedAt), Expr::col(C::Id)));
        }
        one.order_by(C::CreatedAt, Order::Asc)
            .order_by(C::Id, Order::Asc)
            .limit(page.limit.get() + 1);
        // Wrapped so each member keeps its own ORDER BY and LIMIT, which SQLite
        // allows only in a subquery, and says which group its rows answer.
        let wrapped = Query::select()
            .column(Asterisk)
            .expr_as(
                Expr::cust(format!("CAST({n} AS BIGINT)")),
                Alias::new(GROUP),
            )
            .from_subquery(one, Alias::new(format!("g{n}")))
            .to_owned();
        match union.as_mut() {
            None => union = Some(wrapped),
            Some(all) => {
                all.union(UnionType::All, wrapped);
            }
        }
    }
    let Some(union) = union else {
        return Ok(Vec::new());
    };
    let mut rows: Vec<Vec<comments::Model>> = vec![Vec::new(); groups.len()];
    for row in fetch_all::<Grouped>(db, &union).await? {
        let group = usize::try_from(row.batch_group).unwrap_or(usize::MAX);
        if let Some(mine) = rows.get_mut(group) {
            mine.push(row.comment);
        }
    }
    let pages: Vec<Page<comments::Model>> = rows
        .into_iter()
        .map(|mut mine| {
            // UNION ALL promises no order; each page is put back in its own.
            mine.sort_by_key(|c| (c.created_at, c.id));
            Page::from_overfetch(mine, page.limit, |c| Cursor {
                kind,
                at: c.created_at,
                id: c.id,
            })
        })
        .collect();
    let ids: Vec<i64> = pages
        .iter()
        .flat_map(|p| p.items.iter().map(|c| c.id))
        .collect();
    let mut nested = shown_under(db, &ids).await?;
    Ok(pages
        .into_iter()
        .map(|p| {
            p.map(|c| {
                let replies = nested.remove(&c.id).unwrap_or_default();
                Comment::of(c, replies)
            })
        })
        .collect())
}

/// The column that says which of a batch's groups a row answers.
const GROUP: &str = "batch_group";

/// A comment and the group of a batch it answers.
#[derive(serde::Deserialize)]
struct Grouped {
    #[serde(flatten)]
    comment: comments::Model,
    batch_group: i64,
}

impl FromQueryResult for Grouped {
    fn from_query_result(row: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Grouped {
            comment: comments::Model::from_query_result(row, pre)?,
            batch_group: row.try_get(pre, GROUP)?,
        })
    }
}

/// A page of the direct replies to a comment the caller may see, each with
/// its own replies shown as in a thread, and how many there are in all.
pub async fn page_of(db: &impl FetchRows, parent: i64, page: &PageRequest) -> Result<Replies> {
    use comments::Column as C;
    let total = comments::Entity::find()
        .filter(C::ParentId.eq(parent))
        .filter(C::Status.eq(PUBLIC_COMMENT_STATUS))
        .count(db)
        .await?;
    let page = page_where(
        db,
        Condition::all().add(C::ParentId.eq(parent)),
        CursorKind::Replies,
        page,
    )
    .await?;
    Ok(Replies {
        next: page.next_cursor,
        total: i64::try_from(total).unwrap_or(i64::MAX),
        items: page.items,
    })
}
