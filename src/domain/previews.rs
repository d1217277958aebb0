//! Draft previews: an editor mints a link to one article, and whoever holds
//! it reads that article's latest saved version — draft, scheduled or
//! published — in exactly the public shape, until it expires or editors
//! revoke the article's links. The token is 256 random bits shown once; only
//! its SHA-256 is stored, so a guessed, edited or leaked-from-the-database
//! token opens nothing. Previews are never shared by caches, never listed,
//! never counted as views.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::actor::{Actor, Scope};
use super::articles::{self, ArticleRow};
use super::audit::{self, AuditAction, Audited};
use super::documents::{self, ArticleJson, WhichArticle};
use super::ids::ArticleId;
use super::newsdesk::Newsdesk;
use super::publishing;
use crate::crypto::token::{self, SecretToken};
use crate::db::entities::preview_links;
use crate::error::{Error, Resource, Result};

/// What minting and revoking preview links needs.
pub const SCOPE: Scope = Scope::ContentWrite;

/// The prefix of preview tokens.
pub const PREVIEW_TOKEN_PREFIX: &str = "ndp_";

/// Where the REST preview read lives; a link points here unless the
/// frontend's own preview page is configured.
pub const PREVIEW_PATH: &str = "/api/v1/preview/";

/// A freshly minted link. The token is shown once.
#[derive(Debug)]
pub struct PreviewLink {
    pub token: SecretToken,
    /// The frontend's preview page for this token, or the REST preview read.
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// What a presented token that opens nothing hears, whatever the reason:
/// telling expired from revoked from made-up would help only a guesser.
const REFUSED: Error = Error::NotFound(Resource::PreviewLink);

impl Newsdesk {
    /// Mints a preview link to article `id`, in any status.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn mint_preview_link(&self, actor: &Actor, id: ArticleId) -> Result<PreviewLink> {
        actor.require(SCOPE)?;
        let db = self.db();
        publishing::ensure_exists(db, id).await?;
        let token = SecretToken::generate(PREVIEW_TOKEN_PREFIX);
        let now = self.now();
        let ttl = chrono::Duration::from_std(self.workflow().preview_ttl)
            .map_err(|e| Error::Internal(format!("preview lifetime: {e}")))?;
        let expires_at = super::time::truncate(now + ttl);
        let txn = crate::db::begin_write(db).await?;
        preview_links::ActiveModel {
            article_id: Set(id.0),
            token_hash: Set(token.hash()),
            created_by: Set(actor.to_string()),
            created_at: Set(now),
            expires_at: Set(expires_at),
            revoked_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            actor,
            AuditAction::Create,
            Audited::PreviewLink,
            Some(id.0),
            format!("expires {}", expires_at.to_rfc3339()),
        )
        .await?;
        txn.commit().await?;
        let url = match &self.workflow().preview_url_template {
            Some(template) => template.replace("{token}", token.expose()),
            None => format!("{PREVIEW_PATH}{}", token.expose()),
        };
        Ok(PreviewLink {
            token,
            url,
            expires_at,
        })
    }

    /// Revokes every working preview link to article `id`; says how many.
    #[tracing::instrument(level = "info", skip_all)]
    pub async fn revoke_preview_links(&self, actor: &Actor, id: ArticleId) -> Result<u64> {
        actor.require(SCOPE)?;
        let db = self.db();
        publishing::ensure_exists(db, id).await?;
        let now = self.now();
        let txn = crate::db::begin_write(db).await?;
        let revoked = preview_links::Entity::update_many()
            .col_expr(preview_links::Column::RevokedAt, Expr::value(now))
            .filter(preview_links::Column::ArticleId.eq(id.0))
            .filter(preview_links::Column::RevokedAt.is_null())
            .filter(preview_links::Column::ExpiresAt.gt(now))
            .exec(&txn)
            .await?
            .rows_affected;
        audit::record(
            &txn,
            actor,
            AuditAction::Revoke,
            Audited::PreviewLink,
            Some(id.0),
            format!("{revoked} links"),
        )
        .await?;
        txn.commit().await?;
        Ok(revoked)
    }

    /// The article a preview token opens, as the public JSON document.
    pub async fn preview_json(&self, presented: &str) -> Result<ArticleJson> {
        let now = self.now();
        let id = self.previewed(presented, now).await?;
        let mut found =
            documents::article(self.reads(), now, WhichArticle::Preview(id), None).await?;
        found.article =
            super::structured::with_structured_data(&self.outbound().site, &found.article)?;
        Ok(found)
    }

    /// The article a preview token opens, as a row.
    pub async fn preview_row(&self, presented: &str) -> Result<ArticleRow> {
        let now = self.now();
        let id = self.previewed(presented, now).await?;
        articles::preview_row(self.db(), now, id).await
    }

    /// The article a working token opens.
    async fn previewed(&self, presented: &str, now: DateTime<Utc>) -> Result<ArticleId> {
        if !presented.starts_with(PREVIEW_TOKEN_PREFIX) || presented.len() > 100 {
            return Err(REFUSED);
        }
        let link = preview_links::Entity::find()
            .filter(preview_links::Column::TokenHash.eq(token::hash(presented)))
            .one(self.db())
            .await?
            .filter(|l| l.revoked_at.is_none() && l.expires_at > now)
            .ok_or(REFUSED)?;
        Ok(ArticleId(link.article_id))
    }
}
