use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub excerpt: String,
    #[sea_orm(column_type = "Text")]
    pub body_markdown: String,
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    /// JSON text of the structured blocks, kept as text so reads pass it through unparsed.
    #[sea_orm(column_type = "Text")]
    pub body_blocks: String,
    pub status: String,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub section_id: i64,
    pub featured_image_url: Option<String>,
    pub featured_image_alt: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub featured_image_caption: Option<String>,
    pub featured_image_credit: Option<String>,
    pub canonical_url: Option<String>,
    pub seo_title: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub seo_description: Option<String>,
    pub reading_time_minutes: i32,
    pub comments_open: bool,
    /// Live coverage still going on: frontends show it as live and subscribe.
    pub live: bool,
    /// Whether the outside has been told the article is public; events move
    /// from or to this state.
    pub announced: bool,
    /// Bumped on every save; a write must name the version it read.
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
