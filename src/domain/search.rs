//! Full-text search of public articles: SQLite FTS5 or PostgreSQL
//! `tsvector`, both kept in step with every write in its own transaction
//! (see the search migration). Results rank by relevance (title weighs
//! most, then subtitle and excerpt, then body) with a boost for recent
//! articles, and carry a highlighted snippet.
//!
//! A reader's query is never handed to the database's query syntax: it is
//! cut into words and quoted phrases, and only those are searched, so no
//! input can make the search fail; what holds no word is refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait};

use super::articles::{self, ArticleFilter};
use super::cache_tags::CacheTags;
use super::ids::ArticleId;
use super::newsdesk::Reader;
use super::page::Limit;
use super::reads::Tagged;
use crate::db::entities::articles as article_table;
use crate::db::sql::{Dialect, Sql};
use crate::error::{Error, Result};

/// The longest query accepted.
pub const MAX_QUERY_CHARS: usize = 200;
/// How deep a reader may page into results.
const MAX_OFFSET: u64 = 10_000;
/// Where a highlighted word starts and ends in the database's snippet;
/// control characters, which no article text holds.
const MARK_OPEN: char = '\u{2}';
const MARK_CLOSE: char = '\u{3}';

/// What to search for, and among which articles.
#[derive(Clone, Debug, Default)]
pub struct SearchRequest {
    pub query: String,
    pub filter: ArticleFilter,
    /// Published at or after.
    pub from: Option<DateTime<Utc>>,
    /// Published before.
    pub to: Option<DateTime<Utc>>,
}

/// One result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchHit {
    pub id: ArticleId,
    /// The article's teaser, as the database wrote it.
    pub teaser_json: String,
    /// The best passage, HTML-escaped, matched words in `<mark>`.
    pub snippet_html: String,
    /// Where results resume after this one.
    pub cursor: String,
}

/// A page of results and where the next begins.
#[derive(Clone, Debug)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    pub next_cursor: Option<String>,
}

/// The words and phrases of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Term {
    Word(String),
    Phrase(Vec<String>),
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Cuts a reader's query into words and quoted phrases; an unclosed quote
/// runs to the end.
fn terms(query: &str) -> Result<Vec<Term>> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid(
            "q",
            format!("must be at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    if query.chars().any(char::is_control) {
        return Err(Error::invalid("q", "must not hold control characters"));
    }
    let mut terms = Vec::new();
    for (i, part) in query.split('"').enumerate() {
        if i % 2 == 1 {
            match words(part).as_slice() {
                [] => {}
                [one] => terms.push(Term::Word(one.clone())),
                many => terms.push(Term::Phrase(many.to_vec())),
            }
        } else {
            terms.extend(words(part).into_iter().map(Term::Word));
        }
    }
    if terms.is_empty() {
        return Err(Error::invalid("q", "must hold at least one word"));
    }
    Ok(terms)
}

