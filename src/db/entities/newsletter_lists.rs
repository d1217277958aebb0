use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "newsletter_lists")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subscriber_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub list: String,
}

impl ActiveModelBehavior for ActiveModel {}
