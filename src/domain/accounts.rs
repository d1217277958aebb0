//! Editor accounts, partner API tokens and refresh tokens: creating them,
//! checking them, revoking them.

use super::audit::{self, AuditAction, Audited};
use super::newsdesk::Newsdesk;
use crate::domain::ids::{TokenId, UserId};

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, SqlErr,
};

use super::actor::{Actor, Role, Scope};
use super::checks::Checks;
use super::time;
use crate::crypto::password;
use crate::crypto::token::{self, API_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX, SecretToken};
use crate::db::entities::{api_tokens, refresh_tokens, users};
use crate::error::{Error, Resource, Result};

/// The longest account or token name.
const MAX_NAME: usize = 80;

/// How long a refresh token lives.
pub const REFRESH_TTL_DAYS: i64 = 30;

/// A new editor account. The password is plain text until hashed here.
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: String,
}

/// An editor account, without its password hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor::Editor {
            user_id: self.id,
            email: self.email.clone(),
            role: self.role,
        }
    }
}

fn user_from(model: users::Model) -> Result<User> {
    Ok(User {
        id: UserId(model.id),
        role: Role::parse(&model.role).map_err(|_| {
            sea_orm::DbErr::Custom(format!("user {} has an unknown role", model.id))
        })?,
        email: model.email,
        name: model.name,
    })
}

/// Creates an editor account; admins only, recorded in the audit log.
#[tracing::instrument(level = "info", skip_all)]
pub async fn create_user(desk: &Newsdesk, actor: &Actor, new: NewUser) -> Result<User> {
    actor.require(Scope::Admin)?;
    let db = desk.db();
    let email = new.email.trim().to_lowercase();
    let name = new.name.trim().to_owned();
    let mut checks = Checks::new();
    checks.email("email", &email);
    checks.name("name", Some(&name), MAX_NAME, true);
    checks.require(
        new.password.chars().count() >= password::MIN_PASSWORD_LEN,
        "password",
        format!("must be at least {} characters", password::MIN_PASSWORD_LEN),
    );
    checks.finish()?;
    let hash = password::hash(new.password)
        .await
        .map_err(|e| Error::Internal(format!("hashing a password failed: {e}")))?;
    let now = time::now();
    let txn = crate::db::begin_write(db).await?;
    let model = users::ActiveModel {
        email: Set(email),
        name: Set(name),
        role: Set(new.role.as_str().to_owned()),
        password_hash: Set(hash),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            Error::invalid("email", "an account with this email exists")
        }
        _ => Error::from(e),
    })?;
    audit::record(
        &txn,
        actor,
        AuditAction::Create,
        Audited::User,
        Some(model.id),
        model.email.clone(),
    )
    .await?;
    txn.commit().await?;
    user_from(model)
}

