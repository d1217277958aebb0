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
