//! Editing sections, authors and tags: REST and GraphQL, one set of rules.

use axum::body::Body;
use axum::http::Request;
use serde_json::json;

use crate::support::TestApp;

async fn delete(app: &TestApp, uri: &str, token: &str) -> u16 {
    app.send(
        Request::delete(uri)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .status
    .as_u16()
}

#[tokio::test]
async fn sections_nest_and_show_in_the_public_tree() {
    let app = TestApp::new().await;
    let token = app.token("content:write").await;

    let world = app
        .post_json(
            "/api/v1/manage/sections",
            json!({ "name": "World News" }),
            Some(&token),
        )
        .await;
    let region = app
        .post_json(
            "/api/v1/manage/sections",
            json!({ "name": "Asia", "parent": "world-news" }),
            Some(&token),
        )
        .await;

    assert_eq!(world.status, 201);
    assert_eq!(world.json()["slug"], "world-news");
    assert_eq!(region.json()["parent_id"], world.json()["id"]);
    let tree = app.get("/api/v1/sections").await.json();
    assert_eq!(tree["data"][0]["children"][0]["slug"], "asia");
}

#[tokio::test]
async fn a_section_cannot_sit_under_itself() {
    let app = TestApp::new().await;
    let token = app.token("content:write").await;
    let top = app
        .post_json(
            "/api/v1/manage/sections",
            json!({ "name": "Top" }),
            Some(&token),
        )
        .await
        .json();
    app.post_json(
        "/api/v1/manage/sections",
        json!({ "name": "Child", "parent": "top" }),
        Some(&token),
    )
    .await;

    let res = app
        .send_json(
            "PATCH",
            &format!("/api/v1/manage/sections/{}", top["id"]),
            json!({ "parent": "child" }),
            Some(&token),
        )
        .await;

    assert_eq!(res.status, 400);
    assert_eq!(res.json()["errors"][0]["field"], "parent");
}

#[tokio::test]
async fn a_section_in_use_is_not_deleted() {
    let app = TestApp::new().await;
    let token = app.token("content:write").await;
    let world = app.section("world").create().await;
    app.article("story").section(world).create().await;
    let empty = app.section("empty").create().await;

    assert_eq!(
        delete(&app, &format!("/api/v1/manage/sections/{world}"), &token).await,
        409
    );
    assert_eq!(
        delete(&app, &format!("/api/v1/manage/sections/{empty}"), &token).await,
        204
    );
    assert_eq!(
        app.get("/api/v1/articles/story").await.status,
        200,
        "nothing was lost"
    );
}

#[tokio::test]
async fn authors_are_created_edited_and_kept_while_credited() {
    let app = TestApp::new().await;
    let token = app.token("content:write").await;
    let created = app
        .post_json(
            "/api/v1/manage/authors",
            json!({ "name": "Nadia Rahman", "bio": "Economics." }),
            Some(&token),
        )
        .await
        .json();
    let id = created["id"].as_i64().unwrap();

    let edited = app
        .send_json(
            "PATCH",
            &format!("/api/v1/manage/authors/{id}"),
            json!({ "avatar_url": "https://img.example/n.jpg" }),
            Some(&token),
        )
        .await
        .json();
    app.article("byline").authors(&[id]).create().await;

    assert_eq!(created["slug"], "nadia-rahman");
    assert_eq!(edited["avatar_url"], "https://img.example/n.jpg");
    assert_eq!(edited["bio"], "Economics.");
    assert_eq!(
        delete(&app, &format!("/api/v1/manage/authors/{id}"), &token).await,
        409
    );
}

#[tokio::test]
async fn a_taken_slug_is_a_field_error() {
    let app = TestApp::new().await;
    let token = app.token("content:write").await;
    app.tag("energy").await;

    let res = app
        .post_json(
            "/api/v1/manage/tags",
            json!({ "name": "Energy", "slug": "energy" }),
            Some(&token),
        )
        .await;
    let derived = app
        .post_json(
            "/api/v1/manage/tags",
            json!({ "name": "Energy" }),
            Some(&token),
        )
        .await;

    assert_eq!(res.status, 400);
    assert_eq!(res.json()["errors"][0]["field"], "slug");
    assert_eq!(derived.json()["slug"], "energy-2");
}

#[tokio::test]
async fn deleting_a_tag_untags_its_articles() {
    let app = TestApp::new().await;
    let token = app.token("content:write").await;
    let tag = app.tag("gone").await;
    app.article("story").tags(&[tag]).create().await;

    assert_eq!(
        delete(&app, &format!("/api/v1/manage/tags/{tag}"), &token).await,
        204
    );
    let story = app.get("/api/v1/articles/story").await.json();
    assert_eq!(story["tags"], json!([]));
}

#[tokio::test]
async fn taxonomy_writes_need_content_write_in_both_faces() {
    let app = TestApp::new().await;
    let reader = app.token("content:read").await;
    let writer = app.token("content:write").await;

    assert_eq!(
        app.post_json("/api/v1/manage/tags", json!({ "name": "X" }), Some(&reader))
            .await
            .status,
        403
    );
    assert_eq!(
        app.post_json("/api/v1/manage/tags", json!({ "name": "X" }), None)
            .await
            .status,
        401
    );
    let refused = app
        .graphql_as(
            r#"mutation { createTag(input: { name: "Y" }) { slug } }"#,
            json!({}),
            &reader,
        )
        .await
        .json();
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let made = app
        .graphql_as(
            r#"mutation { createTag(input: { name: "Y" }) { slug id } }"#,
            json!({}),
            &writer,
        )
        .await
        .json();
    assert_eq!(made["data"]["createTag"]["slug"], "y");
    let id = made["data"]["createTag"]["id"].clone();
    let renamed = app
        .graphql_as(
            r#"mutation($id: ID!) { updateTag(id: $id, input: { name: "Why" }) { name } }"#,
            json!({ "id": id }),
            &writer,
        )
        .await
        .json();
    assert_eq!(renamed["data"]["updateTag"]["name"], "Why");
}

/// Creates the same slug twice at once, round after round, until some pair
/// raced past the check to the unique index (a 409) or `rounds` have run,
/// and says how each pair was answered. Whether two requests overlap is up
/// to the scheduler: on a loaded machine most pairs run one after the other.
async fn racing_creates(app: &TestApp, token: &str, uri: &str, rounds: usize) -> Vec<[u16; 2]> {
    let mut answers: Vec<[u16; 2]> = Vec::new();
    for round in 0..rounds {
        if answers.contains(&[201, 409]) {
            break;
        }
        let body = json!({ "name": format!("Race {round}"), "slug": format!("race-{round}") });
        let (a, b) = tokio::join!(
            app.post_json(uri, body.clone(), Some(token)),
            app.post_json(uri, body.clone(), Some(token)),
        );
        for loser in [&a, &b].into_iter().filter(|r| r.status != 201) {
            assert_eq!(
                loser.json()["errors"][0]["field"],
                "slug",
                "{}",
                loser.text()
            );
        }
        let mut pair = [a.status.as_u16(), b.status.as_u16()];
        pair.sort_unstable();
        answers.push(pair);
    }
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_creates_of_one_slug_at_once_make_one_tag_and_one_field_error() {
    let app = TestApp::new().await;
    let token = app.token("content:write").await;

    let answers = racing_creates(&app, &token, "/api/v1/manage/tags", 200).await;

    for pair in &answers {
        assert!(
            *pair == [201, 400] || *pair == [201, 409],
            "one wins, the other hears the slug is taken: {answers:?}"
        );
    }
    assert!(
        answers.contains(&[201, 409]),
        "some pair raced past the check to the unique index: {answers:?}"
    );
}
