//! Editing what articles are filed under and credited to: sections, authors
//! and tags. Each command checks `content:write`, names every invalid field,
//! and records itself in the audit log.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, TransactionTrait,
};

use super::actor::{Actor, Scope};
use super::audit;
use super::authors::Author;
use super::ids::Slug;
use super::markdown::is_safe_url;
use super::sections::SectionInfo;
use super::tags::Tag;
use super::time;
use crate::db::entities::{article_authors, article_tags, articles, authors, sections, tags};
use crate::error::{Error, FieldError, Resource, Result};

const MAX_NAME: usize = 120;
const MAX_TEXT: usize = 2_000;

/// A section's fields, untrusted. On update `None` keeps what is stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SectionFields {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// The parent's slug; an empty string makes it top-level.
    pub parent: Option<String>,
    pub position: Option<i32>,
}

/// An author's fields, untrusted. On update `None` keeps what is stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthorFields {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub bio: Option<String>,
    /// An empty string removes the avatar.
    pub avatar_url: Option<String>,
}

/// A tag's fields, untrusted. On update `None` keeps what is stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagFields {
    pub slug: Option<String>,
    pub name: Option<String>,
}

fn check_name(errors: &mut Vec<FieldError>, name: Option<&str>, required: bool) {
    match name {
        None if required => errors.push(FieldError::new("name", "is required")),
        Some(name) if name.trim().is_empty() || name.chars().count() > MAX_NAME => {
            errors.push(FieldError::new(
                "name",
                format!("must be 1 to {MAX_NAME} characters"),
            ));
        }
        _ => {}
    }
}

fn check_text(errors: &mut Vec<FieldError>, field: &str, value: Option<&str>) {
    if value.is_some_and(|v| v.chars().count() > MAX_TEXT) {
        errors.push(FieldError::new(
            field,
            format!("must be at most {MAX_TEXT} characters"),
        ));
    }
}

fn finish(errors: Vec<FieldError>) -> Result<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidInput(errors))
    }
}

/// The slug to store: the one given (checked and free), or one made from the
/// name, numbered until free. `taken` says whether a slug is in use by another row.
async fn choose_slug<F, Fut>(
    given: Option<&str>,
    name: &str,
    errors: &mut Vec<FieldError>,
    taken: F,
) -> Result<Option<String>>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<bool>>,
{
    if let Some(given) = given.filter(|s| !s.is_empty()) {
        return match Slug::parse(given) {
            Err(message) => {
                errors.push(FieldError::new("slug", message));
                Ok(None)
            }
            Ok(slug) if taken(slug.to_string()).await? => {
                errors.push(FieldError::new("slug", "is taken"));
                Ok(None)
            }
            Ok(slug) => Ok(Some(slug.to_string())),
        };
    }
    let base = Slug::from_title(name).map_or_else(|| "untitled".to_owned(), |s| s.to_string());
    for n in 1..1_000 {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        if !taken(candidate.clone()).await? {
            return Ok(Some(candidate));
        }
    }
    errors.push(FieldError::new(
        "slug",
        "no free slug could be made from the name; give one",
    ));
    Ok(None)
}

async fn section_slug_taken(
    db: &impl ConnectionTrait,
    slug: String,
    except: Option<i64>,
) -> Result<bool> {
    let mut query = sections::Entity::find().filter(sections::Column::Slug.eq(slug));
    if let Some(id) = except {
        query = query.filter(sections::Column::Id.ne(id));
    }
    Ok(query.count(db).await? > 0)
}

async fn author_slug_taken(
    db: &impl ConnectionTrait,
    slug: String,
    except: Option<i64>,
) -> Result<bool> {
    let mut query = authors::Entity::find().filter(authors::Column::Slug.eq(slug));
    if let Some(id) = except {
        query = query.filter(authors::Column::Id.ne(id));
    }
    Ok(query.count(db).await? > 0)
}

async fn tag_slug_taken(
    db: &impl ConnectionTrait,
    slug: String,
    except: Option<i64>,
) -> Result<bool> {
    let mut query = tags::Entity::find().filter(tags::Column::Slug.eq(slug));
    if let Some(id) = except {
        query = query.filter(tags::Column::Id.ne(id));
    }
    Ok(query.count(db).await? > 0)
}

/// The parent a section would get; a section cannot sit under itself or its own descendants.
async fn resolve_parent(
    db: &impl ConnectionTrait,
    parent: Option<&str>,
    this: Option<i64>,
    errors: &mut Vec<FieldError>,
) -> Result<Option<Option<i64>>> {
    let Some(parent) = parent else {
        return Ok(None);
    };
    if parent.is_empty() {
        return Ok(Some(None));
    }
    let all = sections::Entity::find().all(db).await?;
    let Some(found) = all.iter().find(|s| s.slug == parent) else {
        errors.push(FieldError::new(
            "parent",
            format!("no section has the slug {parent:?}"),
        ));
        return Ok(None);
    };
    if let Some(this) = this {
        let mut cursor = Some(found.id);
        while let Some(id) = cursor {
            if id == this {
                errors.push(FieldError::new(
                    "parent",
                    "a section cannot sit under itself",
                ));
                return Ok(None);
            }
            cursor = all.iter().find(|s| s.id == id).and_then(|s| s.parent_id);
        }
    }
    Ok(Some(Some(found.id)))
}

