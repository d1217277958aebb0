//! Editing what articles are filed under and credited to: sections, authors
//! and tags. Each command checks `content:write`, names every invalid field,
//! and records itself in the audit log.

mod credits;
mod sections;

pub use credits::{
    create_author, create_tag, delete_author, delete_tag, update_author, update_tag,
};
pub use sections::{create_section, delete_section, update_section};

use crate::domain::actor::Scope;
use crate::domain::ids::Slug;
use crate::error::{Error, FieldError, Result};

/// What a caller needs for these commands.
pub const SCOPE: Scope = Scope::ContentWrite;

pub(super) const MAX_NAME: usize = 120;
pub(super) const MAX_TEXT: usize = 2_000;

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

pub(super) fn check_name(errors: &mut Vec<FieldError>, name: Option<&str>, required: bool) {
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

pub(super) fn check_text(errors: &mut Vec<FieldError>, field: &str, value: Option<&str>) {
    if value.is_some_and(|v| v.chars().count() > MAX_TEXT) {
        errors.push(FieldError::new(
            field,
            format!("must be at most {MAX_TEXT} characters"),
        ));
    }
}

pub(super) fn finish(errors: Vec<FieldError>) -> Result<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidInput(errors))
    }
}

/// The slug to store: the one given (checked and free), or one made from the
/// name, numbered until free. `taken` says whether a slug is in use by another row.
pub(super) async fn choose_slug<F, Fut>(
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
