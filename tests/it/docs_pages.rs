//! The browser pages — `/docs` and GraphiQL — come from the server's own
//! assets under a policy that allows nothing else; the browser check in
//! `tests/clients/docs-pages.mjs` renders them offline in Chromium.

use axum::body::Body;
use axum::http::Request;

use crate::support::{TestApp, TestResponse};

async fn html(app: &TestApp, uri: &str) -> TestResponse {
    app.send(
        Request::get(uri)
            .header("accept", "text/html")
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// Every `src` and `href` of a page.
fn addresses(page: &str) -> Vec<String> {
    page.split(['"', '\''])
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| w[0].ends_with("src=") || w[0].ends_with("href="))
        .map(|w| w[1].to_owned())
        .collect()
}

#[tokio::test]
async fn both_pages_load_only_this_server_s_assets_under_a_strict_policy() {
    let app = TestApp::new().await;

    for uri in ["/docs", "/graphql"] {
        let page = html(&app, uri).await;
        assert_eq!(page.status, 200, "{uri}");
        let csp = page.header("content-security-policy").expect("a CSP");
        assert!(
            csp.contains("default-src 'self'") && csp.contains("script-src 'self'"),
            "{csp}"
        );
        let loaded = addresses(&page.text());
        assert!(!loaded.is_empty(), "{uri} loads its assets");
        for address in loaded {
            assert!(
                address.starts_with("/assets/") || address == "data:,",
                "{uri} loads {address}"
            );
            if address.starts_with("/assets/") {
                let asset = app.get(&address).await;
                assert_eq!(asset.status, 200, "{address}");
                assert!(!asset.body.is_empty(), "{address}");
            }
        }
    }
}

#[tokio::test]
async fn an_unknown_asset_is_a_404_problem() {
    let app = TestApp::new().await;

    let res = app.get("/assets/../Cargo.toml").await;
    let other = app.get("/assets/nothing.js").await;

    assert_eq!(res.status, 404);
    assert_eq!(other.status, 404);
    assert_eq!(
        other.header("content-type"),
        Some("application/problem+json")
    );
}
