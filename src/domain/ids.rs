//! Identifiers: typed ids, and the slugs that arrive from the outside world,
//! parsed once at the edge.

use std::fmt;

/// Typed ids: a row's id, so one kind's is never taken for another's.
/// They are SeaORM values (compared and stored as the plain column), read
/// from paths, and written as plain numbers.
macro_rules! typed_ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        $(
            $(#[$doc])*
            #[derive(
                Clone,
                Copy,
                Debug,
                PartialEq,
                Eq,
                Hash,
                PartialOrd,
                Ord,
                serde::Serialize,
                serde::Deserialize,
                sea_orm::DeriveValueType,
            )]
            pub struct $name(pub i64);

            impl From<$name> for i64 {
                fn from(id: $name) -> i64 {
                    id.0
                }
            }

            impl fmt::Display for $name {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    self.0.fmt(f)
                }
            }
        )*
    };
}

typed_ids! {
    /// An article's id: what the newsroom's write API, GraphQL ids and cache tags name.
    ArticleId,
    /// A reader's comment's id.
    CommentId,
    /// A section's id.
    SectionId,
    /// An author's id.
    AuthorId,
    /// A tag's id.
    TagId,
    /// A partner API token's id.
    TokenId,
    /// An editor account's id.
    UserId,
    /// A webhook endpoint's id.
    WebhookId,
}

/// The longest slug accepted anywhere.
pub const MAX_SLUG_LEN: usize = 120;

/// A URL-safe name: lowercase ASCII letters, digits and single inner hyphens.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    /// Accepts exactly the slugs Newsdesk can have produced; anything else is an
    /// explanation of what is wrong, for the caller to attach to a field name.
    pub fn parse(raw: &str) -> Result<Slug, &'static str> {
        if raw.is_empty() || raw.len() > MAX_SLUG_LEN {
            return Err("must be 1 to 120 characters long");
        }
        let shape_ok = raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--");
        if !shape_ok {
            return Err("must be lowercase letters, digits and single hyphens");
        }
        Ok(Slug(raw.to_owned()))
    }

    /// Derives a slug from a title: "Talks Stall in Doha!" → "talks-stall-in-doha".
    /// Returns `None` when nothing slug-worthy is left (a title of only symbols).
    pub fn from_title(title: &str) -> Option<Slug> {
        let mut slug = String::with_capacity(title.len());
        for c in title.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
            if slug.len() >= MAX_SLUG_LEN {
                break;
            }
        }
        let slug = slug.trim_end_matches('-');
        Slug::parse(slug).ok()
    }

    /// A slug a client named in an input field: malformed is an error naming it.
    pub fn parse_input(field: &str, raw: &str) -> crate::error::Result<Slug> {
        Slug::parse(raw).map_err(|message| crate::error::Error::invalid(field, message))
    }

    /// A slug that addresses a resource: one that cannot exist is simply not found.
    pub fn parse_address(
        raw: &str,
        resource: crate::error::Resource,
    ) -> crate::error::Result<Slug> {
        Slug::parse(raw).map_err(|_| crate::error::Error::NotFound(resource))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The slug a statement written once per shape holds where a request's
    /// own goes ([`crate::db::sql::Templates`]); `role` keeps the stand-ins
    /// of one statement apart.
    pub(crate) fn stand_in(role: &str) -> Slug {
        Slug(format!("stand-in-for-the-{role}"))
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_words_joined_by_hyphens() {
        assert_eq!(
            Slug::parse("world-news-2026").unwrap().as_str(),
            "world-news-2026"
        );
    }

    #[test]
    fn rejects_uppercase_spaces_and_stray_hyphens() {
        for bad in ["", "World", "a b", "-a", "a-", "a--b", "a_b", "é"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn rejects_overlong_slugs() {
        assert!(Slug::parse(&"a".repeat(MAX_SLUG_LEN + 1)).is_err());
        assert!(Slug::parse(&"a".repeat(MAX_SLUG_LEN)).is_ok());
    }

    #[test]
    fn derives_slugs_from_titles() {
        let slug = Slug::from_title("  Talks Stall in Doha: What's Next? ").unwrap();
        assert_eq!(slug.as_str(), "talks-stall-in-doha-what-s-next");
        assert!(Slug::from_title("!!!").is_none());
    }
}
