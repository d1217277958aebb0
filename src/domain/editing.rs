//! Creating content. Whatever is derived from an article's body (HTML, blocks,
//! reading time) is computed here, once, on save.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TransactionSession, TransactionTrait,
};

use super::articles::FeaturedImage;
use super::ids::Slug;
use super::markdown;
use super::time;
use super::visibility::{ArticleStatus, CommentStatus};
use crate::db::entities::{
    article_authors, article_tags, articles, authors, comments, related_links, sections, tags,
};
use crate::error::Result;

/// A new section. `parent` is the id of an existing section.
pub struct NewSection {
    pub slug: Slug,
    pub name: String,
    pub description: String,
    pub parent: Option<i64>,
    pub position: i32,
}

/// A new author.
pub struct NewAuthor {
    pub slug: Slug,
    pub name: String,
    pub bio: String,
    pub avatar_url: Option<String>,
}

/// A new tag.
pub struct NewTag {
    pub slug: Slug,
    pub name: String,
}

/// A new article. Ids name existing rows; authors are credited in the order given.
pub struct NewArticle {
    pub slug: Slug,
    pub title: String,
    pub subtitle: Option<String>,
    pub excerpt: String,
    pub body_markdown: String,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub section: i64,
    pub authors: Vec<i64>,
    pub tags: Vec<i64>,
    pub featured_image: Option<FeaturedImage>,
    pub canonical_url: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    pub comments_open: bool,
    /// Live coverage still going on.
    pub live: bool,
    pub related: Vec<NewRelatedLink>,
}

/// One further-reading entry.
pub enum NewRelatedLink {
    Article { id: i64, title: Option<String> },
    External { url: String, title: String },
}

/// A new comment. `parent` is a comment on the same article.
pub struct NewComment {
    pub article: i64,
    pub parent: Option<i64>,
    pub author_name: String,
    pub author_email: String,
    pub body: String,
    pub status: CommentStatus,
    pub created_at: DateTime<Utc>,
    pub ip_hash: Option<String>,
}

