//! Page sizes, opaque cursors and pages, shared by every list.

use chrono::{DateTime, Utc};

use sea_orm::sea_query::{Expr, ExprTrait};

use crate::db::sql::Dialect;
use crate::error::{Error, Result, merge_errors};

/// The most items one page may hold.
pub const MAX_LIMIT: u64 = 100;
/// The page size when the client names none.
pub const DEFAULT_LIMIT: u64 = 20;
/// How many articles a sidebar box (popular, more like this) shows unless asked otherwise.
pub const BOX_LIMIT: u64 = 5;

/// A page size the server accepts: 1 to [`MAX_LIMIT`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limit(u64);

impl Limit {
    /// Parses a client's page size. Out of range is an error, never clamped.
    pub fn parse(field: &str, raw: Option<&str>, default: u64) -> Result<Limit> {
        let Some(raw) = raw else {
            return Ok(Limit(default));
        };
        match raw.parse::<u64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) && !raw.starts_with('+') => Ok(Limit(n)),
            _ => Err(Error::invalid(
                field,
                format!("must be a whole number from 1 to {MAX_LIMIT}"),
            )),
        }
    }

    /// A page size given as a number, as GraphQL's `first`.
    pub fn from_number(field: &str, n: Option<i64>, default: u64) -> Result<Limit> {
        match n {
            None => Ok(Limit(default)),
            Some(n) if (1..=MAX_LIMIT as i64).contains(&n) => Ok(Limit(n as u64)),
            Some(_) => Err(Error::invalid(
                field,
                format!("must be a whole number from 1 to {MAX_LIMIT}"),
            )),
        }
    }

    /// A limit the server itself chose; panics only on a programming error.
    pub fn of(n: u64) -> Limit {
        assert!(
            (1..=MAX_LIMIT).contains(&n),
            "server-chosen limit {n} out of range"
        );
        Limit(n)
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

/// Which list a cursor belongs to, so one list's cursor cannot steer another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CursorKind {
    Articles,
    Comments,
    /// The newsroom's list of articles in every status, newest created first.
    Newsroom,
    /// The direct replies to a comment, oldest first.
    Replies,
    /// An article's saved versions, newest first.
    Revisions,
    /// A live article's entries, newest first.
    LiveEntries,
}

impl CursorKind {
    fn tag(self) -> &'static str {
        match self {
            CursorKind::Articles => "a",
            CursorKind::Comments => "c",
            CursorKind::Newsroom => "n",
            CursorKind::Replies => "r",
            CursorKind::Revisions => "v",
            CursorKind::LiveEntries => "l",
        }
    }
}

/// A position in a list ordered by (time, id): the last item the client saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cursor {
    pub kind: CursorKind,
    pub at: DateTime<Utc>,
    pub id: i64,
}

/// The check that makes an edited or made-up cursor fail to decode. It is
/// plain integer arithmetic so that the database, which writes the cursors
/// inside the JSON documents it builds, computes the very same number
/// ([`Cursor::sql`]); it guards against mistakes, not against forgery.
const CHECK_MODULUS: i64 = 2_147_483_647;

fn check(tag: u8, micros: i64, id: i64) -> i64 {
    let mixed = (micros % CHECK_MODULUS) * 48_271 + (id % CHECK_MODULUS) * 16_807 + i64::from(tag);
    (mixed % CHECK_MODULUS + CHECK_MODULUS) % CHECK_MODULUS
}

impl Cursor {
    /// Rows after this cursor in a list ordered by `(at, id)` descending,
    /// written as one row-value comparison so the `(at, id)` index seeks
    /// straight to it: page 500 costs what page 1 does.
    pub fn before(&self, at: Expr, id: Expr) -> Expr {
        Expr::tuple([at, id]).lt(Expr::tuple([Expr::val(self.at), Expr::val(self.id)]))
    }

    /// Rows after this cursor in a list ordered by `(at, id)` ascending.
    pub fn after(&self, at: Expr, id: Expr) -> Expr {
        Expr::tuple([at, id]).gt(Expr::tuple([Expr::val(self.at), Expr::val(self.id)]))
    }

    /// The opaque form handed to clients: kind, time, id and check, as
    /// `a1764583200000000.42.1f2e3d`.
    pub fn encode(&self) -> String {
        let tag = self.kind.tag();
        let micros = self.at.timestamp_micros();
        let check = check(tag.as_bytes()[0], micros, self.id);
        format!("{tag}{micros}.{}.{check:x}", self.id)
    }

    /// The SQL expression that writes the cursor of a `kind` list at the row
    /// whose time column is `at` and id column is `id`, as [`Cursor::encode`]
    /// writes it.
    pub fn sql(dialect: Dialect, kind: CursorKind, at: &str, id: &str) -> String {
        let tag = kind.tag();
        let micros = dialect.micros(at);
        let check = format!(
            "((({micros} % {CHECK_MODULUS}) * 48271 + ({id} % {CHECK_MODULUS}) * 16807 + {}) \
             % {CHECK_MODULUS} + {CHECK_MODULUS}) % {CHECK_MODULUS}",
            tag.as_bytes()[0]
        );
        format!(
            "'{tag}' || {} || '.' || {} || '.' || {}",
            dialect.text(&micros),
            dialect.text(id),
            dialect.hex(&check)
        )
    }