fn section_info(model: sections::Model) -> SectionInfo {
    SectionInfo::from(&model)
}

/// Creates a section.
pub async fn create_section(
    db: &DatabaseConnection,
    actor: &Actor,
    fields: SectionFields,
) -> Result<SectionInfo> {
    actor.require(Scope::ContentWrite)?;
    let mut errors = Vec::new();
    check_name(&mut errors, fields.name.as_deref(), true);
    check_text(&mut errors, "description", fields.description.as_deref());
    let parent = resolve_parent(db, fields.parent.as_deref(), None, &mut errors).await?;
    let name = fields.name.unwrap_or_default().trim().to_owned();
    let slug = choose_slug(fields.slug.as_deref(), &name, &mut errors, |s| {
        section_slug_taken(db, s, None)
    })
    .await?;
    finish(errors)?;
    let now = time::now();
    let txn = db.begin().await?;
    let model = sections::ActiveModel {
        slug: Set(slug.unwrap_or_default()),
        name: Set(name),
        description: Set(fields.description.unwrap_or_default()),
        parent_id: Set(parent.flatten()),
        position: Set(fields.position.unwrap_or(0)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "create",
        "section",
        Some(model.id),
        model.slug.clone(),
    )
    .await?;
    txn.commit().await?;
    Ok(section_info(model))
}

/// Edits a section.
pub async fn update_section(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    fields: SectionFields,
) -> Result<SectionInfo> {
    actor.require(Scope::ContentWrite)?;
    let current = sections::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Section))?;
    let mut errors = Vec::new();
    check_name(&mut errors, fields.name.as_deref(), false);
    check_text(&mut errors, "description", fields.description.as_deref());
    let parent = resolve_parent(db, fields.parent.as_deref(), Some(id), &mut errors).await?;
    let slug = match fields.slug.as_deref() {
        Some(given) => {
            choose_slug(Some(given), &current.name, &mut errors, |s| {
                section_slug_taken(db, s, Some(id))
            })
            .await?
        }
        None => None,
    };
    finish(errors)?;
    let txn = db.begin().await?;
    let mut model = current.into_active_model();
    if let Some(slug) = slug {
        model.slug = Set(slug);
    }
    if let Some(name) = fields.name {
        model.name = Set(name.trim().to_owned());
    }
    if let Some(description) = fields.description {
        model.description = Set(description);
    }
    if let Some(parent) = parent {
        model.parent_id = Set(parent);
    }
    if let Some(position) = fields.position {
        model.position = Set(position);
    }
    model.updated_at = Set(time::now());
    let model = model.update(&txn).await?;
    audit::record(&txn, actor, "update", "section", Some(id), "").await?;
    txn.commit().await?;
    Ok(section_info(model))
}

/// Deletes a section that no article and no subsection uses.
pub async fn delete_section(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<()> {
    actor.require(Scope::ContentWrite)?;
    sections::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Section))?;
    let filed = articles::Entity::find()
        .filter(articles::Column::SectionId.eq(id))
        .count(db)
        .await?;
    let children = sections::Entity::find()
        .filter(sections::Column::ParentId.eq(id))
        .count(db)
        .await?;
    if filed > 0 || children > 0 {
        return Err(Error::Conflict(
            "the section still has articles or subsections; move them first",
        ));
    }
    let txn = db.begin().await?;
    sections::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, actor, "delete", "section", Some(id), "").await?;
    txn.commit().await?;
    Ok(())
}

fn check_avatar(errors: &mut Vec<FieldError>, url: Option<&str>) {
    if let Some(url) = url.filter(|u| !u.is_empty())
        && !((url.starts_with("https://") || url.starts_with("http://"))
            && is_safe_url(url)
            && url.len() <= 2_000)
    {
        errors.push(FieldError::new("avatar_url", "must be an http(s) URL"));
    }
}

