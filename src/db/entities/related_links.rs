use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "related_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    pub position: i32,
    /// Set for a link to another Newsdesk article; `url` is set otherwise.
    pub target_article_id: Option<i64>,
    pub url: Option<String>,
    pub title: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
