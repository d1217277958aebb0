//! What feeds and sitemaps say, format aside: the newest public articles of
//! the front page or of one section, tag or author, whole, with absolute
//! links to the site; and the pages a sitemap lists. The REST face writes
//! them as RSS, Atom, JSON Feed or sitemap XML.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::articles::{self, ArticleFilter, ArticleList};
use super::batch;
use super::cache_tags::CacheTags;
use super::ids::ArticleId;
use super::newsdesk::Reader;
use super::page::{Limit, PageRequest};
use super::reads::Tagged;
use super::relations::{Along, Relations};
use super::site::{PageKind, Site};
use super::visibility;
use crate::db::entities::{articles as article_rows, authors, sections};
use crate::error::Result;

/// How many articles a feed carries.
pub const FEED_SIZE: u64 = 50;
/// The most URLs one sitemap may hold (sitemaps.org).
pub const SITEMAP_URLS: u64 = 50_000;
/// How far back the news sitemap reaches, and how many it lists at most
/// (Google News).
pub const NEWS_HOURS: i64 = 48;
pub const NEWS_URLS: u64 = 1_000;

/// A person credited in a feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedPerson {
    pub name: String,
    pub url: String,
}

/// One article of a feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedItem {
    pub id: ArticleId,
    pub title: String,
    pub url: String,
    pub summary: String,
    /// The sanitized HTML rendered at save time.
    pub content_html: String,
    pub image: Option<String>,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub authors: Vec<FeedPerson>,
    /// The section's name, then the tags'.
    pub categories: Vec<String>,
}

/// A feed, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feed {
    pub title: String,
    pub description: String,
    /// The site page the feed follows.
    pub home: String,
    pub language: String,
    /// The newest change among its items; the feed's own time when empty.
    pub updated: DateTime<Utc>,
    pub items: Vec<FeedItem>,
}

/// One URL of a sitemap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<DateTime<Utc>>,
}

/// A month's sitemap of articles, as the index lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleMonth {
    pub year: i32,
    pub month: u32,
    /// Which part of the month, from 1, when it holds more than one sitemap's worth.
    pub part: u64,
    pub lastmod: DateTime<Utc>,
}

/// An article of the news sitemap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewsUrl {
    pub loc: String,
    pub title: String,
    pub published_at: DateTime<Utc>,
}

impl Reader {
    fn site(&self) -> &Site {
        &self.desk().outbound().site
    }

