//! The REST face: thin handlers over the domain, JSON in snake_case, errors as
//! RFC 9457 problems. Every route is registered here together with the
//! operation `openapi.yaml` must describe; a test holds the two together.

pub mod articles;
pub mod auth;
pub mod comments;
pub mod envelopes;
pub mod extract;
pub mod feeds;
pub mod live;
pub mod metrics;
pub mod moderation;
pub mod newsletter;
pub mod notes;
pub mod ops;
pub mod popular;
pub mod previews;
pub mod publishing;
pub mod revisions;
pub mod search;
pub mod sections;
pub mod sync;
pub mod taxonomy;
pub mod webhooks;
pub mod wire;

use std::sync::Arc;

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, on};

use crate::auth::Auth;
use crate::domain::Newsdesk;
use crate::domain::actor::Scope;

/// What REST handlers reach: the domain handle and the credential checks
/// that logins need. Nothing here touches the database directly.
#[derive(Clone)]
pub struct RestState {
    pub desk: Newsdesk,
    pub auth: Arc<Auth>,
}

/// Who may call an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone; what they may see or do is the domain's call.
    Open,
    /// Only callers holding the scope. Checked before anything in the
    /// request is read, so a caller without it hears 401 or 403 whatever its
    /// body or headers say.
    Needs(Scope),
}

/// One operation the router serves, as `openapi.yaml` must describe it.
#[derive(Clone, Debug)]
pub struct Operation {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

/// The router under construction, and the operations it serves so far.
pub struct Routes {
    router: Router<RestState>,
    operations: Vec<Operation>,
}

impl Routes {
    fn new() -> Self {
        Routes {
            router: Router::new(),
            operations: Vec::new(),
        }
    }

    fn add<H, T>(mut self, method: Method, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, RestState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("routes use standard methods");
        let mut route = on(filter, handler);
        if let Access::Needs(scope) = access {
            route = route.route_layer(axum::middleware::from_fn_with_state(
                scope,
                extract::require_scope,
            ));
        }
        self.router = self.router.route(path, route);
        self.operations.push(Operation {
            method,
            path,
            access,
        });
        self
    }

    fn get<H: Handler<T, RestState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::GET, path, Access::Open, handler)
    }

    fn post<H: Handler<T, RestState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::POST, path, Access::Open, handler)
    }

    /// The newsroom's operations, each needing a scope.
    fn manage<H: Handler<T, RestState>, T: 'static>(
        self,
        method: Method,
        path: &'static str,
        scope: Scope,
        handler: H,
    ) -> Self {
        self.add(method, path, Access::Needs(scope), handler)
    }

    /// Every operation served, in OpenAPI's path syntax. GET implies HEAD.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The finished routes.
    pub fn into_router(self) -> Router<RestState> {
        self.router
    }
}

// What the newsroom's operations need, as the domain's commands require it.
const EDITING: Scope = crate::domain::publishing::SCOPE;
const TAXONOMY: Scope = crate::domain::taxonomy::SCOPE;
const MODERATION: Scope = crate::domain::moderation::SCOPE;
const AUDIT: Scope = crate::domain::audit::SCOPE;
const WEBHOOKS: Scope = crate::domain::webhooks::SCOPE;
const SUBSCRIBERS: Scope = crate::domain::newsletter::SCOPE;