/// The account a login names, if the password matches. Every failure looks the
/// same, so a caller cannot learn which emails have accounts.
pub async fn verify_login(db: &impl ConnectionTrait, email: &str, password: &str) -> Result<User> {
    let refused = Error::Unauthenticated("the email or password is wrong");
    let found = users::Entity::find()
        .filter(users::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?;
    let Some(model) = found else {
        // Spend the same time as a real check, so timing tells nothing either.
        password::verify(password.to_owned(), String::new()).await;
        return Err(refused);
    };
    if !password::verify(password.to_owned(), model.password_hash.clone()).await {
        return Err(refused);
    }
    user_from(model)
}

/// The account with this id, if it still exists.
pub async fn find_user(db: &impl ConnectionTrait, id: UserId) -> Result<Option<User>> {
    users::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(user_from)
        .transpose()
}

/// Deletes an account; its tokens stop working at once. Admins only,
/// recorded in the audit log.
#[tracing::instrument(level = "info", skip_all)]
pub async fn delete_user(desk: &Newsdesk, actor: &Actor, id: UserId) -> Result<()> {
    actor.require(Scope::Admin)?;
    let txn = crate::db::begin_write(desk.db()).await?;
    let result = users::Entity::delete_by_id(id.0).exec(&txn).await?;
    if result.rows_affected == 0 {
        return Err(Error::NotFound(Resource::User));
    }
    audit::record(
        &txn,
        actor,
        AuditAction::Delete,
        Audited::User,
        Some(id.0),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A refresh token for the user, shown once.
pub async fn issue_refresh_token(
    db: &impl ConnectionTrait,
    user_id: UserId,
) -> Result<SecretToken> {
    let secret = SecretToken::generate(REFRESH_TOKEN_PREFIX);
    let now = time::now();
    refresh_tokens::ActiveModel {
        user_id: Set(user_id.0),
        token_hash: Set(secret.hash()),
        expires_at: Set(now + Duration::days(REFRESH_TTL_DAYS)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(secret)
}

/// Trades a refresh token for its user and a new refresh token; the old one
/// stops working, so a stolen token is good once at most.
pub async fn rotate_refresh_token(
    db: &impl ConnectionTrait,
    secret: &str,
) -> Result<(User, SecretToken)> {
    let refused = || Error::Unauthenticated("the refresh token is invalid, used or expired");
    let now = time::now();
    let revoked = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(now))
        .filter(refresh_tokens::Column::TokenHash.eq(token::hash(secret)))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .filter(refresh_tokens::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    if revoked.rows_affected != 1 {
        return Err(refused());
    }
    let stored = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(token::hash(secret)))
        .one(db)
        .await?
        .ok_or_else(refused)?;
    let user = find_user(db, UserId(stored.user_id))
        .await?
        .ok_or(Error::Unauthenticated("the account no longer exists"))?;
    let next = issue_refresh_token(db, user.id).await?;
    Ok((user, next))
}

/// A new partner token.
pub struct NewToken {
    pub name: String,
    pub scopes: Vec<Scope>,
    pub rate_per_minute: u32,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A token as `newsdesk token list` shows it: never the secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: TokenId,
    pub name: String,
    pub scopes: String,
    pub rate_per_minute: i32,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub request_count: i64,
}

/// Creates a token and returns its secret, which is not stored and cannot be
/// shown again; admins only, recorded in the audit log.
#[tracing::instrument(level = "info", skip_all)]
pub async fn create_token(
    desk: &Newsdesk,
    actor: &Actor,
    new: NewToken,
) -> Result<(i64, SecretToken)> {
    actor.require(Scope::Admin)?;
    let db = desk.db();
    let name = new.name.trim().to_owned();
    let mut checks = Checks::new();
    checks.name("name", Some(&name), MAX_NAME, true);
    checks.require(
        (1..=1_000_000).contains(&new.rate_per_minute),
        "rate",
        "must be 1 to 1000000 requests a minute",
    );
    checks.finish()?;
    let secret = SecretToken::generate(API_TOKEN_PREFIX);
    let txn = crate::db::begin_write(db).await?;
    let model = api_tokens::ActiveModel {
        name: Set(name),
        token_hash: Set(secret.hash()),
        scopes: Set(Scope::join(&new.scopes)),
        rate_per_minute: Set(new.rate_per_minute as i32),
        expires_at: Set(new.expires_at),
        created_at: Set(time::now()),
        request_count: Set(0),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        AuditAction::Create,
        Audited::Token,
        Some(model.id),
        model.name.clone(),
    )
    .await?;
    txn.commit().await?;
    Ok((model.id, secret))
}

/// Every token, oldest first; admins only.
#[tracing::instrument(level = "info", skip_all)]
pub async fn list_tokens(desk: &Newsdesk, actor: &Actor) -> Result<Vec<TokenInfo>> {
    actor.require(Scope::Admin)?;
    let db = desk.db();
    let all = api_tokens::Entity::find()
        .order_by_asc(api_tokens::Column::Id)
        .all(db)
        .await?;
    Ok(all
        .into_iter()
        .map(|t| TokenInfo {
            id: TokenId(t.id),
            name: t.name,
            scopes: t.scopes,
            rate_per_minute: t.rate_per_minute,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
            last_used_at: t.last_used_at,
            request_count: t.request_count,
        })
        .collect())
}

/// Revokes a token; the next request that presents it is refused. Admins
/// only, recorded in the audit log.
#[tracing::instrument(level = "info", skip_all)]
pub async fn revoke_token(desk: &Newsdesk, actor: &Actor, id: TokenId) -> Result<()> {
    let id = id.0;
    actor.require(Scope::Admin)?;
    let txn = crate::db::begin_write(desk.db()).await?;
    let result = api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::RevokedAt, Expr::value(time::now()))
        .filter(api_tokens::Column::Id.eq(id))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(Error::NotFound(Resource::Token));
    }
    audit::record(
        &txn,
        actor,
        AuditAction::Revoke,
        Audited::Token,
        Some(id),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A presented API token, checked against what is stored right now.
pub struct Presented {
    pub actor: Actor,
    pub rate_per_minute: u32,
}

/// The partner behind a token secret. Unknown, revoked and expired tokens are
/// all simply unauthenticated.
pub async fn authenticate_token(db: &impl ConnectionTrait, secret: &str) -> Result<Presented> {
    let refused = || Error::Unauthenticated("the API token is unknown, revoked or expired");
    let now = time::now();
    let stored = api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(token::hash(secret)))
        .one(db)
        .await?
        .ok_or_else(refused)?;
    if stored.revoked_at.is_some() || stored.expires_at.is_some_and(|at| at <= now) {
        return Err(refused());
    }
    let scopes = Scope::parse_list(&stored.scopes).map_err(|_| refused())?;
    Ok(Presented {
        actor: Actor::Partner {
            token_id: TokenId(stored.id),
            name: stored.name,
            scopes,
        },
        rate_per_minute: u32::try_from(stored.rate_per_minute).unwrap_or(1),
    })
}
