//! The browser pages a newsroom opens — the API reference at `/docs`
//! (Redoc over `openapi.yaml`) and GraphiQL's scripts — served from assets
//! built into the binary, with a Content-Security-Policy that allows only
//! this server: they work on a network without internet, and nothing else
//! can be injected into them.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// What pages built from these assets may load: this server only. Redoc
/// and GraphiQL set inline styles, and Redoc's search runs in a worker.
pub const CONTENT_SECURITY_POLICY: HeaderValue = HeaderValue::from_static(
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
     worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
);

/// Every asset: its name under `/assets/`, media type and bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        JS,
        include_bytes!("../../assets/vendor/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        CSS,
        include_bytes!("../../assets/vendor/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        JS,
        include_bytes!("../../assets/vendor/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        JS,
        include_bytes!("../../assets/vendor/react-dom.production.min.js"),
    ),
    (
        "redoc.standalone.js",
        JS,
        include_bytes!("../../assets/vendor/redoc.standalone.js"),
    ),
    (
        "graphiql.js",
        JS,
        include_bytes!("../../assets/graphiql.js"),
    ),
    (
        "graphiql-page.css",
        CSS,
        include_bytes!("../../assets/graphiql-page.css"),
    ),
    ("docs.js", JS, include_bytes!("../../assets/docs.js")),
];

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const DOCS_HTML: &str = include_str!("../../assets/docs.html");

/// An HTML page built from these assets, with the policy that keeps it so.
pub fn page(html: &'static str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        html,
    )
        .into_response()
}

/// `GET /docs`: the API reference.
pub async fn docs() -> Response {
    page(DOCS_HTML)
}

/// `GET /assets/{name}`.
pub async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, media_type, bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(media_type)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                ),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
            ],
            *bytes,
        )
            .into_response(),
        None => super::problem::Problem::no_route().into_response(),
    }
}
