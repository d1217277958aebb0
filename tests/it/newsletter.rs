//! The Subscribe box: double opt-in by a mailed link, one-click
//! unsubscribe, no way to learn whether an address is known, and an export
//! of confirmed subscribers for admins.

use serde_json::json;

use crate::support::TestApp;
use crate::support::smtp::SmtpSink;

async fn mailing_app() -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let url = sink.url.clone();
    let app = TestApp::builder()
        .http(move |http| {
            http.outbound.smtp_url = Some(newsdesk::config::Secret::new(url));
            http.outbound.public_url = "http://news.example".into();
        })
        .build()
        .await;
    app.section("world").create().await;
    (app, sink)
}

/// Signs up, then lets the outbox worker send what is due, as a node does.
async fn sign_up(
    app: &TestApp,
    email: &str,
    lists: serde_json::Value,
) -> crate::support::TestResponse {
    let res = app
        .post_json(
            "/api/v1/newsletter/subscriptions",
            json!({ "email": email, "lists": lists }),
            None,
        )
        .await;
    send_due(app).await;
    res
}

async fn send_due(app: &TestApp) {
    let sender = app.state.desk.delivery_sender();
    while app.state.desk.deliver_due(&sender).await.unwrap() > 0 {}
}

/// The path and query of a link the mail holds, to send through the router.
fn path_of(link: &str) -> String {
    link.strip_prefix("http://news.example")
        .unwrap_or(link)
        .to_owned()
}

async fn export(app: &TestApp, query: &str) -> String {
    let admin = app.token("admin").await;
    let res = app
        .get_as(
            &format!("/api/v1/manage/newsletter/subscribers{query}"),
            &admin,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(res.header("content-type").unwrap().starts_with("text/csv"));
    res.text()
}

#[tokio::test]
async fn a_mailed_link_confirms_the_lists_asked_for() {
    let (app, sink) = mailing_app().await;

    let asked = sign_up(&app, "Reader@Mail.example", json!(["front-page", "world"])).await;
    assert_eq!(asked.status, 202, "{}", asked.text());
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.to, ["reader@mail.example"]);
    assert!(
        mail.text()
            .contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
    );
    assert_eq!(export(&app, "").await, "email,confirmed_at,lists\r\n");

    let confirmed = app.get(&path_of(&mail.link("/newsletter/confirm"))).await;

    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    assert_eq!(
        confirmed.json()["data"]["lists"],
        json!(["front-page", "world"])
    );
    let csv = export(&app, "?list=world").await;
    assert!(csv.contains("reader@mail.example,"), "{csv}");
    assert!(csv.trim_end().ends_with(",front-page world"), "{csv}");
}

#[tokio::test]
async fn a_known_and_an_unknown_address_get_the_same_answer() {
    let (app, sink) = mailing_app().await;
    sign_up(&app, "known@mail.example", json!(["world"])).await;
    let mail = sink.wait_for(1).await.remove(0);
    app.get(&path_of(&mail.link("/newsletter/confirm"))).await;

    let known = sign_up(&app, "known@mail.example", json!(["world"])).await;
    let unknown = sign_up(&app, "stranger@mail.example", json!(["world"])).await;

    assert_eq!(known.status, 202);
    assert_eq!(known.body, unknown.body);
    assert!(!known.text().contains("known@mail.example"));
}

#[tokio::test]
async fn a_stranger_cannot_add_lists_without_the_mailbox() {
    let (app, sink) = mailing_app().await;
    sign_up(&app, "owner@mail.example", json!(["world"])).await;
    let mail = sink.wait_for(1).await.remove(0);
    app.get(&path_of(&mail.link("/newsletter/confirm"))).await;

    sign_up(&app, "owner@mail.example", json!(["front-page"])).await;

    let csv = export(&app, "?list=front-page").await;
    assert!(!csv.contains("owner@mail.example"), "{csv}");
}

#[tokio::test]
async fn the_unsubscribe_link_takes_the_address_off_every_list_in_one_click() {
    let (app, sink) = mailing_app().await;
    sign_up(&app, "leaving@mail.example", json!(["world", "front-page"])).await;
    let mail = sink.wait_for(1).await.remove(0);
    app.get(&path_of(&mail.link("/newsletter/confirm"))).await;

    let gone = app
        .post(&path_of(&mail.link("/newsletter/unsubscribe")))
        .await;

    assert_eq!(gone.status, 200, "{}", gone.text());
    assert!(!export(&app, "").await.contains("leaving@mail.example"));
}

#[tokio::test]
async fn an_edited_link_confirms_nothing() {
    let (app, sink) = mailing_app().await;
    sign_up(&app, "reader@mail.example", json!(["world"])).await;
    let mail = sink.wait_for(1).await.remove(0);
    let link = path_of(&mail.link("/newsletter/confirm"));
    let forged = link.replace("token=", "token=x");

    let refused = app.get(&forged).await;

    assert_eq!(refused.status, 400);
    assert_eq!(refused.error_fields(), ["token"]);
    assert!(!export(&app, "").await.contains("reader@mail.example"));
}

#[tokio::test]
async fn bad_addresses_and_unknown_lists_are_refused_by_field() {
    let (app, sink) = mailing_app().await;

    let refused = sign_up(&app, "not-an-address", json!(["sports"])).await;

    assert_eq!(refused.status, 400);
    assert_eq!(refused.error_fields(), ["email", "lists"]);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn sign_ups_are_rate_limited_per_client() {
    let (app, _sink) = mailing_app().await;
    let mut statuses = Vec::new();
    for n in 0..7 {
        statuses.push(
            sign_up(&app, &format!("r{n}@mail.example"), json!(["world"]))
                .await
                .status
                .as_u16(),
        );
    }
    assert_eq!(statuses[..5], [202; 5]);
    assert_eq!(statuses[5], 429);
}

#[tokio::test]
async fn only_admins_export_subscribers() {
    let (app, _sink) = mailing_app().await;
    let editor = app.token("content:write").await;

    let refused = app
        .get_as("/api/v1/manage/newsletter/subscribers", &editor)
        .await;

    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn a_confirmation_the_mail_server_turned_away_is_sent_again() {
    let sink = SmtpSink::start_refusing(1).await;
    let url = sink.url.clone();
    let app = TestApp::builder()
        .http(move |http| {
            http.outbound.smtp_url = Some(newsdesk::config::Secret::new(url));
            http.outbound.retry_schedule = vec![std::time::Duration::ZERO];
        })
        .build()
        .await;
    app.section("world").create().await;

    sign_up(&app, "patient@mail.example", json!(["world"])).await;

    let mails = sink.wait_for(1).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["patient@mail.example"]);
}

#[tokio::test]
async fn graphql_signs_up_the_same_way() {
    let (app, sink) = mailing_app().await;

    let answer = app
        .graphql(
            r#"mutation { signUpForNewsletter(email: "gql@mail.example", lists: ["world"]) }"#,
            json!({}),
        )
        .await
        .json();
    let refused = app
        .graphql(
            r#"mutation { signUpForNewsletter(email: "nobody", lists: ["world"]) }"#,
            json!({}),
        )
        .await
        .json();

    send_due(&app).await;
    assert_eq!(answer["data"]["signUpForNewsletter"], true, "{answer}");
    assert_eq!(sink.wait_for(1).await[0].to, ["gql@mail.example"]);
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}
