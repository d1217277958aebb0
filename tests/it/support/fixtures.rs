//! Small builders for content, each written through the real domain code.

use chrono::{DateTime, Duration, Utc};
use newsdesk::db::entities::sections;
use newsdesk::domain::accounts::{self, NewToken, NewUser};
use newsdesk::domain::actor::{Actor, Role, Scope};
use newsdesk::domain::articles::FeaturedImage;
use newsdesk::domain::editing::{
    self, NewArticle, NewAuthor, NewComment, NewRelatedLink, NewSection, NewTag,
};
use newsdesk::domain::ids::Slug;
use newsdesk::domain::ids::UserId;
use newsdesk::domain::visibility::{ArticleStatus, CommentStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use serde_json::{Value, json};

use super::TestApp;

/// The password of every fixture editor.
pub const PASSWORD: &str = "correct horse battery";

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap_or_else(|e| panic!("fixture slug {s:?} {e}"))
}

impl TestApp {
    /// A partner token with these scopes (comma-separated) and rate; returns its secret.
    pub async fn token_with_rate(&self, scopes: &str, rate_per_minute: u32) -> String {
        let (_, secret) = accounts::create_token(
            &self.state.desk,
            &Actor::Operator,
            NewToken {
                name: "partner".into(),
                scopes: Scope::parse_list(scopes).expect("fixture scopes are valid"),
                rate_per_minute,
                expires_at: None,
            },
        )
        .await
        .expect("create token");
        secret.expose().to_owned()
    }

    pub async fn token(&self, scopes: &str) -> String {
        self.token_with_rate(scopes, 1000).await
    }

    /// An editor account; returns its id. The password is `correct horse battery`.
    pub async fn editor(&self, email: &str, role: Role) -> UserId {
        accounts::create_user(
            &self.state.desk,
            &Actor::Operator,
            NewUser {
                email: email.into(),
                name: format!("Editor {email}"),
                role,
                password: PASSWORD.into(),
            },
        )
        .await
        .expect("create user")
        .id
    }

    /// Logs in through the API and returns the access token.
    pub async fn login(&self, email: &str) -> String {
        let res = self
            .post_json(
                "/api/v1/auth/login",
                serde_json::json!({ "email": email, "password": PASSWORD }),
                None,
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        res.json()["access_token"]
            .as_str()
            .expect("an access token")
            .to_owned()
    }

    pub fn section(&self, slug: &str) -> SectionBuilder<'_> {
        SectionBuilder {
            app: self,
            slug: slug.to_owned(),
            parent: None,
            position: 0,
        }
    }

    pub async fn author(&self, s: &str) -> i64 {
        editing::create_author(
            self.db(),
            NewAuthor {
                slug: slug(s),
                name: format!("Author {s}"),
                bio: format!("Writes as {s}."),
                avatar_url: None,
            },
        )
        .await
        .expect("create author")
    }

    pub async fn tag(&self, s: &str) -> i64 {
        editing::create_tag(
            self.db(),
            NewTag {
                slug: slug(s),
                name: format!("Tag {s}"),
            },
        )
        .await
        .expect("create tag")
    }

    /// An article, published an hour ago in the `news` section unless told otherwise.
    pub fn article(&self, slug: &str) -> ArticleBuilder<'_> {
        ArticleBuilder {
            app: self,
            slug: slug.to_owned(),
            section: None,
            status: ArticleStatus::Published,
            published_at: Some(Utc::now() - Duration::hours(1)),
            authors: Vec::new(),
            tags: Vec::new(),
            body: "## Heading\n\nA paragraph with [a link](https://example.org).\n\n- one\n- two\n"
                .to_owned(),
            related: Vec::new(),
            image: None,
            comments_open: true,
        }
    }

    /// An approved comment on `article`, unless told otherwise.
    pub fn comment(&self, article: i64) -> CommentBuilder<'_> {
        CommentBuilder {
            app: self,
            article,
            parent: None,
            status: "approved",
            name: "Reader".to_owned(),
            body: "A comment.".to_owned(),
            at: Utc::now() - Duration::minutes(30),
        }
    }
}

