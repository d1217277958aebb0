//! GraphQL subscriptions: public changes to one article reach subscribers
//! over Server-Sent Events (and WebSocket, see `subscriptions_ws`), from
//! writes made on this node or on another over the same database.

use std::sync::Arc;
use std::time::Duration;

use newsdesk::domain::time::{Clock, ManualClock};
use newsdesk::domain::visibility::ArticleStatus;

use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::fixtures::{newsroom, published_draft};
use crate::support::streams::{subscribe, subscribe_by_get, wait_for_subscribers};

const LIVE: &str = "subscription($slug: String!) { liveEntryAdded(slug: $slug) { bodyMarkdown bodyHtml author { slug } } }";

async fn add_entry(app: &TestApp, token: &str, id: i64, body: &str) {
    let res = app
        .post_json(
            &format!("/api/v1/manage/articles/{id}/live-entries"),
            json!({ "body_markdown": body, "author": "ada" }),
            Some(token),
        )
        .await;
    assert_eq!(res.status, 201);
}

#[tokio::test]
async fn an_sse_subscriber_hears_each_live_entry_added_over_rest() {
    let (app, token) = newsroom().await;
    let id = app.article("storm").create().await;
    let mut events = subscribe(&app.service, LIVE, json!({ "slug": "storm" }), None).await;
    assert_eq!(events.status, 200);
    assert_eq!(events.content_type.as_deref(), Some("text/event-stream"));
    wait_for_subscribers(&app.state.desk, 1).await;

    add_entry(&app, &token, id, "Winds *rise*.").await;
    add_entry(&app, &token, id, "Roads close.").await;

    let first = events.next_result().await;
    let second = events.next_result().await;
    assert_eq!(
        first["data"]["liveEntryAdded"]["bodyMarkdown"],
        "Winds *rise*."
    );
    assert_eq!(
        first["data"]["liveEntryAdded"]["bodyHtml"],
        "<p>Winds <em>rise</em>.</p>\n"
    );
    assert_eq!(first["data"]["liveEntryAdded"]["author"]["slug"], "ada");
    assert_eq!(
        second["data"]["liveEntryAdded"]["bodyMarkdown"],
        "Roads close."
    );
}

#[tokio::test]
async fn a_subscriber_hears_only_its_own_article() {
    let (app, token) = newsroom().await;
    let storm = app.article("storm").create().await;
    let other = app.article("other").create().await;
    let mut events = subscribe(&app.service, LIVE, json!({ "slug": "storm" }), None).await;
    wait_for_subscribers(&app.state.desk, 1).await;

    add_entry(&app, &token, other, "elsewhere").await;
    add_entry(&app, &token, storm, "here").await;

    assert_eq!(
        events.next_result().await["data"]["liveEntryAdded"]["bodyMarkdown"],
        "here"
    );
}