pub async fn create_section(db: &impl ConnectionTrait, new: NewSection) -> Result<i64> {
    let now = time::now();
    let model = sections::ActiveModel {
        slug: Set(new.slug.to_string()),
        name: Set(new.name),
        description: Set(new.description),
        parent_id: Set(new.parent),
        position: Set(new.position),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    super::section_paths::refresh_section_paths(db).await?;
    Ok(model.id)
}

pub async fn create_author(db: &impl ConnectionTrait, new: NewAuthor) -> Result<i64> {
    let now = time::now();
    let model = authors::ActiveModel {
        slug: Set(new.slug.to_string()),
        name: Set(new.name),
        bio: Set(new.bio),
        avatar_url: Set(new.avatar_url),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model.id)
}

pub async fn create_tag(db: &impl ConnectionTrait, new: NewTag) -> Result<i64> {
    let model = tags::ActiveModel {
        slug: Set(new.slug.to_string()),
        name: Set(new.name),
        created_at: Set(time::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model.id)
}

/// Saves an article with its credits, tags and related links, all or nothing.
pub async fn create_article(
    db: &(impl ConnectionTrait + TransactionTrait),
    new: NewArticle,
) -> Result<i64> {
    let txn = crate::db::begin_write(db).await?;
    let id = insert_article(&txn, new).await?;
    txn.commit().await?;
    Ok(id)
}

/// The body's derived forms, as stored: HTML, blocks as JSON text, reading time.
pub(crate) fn derive_body(markdown_source: &str) -> (String, String, i32) {
    let rendered = markdown::render(markdown_source);
    let blocks = serde_json::to_string(&rendered.blocks)
        .expect("blocks are plain data and always serialize");
    (rendered.html, blocks, rendered.reading_time_minutes)
}

/// Inserts an article and what belongs to it, inside the caller's transaction.
pub(crate) async fn insert_article(txn: &impl ConnectionTrait, new: NewArticle) -> Result<i64> {
    let (html, blocks, reading_time) = derive_body(&new.body_markdown);
    let now = time::now();
    let image = new.featured_image;
    let article = articles::ActiveModel {
        slug: Set(new.slug.to_string()),
        title: Set(new.title),
        subtitle: Set(new.subtitle),
        excerpt: Set(new.excerpt),
        body_markdown: Set(new.body_markdown),
        body_html: Set(html),
        body_blocks: Set(blocks),
        status: Set(new.status.as_str().to_owned()),
        published_at: Set(new.published_at.map(time::truncate)),
        created_at: Set(now),
        updated_at: Set(now),
        section_id: Set(new.section),
        featured_image_url: Set(image.as_ref().map(|i| i.url.clone())),
        featured_image_alt: Set(image.as_ref().and_then(|i| i.alt.clone())),
        featured_image_caption: Set(image.as_ref().and_then(|i| i.caption.clone())),
        featured_image_credit: Set(image.as_ref().and_then(|i| i.credit.clone())),
        canonical_url: Set(new.canonical_url),
        seo_title: Set(new.seo_title),
        seo_description: Set(new.seo_description),
        reading_time_minutes: Set(reading_time),
        comments_open: Set(new.comments_open),
        live: Set(new.live),
        // The outbox announces it, in the same transaction, once it is public.
        announced: Set(false),
        version: Set(1),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(super::checks::taken_by_another_write("slug"))?;
    replace_credits(txn, article.id, &new.authors, &new.tags).await?;
    replace_related_links(txn, article.id, new.related).await?;
    Ok(article.id)
}

/// Sets an article's authors (in byline order) and tags, replacing what it had.
pub(crate) async fn replace_credits(
    txn: &impl ConnectionTrait,
    article_id: i64,
    authors: &[i64],
    tags: &[i64],
) -> Result<()> {
    article_authors::Entity::delete_many()
        .filter(article_authors::Column::ArticleId.eq(article_id))
        .exec(txn)
        .await?;
    article_tags::Entity::delete_many()
        .filter(article_tags::Column::ArticleId.eq(article_id))
        .exec(txn)
        .await?;
    if !authors.is_empty() {
        let credits =
            authors
                .iter()
                .enumerate()
                .map(|(position, &author_id)| article_authors::ActiveModel {
                    article_id: Set(article_id),
                    author_id: Set(author_id),
                    position: Set(position as i32),
                });
        article_authors::Entity::insert_many(credits)
            .exec(txn)
            .await?;
    }
    if !tags.is_empty() {
        let tagging = tags.iter().map(|&tag_id| article_tags::ActiveModel {
            article_id: Set(article_id),
            tag_id: Set(tag_id),
        });
        article_tags::Entity::insert_many(tagging).exec(txn).await?;
    }
    Ok(())
}

/// Sets an article's further-reading list, in the order given.
pub(crate) async fn replace_related_links(
    txn: &impl ConnectionTrait,
    article_id: i64,
    links: Vec<NewRelatedLink>,
) -> Result<()> {
    related_links::Entity::delete_many()
        .filter(related_links::Column::ArticleId.eq(article_id))
        .exec(txn)
        .await?;
    for (position, link) in links.into_iter().enumerate() {
        let (target, url, title) = match link {
            NewRelatedLink::Article { id, title } => (Some(id), None, title),
            NewRelatedLink::External { url, title } => (None, Some(url), Some(title)),
        };
        related_links::ActiveModel {
            article_id: Set(article_id),
            position: Set(position as i32),
            target_article_id: Set(target),
            url: Set(url),
            title: Set(title),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Saves a comment, filing a reply under the thread's top-level comment.
pub async fn create_comment(db: &impl ConnectionTrait, new: NewComment) -> Result<i64> {
    let root = match new.parent {
        None => None,
        Some(parent) => {
            let parent = comments::Entity::find_by_id(parent)
                .one(db)
                .await?
                .ok_or_else(|| crate::error::Error::invalid("parent_id", "no such comment"))?;
            Some(parent.root_id.unwrap_or(parent.id))
        }
    };
    let model = comments::ActiveModel {
        article_id: Set(new.article),
        parent_id: Set(new.parent),
        root_id: Set(root),
        author_name: Set(new.author_name),
        author_email: Set(new.author_email),
        body: Set(new.body),
        status: Set(new.status.as_str().to_owned()),
        created_at: Set(time::truncate(new.created_at)),
        ip_hash: Set(new.ip_hash),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // Only an approved comment is shown on the page.
    if new.status == CommentStatus::Approved {
        super::thread_pages::refresh_thread_page(db, new.article).await?;
    }
    Ok(model.id)
}