    /// Reads a cursor this server handed out for the same kind of list.
    /// Anything else, edited or made up, is an error naming `field`.
    pub fn decode(field: &str, kind: CursorKind, raw: &str) -> Result<Cursor> {
        let invalid = || Error::invalid(field, "is not a cursor this list handed out");
        let rest = raw.strip_prefix(kind.tag()).ok_or_else(invalid)?;
        let mut parts = rest.split('.');
        let (Some(micros), Some(id), Some(checked), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        let micros: i64 = micros.parse().map_err(|_| invalid())?;
        let id: i64 = id.parse().map_err(|_| invalid())?;
        if checked != format!("{:x}", check(kind.tag().as_bytes()[0], micros, id)) {
            return Err(invalid());
        }
        let at = DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?;
        Ok(Cursor { kind, at, id })
    }
}

/// What a client asks of a list: how many, and after which item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PageRequest {
    pub limit: Limit,
    pub after: Option<Cursor>,
}

impl PageRequest {
    /// The first page of the default size.
    pub fn first(limit: Limit) -> PageRequest {
        PageRequest { limit, after: None }
    }

    /// Parses the `limit` and `cursor` query parameters of a list.
    pub fn parse(
        kind: CursorKind,
        limit: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<PageRequest> {
        let limit = Limit::parse("limit", limit, DEFAULT_LIMIT);
        let after = cursor
            .map(|c| Cursor::decode("cursor", kind, c))
            .transpose();
        Self::combine(limit, after)
    }

    /// Reads Relay's forward arguments, `first` and `after`.
    pub fn forward(
        kind: CursorKind,
        first: Option<i64>,
        after: Option<&str>,
    ) -> Result<PageRequest> {
        let limit = Limit::from_number("first", first, DEFAULT_LIMIT);
        let after = after.map(|c| Cursor::decode("after", kind, c)).transpose();
        Self::combine(limit, after)
    }

    fn combine(limit: Result<Limit>, after: Result<Option<Cursor>>) -> Result<PageRequest> {
        match (limit, after) {
            (Ok(limit), Ok(after)) => Ok(PageRequest { limit, after }),
            (limit, after) => {
                Err(merge_errors([limit.err(), after.err()]).expect("one of the two failed"))
            }
        }
    }
}

/// One page of a list, and where the next one starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next_cursor: Option<Cursor>,
}

impl<T> Page<T> {
    /// Builds a page from rows fetched with one row more than the limit, which
    /// tells whether another page follows without a count query.
    pub fn from_overfetch(mut rows: Vec<T>, limit: Limit, key: impl Fn(&T) -> Cursor) -> Page<T> {
        let has_more = rows.len() as u64 > limit.get();
        rows.truncate(limit.get() as usize);
        let next_cursor = if has_more { rows.last().map(key) } else { None };
        Page {
            items: rows,
            next_cursor,
        }
    }

    pub fn has_more(&self) -> bool {
        self.next_cursor.is_some()
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor() -> Cursor {
        Cursor {
            kind: CursorKind::Articles,
            at: DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap(),
            id: 42,
        }
    }

    #[test]
    fn limit_defaults_when_absent() {
        assert_eq!(Limit::parse("limit", None, 20).unwrap().get(), 20);
    }

    #[test]
    fn limit_outside_one_to_a_hundred_is_an_error_not_a_clamp() {
        for bad in ["0", "101", "1000", "abc", "-1", "", "1.5", "+5"] {
            let err = Limit::parse("limit", Some(bad), 20).unwrap_err();
            assert!(
                matches!(err, Error::InvalidInput(ref f) if f[0].field == "limit"),
                "{bad:?}"
            );
        }
        assert_eq!(Limit::parse("limit", Some("100"), 20).unwrap().get(), 100);
    }

    #[test]
    fn cursor_round_trips() {
        let c = cursor();
        assert_eq!(
            Cursor::decode("cursor", CursorKind::Articles, &c.encode()).unwrap(),
            c
        );
    }

    #[test]
    fn tampered_cursor_is_rejected() {
        let token = cursor().encode();
        assert!(token.contains(".42."), "{token}");
        let forged = token.replace(".42.", ".43.");
        assert!(Cursor::decode("cursor", CursorKind::Articles, &forged).is_err());
        assert!(Cursor::decode("cursor", CursorKind::Articles, "not-a-cursor").is_err());
        assert!(Cursor::decode("cursor", CursorKind::Articles, "").is_err());
    }

    #[test]
    fn cursor_of_another_list_is_rejected() {
        let token = cursor().encode();
        assert!(Cursor::decode("cursor", CursorKind::Comments, &token).is_err());
    }

    #[test]
    fn page_request_reports_every_bad_parameter() {
        let Err(Error::InvalidInput(fields)) =
            PageRequest::parse(CursorKind::Articles, Some("0"), Some("zzz"))
        else {
            panic!("expected invalid input");
        };
        let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["limit", "cursor"]);
    }

    #[test]
    fn overfetched_rows_make_a_page_with_a_next_cursor() {
        let rows = vec![3, 2, 1];
        let key = |n: &i64| Cursor { id: *n, ..cursor() };
        let page = Page::from_overfetch(rows.clone(), Limit::of(2), key);
        assert_eq!(page.items, vec![3, 2]);
        assert_eq!(page.next_cursor.map(|c| c.id), Some(2));
        let last = Page::from_overfetch(rows, Limit::of(3), key);
        assert!(!last.has_more());
    }
}
