//! The write API for articles: who may write, validation, publishing,
//! scheduling, and optimistic concurrency that loses nothing.

use newsdesk::domain::actor::Role;
use serde_json::json;

use std::sync::Arc;

use newsdesk::domain::time::ManualClock;

use crate::support::TestApp;
use crate::support::fixtures::{draft, newsroom, newsroom_in};

#[tokio::test]
async fn an_editor_creates_a_draft_that_the_public_cannot_see() {
    let (app, token) = newsroom().await;

    let res = app
        .post_json("/api/v1/manage/articles", draft(), Some(&token))
        .await;

    assert_eq!(res.status, 201);
    let article = res.json();
    assert_eq!(article["status"], "draft");
    assert_eq!(article["slug"], "port-talks-resume");
    assert_eq!(article["version"], 1);
    assert_eq!(article["excerpt"], "Negotiators met again.");
    assert!(
        article["body_html"]
            .as_str()
            .unwrap()
            .contains("<h2>What next</h2>")
    );
    assert_eq!(
        res.header("location"),
        Some(format!("/api/v1/manage/articles/{}", article["id"]).as_str())
    );
    assert_eq!(
        res.header("etag"),
        Some(format!("\"a{}v1\"", article["id"]).as_str())
    );
    assert_eq!(
        app.get("/api/v1/articles/port-talks-resume").await.status,
        404
    );
}

#[tokio::test]
async fn slugs_are_derived_and_kept_unique() {
    let (app, token) = newsroom().await;

    let first = app
        .post_json("/api/v1/manage/articles", draft(), Some(&token))
        .await
        .json();
    let second = app
        .post_json("/api/v1/manage/articles", draft(), Some(&token))
        .await
        .json();

    assert_eq!(first["slug"], "port-talks-resume");
    assert_eq!(second["slug"], "port-talks-resume-2");
}

#[tokio::test]
async fn publishing_makes_it_public_and_unpublishing_hides_it_again() {
    let (app, token) = newsroom().await;
    let created = app
        .post_json("/api/v1/manage/articles", draft(), Some(&token))
        .await;
    let id = created.json()["id"].as_i64().unwrap();
    let etag = created.header("etag").unwrap().to_owned();

    let published = app
        .send_if_match(
            "POST",
            &format!("/api/v1/manage/articles/{id}/publish"),
            &etag,
            None,
            &token,
        )
        .await;

    assert_eq!(published.status, 200);
    assert_eq!(published.json()["status"], "published");
    assert_eq!(
        app.get("/api/v1/articles/port-talks-resume").await.status,
        200
    );
    let etag = published.header("etag").unwrap().to_owned();
    let unpublished = app
        .send_if_match(
            "POST",
            &format!("/api/v1/manage/articles/{id}/unpublish"),
            &etag,
            None,
            &token,
        )
        .await;
    assert_eq!(unpublished.json()["status"], "draft");
    assert_eq!(
        app.get("/api/v1/articles/port-talks-resume").await.status,
        404
    );
}

#[tokio::test]
async fn a_scheduled_article_appears_at_its_time_without_a_restart() {
    let clock = Arc::new(ManualClock::starting_now());
    let (app, token) = newsroom_in(TestApp::builder().clock(clock.clone()).build().await).await;
    let created = app
        .post_json("/api/v1/manage/articles", draft(), Some(&token))
        .await;
    let id = created.json()["id"].as_i64().unwrap();
    let at = app.state.desk.now() + chrono::Duration::hours(1);

    let scheduled = app
        .send_if_match(
            "POST",
            &format!("/api/v1/manage/articles/{id}/schedule"),
            created.header("etag").unwrap(),
            Some(json!({ "publish_at": at.to_rfc3339() })),
            &token,
        )
        .await;

    assert_eq!(scheduled.json()["status"], "scheduled");
    assert_eq!(
        app.get("/api/v1/articles/port-talks-resume").await.status,
        404
    );
    clock.advance(chrono::Duration::minutes(59));
    assert_eq!(
        app.get("/api/v1/articles/port-talks-resume").await.status,
        404,
        "a minute early"
    );
    clock.advance(chrono::Duration::minutes(1));
    assert_eq!(
        app.get("/api/v1/articles/port-talks-resume").await.status,
        200
    );
}

