//! A generated newsroom of any size, for benchmarks: sections, authors, tags,
//! articles with credits and tags, and comment threads, written in batched
//! multi-row inserts so a million articles take minutes, not hours.

use chrono::{Duration, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait};

use super::SeedError;
use crate::db::entities::{article_authors, article_tags, articles, comments};
use crate::domain::Newsdesk;
use crate::domain::editing::{self, NewAuthor, NewSection, NewTag, derive_body};
use crate::domain::ids::Slug;
use crate::domain::time;
use crate::domain::visibility::{ArticleStatus, PUBLIC_COMMENT_STATUS};

/// How much to generate.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub articles: u64,
    pub comments: u64,
    pub sections: u64,
    pub tags: u64,
    pub authors: u64,
}

/// Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits.
const BATCH: usize = 400;
/// Tags on every article.
const TAGS_PER_ARTICLE: u64 = 3;
/// Every how many rounds of comments one is a reply rather than a new thread.
const REPLY_EVERY: u64 = 4;

const SUBJECTS: [&str; 12] = [
    "Harbor", "Council", "Transit", "Budget", "Schools", "Water", "Energy", "Housing", "Markets",
    "Courts", "Clinics", "Archive",
];
const EVENTS: [&str; 8] = [
    "vote delayed",
    "plan revised",
    "talks resume",
    "report published",
    "costs rise",
    "deadline set",
    "inquiry opens",
    "deal reached",
];

/// Bodies shaped like a news page: a lede, subheaded parts with bullet lists.
fn body(variant: u64) -> String {
    let parts = 2 + variant % 3;
    let mut text = String::from(
        "The decision came late on a long day of meetings, and its effects will be felt for months.\n\n",
    );
    for part in 1..=parts {
        text.push_str(&format!(
            "## Part {part}: what changed\n\nOfficials described the change in plain terms.\n\n\
             - the first consequence\n- a second, smaller one\n- what happens next\n\n"
        ));
    }
    text
}

/// Generates `scale` into an empty database, reporting progress on stderr.
pub async fn generate(
    desk: &Newsdesk,
    db: &DatabaseConnection,
    scale: Scale,
) -> Result<(), SeedError> {
    if !desk.is_empty().await? {
        return Err(SeedError::NotEmpty);
    }
    let (sections, authors, tags) = taxonomy(db, scale).await?;
    let bodies: Vec<(String, String, String, i32)> = (0..3)
        .map(|v| {
            let markdown = body(v);
            let (html, blocks, minutes) = derive_body(&markdown);
            (markdown, html, blocks, minutes)
        })
        .collect();
    let newest = time::truncate(Utc::now() - Duration::minutes(5));
    let progress = progress("articles", scale.articles);
    let mut n = 0;
    while n < scale.articles {
        let end = (n + BATCH as u64 / 4).min(scale.articles);
        let txn = crate::db::begin_write(db).await?;
        let mut rows = Vec::new();
        let mut credits = Vec::new();
        let mut tagging = Vec::new();
        for i in n..end {
            let id = i as i64 + 1;
            let (markdown, html, blocks, minutes) = &bodies[(i % 3) as usize];
            let title = format!(
                "{} {} ({})",
                SUBJECTS[(i % 12) as usize],
                EVENTS[(i / 12 % 8) as usize],
                i + 1
            );
            let at = newest - Duration::minutes(i as i64 * 7);
            rows.push(articles::ActiveModel {
                id: Set(id),
                slug: Set(format!("story-{}", i + 1)),
                title: Set(title.clone()),
                subtitle: Set(Some("What it means for readers".into())),
                excerpt: Set(format!("{title}: the short version.")),
                body_markdown: Set(markdown.clone()),
                body_html: Set(html.clone()),
                body_blocks: Set(blocks.clone()),
                status: Set(ArticleStatus::Published.as_str().into()),
                published_at: Set(Some(at)),
                created_at: Set(at),
                updated_at: Set(at),
                section_id: Set(sections[(i % sections.len() as u64) as usize]),
                featured_image_url: Set(None),
                featured_image_alt: Set(None),
                featured_image_caption: Set(None),
                featured_image_credit: Set(None),
                canonical_url: Set(None),
                seo_title: Set(None),
                seo_description: Set(None),
                reading_time_minutes: Set(*minutes),
                comments_open: Set(true),
                live: Set(false),
                // Bulk seeding announces nothing: it records one `seed` entry instead.
                announced: Set(true),
                version: Set(1),
            });
            let credited = if i % 2 == 1 && authors.len() > 7 {
                2
            } else {
                1
            };
            for (position, k) in [i, i + 7].into_iter().take(credited).enumerate() {
                credits.push(article_authors::ActiveModel {
                    article_id: Set(id),
                    author_id: Set(authors[(k % authors.len() as u64) as usize]),
                    position: Set(position as i32),
                });
            }
            let mut picked: Vec<i64> = (0..TAGS_PER_ARTICLE)
                .map(|t| tags[((i * 7 + t * 31) % tags.len() as u64) as usize])
                .collect();
            picked.sort_unstable();
            picked.dedup();
            tagging.extend(picked.into_iter().map(|tag| article_tags::ActiveModel {
                article_id: Set(id),
                tag_id: Set(tag),
            }));
        }
        articles::Entity::insert_many(rows).exec(&txn).await?;
        article_authors::Entity::insert_many(credits)
            .exec(&txn)
            .await?;
        article_tags::Entity::insert_many(tagging)
            .exec(&txn)
            .await?;
        txn.commit().await?;
        n = end;
        progress.set_position(n);
    }
    progress.finish();
    comment_threads(db, scale, newest).await?;
    if db.get_database_backend() == DbBackend::Postgres {
        for table in ["articles", "comments"] {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .await?;
        }
    }
    // The comments were written in bulk, past the comment writes that keep
    // the stored pages of threads; the planner needs to know how many
    // there are now before a statement per article reads them.
    crate::db::refresh_statistics(db).await?;
    let pages = self::progress("threads", 0);
    crate::domain::thread_pages::rebuild_thread_pages(db, &mut drawing(&pages)).await?;
    pages.finish();
    super::record_seeding(
        db,
        &format!(
            "{} articles, {} comments, generated",
            scale.articles, scale.comments
        ),
    )
    .await
}