pub struct SectionBuilder<'a> {
    app: &'a TestApp,
    slug: String,
    parent: Option<i64>,
    position: i32,
}

impl SectionBuilder<'_> {
    pub fn parent(mut self, parent: i64) -> Self {
        self.parent = Some(parent);
        self
    }

    pub fn position(mut self, position: i32) -> Self {
        self.position = position;
        self
    }

    pub async fn create(self) -> i64 {
        editing::create_section(
            self.app.db(),
            NewSection {
                slug: slug(&self.slug),
                name: format!("Section {}", self.slug),
                description: format!("All about {}.", self.slug),
                parent: self.parent,
                position: self.position,
            },
        )
        .await
        .expect("create section")
    }
}

pub struct ArticleBuilder<'a> {
    app: &'a TestApp,
    slug: String,
    section: Option<i64>,
    status: ArticleStatus,
    published_at: Option<DateTime<Utc>>,
    authors: Vec<i64>,
    tags: Vec<i64>,
    body: String,
    related: Vec<NewRelatedLink>,
    image: Option<FeaturedImage>,
    comments_open: bool,
}

impl ArticleBuilder<'_> {
    pub fn section(mut self, section: i64) -> Self {
        self.section = Some(section);
        self
    }

    pub fn status(mut self, status: ArticleStatus) -> Self {
        self.status = status;
        self
    }

    pub fn draft(self) -> Self {
        self.status(ArticleStatus::Draft).published_at(None)
    }

    pub fn published_at(mut self, at: impl Into<Option<DateTime<Utc>>>) -> Self {
        self.published_at = at.into();
        self
    }

    /// Published this many hours ago (negative: in the future).
    pub fn hours_ago(self, hours: i64) -> Self {
        self.published_at(Utc::now() - Duration::hours(hours))
    }

    pub fn authors(mut self, authors: &[i64]) -> Self {
        self.authors = authors.to_vec();
        self
    }

    pub fn tags(mut self, tags: &[i64]) -> Self {
        self.tags = tags.to_vec();
        self
    }

    pub fn body(mut self, markdown: &str) -> Self {
        self.body = markdown.to_owned();
        self
    }

    pub fn related_article(mut self, id: i64) -> Self {
        self.related
            .push(NewRelatedLink::Article { id, title: None });
        self
    }

    pub fn related_url(mut self, url: &str, title: &str) -> Self {
        self.related.push(NewRelatedLink::External {
            url: url.to_owned(),
            title: title.to_owned(),
        });
        self
    }

    pub fn comments_closed(mut self) -> Self {
        self.comments_open = false;
        self
    }

    pub fn image(mut self, url: &str) -> Self {
        self.image = Some(FeaturedImage {
            url: url.to_owned(),
            alt: Some("alt text".to_owned()),
            caption: None,
            credit: Some("Photo desk".to_owned()),
        });
        self
    }

    pub async fn create(self) -> i64 {
        let section = match self.section {
            Some(id) => id,
            None => news_section(self.app).await,
        };
        editing::create_article(
            self.app.db(),
            NewArticle {
                slug: slug(&self.slug),
                title: format!("Title of {}", self.slug),
                subtitle: None,
                excerpt: format!("Excerpt of {}.", self.slug),
                body_markdown: self.body,
                status: self.status,
                published_at: self.published_at,
                section,
                authors: self.authors,
                tags: self.tags,
                featured_image: self.image,
                canonical_url: None,
                seo_title: None,
                seo_description: None,
                comments_open: self.comments_open,
                live: false,
                related: self.related,
            },
        )
        .await
        .expect("create article")
    }
}