#[tokio::test]
async fn scheduling_in_the_past_is_refused() {
    let (app, token) = newsroom().await;
    let created = app
        .post_json("/api/v1/manage/articles", draft(), Some(&token))
        .await;
    let id = created.json()["id"].as_i64().unwrap();

    let res = app
        .send_if_match(
            "POST",
            &format!("/api/v1/manage/articles/{id}/schedule"),
            created.header("etag").unwrap(),
            Some(json!({ "publish_at": "2020-01-01T00:00:00Z" })),
            &token,
        )
        .await;

    assert_eq!(res.status, 400);
    assert_eq!(res.json()["errors"][0]["field"], "publish_at");
}

#[tokio::test]
async fn of_two_editors_saving_the_same_version_exactly_one_wins_and_nothing_is_lost() {
    let (app, first_editor) = newsroom().await;
    app.editor("second@news.example", Role::Editor).await;
    let second_editor = app.login("second@news.example").await;
    let created = app
        .post_json("/api/v1/manage/articles", draft(), Some(&first_editor))
        .await;
    let id = created.json()["id"].as_i64().unwrap();
    let etag = created.header("etag").unwrap().to_owned();
    let uri = format!("/api/v1/manage/articles/{id}");

    let (a, b) = tokio::join!(
        app.send_if_match(
            "PATCH",
            &uri,
            &etag,
            Some(json!({ "title": "Version A" })),
            &first_editor
        ),
        app.send_if_match(
            "PATCH",
            &uri,
            &etag,
            Some(json!({ "title": "Version B" })),
            &second_editor
        ),
    );

    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 412]);
    let winner = if a.status == 200 {
        "Version A"
    } else {
        "Version B"
    };
    let stored = app.get_as(&uri, &first_editor).await.json();
    assert_eq!(stored["title"], winner);
    assert_eq!(stored["version"], 2);
    let loser = if a.status == 200 { b } else { a };
    assert_eq!(loser.json()["code"], "stale_version");
}

#[tokio::test]
async fn a_write_without_if_match_is_428_and_changes_nothing() {
    let (app, token) = newsroom().await;
    let id = app
        .post_json("/api/v1/manage/articles", draft(), Some(&token))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();

    let res = app
        .send_json(
            "PATCH",
            &format!("/api/v1/manage/articles/{id}"),
            json!({ "title": "Sneaky" }),
            Some(&token),
        )
        .await;

    assert_eq!(res.status, 428);
    assert_eq!(
        app.get_as(&format!("/api/v1/manage/articles/{id}"), &token)
            .await
            .json()["title"],
        "Port Talks Resume"
    );
}

#[tokio::test]
async fn validation_errors_name_each_field() {
    let (app, token) = newsroom().await;

    let res = app
        .post_json(
            "/api/v1/manage/articles",
            json!({ "title": "", "section": "nowhere", "authors": ["ghost"], "canonical_url": "javascript:alert(1)", "slug": "Bad Slug" }),
            Some(&token),
        )
        .await;

    assert_eq!(res.status, 400);
    let fields: Vec<String> = res.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    for expected in [
        "body_markdown",
        "title",
        "slug",
        "canonical_url",
        "section",
        "authors[0]",
    ] {
        assert!(
            fields.contains(&expected.to_owned()),
            "{expected} missing from {fields:?}"
        );
    }
}

#[tokio::test]
async fn an_unknown_field_is_a_400() {
    let (app, token) = newsroom().await;
    let mut body = draft();
    body["status"] = json!("published");

    let res = app
        .post_json("/api/v1/manage/articles", body, Some(&token))
        .await;

    assert_eq!(res.status, 400);
}

