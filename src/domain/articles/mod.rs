//! Reading articles: the rows lists are made of, whole articles, and the rules
//! that pick which ones the public sees.

mod lists;

#[cfg(test)]
pub(crate) use lists::pages_around;
pub use lists::{count_articles, list_article_rows, rows_by_ids};
pub(crate) use lists::{page_of_ids, page_stand_ins, visible_until};
pub(crate) use lists::{resolve_filter, scoped_select};

use crate::db::FetchRows;
use crate::domain::ids::{ArticleId, AuthorId, SectionId, TagId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{FromQueryResult, IdenStatic};
use serde_json::value::RawValue;

use super::ids::Slug;
use super::page::{Cursor, CursorKind, PageRequest};
use super::visibility::public_articles;
use crate::db::entities::articles;
use crate::db::fetch_all;
use crate::error::{Error, Resource, Result, merge_errors};

/// An article's lead image.
#[derive(Clone, Debug, PartialEq)]
pub struct FeaturedImage {
    pub url: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// The columns every list reads of an article: enough for a teaser, without
/// the body. Lists and loaders add sections, authors and tags in batches.
#[derive(Clone, Debug, PartialEq, FromQueryResult, serde::Deserialize)]
pub struct ArticleRow {
    pub id: ArticleId,
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub excerpt: String,
    pub published_at: DateTime<Utc>,
    pub section_id: i64,
    pub featured_image_url: Option<String>,
    pub featured_image_alt: Option<String>,
    pub featured_image_caption: Option<String>,
    pub featured_image_credit: Option<String>,
    pub reading_time_minutes: i32,
    /// Live coverage still going on.
    pub live: bool,
}

impl ArticleRow {
    pub fn featured_image(&self) -> Option<FeaturedImage> {
        self.featured_image_url.as_ref().map(|url| FeaturedImage {
            url: url.clone(),
            alt: self.featured_image_alt.clone(),
            caption: self.featured_image_caption.clone(),
            credit: self.featured_image_credit.clone(),
        })
    }

    /// Where a list ordered newest first resumes after this article.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            kind: CursorKind::Articles,
            at: self.published_at,
            id: self.id.0,
        }
    }
}

/// Search-engine metadata; absent fields fall back to title and excerpt.
#[derive(Clone, Debug, PartialEq)]
pub struct Seo {
    pub title: String,
    pub description: String,
    pub canonical_url: Option<String>,
}

/// An article's body in every form, and what goes with it on the page.
#[derive(Clone, Debug)]
pub struct ArticleBody {
    pub updated_at: DateTime<Utc>,
    pub body_markdown: String,
    pub body_html: String,
    /// The structured blocks, stored as JSON at save time and passed through as is.
    pub body_blocks: Box<RawValue>,
    pub seo: Seo,
    pub comments_open: bool,
}

/// Which published articles a list holds. Slugs are trusted to be well formed
/// (parsed at the edge) but not to exist.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArticleFilter {
    /// A section; its subsections' articles are included.
    pub section: Option<Slug>,
    pub tag: Option<Slug>,
    pub author: Option<Slug>,
}

/// What a list of published articles holds: what a client's filter names, or
/// the articles of a section (with its subsections), an author or a tag
/// already found, which need not be looked up by slug again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArticleList {
    Filtered(ArticleFilter),
    InSection(SectionId),
    ByAuthor(AuthorId),
    WithTag(TagId),
}

/// `GET /articles`: a filtered page of published articles, newest first.
#[derive(Clone, Debug, PartialEq)]
pub struct ListArticles {
    pub filter: ArticleFilter,
    pub page: PageRequest,
}

impl ArticleFilter {
    /// The filter a client's raw `section`, `tag` and `author` name; each
    /// malformed slug is an error naming its field.
    pub fn from_input(
        section: Option<&str>,
        tag: Option<&str>,
        author: Option<&str>,
    ) -> Result<ArticleFilter> {
        let parse = |field: &str, raw: Option<&str>| {
            raw.map(|raw| Slug::parse_input(field, raw)).transpose()
        };
        match (
            parse("section", section),
            parse("tag", tag),
            parse("author", author),
        ) {
            (Ok(section), Ok(tag), Ok(author)) => Ok(ArticleFilter {
                section,
                tag,
                author,
            }),
            (s, t, a) => {
                Err(merge_errors([s.err(), t.err(), a.err()]).expect("one of them failed"))
            }
        }
    }
}

