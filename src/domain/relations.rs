//! What a list of articles shows beside each of them — its section, its
//! authors, its tags — read by the list's own statement when asked, as JSON
//! columns next to each row. A GraphQL box of five articles with their
//! sections and bylines cost three statements (the list, then a batch read
//! of sections and one of authors), each with its own writing, running and
//! decoding; now it costs one.
//!
//! Each relation is read as its batch read reads it (the same columns, the
//! same order), so either way gives the same answer.

use std::collections::HashMap;

use sea_orm::FromQueryResult;
use serde::de::DeserializeOwned;

use super::articles::ArticleRow;
use super::authors::Author;
use super::sections::SectionInfo;
use super::tags::Tag;
use crate::db::sql::Dialect;
use crate::error::{Error, Result};

/// Which relations a list reads along with its rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Along {
    pub section: bool,
    pub authors: bool,
    pub tags: bool,
}

impl Along {
    /// Nothing besides the rows.
    pub const NOTHING: Along = Along {
        section: false,
        authors: false,
        tags: false,
    };

    /// The select-list columns that read the relations of the article row
    /// `a` (a table name or alias), by name, each `NULL` when not asked, so
    /// every row type reads the same columns.
    pub(crate) fn select(self, d: Dialect, a: &str) -> [(&'static str, String); 3] {
        let or_null = |wanted: bool, read: String| if wanted { read } else { "NULL".into() };
        [
            (
                "section_json",
                or_null(self.section, section_object(d, &format!("{a}.section_id"))),
            ),
            (
                "authors_json",
                or_null(self.authors, authors_array(d, &format!("{a}.id"))),
            ),
            (
                "tags_json",
                or_null(self.tags, tags_array(d, &format!("{a}.id"))),
            ),
        ]
    }

    /// [`Along::select`] as text to follow other columns: `, … AS section_json, …`.
    pub(crate) fn columns(self, d: Dialect, a: &str) -> String {
        self.select(d, a)
            .iter()
            .map(|(name, read)| format!(", {read} AS {name}"))
            .collect()
    }
}

/// The columns [`Along::columns`] adds to a row.
#[derive(FromQueryResult, serde::Deserialize)]
pub(crate) struct AlongRow {
    section_json: Option<String>,
    authors_json: Option<String>,
    tags_json: Option<String>,
}

/// The relations a list read along with its rows: only those it was asked
/// for, of every article it read (an article without authors or tags has
/// an empty list).
#[derive(Clone, Debug, Default)]
pub struct Relations {
    /// The sections of the articles, each once.
    pub sections: Vec<SectionInfo>,
    /// Each article's authors, in byline order.
    pub authors: HashMap<i64, Vec<Author>>,
    /// Each article's tags, by name.
    pub tags: HashMap<i64, Vec<Tag>>,
}

impl Relations {
    /// Adds what the row of `article` read of its relations.
    pub(crate) fn add(&mut self, article: i64, row: AlongRow) -> Result<()> {
        if let Some(section) = row.section_json {
            let section: SectionInfo = json(&section)?;
            if !self.sections.iter().any(|s| s.id == section.id) {
                self.sections.push(section);
            }
        }
        if let Some(authors) = row.authors_json {
            self.authors.insert(article, json(&authors)?);
        }
        if let Some(tags) = row.tags_json {
            self.tags.insert(article, json(&tags)?);
        }
        Ok(())
    }

    /// What this holds of the relations of `rows`.
    pub fn of_rows(&self, rows: &[ArticleRow]) -> Relations {
        let mut out = Relations::default();
        for row in rows {
            let id = row.id.0;
            if let Some(section) = self.sections.iter().find(|s| s.id.0 == row.section_id)
                && !out.sections.contains(section)
            {
                out.sections.push(section.clone());
            }
            if let Some(authors) = self.authors.get(&id) {
                out.authors.insert(id, authors.clone());
            }
            if let Some(tags) = self.tags.get(&id) {
                out.tags.insert(id, tags.clone());
            }
        }
        out
    }
}

/// A relation read as JSON text, into the type its batch read returns.
pub(crate) fn json<T: DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| Error::Internal(format!("a relation of an article read as JSON: {e}")))
}

/// The section whose id is the expression `id`, as JSON text with the
/// columns of [`SectionInfo`]; `NULL` when there is none.
pub(crate) fn section_object(d: Dialect, id: &str) -> String {
    d.as_text(&format!(
        "(SELECT {} FROM sections n WHERE n.id = {id})",
        d.object(&[
            ("id", "n.id".into()),
            ("slug", "n.slug".into()),
            ("name", "n.name".into()),
            ("description", "n.description".into()),
            ("parent_id", "n.parent_id".into()),
        ])
    ))
}

/// The authors of the article whose id is the expression `article`, in
/// byline order, as a JSON array of [`Author`]s.
pub(crate) fn authors_array(d: Dialect, article: &str) -> String {
    array(
        d,
        &d.object(&[
            ("id", "n.id".into()),
            ("slug", "n.slug".into()),
            ("name", "n.name".into()),
            ("bio", "n.bio".into()),
            ("avatar_url", "n.avatar_url".into()),
        ]),
        &format!(
            "FROM article_authors x JOIN authors n ON n.id = x.author_id \
             WHERE x.article_id = {article}"
        ),
        "x.position",
    )
}

/// The tags of the article whose id is the expression `article`, by name,
/// as a JSON array of [`Tag`]s.
pub(crate) fn tags_array(d: Dialect, article: &str) -> String {
    array(
        d,
        &d.object(&[
            ("id", "n.id".into()),
            ("slug", "n.slug".into()),
            ("name", "n.name".into()),
        ]),
        &format!(
            "FROM article_tags x JOIN tags n ON n.id = x.tag_id WHERE x.article_id = {article}"
        ),
        "n.name",
    )
}

/// `value` for each row `from` reads, in `order`, as a JSON array's text.
/// Only ever read, never stored in the schema, so the aggregate orders its
/// rows itself: on SQLite no subquery whose values are parsed again.
pub(crate) fn array(d: Dialect, value: &str, from: &str, order: &str) -> String {
    d.as_text(&format!("(SELECT {} {from})", d.array(value, order, None)))
}