/// Every REST route.
pub fn router() -> Routes {
    Routes::new()
        .get("/healthz", ops::healthz)
        .get("/readyz", ops::readyz)
        .manage(
            Method::GET,
            "/metrics",
            crate::domain::operations::SCOPE,
            metrics::metrics,
        )
        .get("/openapi.yaml", ops::openapi)
        .get("/docs", crate::http::assets::docs)
        .get("/assets/{name}", crate::http::assets::asset)
        .get("/robots.txt", feeds::robots)
        .get("/sitemap.xml", feeds::sitemap_index)
        .get("/sitemap-news.xml", feeds::news_sitemap)
        .get("/sitemaps/articles.xml", feeds::article_sitemap)
        .get("/sitemaps/pages.xml", feeds::pages_sitemap)
        .get("/feeds/rss.xml", feeds::rss)
        .get("/feeds/atom.xml", feeds::atom)
        .get("/feeds/feed.json", feeds::json_feed)
        .get("/api/v1/articles", articles::list_articles)
        .get("/api/v1/articles/{slug}", articles::get_article)
        .get(
            "/api/v1/articles/{slug}/comments",
            articles::list_article_comments,
        )
        .get(
            "/api/v1/articles/{slug}/more-like-this",
            articles::more_like_this,
        )
        .post("/api/v1/articles/{slug}/views", articles::record_view)
        .get("/api/v1/articles/{slug}/live", live::list_live_entries)
        .get("/api/v1/preview/{token}", previews::get_preview)
        .get("/api/v1/comments/{id}/replies", comments::list_replies)
        .get("/api/v1/sections", sections::list_sections)
        .get("/api/v1/sections/{slug}", sections::get_section)
        .get(
            "/api/v1/sections/{slug}/articles",
            sections::list_section_articles,
        )
        .get("/api/v1/authors/{slug}", taxonomy::get_author)
        .get("/api/v1/tags/{slug}", taxonomy::get_tag)
        .get("/api/v1/popular", popular::list_popular)
        .get("/api/v1/sync", sync::sync)
        .get("/api/v1/search", search::search)
        .post("/api/v1/newsletter/subscriptions", newsletter::sign_up)
        .get("/api/v1/newsletter/confirm", newsletter::confirm)
        .get("/api/v1/newsletter/unsubscribe", newsletter::unsubscribe)
        .post("/api/v1/newsletter/unsubscribe", newsletter::unsubscribe)
        .manage(
            Method::GET,
            "/api/v1/manage/newsletter/subscribers",
            SUBSCRIBERS,
            newsletter::export_subscribers,
        )
        .post("/api/v1/auth/login", auth::login)
        .post("/api/v1/auth/refresh", auth::refresh)
        .manage(
            Method::POST,
            "/api/v1/manage/webhooks",
            WEBHOOKS,
            webhooks::create_webhook,
        )
        .manage(
            Method::GET,
            "/api/v1/manage/webhooks",
            WEBHOOKS,
            webhooks::list_webhooks,
        )
        .manage(
            Method::GET,
            "/api/v1/manage/webhooks/{id}",
            WEBHOOKS,
            webhooks::get_webhook,
        )
        .manage(
            Method::PATCH,
            "/api/v1/manage/webhooks/{id}",
            WEBHOOKS,
            webhooks::update_webhook,
        )
        .manage(
            Method::DELETE,
            "/api/v1/manage/webhooks/{id}",
            WEBHOOKS,
            webhooks::delete_webhook,
        )
        .manage(
            Method::GET,
            "/api/v1/manage/webhooks/{id}/deliveries",
            WEBHOOKS,
            webhooks::list_deliveries,
        )
        .manage(
            Method::POST,
            "/api/v1/manage/webhooks/{id}/deliveries/{delivery}/redeliver",
            WEBHOOKS,
            webhooks::redeliver,
        )
        .manage(
            Method::POST,
            "/api/v1/manage/articles",
            EDITING,
            publishing::create_article,
        )
        .manage(
            Method::GET,
            "/api/v1/manage/articles",
            EDITING,
            publishing::list_managed_articles,
        )
        .manage(
            Method::GET,
            "/api/v1/manage/articles/{id}",
            EDITING,
            publishing::get_managed_article,
        )
        .manage(
            Method::PATCH,
            "/api/v1/manage/articles/{id}",
            EDITING,
            publishing::update_article,
        )
        .manage(
            Method::DELETE,
            "/api/v1/manage/articles/{id}",
            EDITING,
            publishing::delete_article,
        )
        .manage(
            Method::POST,
            "/api/v1/manage/articles/{id}/publish",
            EDITING,
            publishing::publish_article,
        )
        .manage(
            Method::POST,
            "/api/v1/manage/articles/{id}/unpublish",
            EDITING,
            publishing::unpublish_article,
        )
        .manage(
            Method::POST,
            "/api/v1/manage/articles/{id}/archive",
            EDITING,
            publishing::archive_article,
        )
        .manage(
            Method::POST,
            "/api/v1/manage/articles/{id}/schedule",
            EDITING,
            publishing::schedule_article,
        )
        .manage(
            Method::PUT,
            "/api/v1/manage/articles/{id}/related-links",
            EDITING,
            publishing::set_related_links,
        )
        .manage(
            Method::POST,
            "/api/v1/manage/articles/{id}/preview-links",
            EDITING,
            previews::create_preview_link,
        )
        .manage(
            Method::DELETE,
            "/api/v1/manage/articles/{id}/preview-links",
            EDITING,
            previews::revoke_preview_links,
        )
        .manage(
            Method::GET,
            "/api/v1/manage/articles/{id}/revisions",
            EDITING,
            revisions::list_revisions,
        )
        .manage(
            Method::GET,
            "/api/v1/manage/articles/{id}/revisions/diff",
            EDITING,
            revisions::diff_revisions,
        )
        .manage(
            Method::GET,
            "/api/v1/manage/articles/{id}/revisions/{revision}",
            EDITING,
            revisions::get_revision,
        )
        .manage(
            Method::POST,
            "/api/v1/manage/articles/{id}/revisions/{revision}/restore",
            EDITING,
            revisions::restore_revision,
        )
        .manage(
            Method::POST,
            "/api/v1/manage/articles/{id}/notes",
            EDITING,
            notes::add_note,
        )
        .manage(
            Method::GET,
            "/api/v1/manage/articles/{id}/notes",
            EDITING,
            notes::list_notes,
        )
        .manage(
            Method::DELETE,
            "/api/v1/manage/articles/{id}/notes/{note}",
            EDITING,
            notes::remove_note,
        )
        .manage(
            Method::POST,
            "/api/v1/manage/articles/{id}/live-entries",
            EDITING,
            live::add_live_entry,
        )
        .manage(
            Method::PATCH,
            "/api/v1/manage/articles/{id}/live-entries/{entry}",
            EDITING,
            live::update_live_entry,
        )
        .manage(
            Method::DELETE,
            "/api/v1/manage/articles/{id}/live-entries/{entry}",
            EDITING,
            live::delete_live_entry,
        )
        .post("/api/v1/articles/{slug}/comments", moderation::add_comment)
        .manage(
            Method::GET,
            "/api/v1/manage/comments",
            MODERATION,
            moderation::list_comments_for_moderation,
        )
        .manage(
            Method::POST,
            "/api/v1/manage/comments/{id}/approve",
            MODERATION,
            moderation::approve_comment,
        )
        .manage(
            Method::POST,
            "/api/v1/manage/comments/{id}/spam",
            MODERATION,
            moderation::mark_comment_spam,
        )
        .manage(
            Method::DELETE,
            "/api/v1/manage/comments/{id}",
            MODERATION,
            moderation::delete_comment,
        )
        .manage(
            Method::GET,
            "/api/v1/manage/audit",
            AUDIT,
            moderation::list_audit_log,
        )
        .manage(
            Method::POST,
            "/api/v1/manage/sections",
            TAXONOMY,
            taxonomy::create_section,
        )
        .manage(
            Method::PATCH,
            "/api/v1/manage/sections/{id}",
            TAXONOMY,
            taxonomy::update_section,
        )
        .manage(
            Method::DELETE,
            "/api/v1/manage/sections/{id}",
            TAXONOMY,
            taxonomy::delete_section,
        )
        .manage(
            Method::POST,
            "/api/v1/manage/authors",
            TAXONOMY,
            taxonomy::create_author,
        )
        .manage(
            Method::PATCH,
            "/api/v1/manage/authors/{id}",
            TAXONOMY,
            taxonomy::update_author,
        )
        .manage(
            Method::DELETE,
            "/api/v1/manage/authors/{id}",
            TAXONOMY,
            taxonomy::delete_author,
        )
        .manage(
            Method::POST,
            "/api/v1/manage/tags",
            TAXONOMY,
            taxonomy::create_tag,
        )
        .manage(
            Method::PATCH,
            "/api/v1/manage/tags/{id}",
            TAXONOMY,
            taxonomy::update_tag,
        )
        .manage(
            Method::DELETE,
            "/api/v1/manage/tags/{id}",
            TAXONOMY,
            taxonomy::delete_tag,
        )
}
