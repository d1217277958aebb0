//! SeaORM entities, one per table. They are plain data: no rules, no API derives.

pub mod article_authors;
pub mod article_tags;
pub mod article_views;
pub mod articles;
pub mod authors;
pub mod comments;
pub mod related_links;
pub mod sections;
pub mod tags;
