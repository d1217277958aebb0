//! An article's revisions in GraphQL, for editors.

use async_graphql::{Context, ID, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::article_list::PageInfo;
use super::context::ContextExt;
use super::error::GqlResult;
use super::node::plain_id;
use crate::domain::ids::ArticleId;
use crate::domain::page::{Cursor, CursorKind, Page};
use crate::domain::revisions::{self, Revision as DomainRevision, RevisionFields};

/// One saved version of an article.
pub struct Revision(pub DomainRevision);

/// One line of a body's line diff.
#[derive(SimpleObject)]
pub struct DiffLine {
    /// `equal`, `delete` or `insert`.
    pub op: String,
    pub text: String,
}

/// How one field differs between two revisions.
#[derive(SimpleObject)]
pub struct FieldChange {
    /// The field's name, as in the write API.
    pub field: String,
    pub before: Json<serde_json::Value>,
    pub after: Json<serde_json::Value>,
    /// For `body_markdown`, a line diff.
    pub lines: Option<Vec<DiffLine>>,
}

#[Object]
impl Revision {
    async fn id(&self) -> ID {
        ID(self.0.summary.id.to_string())
    }

    /// The article's version this save made.
    async fn version(&self) -> i32 {
        self.0.summary.version
    }

    /// Who saved it.
    async fn actor(&self) -> &str {
        &self.0.summary.actor
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.summary.created_at
    }

    /// The editable fields as this save left them, named as in the write API.
    async fn fields(&self) -> Json<&RevisionFields> {
        Json(&self.0.fields)
    }

    /// What changed from revision `from` to this one, field by field.
    async fn changes_since(
        &self,
        ctx: &Context<'_>,
        from: ID,
    ) -> async_graphql::Result<Vec<FieldChange>> {
        let diff = revisions::diff(
            ctx.desk(),
            ctx.actor(),
            self.0.summary.article_id,
            plain_id(&from, "revision")?,
            self.0.summary.id,
        )
        .await
        .gql()?;
        Ok(diff
            .changes
            .into_iter()
            .map(|c| FieldChange {
                field: c.field.to_owned(),
                before: Json(c.before),
                after: Json(c.after),
                lines: c.lines.map(|lines| {
                    lines
                        .into_iter()
                        .map(|l| DiffLine {
                            op: l.op.to_owned(),
                            text: l.text,
                        })
                        .collect()
                }),
            })
            .collect())
    }
}

fn cursor_of(r: &DomainRevision) -> String {
    Cursor {
        kind: CursorKind::Revisions,
        at: r.summary.created_at,
        id: r.summary.id,
    }
    .encode()
}

#[derive(SimpleObject)]
pub struct RevisionEdge {
    pub cursor: String,
    pub node: Revision,
}

/// A page of revisions, newest first.
pub struct RevisionConnection(pub Page<DomainRevision>);

#[Object]
impl RevisionConnection {
    async fn edges(&self) -> Vec<RevisionEdge> {
        self.0
            .items
            .iter()
            .map(|r| RevisionEdge {
                cursor: cursor_of(r),
                node: Revision(r.clone()),
            })
            .collect()
    }

    async fn nodes(&self) -> Vec<Revision> {
        self.0.items.iter().cloned().map(Revision).collect()
    }

    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.0, cursor_of)
    }
}

/// The revisions of an article, for `Article.revisions`.
pub(super) async fn of_article(
    ctx: &Context<'_>,
    article: ArticleId,
    page: &crate::domain::page::PageRequest,
) -> async_graphql::Result<RevisionConnection> {
    ctx.keep_private();
    let page = revisions::list(ctx.desk(), ctx.actor(), article, page)
        .await
        .gql()?;
    Ok(RevisionConnection(page))
}
