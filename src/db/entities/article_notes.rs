use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "article_notes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    /// `correction`, `clarification` or `update`.
    pub kind: String,
    pub body_markdown: String,
    pub body_html: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub removed_by: Option<String>,
    pub removed_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
