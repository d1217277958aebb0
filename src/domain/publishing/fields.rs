//! Checking an article's fields: lengths, URLs, slugs, and the sections,
//! authors and tags they name.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{ArticleFields, MAX_BODY, MAX_TEXT, MAX_TITLE};
use crate::db::entities::articles;
use crate::domain::checks::Checks;
use crate::domain::ids::Slug;
use crate::error::Result;

pub(super) fn validate(fields: &ArticleFields, creating: bool, checks: &mut Checks) {
    if creating {
        checks.require(fields.title.is_some(), "title", "is required");
        checks.require(
            fields.body_markdown.is_some(),
            "body_markdown",
            "is required",
        );
        checks.require(fields.section.is_some(), "section", "is required");
    }
    if let Some(title) = &fields.title {
        let n = title.trim().chars().count();
        checks.require(
            (1..=MAX_TITLE).contains(&n),
            "title",
            format!("must be 1 to {MAX_TITLE} characters"),
        );
    }
    if let Some(body) = &fields.body_markdown {
        checks.require(
            body.len() <= MAX_BODY,
            "body_markdown",
            format!("must be at most {MAX_BODY} bytes"),
        );
    }
    if let Some(slug) = fields.slug.as_deref().filter(|s| !s.is_empty())
        && let Err(message) = Slug::parse(slug)
    {
        checks.require(false, "slug", message);
    }
    checks.text("subtitle", fields.subtitle.as_deref(), MAX_TITLE);
    checks.text("excerpt", fields.excerpt.as_deref(), MAX_TEXT);
    checks.text("seo_title", fields.seo_title.as_deref(), MAX_TITLE);
    checks.text(
        "seo_description",
        fields.seo_description.as_deref(),
        MAX_TEXT,
    );
    checks.url("canonical_url", fields.canonical_url.as_deref());
    if let Some(Some(image)) = &fields.featured_image {
        checks.url("featured_image.url", Some(&image.url));
        checks.require(!image.url.is_empty(), "featured_image.url", "is required");
    }
    if let Some(authors) = &fields.authors {
        checks.require(authors.len() <= 20, "authors", "at most 20");
    }
    if let Some(tags) = &fields.tags {
        checks.require(tags.len() <= 50, "tags", "at most 50");
    }
}

/// The first paragraph's text, cut at a word near 280 characters, when no excerpt is given.
pub(super) fn derive_excerpt(body: &str) -> String {
    let paragraph = body
        .split("\n\n")
        .map(str::trim)
        .find(|p| {
            !p.is_empty() && !p.starts_with('#') && !p.starts_with('-') && !p.starts_with('!')
        })
        .unwrap_or_default();
    let mut excerpt = String::new();
    for word in paragraph.split_whitespace() {
        if excerpt.len() + word.len() > 280 {
            excerpt.push('…');
            break;
        }
        if !excerpt.is_empty() {
            excerpt.push(' ');
        }
        excerpt.push_str(word);
    }
    excerpt
}

pub(super) fn empty_to_none(value: String) -> Option<String> {
    let value = value.trim().to_owned();
    (!value.is_empty()).then_some(value)
}

/// Resolves slugs to ids; each unknown slug is an error naming its field.
pub(super) async fn ids_of<E: EntityTrait>(
    db: &impl ConnectionTrait,
    slug_column: E::Column,
    id_of: impl Fn(&E::Model) -> (i64, String),
    field: &str,
    slugs: &[String],
    checks: &mut Checks,
) -> Result<Vec<i64>> {
    if slugs.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<(i64, String)> = E::find()
        .filter(slug_column.is_in(slugs.to_vec()))
        .all(db)
        .await?
        .iter()
        .map(id_of)
        .collect();
    let mut ids = Vec::new();
    for (i, slug) in slugs.iter().enumerate() {
        match found.iter().find(|(_, s)| s == slug) {
            Some((id, _)) if !ids.contains(id) => ids.push(*id),
            Some(_) => checks.require(false, &format!("{field}[{i}]"), "is listed twice"),
            None => checks.require(
                false,
                &format!("{field}[{i}]"),
                format!("no {field} has the slug {slug:?}"),
            ),
        }
    }
    Ok(ids)
}

pub(super) async fn slug_taken(
    db: &impl ConnectionTrait,
    slug: &str,
    except: Option<i64>,
) -> Result<bool> {
    Ok(crate::db::slug_in_use::<articles::Entity>(
        db,
        articles::Column::Slug,
        articles::Column::Id,
        slug,
        except,
    )
    .await?)
}