#[tokio::test]
async fn subscribing_to_an_unpublished_article_is_not_found() {
    let (app, _) = newsroom().await;

    let mut events = subscribe(
        &app.service,
        LIVE,
        json!({ "slug": "no-such-article" }),
        None,
    )
    .await;

    let result = events.next_result().await;
    assert_eq!(result["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert_eq!(events.next().await.0, "complete");
}

#[tokio::test]
async fn an_approved_comment_reaches_subscribers_but_a_held_one_does_not() {
    let (app, token) = newsroom().await;
    let id = app.article("storm").create().await;
    let approve_me = app
        .comment(id)
        .status("pending")
        .body("approved now")
        .create()
        .await;
    let mut events = subscribe(
        &app.service,
        "subscription { commentApproved(slug: \"storm\") { body authorName } }",
        json!({}),
        None,
    )
    .await;
    wait_for_subscribers(&app.state.desk, 1).await;

    // A reader's comment comes in and is held for moderation: a write, but
    // nothing public.
    let held = app
        .post_json(
            "/api/v1/articles/storm/comments",
            json!({ "author_name": "Reader", "author_email": "reader@example.org", "body": "still waiting" }),
            None,
        )
        .await;
    assert_eq!(held.status, 202, "{}", held.text());
    let approved = app
        .post_json(
            &format!("/api/v1/manage/comments/{approve_me}/approve"),
            json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(approved.status, 200);

    let result = events.next_result().await;
    assert_eq!(result["data"]["commentApproved"]["body"], "approved now");
    assert!(events.quiet_for(Duration::from_millis(400)).await);
}

#[tokio::test]
async fn an_edit_of_a_published_article_reaches_article_updated_subscribers() {
    let (app, token) = newsroom().await;
    let (id, etag) = published_draft(&app, &token).await;
    let mut events = subscribe(
        &app.service,
        "subscription { articleUpdated(slug: \"port-talks-resume\") { title bodyMarkdown } }",
        json!({}),
        None,
    )
    .await;
    wait_for_subscribers(&app.state.desk, 1).await;

    app.send_if_match(
        "PATCH",
        &format!("/api/v1/manage/articles/{id}"),
        &etag,
        Some(json!({ "title": "Port Talks Stall", "body_markdown": "New text." })),
        &token,
    )
    .await;

    let result = events.next_result().await;
    assert_eq!(
        result["data"]["articleUpdated"]["title"],
        "Port Talks Stall"
    );
    assert_eq!(
        result["data"]["articleUpdated"]["bodyMarkdown"],
        "New text."
    );
}

#[tokio::test]
async fn a_live_event_written_on_one_node_reaches_subscribers_on_both() {
    let (app, token) = newsroom().await;
    let id = app.article("storm").create().await;
    let other_node = app.another_node().await;
    let mut here = subscribe(&app.service, LIVE, json!({ "slug": "storm" }), None).await;
    let mut there = subscribe(&other_node.service, LIVE, json!({ "slug": "storm" }), None).await;
    wait_for_subscribers(&app.state.desk, 1).await;
    wait_for_subscribers(&other_node.state.desk, 1).await;

    add_entry(&app, &token, id, "heard everywhere").await;

    for events in [&mut here, &mut there] {
        let result: Value = events.next_result().await;
        assert_eq!(
            result["data"]["liveEntryAdded"]["bodyMarkdown"],
            "heard everywhere"
        );
    }
}

#[tokio::test]
async fn a_query_sent_as_an_event_stream_answers_once_and_completes() {
    let (app, _) = newsroom().await;
    app.article("storm").create().await;

    let mut events = subscribe(
        &app.service,
        "{ article(slug: \"storm\") { slug } }",
        json!({}),
        None,
    )
    .await;

    assert_eq!(
        events.next_result().await["data"]["article"]["slug"],
        "storm"
    );
    assert_eq!(events.next().await.0, "complete");
}

#[tokio::test]
async fn once_an_article_is_unpublished_its_subscribers_hear_nothing_more() {
    let (app, token) = newsroom().await;
    let (id, etag) = published_draft(&app, &token).await;
    let mut events = subscribe(
        &app.service,
        LIVE,
        json!({ "slug": "port-talks-resume" }),
        None,
    )
    .await;
    wait_for_subscribers(&app.state.desk, 1).await;
    add_entry(&app, &token, id, "while public").await;
    assert_eq!(
        events.next_result().await["data"]["liveEntryAdded"]["bodyMarkdown"],
        "while public"
    );

    let unpublished = app
        .send_if_match(
            "POST",
            &format!("/api/v1/manage/articles/{id}/unpublish"),
            &etag,
            None,
            &token,
        )
        .await;
    assert_eq!(unpublished.status, 200);
    add_entry(&app, &token, id, "behind the scenes").await;

    assert!(events.quiet_for(Duration::from_millis(600)).await);
}

#[tokio::test]
async fn a_plain_event_source_subscribes_by_get() {
    let (app, token) = newsroom().await;
    let id = app.article("storm").create().await;
    let mut events = subscribe_by_get(
        &app.service,
        "subscription { liveEntryAdded(slug: \"storm\") { bodyMarkdown } }",
    )
    .await;
    assert_eq!(events.content_type.as_deref(), Some("text/event-stream"));
    wait_for_subscribers(&app.state.desk, 1).await;

    add_entry(&app, &token, id, "by GET").await;

    assert_eq!(
        events.next_result().await["data"]["liveEntryAdded"]["bodyMarkdown"],
        "by GET"
    );
}

#[tokio::test]
async fn a_mutation_cannot_be_sent_as_an_event_stream_by_get() {
    let (app, _) = newsroom().await;

    let events = subscribe_by_get(&app.service, "mutation { deleteTag(id: \"VGFnOjE\") }").await;

    assert_eq!(events.status, 405);
}

#[tokio::test]
async fn a_burst_of_writes_does_not_hold_back_the_events_after_it() {
    use newsdesk::domain::actor::Actor;
    use newsdesk::domain::audit::{self, AuditAction, Audited};
    use sea_orm::TransactionTrait;

    let (app, token) = newsroom().await;
    let id = app.article("storm").create().await;
    let mut events = subscribe(&app.service, LIVE, json!({ "slug": "storm" }), None).await;
    wait_for_subscribers(&app.state.desk, 1).await;

    // More entries than the fan-out reads at once, twice over, in one commit.
    let burst = app.db().begin().await.unwrap();
    for n in 0..1_100 {
        audit::record(
            &burst,
            &Actor::Operator,
            AuditAction::Update,
            Audited::Tag,
            Some(n),
            "burst",
        )
        .await
        .unwrap();
    }
    burst.commit().await.unwrap();
    add_entry(&app, &token, id, "after the burst").await;

    assert_eq!(
        events.next_result().await["data"]["liveEntryAdded"]["bodyMarkdown"],
        "after the burst"
    );
}

#[tokio::test]
async fn an_event_shows_what_went_public_after_the_subscription_opened() {
    let clock = Arc::new(ManualClock::starting_now());
    let app = TestApp::builder().clock(clock.clone()).build().await;
    let (app, token) = crate::support::fixtures::newsroom_in(app).await;
    let later = app
        .article("later")
        .status(ArticleStatus::Scheduled)
        .published_at(clock.now() + chrono::Duration::minutes(30))
        .create()
        .await;
    let (id, etag) = published_draft(&app, &token).await;
    let mut events = subscribe(
        &app.service,
        "subscription { articleUpdated(slug: \"port-talks-resume\") { relatedLinks { article { slug } } } }",
        json!({}),
        None,
    )
    .await;
    wait_for_subscribers(&app.state.desk, 1).await;

    clock.advance(chrono::Duration::minutes(31));
    let linked = app
        .send_if_match(
            "PUT",
            &format!("/api/v1/manage/articles/{id}/related-links"),
            &etag,
            Some(json!([{ "article": "later" }])),
            &token,
        )
        .await;
    assert_eq!(linked.status, 200, "article {later}");

    let result = events.next_result().await;
    assert_eq!(
        result["data"]["articleUpdated"]["relatedLinks"][0]["article"]["slug"],
        "later"
    );
}
