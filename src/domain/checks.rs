//! The write toolkit every command uses: field checks that collect every
//! problem before answering, one rule for URLs, one way to find a free slug,
//! and one answer for a unique value a concurrent write took first.

use std::future::Future;

use sea_orm::{DbErr, SqlErr};

use super::ids::Slug;
use super::markdown::is_safe_url;
use crate::error::{Error, FieldError, Result};

/// The longest URL accepted anywhere.
const MAX_URL: usize = 2_000;
/// The longest slug made from a title or a name.
const MAX_DERIVED_SLUG: usize = 110;

/// The problems found in one write's fields, so a client hears of all of them at once.
#[derive(Debug, Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn new() -> Self {
        Checks::default()
    }

    /// Notes `message` about `field` unless `ok`.
    pub fn require(&mut self, ok: bool, field: &str, message: impl Into<String>) {
        if !ok {
            self.0.push(FieldError::new(field, message));
        }
    }

    /// A text of at most `max` characters, when given.
    pub fn text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(value) = value {
            self.require(
                value.chars().count() <= max,
                field,
                format!("must be at most {max} characters"),
            );
        }
    }

    /// A name: 1 to `max` characters once trimmed; `required` on create.
    pub fn name(&mut self, field: &str, value: Option<&str>, max: usize, required: bool) {
        match value {
            None => self.require(!required, field, "is required"),
            Some(value) => {
                let n = value.trim().chars().count();
                self.require(
                    (1..=max).contains(&n),
                    field,
                    format!("must be 1 to {max} characters"),
                );
            }
        }
    }

    /// A plausible email address: something@domain.tld, without spaces.
    pub fn email(&mut self, field: &str, value: &str) {
        self.require(plausible_email(value), field, "is not an email address");
    }

    /// An absolute http(s) URL safe to link to, when given and not empty
    /// (empty clears it).
    pub fn url(&mut self, field: &str, value: Option<&str>) {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            let absolute = value.starts_with("https://") || value.starts_with("http://");
            self.require(
                absolute && is_safe_url(value) && value.len() <= MAX_URL,
                field,
                "must be an http(s) URL",
            );
        }
    }

    /// Every problem noted, as one error; nothing if none was.
    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::InvalidInput(self.0))
        }
    }
}

fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && email.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The slug to store: the one given (valid and free), or one made from
/// `name` (or `fallback` when the name yields none), numbered -2, -3… until
/// free. `taken` says whether another row has a slug. A problem with a given
/// slug is noted in `checks` and answers `None`.
pub async fn free_slug<F, Fut>(
    given: Option<&str>,
    name: &str,
    fallback: &str,
    checks: &mut Checks,
    taken: F,
) -> Result<Option<String>>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<bool>>,
{
    if let Some(given) = given.filter(|s| !s.is_empty()) {
        return match Slug::parse(given) {
            Err(message) => {
                checks.require(false, "slug", message);
                Ok(None)
            }
            Ok(slug) if taken(slug.to_string()).await? => {
                checks.require(false, "slug", "is taken");
                Ok(None)
            }
            Ok(slug) => Ok(Some(slug.to_string())),
        };
    }
    let base = Slug::from_title(name).map_or_else(|| fallback.to_owned(), |s| s.to_string());
    let base: String = base
        .chars()
        .take(MAX_DERIVED_SLUG)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned();
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
    checks.require(
        false,
        "slug",
        "no free slug could be made from the name; give one",
    );
    Ok(None)
}

/// Maps a failed write: a unique value that a concurrent write took between
/// our check and our insert is that field's conflict (409), not a fault.
pub fn taken_by_another_write(field: &'static str) -> impl Fn(DbErr) -> Error {
    move |error| match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            Error::Taken(FieldError::new(field, "was just taken by another write"))
        }
        _ => Error::from(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_named_at_once() {
        let mut checks = Checks::new();
        checks.name("name", Some("  "), 80, true);
        checks.email("email", "not-an-address");
        checks.url("avatar_url", Some("javascript:alert(1)"));
        checks.text("bio", Some("fine"), 10);

        let Err(Error::InvalidInput(fields)) = checks.finish() else {
            panic!("three fields are wrong");
        };
        let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(named, ["name", "email", "avatar_url"]);
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(plausible_email("ada@news.example"));
        for bad in [
            "ada",
            "@news.example",
            "ada@news",
            "ada@.example",
            "a da@news.example",
        ] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }
}