    /// The feed of the front page, or of the section, tag or author the
    /// filter names (a section's includes its subsections).
    pub async fn feed(&self, filter: &ArticleFilter) -> Result<Tagged<Feed>> {
        let site = self.site().clone();
        let (title, home) = if let Some(slug) = &filter.section {
            let section = self.section_info(slug).await?.value;
            (
                format!("{}: {}", site.name, section.name),
                site.page(PageKind::Section, &section.slug),
            )
        } else if let Some(slug) = &filter.tag {
            let tag = self.tag(slug).await?.value;
            (
                format!("{}: {}", site.name, tag.name),
                site.page(PageKind::Tag, &tag.slug),
            )
        } else if let Some(slug) = &filter.author {
            let author = self.author(slug).await?.value;
            (
                format!("{}: {}", site.name, author.name),
                site.page(PageKind::Author, &author.slug),
            )
        } else {
            (site.name.clone(), site.home())
        };
        let db = self.db();
        // The list reads each item's section, authors and tags itself.
        let every_relation = Along {
            section: true,
            authors: true,
            tags: true,
        };
        let (page, relations) = articles::list_article_rows(
            db,
            self.now(),
            &ArticleList::Filtered(filter.clone()),
            &PageRequest::first(Limit::of(FEED_SIZE)),
            every_relation,
        )
        .await?;
        let rows = page.items;
        let ids: Vec<i64> = rows.iter().map(|r| r.id.0).collect();
        let mut bodies = batch::bodies(db, &ids).await?;
        let Relations {
            sections,
            authors: mut credits,
            mut tags,
        } = relations;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(body) = bodies.remove(&row.id.0) else {
                continue;
            };
            let mut categories: Vec<String> = sections
                .iter()
                .find(|s| s.id.0 == row.section_id)
                .map(|s| s.name.clone())
                .into_iter()
                .collect();
            categories.extend(
                tags.remove(&row.id.0)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|t| t.name),
            );
            items.push(FeedItem {
                id: row.id,
                url: site.canonical(&row.slug, body.seo.canonical_url.as_deref()),
                title: row.title,
                summary: row.excerpt,
                content_html: body.body_html,
                image: row.featured_image_url,
                published_at: row.published_at,
                updated_at: Ord::max(body.updated_at, row.published_at),
                authors: credits
                    .remove(&row.id.0)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| FeedPerson {
                        url: site.page(PageKind::Author, &a.slug),
                        name: a.name,
                    })
                    .collect(),
                categories,
            });
        }
        let updated = items
            .iter()
            .map(|i| i.updated_at)
            .max()
            .unwrap_or_else(|| self.now());
        Ok(Tagged {
            value: Feed {
                description: format!("The newest articles of {title}"),
                title,
                home,
                language: site.language.clone(),
                updated,
                items,
            },
            tags: CacheTags::article_lists(),
        })
    }

    /// The months that hold public articles, newest first, each split into
    /// parts of at most [`SITEMAP_URLS`]: what the sitemap index lists.
    pub async fn article_months(&self) -> Result<Tagged<Vec<ArticleMonth>>> {
        // A walk from the newest public article back, one month per step:
        // each step reads one entry of the index of public articles by time
        // (`idx_articles_public_published`), and each month is counted in
        // that index alone, so nothing sorts or reads the articles.
        let sql = match self.db().get_database_backend() {
            sea_orm::DbBackend::Postgres => MONTHS_POSTGRES,
            _ => MONTHS_SQLITE,
        };
        let statement = sea_orm::Statement::from_sql_and_values(
            self.db().get_database_backend(),
            sql,
            [self.now().into()],
        );
        let mut listed = Vec::new();
        for row in self.db().query_all_raw(statement).await? {
            let label: String = row.try_get_by_index(0)?;
            let count: i64 = row.try_get_by_index(1)?;
            let lastmod: DateTime<Utc> = row.try_get_by_index(2)?;
            let (year, month) = label
                .split_once('-')
                .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
                .ok_or_else(|| {
                    crate::error::Error::Internal(format!("a month of articles read as {label:?}"))
                })?;
            let parts = u64::try_from(count).unwrap_or(1).div_ceil(SITEMAP_URLS);
            listed.extend((1..=parts).map(|part| ArticleMonth {
                year,
                month,
                part,
                lastmod,
            }));
        }
        Ok(Tagged {
            value: listed,
            tags: CacheTags::article_lists(),
        })
    }

    /// One part of a month's public articles, oldest first.
    pub async fn article_sitemap(
        &self,
        year: i32,
        month: u32,
        part: u64,
    ) -> Result<Tagged<Vec<SitemapUrl>>> {
        let (from, to) = month_bounds(year, month)?;
        let until = Ord::min(to, self.now());
        let rows: Vec<(String, Option<String>, Option<DateTime<Utc>>)> =
            article_rows::Entity::find()
                .select_only()
                .column(article_rows::Column::Slug)
                .column(article_rows::Column::CanonicalUrl)
                .column(article_rows::Column::PublishedAt)
                .filter(visibility::public_articles(article_rows::Entity, until))
                .filter(article_rows::Column::PublishedAt.gte(from))
                .filter(Expr::col(article_rows::Column::PublishedAt).lt(to))
                .order_by_asc(article_rows::Column::PublishedAt)
                .order_by_asc(article_rows::Column::Id)
                .offset(part.saturating_sub(1) * SITEMAP_URLS)
                .limit(SITEMAP_URLS)
                .into_tuple()
                .all(self.db())
                .await?;
        let site = self.site();
        Ok(Tagged {
            value: rows
                .into_iter()
                .map(|(slug, canonical, at)| SitemapUrl {
                    loc: site.canonical(&slug, canonical.as_deref()),
                    lastmod: at,
                })
                .collect(),
            tags: CacheTags::article_lists(),
        })
    }

    /// Every section's and author's page.
    pub async fn taxonomy_sitemap(&self) -> Result<Tagged<Vec<SitemapUrl>>> {
        let site = self.site();
        let mut urls: Vec<SitemapUrl> = sections::Entity::find()
            .order_by_asc(sections::Column::Id)
            .all(self.db())
            .await?
            .into_iter()
            .map(|s| SitemapUrl {
                loc: site.page(PageKind::Section, &s.slug),
                lastmod: Some(s.updated_at),
            })
            .collect();
        urls.extend(
            authors::Entity::find()
                .order_by_asc(authors::Column::Id)
                .all(self.db())
                .await?
                .into_iter()
                .map(|a| SitemapUrl {
                    loc: site.page(PageKind::Author, &a.slug),
                    lastmod: Some(a.updated_at),
                }),
        );
        Ok(Tagged {
            value: urls,
            tags: CacheTags::article_lists(),
        })
    }

    /// Public articles of the last [`NEWS_HOURS`], newest first. Not for a
    /// shared cache: articles leave it as time passes, with no write.
    pub async fn news_sitemap(&self) -> Result<Vec<NewsUrl>> {
        let now = self.now();
        let rows: Vec<NewsRow> = article_rows::Entity::find()
            .select_only()
            .column(article_rows::Column::Slug)
            .column(article_rows::Column::CanonicalUrl)
            .column(article_rows::Column::Title)
            .column(article_rows::Column::PublishedAt)
            .filter(visibility::public_articles(article_rows::Entity, now))
            .filter(
                article_rows::Column::PublishedAt.gte(now - chrono::Duration::hours(NEWS_HOURS)),
            )
            .order_by_desc(article_rows::Column::PublishedAt)
            .order_by_desc(article_rows::Column::Id)
            .limit(NEWS_URLS)
            .into_tuple()
            .all(self.db())
            .await?;
        let site = self.site();
        Ok(rows
            .into_iter()
            .filter_map(|(slug, canonical, title, at)| {
                Some(NewsUrl {
                    loc: site.canonical(&slug, canonical.as_deref()),
                    title,
                    published_at: at?,
                })
            })
            .collect())
    }

    /// The publication's name and language, as the news sitemap states them.
    pub fn publication(&self) -> (String, String) {
        let site = self.site();
        (site.name.clone(), site.language.clone())
    }

    /// Where the site and the API are, for `robots.txt` and sitemap indexes.
    pub fn site_address(&self, api_path: &str) -> String {
        self.site().api(api_path)
    }
}

