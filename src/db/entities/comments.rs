use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    pub parent_id: Option<i64>,
    /// The top-level comment of the thread; `None` for a top-level comment itself.
    pub root_id: Option<i64>,
    pub author_name: String,
    pub author_email: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub status: String,
    pub created_at: DateTimeUtc,
    pub ip_hash: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
