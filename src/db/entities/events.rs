use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    /// The sequence: increasing in commit order.
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub subject: String,
    pub subject_id: i64,
    /// The event body's `data`, as JSON text.
    pub data: String,
    pub once_key: Option<String>,
    pub occurred_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
