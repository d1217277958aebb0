//! Webhooks: admins register endpoints; every public change is delivered,
//! signed per Standard Webhooks, retried until it succeeds or its retries
//! run out, and never sent twice by two nodes.

use std::time::Duration;

use newsdesk::crypto::signature::webhook_signature;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::fixtures::{created_draft, newsroom_in, published_draft};
use crate::support::receiver::Receiver;

/// A newsroom whose webhooks may call this machine and retry at once.
async fn hooks_app(retries: &str) -> (TestApp, String, String) {
    let retries = retries.to_owned();
    let app = TestApp::builder()
        .http(move |http| {
            http.outbound.allow_private_targets = true;
            http.outbound.retry_schedule = retries
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|_| Duration::ZERO)
                .collect();
        })
        .build()
        .await;
    let (app, editor) = newsroom_in(app).await;
    let admin = app.token("admin").await;
    (app, editor, admin)
}

async fn register(app: &TestApp, admin: &str, url: &str, events: Value) -> (i64, String) {
    let res = app
        .post_json(
            "/api/v1/manage/webhooks",
            json!({ "url": url, "events": events }),
            Some(admin),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let data = &res.json()["data"];
    (
        data["id"].as_i64().unwrap(),
        data["secret"].as_str().unwrap().to_owned(),
    )
}

/// Sends everything due until nothing is left to try.
async fn deliver_all(app: &TestApp) {
    let sender = app.state.desk.delivery_sender();
    for _ in 0..20 {
        if app.state.desk.deliver_due(&sender).await.unwrap() == 0 {
            return;
        }
    }
    panic!("deliveries kept coming");
}

/// The types of the events received, in the order they happened: one
/// batch is sent at once, so they may arrive in another.
fn types(receiver: &Receiver) -> Vec<String> {
    let mut got = receiver.received();
    got.sort_by_key(|r| {
        r.header("webhook-id")
            .trim_start_matches("msg_")
            .parse::<i64>()
            .unwrap()
    });
    got.iter()
        .map(|r| r.json()["type"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_published_article_is_delivered_signed_with_the_endpoint_secret() {
    let (app, editor, admin) = hooks_app("").await;
    let receiver = Receiver::start(&[]).await;
    let (_, secret) = register(&app, &admin, &receiver.url, json!(["article.*"])).await;

    let (id, _) = published_draft(&app, &editor).await;
    deliver_all(&app).await;

    let got = receiver.received();
    assert_eq!(got.len(), 1);
    let delivery = &got[0];
    let timestamp: i64 = delivery.header("webhook-timestamp").parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - timestamp).abs() < 60);
    let expected = webhook_signature(
        &secret,
        delivery.header("webhook-id"),
        timestamp,
        &delivery.body,
    )
    .unwrap();
    assert_eq!(delivery.header("webhook-signature"), expected);
    let body = delivery.json();
    assert_eq!(body["type"], "article.published");
    assert_eq!(body["data"]["id"], id);
    assert_eq!(body["data"]["slug"], "port-talks-resume");
    assert!(
        body["data"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/api/v1/articles/port-talks-resume")
    );
    assert_eq!(
        body["data"]["surrogate_keys"],
        json!([format!("article-{id}"), "articles"])
    );
    assert!(body["timestamp"].is_string());
}

#[tokio::test]
async fn drafts_are_not_news_but_edits_and_unpublishing_of_public_articles_are() {
    let (app, editor, admin) = hooks_app("").await;
    let receiver = Receiver::start(&[]).await;
    register(&app, &admin, &receiver.url, json!(["*"])).await;

    let (id, etag) = created_draft(&app, &editor).await;
    let edited = app
        .send_if_match(
            "PATCH",
            &format!("/api/v1/manage/articles/{id}"),
            &etag,
            Some(json!({"title": "Port Talks Resume Again"})),
            &editor,
        )
        .await;
    assert_eq!(edited.status, 200);
    deliver_all(&app).await;
    assert_eq!(types(&receiver), Vec::<String>::new());

    let published = app
        .send_if_match(
            "POST",
            &format!("/api/v1/manage/articles/{id}/publish"),
            edited.header("etag").unwrap(),
            None,
            &editor,
        )
        .await;
    let edited = app
        .send_if_match(
            "PATCH",
            &format!("/api/v1/manage/articles/{id}"),
            published.header("etag").unwrap(),
            Some(json!({"title": "Port Talks Resume at Last"})),
            &editor,
        )
        .await;
    app.send_if_match(
        "POST",
        &format!("/api/v1/manage/articles/{id}/unpublish"),
        edited.header("etag").unwrap(),
        None,
        &editor,
    )
    .await;
    deliver_all(&app).await;

    assert_eq!(
        types(&receiver),
        [
            "article.published",
            "article.updated",
            "article.unpublished"
        ]
    );
}

#[tokio::test]
async fn an_endpoint_hears_only_the_events_it_asked_for() {
    let (app, editor, admin) = hooks_app("").await;
    let comments = Receiver::start(&[]).await;
    register(&app, &admin, &comments.url, json!(["comment.approved"])).await;

    published_draft(&app, &editor).await;
    deliver_all(&app).await;

    assert!(comments.received().is_empty());
}

#[tokio::test]
async fn a_failed_delivery_is_retried_under_the_same_id_until_it_succeeds() {
    let (app, editor, admin) = hooks_app("5s,5m,30m").await;
    let receiver = Receiver::start(&[500, 503]).await;
    let (hook, secret) = register(&app, &admin, &receiver.url, json!(["article.*"])).await;

    published_draft(&app, &editor).await;
    deliver_all(&app).await;

    let got = receiver.received();
    assert_eq!(got.len(), 3);
    let id = got[0].header("webhook-id");
    assert!(got.iter().all(|r| r.header("webhook-id") == id));
    for r in &got {
        let ts: i64 = r.header("webhook-timestamp").parse().unwrap();
        assert_eq!(
            Some(r.header("webhook-signature").to_owned()),
            webhook_signature(&secret, id, ts, &r.body)
        );
    }
    let log = app
        .get_as(
            &format!("/api/v1/manage/webhooks/{hook}/deliveries"),
            &admin,
        )
        .await;
    assert_eq!(log.status, 200, "{}", log.text());
    let delivery = &log.json()["data"][0];
    assert_eq!(delivery["status"], "succeeded");
    assert_eq!(delivery["message_id"], id);
    let codes: Vec<i64> = delivery["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status_code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, [500, 503, 200]);
}

#[tokio::test]
async fn a_delivery_whose_retries_run_out_has_failed() {
    let (app, editor, admin) = hooks_app("5s").await;
    let receiver = Receiver::start(&[500, 500, 500]).await;
    let (hook, _) = register(&app, &admin, &receiver.url, json!(["article.*"])).await;

    published_draft(&app, &editor).await;
    deliver_all(&app).await;

    assert_eq!(receiver.received().len(), 2);
    let log = app
        .get_as(
            &format!("/api/v1/manage/webhooks/{hook}/deliveries"),
            &admin,
        )
        .await;
    assert_eq!(log.json()["data"][0]["status"], "failed");
    assert_eq!(log.json()["data"][0]["next_attempt_at"], Value::Null);
}

#[tokio::test]
async fn retry_after_on_429_postpones_the_next_try() {
    let (app, editor, admin) = hooks_app("5s").await;
    let receiver = Receiver::start_with(vec![(429, vec![("retry-after", "3600")])]).await;
    let (hook, _) = register(&app, &admin, &receiver.url, json!(["article.*"])).await;

    published_draft(&app, &editor).await;
    deliver_all(&app).await;

    assert_eq!(receiver.received().len(), 1);
    let log = app
        .get_as(
            &format!("/api/v1/manage/webhooks/{hook}/deliveries"),
            &admin,
        )
        .await;
    let delivery = &log.json()["data"][0];
    assert_eq!(delivery["status"], "pending");
    let next: chrono::DateTime<chrono::Utc> = delivery["next_attempt_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(next - chrono::Utc::now() > chrono::Duration::minutes(50));
}

#[tokio::test]
async fn a_receiver_that_answers_410_is_disabled_and_hears_nothing_more() {
    let (app, editor, admin) = hooks_app("5s").await;
    let receiver = Receiver::start(&[410]).await;
    let (hook, _) = register(&app, &admin, &receiver.url, json!(["*"])).await;

    let (id, etag) = published_draft(&app, &editor).await;
    deliver_all(&app).await;
    app.send_if_match(
        "POST",
        &format!("/api/v1/manage/articles/{id}/unpublish"),
        &etag,
        None,
        &editor,
    )
    .await;
    deliver_all(&app).await;

    assert_eq!(receiver.received().len(), 1);
    let endpoint = app
        .get_as(&format!("/api/v1/manage/webhooks/{hook}"), &admin)
        .await
        .json();
    assert_eq!(endpoint["data"]["enabled"], false);
    assert!(
        endpoint["data"]["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("410")
    );
}

#[tokio::test]
async fn a_delivery_can_be_sent_again_by_hand_under_the_same_id() {
    let (app, editor, admin) = hooks_app("").await;
    let receiver = Receiver::start(&[]).await;
    let (hook, _) = register(&app, &admin, &receiver.url, json!(["*"])).await;
    published_draft(&app, &editor).await;
    deliver_all(&app).await;
    let log = app
        .get_as(
            &format!("/api/v1/manage/webhooks/{hook}/deliveries"),
            &admin,
        )
        .await
        .json();
    let first = log["data"][0]["id"].as_i64().unwrap();

    let again = app
        .post_json(
            &format!("/api/v1/manage/webhooks/{hook}/deliveries/{first}/redeliver"),
            json!({}),
            Some(&admin),
        )
        .await;
    assert_eq!(again.status, 202, "{}", again.text());
    deliver_all(&app).await;

    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
}

#[tokio::test]
async fn the_secret_is_shown_once() {
    let (app, _, admin) = hooks_app("").await;
    let (hook, secret) = register(&app, &admin, "https://hooks.example.com/in", json!(["*"])).await;
    assert!(secret.starts_with("whsec_"));

    let listed = app.get_as("/api/v1/manage/webhooks", &admin).await;
    let one = app
        .get_as(&format!("/api/v1/manage/webhooks/{hook}"), &admin)
        .await;

    assert!(!listed.text().contains(&secret));
    assert!(!one.text().contains(&secret));
    assert_eq!(one.json()["data"]["url"], "https://hooks.example.com/in");
}

#[tokio::test]
async fn endpoints_inside_the_network_are_refused_unless_allowed() {
    let app = TestApp::new().await;
    let admin = app.token("admin").await;

    let refused = app
        .post_json(
            "/api/v1/manage/webhooks",
            json!({ "url": "http://169.254.169.254/latest", "events": ["*"] }),
            Some(&admin),
        )
        .await;

    assert_eq!(refused.status, 400);
    assert_eq!(refused.error_fields(), ["url"]);
    assert!(
        app.get_as("/api/v1/manage/webhooks", &admin).await.json()["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn event_patterns_that_name_no_event_are_refused() {
    let app = TestApp::new().await;
    let admin = app.token("admin").await;

    let refused = app
        .post_json(
            "/api/v1/manage/webhooks",
            json!({ "url": "https://hooks.example.com/in", "events": ["article.publish"] }),
            Some(&admin),
        )
        .await;

    assert_eq!(refused.status, 400);
    assert_eq!(refused.error_fields(), ["events"]);
}

#[tokio::test]
async fn only_admins_manage_webhooks() {
    let app = TestApp::new().await;
    let writer = app.token("content:write").await;

    let refused = app
        .post_json(
            "/api/v1/manage/webhooks",
            json!({ "url": "https://hooks.example.com/in", "events": ["*"] }),
            Some(&writer),
        )
        .await;

    assert_eq!(refused.status, 403);
    let admin = app.token("admin").await;
    let listed = app.get_as("/api/v1/manage/webhooks", &admin).await;
    assert_eq!(listed.json()["data"], json!([]), "nothing was registered");
}

#[tokio::test]
async fn an_unknown_endpoint_or_delivery_is_404() {
    let (app, _, admin) = hooks_app("").await;
    let (hook, _) = register(&app, &admin, "https://hooks.example.com/in", json!(["*"])).await;

    let no_delivery = app
        .post_json(
            &format!("/api/v1/manage/webhooks/{hook}/deliveries/999/redeliver"),
            json!({}),
            Some(&admin),
        )
        .await;
    let no_endpoint = app
        .send_json(
            "DELETE",
            "/api/v1/manage/webhooks/999",
            json!({}),
            Some(&admin),
        )
        .await;

    assert_eq!(no_delivery.status, 404);
    assert!(
        no_delivery.json()["detail"]
            .as_str()
            .unwrap()
            .contains("delivery")
    );
    assert_eq!(no_endpoint.status, 404);
    assert!(
        no_endpoint.json()["detail"]
            .as_str()
            .unwrap()
            .contains("webhook endpoint")
    );
    let still = app
        .get_as(&format!("/api/v1/manage/webhooks/{hook}"), &admin)
        .await;
    assert_eq!(still.status, 200);
}

#[tokio::test]
async fn two_nodes_sending_at_once_send_each_delivery_once() {
    let (app, editor, admin) = hooks_app("").await;
    let receiver = Receiver::start(&[]).await;
    register(&app, &admin, &receiver.url, json!(["*"])).await;
    for n in 0..12 {
        app.post_json(
            "/api/v1/manage/tags",
            json!({ "name": format!("Topic {n}") }),
            Some(&editor),
        )
        .await;
    }
    let other = app.another_node().await;

    let (a, b) = (app.state.desk.clone(), other.state.desk.clone());
    let (sa, sb) = (a.delivery_sender(), b.delivery_sender());
    let one = tokio::spawn(async move { while a.deliver_due(&sa).await.unwrap() > 0 {} });
    let two = tokio::spawn(async move { while b.deliver_due(&sb).await.unwrap() > 0 {} });
    one.await.unwrap();
    two.await.unwrap();

    let mut ids: Vec<String> = receiver
        .received()
        .iter()
        .map(|r| r.header("webhook-id").to_owned())
        .collect();
    assert_eq!(ids.len(), 12);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 12, "a delivery was sent twice");
}

#[tokio::test]
async fn a_scheduled_article_is_announced_once_when_its_time_comes() {
    let (app, editor, admin) = hooks_app("").await;
    let receiver = Receiver::start(&[]).await;
    register(&app, &admin, &receiver.url, json!(["article.*"])).await;
    let (id, etag) = created_draft(&app, &editor).await;
    let at = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
    let scheduled = app
        .send_if_match(
            "POST",
            &format!("/api/v1/manage/articles/{id}/schedule"),
            &etag,
            Some(json!({ "publish_at": at.to_rfc3339() })),
            &editor,
        )
        .await;
    assert_eq!(scheduled.status, 200, "{}", scheduled.text());
    assert_eq!(app.state.desk.announce_due_publications().await.unwrap(), 0);

    tokio::time::sleep(Duration::from_millis(1600)).await;
    let other = app.another_node().await;
    let (a, b) = (app.state.desk.clone(), other.state.desk.clone());
    let (one, two) = tokio::join!(a.announce_due_publications(), b.announce_due_publications());
    let again = app.state.desk.announce_due_publications().await.unwrap();
    deliver_all(&app).await;

    assert_eq!(one.unwrap() + two.unwrap() + again, 1);
    assert_eq!(types(&receiver), ["article.published"]);
}

#[tokio::test]
async fn a_newsletter_sign_up_is_told_to_admins_with_a_link_that_confirms() {
    let (app, _, admin) = hooks_app("").await;
    let receiver = Receiver::start(&[]).await;
    register(&app, &admin, &receiver.url, json!(["newsletter.*"])).await;

    let asked = app
        .post_json(
            "/api/v1/newsletter/subscriptions",
            json!({ "email": "reader@mail.example", "lists": ["world"] }),
            None,
        )
        .await;
    assert_eq!(asked.status, 202);
    deliver_all(&app).await;

    let event = receiver.received().remove(0).json();
    assert_eq!(event["type"], "newsletter.confirmation_requested");
    assert_eq!(event["data"]["email"], "reader@mail.example");
    let link = event["data"]["confirm_url"].as_str().unwrap();
    let path = &link[link.find("/api/").unwrap()..];
    assert_eq!(app.get(path).await.status, 200);
}

#[tokio::test]
async fn the_cdn_purge_is_called_with_the_surrogate_keys_of_each_change() {
    let cdn = Receiver::start(&[]).await;
    let template = format!("{}?keys={{keys}}", cdn.url);
    let app = TestApp::builder()
        .http(move |http| {
            http.outbound.allow_private_targets = true;
            http.outbound.purge_url = Some(template);
            http.outbound.purge_header = Some((
                "Fastly-Key".into(),
                newsdesk::config::Secret::new("cdn-secret"),
            ));
        })
        .build()
        .await;
    let (app, editor) = newsroom_in(app).await;

    let (id, _) = published_draft(&app, &editor).await;
    deliver_all(&app).await;

    let purges = cdn.received();
    let article_purge = purges
        .iter()
        .find(|p| p.json()["type"] == "article.published")
        .expect("the publication was purged");
    assert_eq!(
        article_purge.header("surrogate-key"),
        format!("article-{id} articles")
    );
    assert_eq!(article_purge.header("fastly-key"), "cdn-secret");
}

#[tokio::test]
async fn admins_manage_webhooks_over_graphql_and_see_the_secret_once() {
    let app = TestApp::new().await;
    let admin = app.token("admin").await;

    let created = app
        .graphql_as(
            r#"mutation { createWebhook(input: { url: "https://hooks.example.com/in", events: ["article.*"] }) {
                secret webhook { id url events enabled } } }"#,
            json!({}),
            &admin,
        )
        .await
        .json();
    let made = &created["data"]["createWebhook"];
    assert!(
        made["secret"].as_str().unwrap().starts_with("whsec_"),
        "{created}"
    );
    let id = made["webhook"]["id"].as_str().unwrap().to_owned();

    let paused = app
        .graphql_as(
            r#"mutation($id: ID!) { updateWebhook(id: $id, input: { enabled: false }) { enabled disabledReason } }"#,
            json!({ "id": id }),
            &admin,
        )
        .await
        .json();
    assert_eq!(paused["data"]["updateWebhook"]["enabled"], false);
    let listed = app
        .graphql_as(
            "{ webhooks { id url events enabled deliveries { id } } }",
            json!({}),
            &admin,
        )
        .await;
    assert!(!listed.text().contains("whsec_"));
    assert_eq!(
        listed.json()["data"]["webhooks"][0]["events"],
        json!(["article.*"])
    );

    let deleted = app
        .graphql_as(
            r#"mutation($id: ID!) { deleteWebhook(id: $id) }"#,
            json!({ "id": id }),
            &admin,
        )
        .await
        .json();
    assert_eq!(deleted["data"]["deleteWebhook"], id.as_str());
    let none = app
        .graphql_as("{ webhooks { id } }", json!({}), &admin)
        .await
        .json();
    assert_eq!(none["data"]["webhooks"], json!([]));
}

#[tokio::test]
async fn graphql_refuses_webhooks_to_non_admins_and_bad_input_by_code() {
    let app = TestApp::new().await;
    let writer = app.token("content:write").await;
    let admin = app.token("admin").await;

    let refused = app
        .graphql_as("{ webhooks { id } }", json!({}), &writer)
        .await
        .json();
    let invalid = app
        .graphql_as(
            r#"mutation { createWebhook(input: { url: "http://10.0.0.1/", events: ["*"] }) { secret } }"#,
            json!({}),
            &admin,
        )
        .await
        .json();

    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert_eq!(invalid["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[tokio::test]
async fn comments_live_entries_and_taxonomy_are_news_too() {
    let (app, editor, admin) = hooks_app("").await;
    let receiver = Receiver::start(&[]).await;
    register(&app, &admin, &receiver.url, json!(["*"])).await;
    let (id, _) = published_draft(&app, &editor).await;
    let moderator = app.token("comments:moderate").await;

    let submitted = app
        .post_json(
            "/api/v1/articles/port-talks-resume/comments",
            json!({ "author_name": "Reader", "author_email": "r@mail.example", "body": "Good news." }),
            None,
        )
        .await;
    assert_eq!(submitted.status, 202, "{}", submitted.text());
    let comment = submitted.json()["id"].as_i64().unwrap();
    app.post_json(
        &format!("/api/v1/manage/comments/{comment}/approve"),
        json!({}),
        Some(&moderator),
    )
    .await;
    app.post_json(
        &format!("/api/v1/manage/comments/{comment}/spam"),
        json!({}),
        Some(&moderator),
    )
    .await;
    let entry = app
        .post_json(
            &format!("/api/v1/manage/articles/{id}/live-entries"),
            json!({ "body_markdown": "Talks have begun." }),
            Some(&editor),
        )
        .await;
    assert_eq!(entry.status, 201, "{}", entry.text());
    app.post_json(
        "/api/v1/manage/tags",
        json!({ "name": "Harbours" }),
        Some(&editor),
    )
    .await;
    deliver_all(&app).await;

    assert_eq!(
        types(&receiver),
        [
            "article.published",
            "comment.approved",
            "comment.removed",
            "live_entry.added",
            "tag.created"
        ]
    );
    let approved = receiver
        .received()
        .into_iter()
        .map(|r| r.json())
        .find(|body| body["type"] == "comment.approved")
        .unwrap();
    assert_eq!(approved["data"]["article"]["slug"], "port-talks-resume");
    assert_eq!(
        approved["data"]["surrogate_keys"],
        json!([format!("article-{id}"), "comments"])
    );
}

#[tokio::test]
async fn events_past_their_retention_are_forgotten_unless_still_owed() {
    use newsdesk::db::entities::events;
    use sea_orm::{EntityTrait, PaginatorTrait};
    let clock = std::sync::Arc::new(newsdesk::domain::time::ManualClock::starting_now());
    let app = TestApp::builder()
        .clock(clock.clone())
        .http(|http| http.outbound.allow_private_targets = true)
        .build()
        .await;
    let (app, editor) = newsroom_in(app).await;
    let admin = app.token("admin").await;
    for name in ["Old news", "Older news"] {
        app.post_json(
            "/api/v1/manage/tags",
            json!({ "name": name }),
            Some(&editor),
        )
        .await;
    }
    let before = events::Entity::find().count(app.db()).await.unwrap();
    assert_eq!(before, 2);
    register(&app, &admin, "http://127.0.0.1:9/never", json!(["tag.*"])).await;
    app.post_json(
        "/api/v1/manage/tags",
        json!({ "name": "Owed" }),
        Some(&editor),
    )
    .await;

    clock.advance(chrono::Duration::days(31));
    let pruned = app.state.desk.prune_events().await.unwrap();

    assert_eq!(pruned, before);
    assert_eq!(events::Entity::find().count(app.db()).await.unwrap(), 1);
}