/// Sections, authors and tags; their ids in that order.
async fn taxonomy(
    db: &DatabaseConnection,
    scale: Scale,
) -> Result<(Vec<i64>, Vec<i64>, Vec<i64>), SeedError> {
    let slug = |s: String| Slug::parse(&s).map_err(|e| crate::error::Error::invalid("slug", e));
    let mut sections = Vec::new();
    for i in 0..scale.sections.max(1) {
        let new = NewSection {
            slug: slug(format!("section-{}", i + 1))?,
            name: format!("Section {}", i + 1),
            description: "Generated for benchmarks.".into(),
            parent: None,
            position: i as i32,
        };
        sections.push(editing::create_section(db, new).await?);
    }
    let mut authors = Vec::new();
    for i in 0..scale.authors.max(1) {
        let new = NewAuthor {
            slug: slug(format!("author-{}", i + 1))?,
            name: format!("Author {}", i + 1),
            bio: "Reports for the benchmark desk.".into(),
            avatar_url: None,
        };
        authors.push(editing::create_author(db, new).await?);
    }
    let mut tags = Vec::new();
    for i in 0..scale.tags.max(1) {
        let new = NewTag {
            slug: slug(format!("tag-{}", i + 1))?,
            name: format!("Tag {}", i + 1),
        };
        tags.push(editing::create_tag(db, new).await?);
    }
    Ok((sections, authors, tags))
}

/// Comments spread over the articles: round 0 starts a thread on each
/// article, and every `REPLY_EVERY`th round answers that first thread.
async fn comment_threads(
    db: &DatabaseConnection,
    scale: Scale,
    newest: chrono::DateTime<Utc>,
) -> Result<(), SeedError> {
    if scale.articles == 0 {
        return Ok(());
    }
    let progress = progress("comments", scale.comments);
    let mut j = 0;
    while j < scale.comments {
        let end = (j + BATCH as u64).min(scale.comments);
        let rows: Vec<comments::ActiveModel> = (j..end)
            .map(|j| {
                let article = j % scale.articles;
                let round = j / scale.articles;
                let reply = round > 0 && round % REPLY_EVERY == REPLY_EVERY - 1;
                let thread = reply.then_some(article as i64 + 1);
                comments::ActiveModel {
                    id: Set(j as i64 + 1),
                    article_id: Set(article as i64 + 1),
                    parent_id: Set(thread),
                    root_id: Set(thread),
                    author_name: Set(format!("Reader {}", j % 997)),
                    author_email: Set(format!("reader{}@example.org", j % 997)),
                    body: Set("A thoughtful reply about the article's second part.".into()),
                    status: Set(if j % 20 == 19 {
                        "pending"
                    } else {
                        PUBLIC_COMMENT_STATUS
                    }
                    .into()),
                    created_at: Set(newest - Duration::minutes(article as i64 * 7)
                        + Duration::minutes(round as i64 + 1)),
                    ip_hash: Set(None),
                }
            })
            .collect();
        comments::Entity::insert_many(rows).exec(db).await?;
        j = end;
        progress.set_position(j);
    }
    progress.finish();
    Ok(())
}

/// A progress bar on stderr, drawn only when stderr is a terminal: a log
/// file gets nothing from it.
pub(crate) fn progress(what: &'static str, total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{prefix:>9} [{bar:25}] {pos}/{len} ({percent}%)")
    {
        bar.set_style(style.progress_chars("#>-"));
    }
    bar.set_prefix(what);
    bar
}

/// What a rebuild tells of its progress (`done` of `total`), drawn on `bar`.
pub(crate) fn drawing(bar: &ProgressBar) -> impl FnMut(u64, u64) + '_ {
    |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    }
}
