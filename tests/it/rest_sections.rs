//! GET /api/v1/sections, /sections/{slug} and /sections/{slug}/articles.

use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn sections_come_as_a_tree_in_menu_order() {
    let app = TestApp::new().await;
    let world = app.section("world").position(1).create().await;
    app.section("politics").position(0).create().await;
    app.section("middle-east").parent(world).create().await;

    let data = app.get("/api/v1/sections").await.json()["data"].clone();

    assert_eq!(data[0]["slug"], "politics");
    assert_eq!(data[1]["slug"], "world");
    assert_eq!(data[1]["children"][0]["slug"], "middle-east");
    assert_eq!(data[1]["children"][0]["children"], json!([]));
}

#[tokio::test]
async fn a_section_names_its_parent_and_children() {
    let app = TestApp::new().await;
    let world = app.section("world").create().await;
    let mideast = app.section("middle-east").parent(world).create().await;
    app.section("gulf").parent(mideast).create().await;

    let section = app.get("/api/v1/sections/middle-east").await.json();

    assert_eq!(
        section["parent"],
        json!({ "slug": "world", "name": "Section world" })
    );
    assert_eq!(
        section["children"],
        json!([{ "slug": "gulf", "name": "Section gulf" }])
    );
    assert_eq!(section["description"], "All about middle-east.");
}

#[tokio::test]
async fn a_section_lists_its_own_and_its_subsections_articles() {
    let app = TestApp::new().await;
    let world = app.section("world").create().await;
    let mideast = app.section("middle-east").parent(world).create().await;
    let gulf = app.section("gulf").parent(mideast).create().await;
    app.article("deep")
        .section(gulf)
        .hours_ago(1)
        .create()
        .await;
    app.article("top")
        .section(world)
        .hours_ago(2)
        .create()
        .await;
    app.article("elsewhere").hours_ago(3).create().await;

    assert_eq!(
        app.get("/api/v1/sections/world/articles").await.slugs(),
        ["deep", "top"]
    );
}

#[tokio::test]
async fn an_unknown_section_is_404() {
    let app = TestApp::new().await;

    assert_eq!(app.get("/api/v1/sections/nowhere").await.status, 404);
    assert_eq!(
        app.get("/api/v1/sections/nowhere/articles").await.status,
        404
    );
    assert_eq!(app.get("/api/v1/sections/Not%20A%20Slug").await.status, 404);
}
