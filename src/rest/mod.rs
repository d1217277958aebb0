//! The REST face: thin handlers over the domain, JSON in snake_case, errors as
//! RFC 9457 problems. Every route is registered here together with the
//! operation `openapi.yaml` must describe; a test holds the two together.

pub mod articles;
pub mod auth;
pub mod extract;
pub mod moderation;
pub mod ops;
pub mod popular;
pub mod publishing;
pub mod sections;
pub mod taxonomy;
pub mod views;

use std::sync::Arc;

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, on};

use crate::auth::Auth;
use crate::domain::Newsdesk;

/// What REST handlers reach: the domain handle and the credential checks
/// that logins need. Nothing here touches the database directly.
#[derive(Clone)]
pub struct RestState {
    pub desk: Newsdesk,
    pub auth: Arc<Auth>,
}

/// The router under construction, and the operations it serves so far.
pub struct Routes {
    router: Router<RestState>,
    operations: Vec<(Method, &'static str)>,
}

impl Routes {
    fn new() -> Self {
        Routes {
            router: Router::new(),
            operations: Vec::new(),
        }
    }

    fn add<H, T>(mut self, method: Method, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, RestState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("routes use standard methods");
        self.router = self.router.route(path, on(filter, handler));
        self.operations.push((method, path));
        self
    }

    fn get<H: Handler<T, RestState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::GET, path, handler)
    }

    fn post<H: Handler<T, RestState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::POST, path, handler)
    }

    fn patch<H: Handler<T, RestState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::PATCH, path, handler)
    }

    fn put<H: Handler<T, RestState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::PUT, path, handler)
    }

    fn delete<H: Handler<T, RestState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::DELETE, path, handler)
    }

    /// Every (method, path) served, in OpenAPI's path syntax. GET implies HEAD.
    pub fn operations(&self) -> &[(Method, &'static str)] {
        &self.operations
    }

    /// The finished routes.
    pub fn into_router(self) -> Router<RestState> {
        self.router
    }
}

/// Every REST route.
pub fn router() -> Routes {
    Routes::new()
        .get("/healthz", ops::healthz)
        .get("/readyz", ops::readyz)
        .get("/openapi.yaml", ops::openapi)
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
        .get("/api/v1/sections", sections::list_sections)
        .get("/api/v1/sections/{slug}", sections::get_section)
        .get(
            "/api/v1/sections/{slug}/articles",
            sections::list_section_articles,
        )
        .get("/api/v1/authors/{slug}", taxonomy::get_author)
        .get("/api/v1/tags/{slug}", taxonomy::get_tag)
        .get("/api/v1/popular", popular::list_popular)
        .post("/api/v1/auth/login", auth::login)
        .post("/api/v1/auth/refresh", auth::refresh)
        .post("/api/v1/manage/articles", publishing::create_article)
        .get("/api/v1/manage/articles", publishing::list_managed_articles)
        .get(
            "/api/v1/manage/articles/{id}",
            publishing::get_managed_article,
        )
        .patch("/api/v1/manage/articles/{id}", publishing::update_article)
        .delete("/api/v1/manage/articles/{id}", publishing::delete_article)
        .post(
            "/api/v1/manage/articles/{id}/publish",
            publishing::publish_article,
        )
        .post(
            "/api/v1/manage/articles/{id}/unpublish",
            publishing::unpublish_article,
        )
        .post(
            "/api/v1/manage/articles/{id}/archive",
            publishing::archive_article,
        )
        .post(
            "/api/v1/manage/articles/{id}/schedule",
            publishing::schedule_article,
        )
        .put(
            "/api/v1/manage/articles/{id}/related-links",
            publishing::set_related_links,
        )
        .post("/api/v1/articles/{slug}/comments", moderation::add_comment)
        .get(
            "/api/v1/manage/comments",
            moderation::list_comments_for_moderation,
        )
        .post(
            "/api/v1/manage/comments/{id}/approve",
            moderation::approve_comment,
        )
        .post(
            "/api/v1/manage/comments/{id}/spam",
            moderation::mark_comment_spam,
        )
        .delete("/api/v1/manage/comments/{id}", moderation::delete_comment)
        .get("/api/v1/manage/audit", moderation::list_audit_log)
        .post("/api/v1/manage/sections", taxonomy::create_section)
        .patch("/api/v1/manage/sections/{id}", taxonomy::update_section)
        .delete("/api/v1/manage/sections/{id}", taxonomy::delete_section)
        .post("/api/v1/manage/authors", taxonomy::create_author)
        .patch("/api/v1/manage/authors/{id}", taxonomy::update_author)
        .delete("/api/v1/manage/authors/{id}", taxonomy::delete_author)
        .post("/api/v1/manage/tags", taxonomy::create_tag)
        .patch("/api/v1/manage/tags/{id}", taxonomy::update_tag)
        .delete("/api/v1/manage/tags/{id}", taxonomy::delete_tag)
}