async fn news_section(app: &TestApp) -> i64 {
    let existing = sections::Entity::find()
        .filter(sections::Column::Slug.eq("news"))
        .one(app.db())
        .await
        .expect("look up the news section");
    match existing {
        Some(section) => section.id,
        None => app.section("news").create().await,
    }
}

pub struct CommentBuilder<'a> {
    app: &'a TestApp,
    article: i64,
    parent: Option<i64>,
    status: &'static str,
    name: String,
    body: String,
    at: DateTime<Utc>,
}

impl CommentBuilder<'_> {
    pub fn reply_to(mut self, parent: i64) -> Self {
        self.parent = Some(parent);
        self
    }

    pub fn status(mut self, status: &'static str) -> Self {
        self.status = status;
        self
    }

    pub fn body(mut self, body: &str) -> Self {
        self.body = body.to_owned();
        self
    }

    pub fn by(mut self, name: &str) -> Self {
        self.name = name.to_owned();
        self
    }

    pub fn at(mut self, at: DateTime<Utc>) -> Self {
        self.at = at;
        self
    }

    pub async fn create(self) -> i64 {
        editing::create_comment(
            self.app.db(),
            NewComment {
                article: self.article,
                parent: self.parent,
                author_email: format!(
                    "{}@private.example",
                    self.name.to_lowercase().replace(' ', ".")
                ),
                author_name: self.name,
                body: self.body,
                status: CommentStatus::parse("status", self.status).expect("a comment status"),
                created_at: self.at,
                ip_hash: Some("hash-of-the-client-ip".to_owned()),
            },
        )
        .await
        .expect("create comment")
    }
}

/// A newsroom an editor can write in: section `world`, author `ada`, tag
/// `trade`, and the editor's access token.
pub async fn newsroom() -> (TestApp, String) {
    newsroom_in(TestApp::new().await).await
}

/// The same newsroom in an app built otherwise.
pub async fn newsroom_in(app: TestApp) -> (TestApp, String) {
    app.section("world").create().await;
    app.author("ada").await;
    app.tag("trade").await;
    app.editor("ed@news.example", Role::Editor).await;
    let token = app.login("ed@news.example").await;
    (app, token)
}

/// Creates [`draft`] through the write API as `token`: its id and ETag.
pub async fn created_draft(app: &TestApp, token: &str) -> (i64, String) {
    let created = app
        .post_json("/api/v1/manage/articles", draft(), Some(token))
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["id"].as_i64().expect("articles have ids");
    let etag = created.header("etag").expect("writes answer an ETag");
    (id, etag.to_owned())
}

/// Creates [`draft`] and publishes it through the write API as `token`: its
/// id and current ETag.
pub async fn published_draft(app: &TestApp, token: &str) -> (i64, String) {
    let (id, etag) = created_draft(app, token).await;
    let published = app
        .send_if_match(
            "POST",
            &format!("/api/v1/manage/articles/{id}/publish"),
            &etag,
            None,
            token,
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.text());
    let etag = published.header("etag").expect("writes answer an ETag");
    (id, etag.to_owned())
}

/// Gives article `id` a new title through the write API as `token`,
/// naming the version `etag`; the new version's ETag.
pub async fn retitle(app: &TestApp, token: &str, id: i64, etag: &str, title: &str) -> String {
    let edited = app
        .send_if_match(
            "PATCH",
            &format!("/api/v1/manage/articles/{id}"),
            etag,
            Some(json!({ "title": title })),
            token,
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text());
    edited
        .header("etag")
        .expect("writes answer an ETag")
        .to_owned()
}

/// A new article as the write API takes it, in that newsroom; its slug is
/// `port-talks-resume`.
pub fn draft() -> Value {
    json!({
        "title": "Port Talks Resume",
        "body_markdown": "Negotiators met again.\n\n## What next\n\n- a date\n",
        "section": "world",
        "authors": ["ada"],
        "tags": ["trade"]
    })
}
