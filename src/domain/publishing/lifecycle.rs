//! An article's life after it is written: status changes (publish,
//! schedule, unpublish, archive), its further-reading list, and deletion.

use crate::domain::Newsdesk;
use crate::domain::ids::ArticleId;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};

use super::fields::empty_to_none;
use super::{MAX_TITLE, ManagedArticle, RelatedLinkInput, Transition, load};
use crate::db::entities::articles;
use crate::domain::actor::Actor;
use crate::domain::audit::{self, AuditAction, Audited};
use crate::domain::checks::{Checks, taken_by_another_write};
use crate::domain::editing::{self, NewRelatedLink};
use crate::domain::outbox;
use crate::domain::revisions;
use crate::domain::time;
use crate::domain::visibility::ArticleStatus;
use crate::error::{Error, Resource, Result};

use super::commands::claim_version;

/// Moves an article to another status, if `expected_version` is still current.
#[tracing::instrument(level = "info", skip_all)]
pub async fn transition(
    desk: &Newsdesk,
    actor: &Actor,
    id: ArticleId,
    expected_version: Option<i32>,
    to: Transition,
) -> Result<ManagedArticle> {
    let id = id.0;
    let db = desk.db();
    let expected_version = super::may_change(actor, expected_version)?;
    let now = desk.now();
    match to {
        Transition::Schedule(at) if at <= now => {
            return Err(Error::invalid(
                "publish_at",
                "must be in the future; publish now instead",
            ));
        }
        Transition::PublishAsOf(at) if at > now => {
            return Err(Error::invalid(
                "published_at",
                "must not be in the future; schedule the article instead",
            ));
        }
        _ => {}
    }
    let txn = crate::db::begin_write(db).await?;
    claim_version(&txn, id, expected_version).await?;
    let current = articles::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound(Resource::Article))?;
    let (status, published_at) = match to {
        Transition::Publish => (
            ArticleStatus::Published,
            Some(
                current
                    .published_at
                    .filter(|at| *at <= now && current.status != "draft")
                    .unwrap_or(now),
            ),
        ),
        Transition::PublishAsOf(at) => (ArticleStatus::Published, Some(time::truncate(at))),
        Transition::Schedule(at) => (ArticleStatus::Scheduled, Some(time::truncate(at))),
        Transition::Unpublish => (ArticleStatus::Draft, None),
        Transition::Archive => (ArticleStatus::Archived, current.published_at),
    };
    let mut model = current.into_active_model();
    model.status = Set(status.as_str().to_owned());
    model.published_at = Set(published_at);
    sea_orm::ActiveModelTrait::update(model, &txn)
        .await
        .map_err(taken_by_another_write("slug"))?;
    super::record_change(
        desk,
        txn,
        actor,
        AuditAction::Moved(status),
        id,
        expected_version,
    )
    .await?;
    load(db, id).await
}

/// Replaces the further-reading list, in the order given, if `expected_version` is still current.
#[tracing::instrument(level = "info", skip_all)]
pub async fn set_related_links(
    desk: &Newsdesk,
    actor: &Actor,
    id: ArticleId,
    expected_version: Option<i32>,
    links: Vec<RelatedLinkInput>,
) -> Result<ManagedArticle> {
    let id = id.0;
    let db = desk.db();
    let expected_version = super::may_change(actor, expected_version)?;
    let mut checks = Checks::new();
    let resolved = resolve_links(db, id, links, &mut checks).await?;
    checks.finish()?;
    let txn = crate::db::begin_write(db).await?;
    claim_version(&txn, id, expected_version).await?;
    editing::replace_related_links(&txn, id, resolved).await?;
    revisions::record(&txn, actor, id, desk.revisions_kept()).await?;
    super::record_change(
        desk,
        txn,
        actor,
        AuditAction::SetRelatedLinks,
        id,
        expected_version,
    )
    .await?;
    load(db, id).await
}

/// Checks a further-reading list for article `id`, resolving the articles
/// it names, and notes each problem in `checks`.
pub(crate) async fn resolve_links(
    db: &impl ConnectionTrait,
    id: i64,
    links: Vec<RelatedLinkInput>,
    checks: &mut Checks,
) -> Result<Vec<NewRelatedLink>> {
    checks.require(links.len() <= 50, "links", "at most 50");
    let mut resolved = Vec::new();
    for (i, link) in links.into_iter().enumerate() {
        match link {
            RelatedLinkInput::Article { slug, title } => {
                let target = articles::Entity::find()
                    .filter(articles::Column::Slug.eq(&slug))
                    .one(db)
                    .await?;
                match target {
                    Some(t) if t.id != id => resolved.push(NewRelatedLink::Article {
                        id: t.id,
                        title: title.and_then(empty_to_none),
                    }),
                    Some(_) => checks.require(
                        false,
                        &format!("links[{i}].article"),
                        "an article cannot link to itself",
                    ),
                    None => checks.require(
                        false,
                        &format!("links[{i}].article"),
                        format!("no article has the slug {slug:?}"),
                    ),
                }
            }
            RelatedLinkInput::External { url, title } => {
                checks.url(&format!("links[{i}].url"), Some(&url));
                checks.require(!url.is_empty(), &format!("links[{i}].url"), "is required");
                let n = title.trim().chars().count();
                checks.require(
                    (1..=MAX_TITLE).contains(&n),
                    &format!("links[{i}].title"),
                    format!("must be 1 to {MAX_TITLE} characters"),
                );
                resolved.push(NewRelatedLink::External {
                    url,
                    title: title.trim().to_owned(),
                });
            }
        }
    }
    Ok(resolved)
}

/// Deletes an article for good, if `expected_version` is still current.
#[tracing::instrument(level = "info", skip_all)]
pub async fn delete(
    desk: &Newsdesk,
    actor: &Actor,
    id: ArticleId,
    expected_version: Option<i32>,
) -> Result<()> {
    let id = id.0;
    let db = desk.db();
    let expected_version = super::may_change(actor, expected_version)?;
    let txn = crate::db::begin_write(db).await?;
    claim_version(&txn, id, expected_version).await?;
    let known = outbox::announced_row(&txn, id).await?;
    articles::Entity::delete_by_id(id).exec(&txn).await?;
    if let Some(known) = &known {
        outbox::article_deleted(desk, &txn, known).await?;
    }
    audit::record(
        &txn,
        actor,
        AuditAction::Delete,
        Audited::Article,
        Some(id),
        format!("at version {expected_version}"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
