//! The read model is never stale: random sequences of every kind of write,
//! through the write API, each followed by a byte-for-byte comparison of
//! every stored teaser, section path and first page of comments with a
//! fresh rebuild.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use chrono::Duration;
use newsdesk::domain::actor::Role;
use newsdesk::domain::time::{Clock, ManualClock};
use serde_json::{Value, json};

use crate::support::TestApp;

/// A small deterministic generator (xorshift64*): the same seed replays
/// the same sequence, so a failure names its seed and step.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }

    /// Up to `most` distinct items, in a random order.
    fn some<T: Clone + PartialEq>(&mut self, items: &[T], most: usize) -> Vec<T> {
        let mut chosen: Vec<T> = Vec::new();
        for _ in 0..self.below(most + 1) {
            if let Some(item) = self.pick(items)
                && !chosen.contains(item)
            {
                chosen.push(item.clone());
            }
        }
        chosen
    }
}

/// What the sequence has made so far, by slug (taxonomy) and id.
struct Newsroom {
    app: TestApp,
    clock: Arc<ManualClock>,
    token: String,
    sections: Vec<(i64, String)>,
    authors: Vec<(i64, String)>,
    tags: Vec<(i64, String)>,
    /// Articles by id, with their slugs.
    articles: Vec<(i64, String)>,
    /// Comments by id, with their article's id.
    comments: Vec<(i64, i64)>,
    made: usize,
}

impl Newsroom {
    async fn new() -> Newsroom {
        let clock = Arc::new(ManualClock::starting_now());
        let app = TestApp::builder().clock(clock.clone()).build().await;
        app.editor("ed@news.example", Role::Editor).await;
        let token = app.login("ed@news.example").await;
        let mut room = Newsroom {
            app,
            clock,
            token,
            sections: Vec::new(),
            authors: Vec::new(),
            tags: Vec::new(),
            articles: Vec::new(),
            comments: Vec::new(),
            made: 0,
        };
        for kind in ["sections", "sections", "authors", "authors", "tags", "tags"] {
            room.create_taxonomy(kind).await;
        }
        room
    }

    fn slugs(items: &[(i64, String)]) -> Vec<String> {
        items.iter().map(|(_, slug)| slug.clone()).collect()
    }

    fn fresh_name(&mut self, what: &str) -> String {
        self.made += 1;
        format!("{what} {}", self.made)
    }

    async fn send(&self, method: &str, uri: &str, if_match: Option<&str>, body: Value) -> u16 {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {}", self.token))
            .header("content-type", "application/json");
        if let Some(etag) = if_match {
            request = request.header("if-match", etag);
        }
        let body = if body.is_null() {
            Body::empty()
        } else {
            Body::from(body.to_string())
        };
        let response = self.app.send(request.body(body).unwrap()).await;
        assert!(
            response.status.as_u16() < 500,
            "{method} {uri}: {} {}",
            response.status,
            response.text()
        );
        response.status.as_u16()
    }

    /// A write to article `id` (at its URI followed by `rest`), naming the
    /// version it reads first, as an editor's client does.
    async fn write_article(&self, id: i64, method: &str, rest: &str, body: Value) -> u16 {
        let etag = self.etag(id).await;
        let uri = format!("/api/v1/manage/articles/{id}{rest}");
        self.send(method, &uri, etag.as_deref(), body).await
    }

    async fn etag(&self, article: i64) -> Option<String> {
        let res = self
            .app
            .get_as(&format!("/api/v1/manage/articles/{article}"), &self.token)
            .await;
        res.header("etag").map(str::to_owned)
    }