/// Creates an author.
pub async fn create_author(
    db: &DatabaseConnection,
    actor: &Actor,
    fields: AuthorFields,
) -> Result<Author> {
    actor.require(Scope::ContentWrite)?;
    let mut errors = Vec::new();
    check_name(&mut errors, fields.name.as_deref(), true);
    check_text(&mut errors, "bio", fields.bio.as_deref());
    check_avatar(&mut errors, fields.avatar_url.as_deref());
    let name = fields.name.unwrap_or_default().trim().to_owned();
    let slug = choose_slug(fields.slug.as_deref(), &name, &mut errors, |s| {
        author_slug_taken(db, s, None)
    })
    .await?;
    finish(errors)?;
    let now = time::now();
    let txn = db.begin().await?;
    let model = authors::ActiveModel {
        slug: Set(slug.unwrap_or_default()),
        name: Set(name),
        bio: Set(fields.bio.unwrap_or_default()),
        avatar_url: Set(fields.avatar_url.filter(|u| !u.is_empty())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "create",
        "author",
        Some(model.id),
        model.slug.clone(),
    )
    .await?;
    txn.commit().await?;
    Ok(model.into())
}

/// Edits an author.
pub async fn update_author(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    fields: AuthorFields,
) -> Result<Author> {
    actor.require(Scope::ContentWrite)?;
    let current = authors::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Author))?;
    let mut errors = Vec::new();
    check_name(&mut errors, fields.name.as_deref(), false);
    check_text(&mut errors, "bio", fields.bio.as_deref());
    check_avatar(&mut errors, fields.avatar_url.as_deref());
    let slug = match fields.slug.as_deref() {
        Some(given) => {
            choose_slug(Some(given), &current.name, &mut errors, |s| {
                author_slug_taken(db, s, Some(id))
            })
            .await?
        }
        None => None,
    };
    finish(errors)?;
    let txn = db.begin().await?;
    let mut model = current.into_active_model();
    if let Some(slug) = slug {
        model.slug = Set(slug);
    }
    if let Some(name) = fields.name {
        model.name = Set(name.trim().to_owned());
    }
    if let Some(bio) = fields.bio {
        model.bio = Set(bio);
    }
    if let Some(avatar) = fields.avatar_url {
        model.avatar_url = Set(Some(avatar).filter(|u| !u.is_empty()));
    }
    model.updated_at = Set(time::now());
    let model = model.update(&txn).await?;
    audit::record(&txn, actor, "update", "author", Some(id), "").await?;
    txn.commit().await?;
    Ok(model.into())
}

/// Deletes an author no article credits.
pub async fn delete_author(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<()> {
    actor.require(Scope::ContentWrite)?;
    authors::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Author))?;
    let credited = article_authors::Entity::find()
        .filter(article_authors::Column::AuthorId.eq(id))
        .count(db)
        .await?;
    if credited > 0 {
        return Err(Error::Conflict(
            "articles still credit this author; change their bylines first",
        ));
    }
    let txn = db.begin().await?;
    authors::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, actor, "delete", "author", Some(id), "").await?;
    txn.commit().await?;
    Ok(())
}

/// Creates a tag.
pub async fn create_tag(db: &DatabaseConnection, actor: &Actor, fields: TagFields) -> Result<Tag> {
    actor.require(Scope::ContentWrite)?;
    let mut errors = Vec::new();
    check_name(&mut errors, fields.name.as_deref(), true);
    let name = fields.name.unwrap_or_default().trim().to_owned();
    let slug = choose_slug(fields.slug.as_deref(), &name, &mut errors, |s| {
        tag_slug_taken(db, s, None)
    })
    .await?;
    finish(errors)?;
    let txn = db.begin().await?;
    let model = tags::ActiveModel {
        slug: Set(slug.unwrap_or_default()),
        name: Set(name),
        created_at: Set(time::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "create",
        "tag",
        Some(model.id),
        model.slug.clone(),
    )
    .await?;
    txn.commit().await?;
    Ok(model.into())
}

/// Edits a tag.
pub async fn update_tag(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    fields: TagFields,
) -> Result<Tag> {
    actor.require(Scope::ContentWrite)?;
    let current = tags::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Tag))?;
    let mut errors = Vec::new();
    check_name(&mut errors, fields.name.as_deref(), false);
    let slug = match fields.slug.as_deref() {
        Some(given) => {
            choose_slug(Some(given), &current.name, &mut errors, |s| {
                tag_slug_taken(db, s, Some(id))
            })
            .await?
        }
        None => None,
    };
    finish(errors)?;
    let txn = db.begin().await?;
    let mut model = current.into_active_model();
    if let Some(slug) = slug {
        model.slug = Set(slug);
    }
    if let Some(name) = fields.name {
        model.name = Set(name.trim().to_owned());
    }
    let model = model.update(&txn).await?;
    audit::record(&txn, actor, "update", "tag", Some(id), "").await?;
    txn.commit().await?;
    Ok(model.into())
}

/// Deletes a tag; articles simply lose it.
pub async fn delete_tag(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<()> {
    actor.require(Scope::ContentWrite)?;
    tags::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound(Resource::Tag))?;
    let txn = db.begin().await?;
    article_tags::Entity::delete_many()
        .filter(article_tags::Column::TagId.eq(id))
        .exec(&txn)
        .await?;
    tags::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, actor, "delete", "tag", Some(id), "").await?;
    txn.commit().await?;
    Ok(())
}