#[tokio::test]
async fn anonymous_writers_are_401_and_tokens_without_content_write_are_403() {
    let (app, _) = newsroom().await;
    let commenter = app.token("comments:write").await;
    let writer = app.token("content:write").await;

    assert_eq!(
        app.post_json("/api/v1/manage/articles", draft(), None)
            .await
            .status,
        401
    );
    assert_eq!(
        app.post_json("/api/v1/manage/articles", draft(), Some(&commenter))
            .await
            .status,
        403
    );
    assert_eq!(
        app.post_json("/api/v1/manage/articles", draft(), Some(&writer))
            .await
            .status,
        201
    );
}

/// Writes the newsroom's draft and says where it is managed.
async fn drafted(app: &TestApp, token: &str) -> String {
    let id = app
        .post_json("/api/v1/manage/articles", draft(), Some(token))
        .await
        .json()["id"]
        .as_i64()
        .expect("the draft has an id");
    format!("/api/v1/manage/articles/{id}")
}

#[tokio::test]
async fn a_token_without_the_scope_is_403_whatever_its_body_or_headers_say() {
    let (app, token) = newsroom().await;
    let commenter = app.token("comments:write").await;
    let uri = drafted(&app, &token).await;

    let star = app
        .send_if_match(
            "PATCH",
            &uri,
            "*",
            Some(json!({ "title": "x" })),
            &commenter,
        )
        .await;
    let not_a_tag = app
        .send_if_match(
            "PATCH",
            &uri,
            "v1",
            Some(json!({ "title": "x" })),
            &commenter,
        )
        .await;
    let bad_body = app
        .send_if_match(
            "PATCH",
            &uri,
            "\"a1v1\"",
            Some(json!({ "nope": 1 })),
            &commenter,
        )
        .await;

    assert_eq!(star.status, 403);
    assert_eq!(not_a_tag.status, 403);
    assert_eq!(bad_body.status, 403);
}

#[tokio::test]
async fn if_match_star_is_refused_with_428_asking_for_the_version_read() {
    let (app, token) = newsroom().await;
    let uri = drafted(&app, &token).await;

    let res = app
        .send_if_match(
            "PATCH",
            &uri,
            "*",
            Some(json!({ "title": "Overwritten" })),
            &token,
        )
        .await;

    assert_eq!(res.status, 428);
    assert!(res.json()["detail"].as_str().unwrap().contains("version"));
    assert_eq!(
        app.get_as(&uri, &token).await.json()["title"],
        "Port Talks Resume"
    );
}

#[tokio::test]
async fn related_links_are_replaced_in_order() {
    let (app, token) = newsroom().await;
    app.article("background").create().await;
    let created = app
        .post_json("/api/v1/manage/articles", draft(), Some(&token))
        .await;
    let id = created.json()["id"].as_i64().unwrap();
    let uri = format!("/api/v1/manage/articles/{id}/related-links");
    let links = json!([{ "url": "https://example.org/a", "title": "Elsewhere" }, { "article": "background" }]);

    let res = app
        .send_if_match(
            "PUT",
            &uri,
            created.header("etag").unwrap(),
            Some(links),
            &token,
        )
        .await;

    assert_eq!(res.status, 200);
    let etag = res.header("etag").unwrap().to_owned();
    app.send_if_match(
        "POST",
        &format!("/api/v1/manage/articles/{id}/publish"),
        &etag,
        None,
        &token,
    )
    .await;
    let public = app.get("/api/v1/articles/port-talks-resume").await.json();
    assert_eq!(public["related_links"][0]["kind"], "external");
    assert_eq!(public["related_links"][1]["article"]["slug"], "background");
}