impl ListArticles {
    /// Builds the query from a client's raw filter slugs and its parsed page,
    /// reporting every invalid input at once.
    pub fn from_input(
        section: Option<&str>,
        tag: Option<&str>,
        author: Option<&str>,
        page: Result<PageRequest>,
    ) -> Result<ListArticles> {
        match (ArticleFilter::from_input(section, tag, author), page) {
            (Ok(filter), Ok(page)) => Ok(ListArticles { filter, page }),
            (f, p) => Err(merge_errors([f.err(), p.err()]).expect("one of them failed")),
        }
    }
}

/// The columns of an [`ArticleRow`].
pub(crate) const ROW_COLUMNS: [articles::Column; 13] = [
    articles::Column::Id,
    articles::Column::Slug,
    articles::Column::Title,
    articles::Column::Subtitle,
    articles::Column::Excerpt,
    articles::Column::PublishedAt,
    articles::Column::SectionId,
    articles::Column::FeaturedImageUrl,
    articles::Column::FeaturedImageAlt,
    articles::Column::FeaturedImageCaption,
    articles::Column::FeaturedImageCredit,
    articles::Column::ReadingTimeMinutes,
    articles::Column::Live,
];

/// The columns of an [`ArticleRow`] of the articles table `a` (an alias),
/// as select-list text.
pub(crate) fn row_columns_of(a: &str) -> String {
    ROW_COLUMNS
        .iter()
        .map(|c| format!("{a}.{}", c.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `SELECT <row columns> FROM articles WHERE <public>`, to add conditions to.
pub(crate) fn public_row_select(now: DateTime<Utc>) -> SelectStatement {
    let mut q = Query::select();
    q.from(articles::Entity);
    for column in ROW_COLUMNS {
        q.column((articles::Entity, column));
    }
    q.cond_where(public_articles(articles::Entity, now));
    q
}

/// `SELECT <row columns> FROM articles WHERE id = <id>`, whatever the
/// article's status, for a preview: an article not yet dated reads as if
/// published at `now`, the moment the preview is read.
pub(crate) fn preview_by_id(now: DateTime<Utc>, id: ArticleId) -> SelectStatement {
    let mut q = Query::select();
    q.from(articles::Entity);
    for column in ROW_COLUMNS {
        if matches!(column, articles::Column::PublishedAt) {
            q.expr_as(
                Expr::col((articles::Entity, column)).if_null(now),
                articles::Column::PublishedAt,
            );
        } else {
            q.column((articles::Entity, column));
        }
    }
    q.and_where(Expr::col((articles::Entity, articles::Column::Id)).eq(id.0))
        .to_owned()
}

/// A preview's article as a row.
pub(crate) async fn preview_row(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    id: ArticleId,
) -> Result<ArticleRow> {
    fetch_all::<ArticleRow>(db, &preview_by_id(now, id))
        .await?
        .into_iter()
        .next()
        .ok_or(Error::NotFound(Resource::Article))
}

/// `SELECT <row columns> FROM articles WHERE <public> AND slug = <slug>`.
pub(crate) fn public_by_slug(now: DateTime<Utc>, slug: &Slug) -> SelectStatement {
    public_row_select(now)
        .and_where(
            Expr::col((articles::Entity, articles::Column::Slug)).eq(slug.as_str().to_owned()),
        )
        .to_owned()
}

/// The public articles among `ids`.
pub(crate) fn public_by_ids(now: DateTime<Utc>, ids: &[i64]) -> SelectStatement {
    public_row_select(now)
        .and_where(Expr::col((articles::Entity, articles::Column::Id)).is_in(ids.iter().copied()))
        .to_owned()
}

/// The public article with this slug, as a row.
pub async fn find_article_row(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    slug: &Slug,
) -> Result<ArticleRow> {
    let q = public_by_slug(now, slug);
    fetch_all::<ArticleRow>(db, &q)
        .await?
        .into_iter()
        .next()
        .ok_or(Error::NotFound(Resource::Article))
}

/// The id of the public article with this slug, and whether it takes comments.
pub(crate) async fn commentable(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    slug: &Slug,
) -> Result<(i64, bool)> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    articles::Entity::find()
        .select_only()
        .columns([articles::Column::Id, articles::Column::CommentsOpen])
        .filter(articles::Column::Slug.eq(slug.as_str()))
        .filter(public_articles(articles::Entity, now))
        .into_tuple::<(i64, bool)>()
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Article))
}

/// The id of the public article with this slug.
pub(crate) async fn public_id(
    db: &impl FetchRows,
    now: DateTime<Utc>,
    slug: &Slug,
) -> Result<ArticleId> {
    Ok(find_article_row(db, now, slug).await?.id)
}
