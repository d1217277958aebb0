//! Every query and rule of Newsdesk. The REST and GraphQL faces call in here
//! and only translate; nothing here knows about HTTP or GraphQL.

pub mod accounts;
pub mod actor;
pub mod article_parts;
pub mod articles;
pub mod audit;
pub mod authors;
pub mod batch;
pub mod cache_tags;
pub mod changes;
pub mod checks;
pub mod comments;
pub mod documents;
pub mod editing;
pub mod events;
pub mod feeds;
pub mod ids;
pub mod live;
pub mod mail;
pub mod markdown;
pub mod moderation;
pub mod more_like_this;
pub mod newsdesk;
pub mod newsletter;
pub mod notes;
pub mod operations;
pub mod outbox;
pub mod page;
pub mod popular;
pub mod previews;
pub mod publishing;
pub mod rate_limit;
pub mod reads;
pub mod related_links;
pub mod relations;
pub mod replicas;
pub mod replies;
pub mod revisions;
pub mod search;
pub mod section_paths;
pub mod sections;
pub mod site;
pub mod structured;
pub mod sync;
pub mod tags;
pub mod taxonomy;
pub mod teasers;
pub mod thread_pages;
pub mod time;
pub mod token_usage;
pub mod views;
pub mod visibility;
pub mod webhooks;

pub use newsdesk::{
    MailSettings, Newsdesk, Outbound, PurgeTarget, Reader, Settings, WebhookPolicy, Workflow,
};
pub use reads::Tagged;