#[tokio::test]
async fn deleting_needs_the_current_version() {
    let (app, token) = newsroom().await;
    let created = app
        .post_json("/api/v1/manage/articles", draft(), Some(&token))
        .await;
    let id = created.json()["id"].as_i64().unwrap();
    let uri = format!("/api/v1/manage/articles/{id}");

    let stale = app
        .send_if_match("DELETE", &uri, &format!("\"a{id}v9\""), None, &token)
        .await;
    let current = app
        .send_if_match(
            "DELETE",
            &uri,
            created.header("etag").unwrap(),
            None,
            &token,
        )
        .await;

    assert_eq!(stale.status, 412);
    assert_eq!(current.status, 204);
    assert_eq!(app.get_as(&uri, &token).await.status, 404);
}

#[tokio::test]
async fn every_write_is_in_the_audit_log_which_only_admins_read() {
    let (app, token) = newsroom().await;
    app.editor("boss@news.example", Role::Admin).await;
    let admin = app.login("boss@news.example").await;
    app.post_json("/api/v1/manage/articles", draft(), Some(&token))
        .await;

    let denied = app.get_as("/api/v1/manage/audit", &token).await;
    let log = app.get_as("/api/v1/manage/audit", &admin).await;

    assert_eq!(denied.status, 403);
    let entry = &log.json()["data"][0];
    assert_eq!(entry["action"], "create");
    assert_eq!(entry["resource"], "article");
    assert!(entry["actor"].as_str().unwrap().contains("ed@news.example"));
}

#[tokio::test]
async fn the_newsroom_lists_every_status_and_filters_by_one() {
    let (app, token) = newsroom().await;
    app.article("live").create().await;
    app.article("unfinished").draft().create().await;

    let all = app.get_as("/api/v1/manage/articles", &token).await.json();
    let drafts = app
        .get_as("/api/v1/manage/articles?status=draft", &token)
        .await
        .json();
    let bad = app
        .get_as("/api/v1/manage/articles?status=lost", &token)
        .await;

    assert_eq!(crate::support::slugs(&all["data"]), ["unfinished", "live"]);
    assert_eq!(crate::support::slugs(&drafts["data"]), ["unfinished"]);
    assert_eq!(bad.status, 400);
    assert_eq!(app.get("/api/v1/manage/articles").await.status, 401);
}

#[tokio::test]
async fn an_if_match_that_is_not_an_entity_tag_is_a_400() {
    let (app, token) = newsroom().await;
    let id = app
        .post_json("/api/v1/manage/articles", draft(), Some(&token))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();

    let res = app
        .send_if_match(
            "POST",
            &format!("/api/v1/manage/articles/{id}/publish"),
            "garbage",
            None,
            &token,
        )
        .await;

    assert_eq!(res.status, 400);
    assert_eq!(res.json()["errors"][0]["field"], "If-Match");
}

#[tokio::test]
async fn publishing_as_of_a_past_date_keeps_that_date_and_refuses_a_future_one() {
    use newsdesk::domain::actor::Actor;
    use newsdesk::domain::publishing::{self, Transition};
    let app = TestApp::new().await;
    app.section("archive").create().await;
    let created = publishing::create(
        &app.state.desk,
        &Actor::Operator,
        publishing::ArticleFields {
            title: Some("From the Archive".into()),
            body_markdown: Some("Old news.".into()),
            section: Some("archive".into()),
            ..Default::default()
        },
    )
    .await
    .expect("a draft");
    let now = app.state.desk.now();

    let future = publishing::transition(
        &app.state.desk,
        &Actor::Operator,
        created.id,
        Some(created.version),
        Transition::PublishAsOf(now + chrono::Duration::hours(1)),
    )
    .await;
    let past = publishing::transition(
        &app.state.desk,
        &Actor::Operator,
        created.id,
        Some(created.version),
        Transition::PublishAsOf(now - chrono::Duration::days(30)),
    )
    .await
    .expect("published as of then");

    let Err(newsdesk::error::Error::InvalidInput(fields)) = future else {
        panic!("a future date is refused as input");
    };
    assert_eq!(fields[0].field, "published_at");
    assert_eq!(past.status, "published");
    assert_eq!(past.published_at, Some(now - chrono::Duration::days(30)));
}