/// An FTS5 query: every term quoted, so none is read as an operator.
fn fts5_query(terms: &[Term]) -> String {
    terms
        .iter()
        .map(|t| match t {
            Term::Word(w) => format!("\"{w}\""),
            Term::Phrase(ws) => format!("\"{}\"", ws.join(" ")),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A `websearch_to_tsquery` input holding only the terms.
fn websearch_query(terms: &[Term]) -> String {
    terms
        .iter()
        .map(|t| match t {
            Term::Word(w) => w.clone(),
            Term::Phrase(ws) => format!("\"{}\"", ws.join(" ")),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a page of results begins: how many came before, and the moment
/// the search was first made, so later pages rank and filter as it did.
fn encode_cursor(offset: u64, at: DateTime<Utc>) -> String {
    URL_SAFE_NO_PAD.encode(format!("search:{offset}:{}", at.timestamp_micros()))
}

fn decode_cursor(raw: &str) -> Result<(u64, DateTime<Utc>)> {
    let bad = || Error::invalid("cursor", "is not a cursor of this search");
    let text =
        String::from_utf8(URL_SAFE_NO_PAD.decode(raw).map_err(|_| bad())?).map_err(|_| bad())?;
    let mut parts = text.split(':');
    let (Some("search"), Some(offset), Some(at), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let offset: u64 = offset.parse().map_err(|_| bad())?;
    let at = at
        .parse::<i64>()
        .ok()
        .and_then(DateTime::<Utc>::from_timestamp_micros)
        .ok_or_else(bad)?;
    if offset > MAX_OFFSET {
        return Err(bad());
    }
    Ok((offset, at))
}

/// The snippet as HTML: text escaped, matches marked.
fn snippet_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        match c {
            MARK_OPEN => out.push_str("<mark>"),
            MARK_CLOSE => out.push_str("</mark>"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

impl Reader {
    /// A page of public articles matching `request`, best first.
    pub async fn search(
        &self,
        request: &SearchRequest,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Tagged<SearchPage>> {
        let terms = terms(&request.query)?;
        let (offset, at) = match cursor {
            Some(raw) => decode_cursor(raw)?,
            None => (0, self.now()),
        };
        let db = self.db();
        let scope = articles::resolve_filter(db, &request.filter).await?;
        let mut scoped = articles::scoped_select(&scope, at);
        let published = || Expr::col((article_table::Entity, article_table::Column::PublishedAt));
        if let Some(from) = request.from {
            scoped.and_where(published().gte(from));
        }
        if let Some(to) = request.to {
            scoped.and_where(published().lt(to));
        }
        let d = Dialect::of(db.get_database_backend());
        let teaser = super::documents::stored_teaser("a");
        let mut sql = Sql::new(d);
        match d {
            Dialect::Sqlite => {
                sql.push(&format!(
                    "SELECT a.id, {teaser}, \
                     snippet(articles_fts, -1, char(2), char(3), '…', 24), \
                     bm25(articles_fts, 10.0, 4.0, 4.0, 1.0) \
                     * (1.0 + 1.0 / (1.0 + (julianday("
                ))
                .bind(at)
                .push(
                    ") - julianday(a.published_at)) / 30.0)) AS score \
                     FROM articles_fts JOIN (",
                )
                .select(&scoped)
                .push(") a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ")
                .bind(fts5_query(&terms))
                .push(" ORDER BY score, a.id");
            }
            Dialect::Postgres => {
                sql.push(&format!(
                    "SELECT a.id, {teaser}, \
                     ts_headline('english', coalesce(s.title, '') || ' … ' || s.body_markdown, q, \
                     'StartSel=' || chr(2) || ', StopSel=' || chr(3) \
                     || ', MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=1'), \
                     ts_rank_cd(s.search, q, 32) * (1.0 + 1.0 / (1.0 + extract(epoch from ("
                ))
                .bind(at)
                .push(
                    " - a.published_at)) / 2592000.0)) AS score \
                     FROM (",
                )
                .select(&scoped)
                .push(") a JOIN articles s ON s.id = a.id, websearch_to_tsquery('english', ")
                .bind(websearch_query(&terms))
                .push(") q WHERE s.search @@ q ORDER BY score DESC, a.id");
            }
        }
        sql.push(&format!(" LIMIT {} OFFSET {offset}", limit.get() + 1));
        let rows = db.query_all_raw(sql.statement()).await?;
        let mut hits = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let snippet: Option<String> = row.try_get_by_index(2)?;
            hits.push(SearchHit {
                cursor: encode_cursor(offset + i as u64 + 1, at),
                id: ArticleId(row.try_get_by_index(0)?),
                teaser_json: row.try_get_by_index(1)?,
                snippet_html: snippet_html(&snippet.unwrap_or_default()),
            });
        }
        let more = hits.len() as u64 > limit.get();
        hits.truncate(limit.get() as usize);
        let next = offset + limit.get();
        Ok(Tagged {
            value: SearchPage {
                next_cursor: (more && next <= MAX_OFFSET).then(|| encode_cursor(next, at)),
                hits,
            },
            tags: CacheTags::article_lists(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_quoted_words_and_phrases() {
        let t = terms(r#"harbour "trade talks" AND -strike"#).unwrap();
        assert_eq!(fts5_query(&t), r#""harbour" "trade talks" "and" "strike""#);
        assert_eq!(websearch_query(&t), r#"harbour "trade talks" and strike"#);
        assert_eq!(
            fts5_query(&terms(r#"unbalanced "quote here"#).unwrap()),
            r#""unbalanced" "quote here""#
        );
    }

    #[test]
    fn queries_without_words_or_too_long_or_with_control_characters_are_refused() {
        assert!(terms("* ( ) - \"").is_err());
        assert!(terms(&"a".repeat(MAX_QUERY_CHARS + 1)).is_err());
        assert!(terms("nul\0byte").is_err());
        assert_eq!(terms("東京 港").unwrap().len(), 2);
    }

    #[test]
    fn snippets_are_escaped_and_marked() {
        assert_eq!(
            snippet_html("a <b> & \u{2}harbour\u{3}"),
            "a &lt;b&gt; &amp; <mark>harbour</mark>"
        );
    }

    #[test]
    fn cursors_round_trip_and_refuse_others() {
        let at = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(decode_cursor(&encode_cursor(40, at)).ok(), Some((40, at)));
        assert!(decode_cursor("nonsense").is_err());
        assert!(decode_cursor(&encode_cursor(MAX_OFFSET + 20, at)).is_err());
    }
}
