use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// SHA-256 of the secret, hex; the secret itself is never stored.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// Comma-separated scopes.
    pub scopes: String,
    pub rate_per_minute: i32,
    pub expires_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub request_count: i64,
}

impl ActiveModelBehavior for ActiveModel {}