/// The months holding public articles at `$1`, newest first: label,
/// how many, and the newest one's time.
const MONTHS_POSTGRES: &str = "WITH RECURSIVE months(newest) AS ( \
     SELECT max(published_at) FROM articles \
     WHERE status IN ('published', 'scheduled') AND published_at <= $1 \
     UNION ALL \
     SELECT (SELECT max(a.published_at) FROM articles a \
     WHERE a.status IN ('published', 'scheduled') \
     AND a.published_at < date_trunc('month', m.newest AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') \
     FROM months m WHERE m.newest IS NOT NULL) \
     SELECT to_char(newest AT TIME ZONE 'UTC', 'YYYY-MM'), \
     (SELECT count(*) FROM articles a WHERE a.status IN ('published', 'scheduled') \
     AND a.published_at >= date_trunc('month', newest AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' \
     AND a.published_at <= newest), newest \
     FROM months WHERE newest IS NOT NULL";

/// The same on SQLite, where times are stored as RFC 3339 text (so a
/// month's first instant is its `YYYY-MM` and `-01T00:00:00`).
const MONTHS_SQLITE: &str = "WITH RECURSIVE months(newest) AS ( \
     SELECT max(published_at) FROM articles \
     WHERE status IN ('published', 'scheduled') AND published_at <= ? \
     UNION ALL \
     SELECT (SELECT max(a.published_at) FROM articles a \
     WHERE a.status IN ('published', 'scheduled') \
     AND a.published_at < substr(m.newest, 1, 7) || '-01T00:00:00') \
     FROM months m WHERE m.newest IS NOT NULL) \
     SELECT substr(newest, 1, 7), \
     (SELECT count(*) FROM articles a WHERE a.status IN ('published', 'scheduled') \
     AND a.published_at >= substr(newest, 1, 7) || '-01T00:00:00' \
     AND a.published_at <= newest), newest \
     FROM months WHERE newest IS NOT NULL";

/// Slug, stored canonical URL, title and publication time of a news article.
type NewsRow = (String, Option<String>, String, Option<DateTime<Utc>>);

/// The first instant of a month and of the next; a month that is not one is bad input.
fn month_bounds(year: i32, month: u32) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let bad = || crate::error::Error::invalid("month", "must be a month such as 2026-12");
    let start = chrono::NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
    let next = if month == 12 {
        chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        chrono::NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .ok_or_else(bad)?;
    let at = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    Ok((at(start).ok_or_else(bad)?, at(next).ok_or_else(bad)?))
}