    async fn create_taxonomy(&mut self, kind: &str) {
        let name = self.fresh_name(kind);
        let res = self
            .app
            .post_json(
                &format!("/api/v1/manage/{kind}"),
                json!({ "name": name }),
                Some(&self.token),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        let made = (
            res.json()["id"].as_i64().unwrap(),
            res.json()["slug"].as_str().unwrap().to_owned(),
        );
        match kind {
            "sections" => self.sections.push(made),
            "authors" => self.authors.push(made),
            _ => self.tags.push(made),
        }
    }

    fn article_fields(&mut self, dice: &mut Dice) -> Value {
        let title = self.fresh_name("Story");
        let mut fields = json!({
            "title": title,
            "excerpt": format!("What {title} says"),
            "body_markdown": "Words.\n\n## More\n\n- one\n",
            "authors": dice.some(&Self::slugs(&self.authors), 2),
            "tags": dice.some(&Self::slugs(&self.tags), 3),
            "live": dice.below(4) == 0,
        });
        if let Some(section) = dice.pick(&Self::slugs(&self.sections)) {
            fields["section"] = json!(section);
        }
        if dice.below(2) == 0 {
            fields["featured_image"] = json!({
                "url": "https://images.example.org/a.jpg",
                "alt": "A harbour",
                "credit": "Staff"
            });
        }
        fields
    }

    /// One write chosen by `dice`; what it was, for the failure message.
    async fn write(&mut self, dice: &mut Dice) -> String {
        let article = dice.pick(&self.articles).map(|(id, _)| *id);
        match (dice.below(17), article) {
            (0..=2, _) | (_, None) => {
                let fields = self.article_fields(dice);
                let res = self
                    .app
                    .post_json("/api/v1/manage/articles", fields, Some(&self.token))
                    .await;
                assert_eq!(res.status, 201, "{}", res.text());
                let made = res.json();
                let slug = made["slug"].as_str().unwrap().to_owned();
                self.articles.push((made["id"].as_i64().unwrap(), slug));
                "create article".to_owned()
            }
            (3, Some(id)) => {
                let mut fields = self.article_fields(dice);
                if dice.below(2) == 0 {
                    fields["featured_image"] = Value::Null;
                }
                let status = self.write_article(id, "PATCH", "", fields).await;
                format!("edit article {id}: {status}")
            }
            (4..=5, Some(id)) => self.transition(id, "publish", Value::Null).await,
            (6, Some(id)) => self.transition(id, "unpublish", Value::Null).await,
            (7, Some(id)) => self.transition(id, "archive", Value::Null).await,
            (8, Some(id)) => {
                let at = self.clock.now() + Duration::minutes(30);
                let done = self
                    .transition(id, "schedule", json!({ "publish_at": at.to_rfc3339() }))
                    .await;
                self.clock.advance(Duration::minutes(31));
                format!("{done}, then its time came")
            }
            (9, Some(id)) => {
                let links: Vec<Value> = dice
                    .some(&self.articles, 2)
                    .into_iter()
                    .map(|(_, slug)| json!({ "article": slug }))
                    .chain([json!({ "url": "https://example.org/x", "title": "Elsewhere" })])
                    .collect();
                let status = self
                    .write_article(id, "PUT", "/related-links", json!(links))
                    .await;
                format!("related links of {id}: {status}")
            }
            (10, _) => self.rename(dice).await,
            (11, _) => self.delete_taxonomy(dice).await,
            (12, _) => {
                let kind = *dice.pick(&["sections", "authors", "tags"]).unwrap();
                self.create_taxonomy(kind).await;
                format!("create one of {kind}")
            }
            (13, Some(id)) => {
                let mut comment = self.app.comment(id).status("pending");
                let on_this: Vec<i64> = self
                    .comments
                    .iter()
                    .filter(|(_, on)| *on == id)
                    .map(|(c, _)| *c)
                    .collect();
                if let Some(&parent) = dice.pick(&on_this) {
                    comment = comment.reply_to(parent);
                }
                let comment = comment.create().await;
                self.comments.push((comment, id));
                let verb = *dice.pick(&["approve", "spam"]).unwrap();
                let status = self
                    .send(
                        "POST",
                        &format!("/api/v1/manage/comments/{comment}/{verb}"),
                        None,
                        Value::Null,
                    )
                    .await;
                format!("{verb} comment {comment} on {id}: {status}")
            }
            (14, _) => match dice.pick(&self.comments).copied() {
                Some((comment, _)) => {
                    let status = self
                        .send(
                            "DELETE",
                            &format!("/api/v1/manage/comments/{comment}"),
                            None,
                            Value::Null,
                        )
                        .await;
                    format!("delete comment {comment}: {status}")
                }
                None => "no comment to delete".to_owned(),
            },
            (15, Some(id)) => {
                // Enough at once to fill a page and a thread's shown replies.
                let first = self.app.comment(id).create().await;
                self.comments.push((first, id));
                for _ in 0..dice.below(24) {
                    let mut comment = self.app.comment(id);
                    if dice.below(3) == 0 {
                        comment = comment.reply_to(first);
                    }
                    let comment = comment.create().await;
                    self.comments.push((comment, id));
                }
                format!("a burst of approved comments on {id}")
            }
            (_, Some(id)) => {
                let status = self.write_article(id, "DELETE", "", Value::Null).await;
                if status == 204 {
                    self.articles.retain(|(a, _)| *a != id);
                }
                format!("delete article {id}: {status}")
            }
        }
    }

    async fn transition(&self, id: i64, verb: &str, body: Value) -> String {
        let status = self
            .write_article(id, "POST", &format!("/{verb}"), body)
            .await;
        format!("{verb} article {id}: {status}")
    }

    fn taxonomy(&mut self, dice: &mut Dice) -> (&'static str, &mut Vec<(i64, String)>) {
        match dice.below(3) {
            0 => ("sections", &mut self.sections),
            1 => ("authors", &mut self.authors),
            _ => ("tags", &mut self.tags),
        }
    }

    async fn rename(&mut self, dice: &mut Dice) -> String {
        let name = self.fresh_name("Renamed");
        let new_slug = dice.below(2) == 0;
        let (kind, items) = self.taxonomy(dice);
        let Some(i) = (!items.is_empty()).then(|| dice.below(items.len())) else {
            return format!("no {kind} to rename");
        };
        let id = items[i].0;
        let slug = name.to_lowercase().replace(' ', "-");
        let mut fields = json!({ "name": name });
        if new_slug {
            fields["slug"] = json!(slug);
        }
        // A section may also move: under another (refused if that is its
        // own subsection), or to the top.
        let moved = kind == "sections" && dice.below(2) == 0;
        if moved {
            let j = dice.below(items.len() + 1);
            fields["parent"] = json!(items.get(j).map_or("", |(_, slug)| slug.as_str()));
        }
        let uri = format!("/api/v1/manage/{kind}/{id}");
        let status = self.send("PATCH", &uri, None, fields.clone()).await;
        assert!(
            status == 200 || moved && status == 400,
            "renaming {uri} with {fields}: {status}"
        );
        if new_slug && status == 200 {
            self.taxonomy_of(kind)[i].1 = slug;
        }
        format!("rename {uri} with {fields}")
    }

    async fn delete_taxonomy(&mut self, dice: &mut Dice) -> String {
        let (kind, items) = self.taxonomy(dice);
        let Some(i) = (!items.is_empty()).then(|| dice.below(items.len())) else {
            return format!("no {kind} to delete");
        };
        let uri = format!("/api/v1/manage/{kind}/{}", items[i].0);
        let status = self.send("DELETE", &uri, None, Value::Null).await;
        if status == 204 {
            self.taxonomy_of(kind).remove(i);
        }
        format!("delete {uri}: {status}")
    }

    fn taxonomy_of(&mut self, kind: &str) -> &mut Vec<(i64, String)> {
        match kind {
            "sections" => &mut self.sections,
            "authors" => &mut self.authors,
            _ => &mut self.tags,
        }
    }
}

async fn replay(seed: u64, steps: usize) {
    let mut room = Newsroom::new().await;
    let mut dice = Dice(seed);
    let mut done = Vec::new();
    for step in 0..steps {
        let what = room.write(&mut dice).await;
        done.push(what.clone());
        let stale = room.app.state.desk.stale_teasers().await.unwrap();
        assert!(
            stale.is_empty(),
            "seed {seed}, step {step} ({what}): stale teasers of articles {stale:?}"
        );
        let stale = room.app.state.desk.stale_section_paths().await.unwrap();
        assert!(
            stale.is_empty(),
            "seed {seed}, step {step} ({what}): stale paths of sections {stale:?}"
        );
        let stale = room.app.state.desk.stale_thread_pages().await.unwrap();
        assert!(
            stale.is_empty(),
            "seed {seed}, step {step} ({what}): stale pages of comments of articles {stale:?}"
        );
    }
    assert!(
        room.articles.len() >= 3,
        "seed {seed} wrote too few articles to tell anything: {done:#?}"
    );
}

#[tokio::test]
async fn after_every_write_each_stored_document_equals_a_fresh_rebuild() {
    for seed in [0x5eed_0001, 0x5eed_0002, 0x5eed_0003] {
        replay(seed, 60).await;
    }
}

#[tokio::test]
async fn a_list_shows_a_renamed_author_at_once() {
    let app = TestApp::new().await;
    app.section("world").create().await;
    let ada = app.author("ada").await;
    app.tag("trade").await;
    let token = app.token("content:write").await;
    crate::support::fixtures::published_draft(&app, &token).await;
    let renamed = app
        .send(
            Request::patch(format!("/api/v1/manage/authors/{ada}"))
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(Body::from(json!({ "name": "Ada Lovelace" }).to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text());

    let list = app.get("/api/v1/articles").await.json();

    assert_eq!(list["data"][0]["authors"][0]["name"], "Ada Lovelace");
}

/// GraphQL reads an article's first page of threads as stored, and any
/// other page from the comments: both must give the same threads. Two
/// articles, one with more threads than a page holds, a thread with more
/// replies than it shows, replies of replies and below, and comments the
/// public cannot see.
#[tokio::test]
async fn threads_read_from_a_stored_page_equal_threads_read_from_the_comments() {
    use newsdesk::domain::comments::{read_threads_of, threads_of};
    use newsdesk::domain::documents::stored_thread_page;

    let app = TestApp::new().await;
    let busy = app.article("busy").create().await;
    let quiet = app.article("quiet").create().await;
    let silent = app.article("silent").create().await;
    let t = chrono::Utc::now() - Duration::hours(3);
    let mut at = 0;
    let mut next = || {
        at += 1;
        t + Duration::seconds(at)
    };
    let first = app.comment(busy).at(next()).create().await;
    for _ in 0..7 {
        let reply = app.comment(busy).reply_to(first).at(next()).create().await;
        let deeper = app.comment(busy).reply_to(reply).at(next()).create().await;
        app.comment(busy).reply_to(deeper).at(next()).create().await;
    }
    app.comment(busy)
        .reply_to(first)
        .status("pending")
        .at(next())
        .create()
        .await;
    for _ in 0..21 {
        app.comment(busy).at(next()).create().await;
    }
    app.comment(quiet).at(next()).create().await;
    app.comment(quiet).status("spam").at(next()).create().await;
    let articles = [busy, quiet, silent];

    let stored = threads_of(app.db(), &articles, &stored_thread_page())
        .await
        .unwrap();
    let read = read_threads_of(app.db(), &articles, &stored_thread_page())
        .await
        .unwrap();

    assert_eq!(stored[&busy].items.len(), 20);
    assert!(stored[&busy].next_cursor.is_some());
    assert_eq!(stored[&busy].items[0].replies.total, 7);
    assert_eq!(stored, read);
}
