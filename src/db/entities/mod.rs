//! SeaORM entities, one per table. They are plain data: no rules, no API derives.

pub mod api_tokens;
pub mod article_authors;
pub mod article_notes;
pub mod article_revisions;
pub mod article_tags;
pub mod article_views;
pub mod articles;
pub mod audit_log;
pub mod authors;
pub mod comments;
pub mod events;
pub mod live_entries;
pub mod newsletter_lists;
pub mod newsletter_subscribers;
pub mod preview_links;
pub mod refresh_tokens;
pub mod related_links;
pub mod sections;
pub mod tags;
pub mod users;
pub mod webhook_attempts;
pub mod webhook_deliveries;
pub mod webhook_endpoints;
