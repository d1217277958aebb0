//! Hand-written statements for either database: text and parameters written
//! together (with sea-query selects embedded where one already exists), and
//! the JSON functions each dialect spells differently, so one statement can
//! return a finished JSON document.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    PostgresQueryBuilder, QueryBuilder, SelectStatement, SqlWriter, SqlWriterValues,
    SqliteQueryBuilder, Value, Values,
};
use sea_orm::{DbBackend, Statement};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

/// The SQL dialects Newsdesk speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The dialect of a connection. Newsdesk connects to nothing else: the
    /// configuration refuses other URLs.
    pub fn of(backend: DbBackend) -> Dialect {
        match backend {
            DbBackend::Postgres => Dialect::Postgres,
            _ => Dialect::Sqlite,
        }
    }

    pub fn backend(self) -> DbBackend {
        match self {
            Dialect::Sqlite => DbBackend::Sqlite,
            Dialect::Postgres => DbBackend::Postgres,
        }
    }

    /// A JSON object with these keys, in this order.
    pub fn object(self, fields: &[(&str, String)]) -> String {
        let mut out = String::from(match self {
            Dialect::Sqlite => "json_object(",
            Dialect::Postgres => "json_build_object(",
        });
        for (i, (key, value)) in fields.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push('\'');
            out.push_str(key);
            out.push_str("', ");
            out.push_str(value);
        }
        out.push(')');
        out
    }

    /// JSON text coming from a subquery (written without its parentheses) or
    /// a column, embedded as JSON rather
    /// than as a string. SQLite forgets that a value is JSON once it leaves
    /// the function that made it; PostgreSQL's `json` type remembers.
    pub fn nested(self, expr: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json(({expr}))"),
            Dialect::Postgres => format!("(({expr}))::json"),
        }
    }

    /// The aggregate JSON array of `value` over the rows, in `order`, only of
    /// those `filter` keeps when given; `[]` when no row is kept.
    pub fn array(self, value: &str, order: &str, filter: Option<&str>) -> String {
        let filter = filter.map_or(String::new(), |f| format!(" FILTER (WHERE {f})"));
        match self {
            Dialect::Sqlite => {
                format!("coalesce(json_group_array({value} ORDER BY {order}){filter}, '[]')")
            }
            Dialect::Postgres => {
                format!("coalesce(json_agg({value} ORDER BY {order}){filter}, '[]'::json)")
            }
        }
    }

    /// A subquery (written without its parentheses) whose one value is the
    /// JSON array of `value` over the rows `from` (its `FROM` and `WHERE`)
    /// selects, in `order`; `[]` when there is none. Fit for what the schema
    /// stores (views, triggers): SQLite before 3.44, as many systems still
    /// ship it, cannot parse `ORDER BY` inside an aggregate and would refuse
    /// to open the whole file, so on SQLite the order comes from a subquery
    /// that is never flattened into the aggregate (rule 16 of its query
    /// flattener) and is read in order.
    pub fn ordered_array(self, value: &str, from: &str, order: &str) -> String {
        match self {
            Dialect::Sqlite => format!(
                "SELECT coalesce(json_group_array(json(v)), '[]') \
                 FROM (SELECT {value} AS v {from} ORDER BY {order})"
            ),
            Dialect::Postgres => {
                format!("SELECT coalesce(json_agg({value} ORDER BY {order}), '[]'::json) {from}")
            }
        }
    }

    /// The JSON array of `value`, JSON already written as text (a stored
    /// document), over the rows in `order`, only of those `filter` keeps when
    /// given: the texts joined with commas, not parsed again.
    pub fn joined_array(self, value: &str, order: &str, filter: Option<&str>) -> String {
        let filter = filter.map_or(String::new(), |f| format!(" FILTER (WHERE {f})"));
        let join = match self {
            Dialect::Sqlite => "group_concat",
            Dialect::Postgres => "string_agg",
        };
        format!("('[' || coalesce({join}({value}, ',' ORDER BY {order}){filter}, '') || ']')")
    }

    /// The JSON object written as text `object` (a stored document), with
    /// the members of the JSON object `more` added after its own: the text
    /// is joined, not parsed. Neither object may be empty.
    pub fn extended(self, object: &str, more: &str) -> String {
        match self {
            Dialect::Sqlite => {
                format!("(substr({object}, 1, length({object}) - 1) || ',' || substr({more}, 2))")
            }
            Dialect::Postgres => {
                format!("(left({object}, -1) || ', ' || substr(({more})::text, 2))")
            }
        }
    }

    /// A JSON value as the text a client receives, for reading out of a row.
    pub fn as_text(self, expr: &str) -> String {
        format!("{}{expr}{}", self.as_text_open(), self.as_text_close())
    }

    /// What [`Dialect::as_text`] writes before an expression written in parts.
    pub fn as_text_open(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => "(",
        }
    }

    /// What [`Dialect::as_text`] writes after it.
    pub fn as_text_close(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => ")::text",
        }
    }

    /// A boolean column as JSON `true`/`false` (SQLite stores 1 and 0).
    pub fn boolean(self, column: &str) -> String {
        match self {
            Dialect::Sqlite => {
                format!("json(CASE WHEN {column} THEN 'true' ELSE 'false' END)")
            }
            Dialect::Postgres => column.to_owned(),
        }
    }

    /// A timestamp column as RFC 3339 in UTC, exactly as the rest of the API
    /// writes one: seconds, then 3, 6 or 9 fraction digits only when there is
    /// a fraction, then `Z`. SQLite holds it as such text with `+00:00`.
    /// PostgreSQL's colons are quoted text in the format (`":"`), so that no
    /// `:name` appears in the statement for `pgbench` to take for a variable.
    pub fn timestamp(self, column: &str) -> String {
        match self {
            Dialect::Sqlite => format!("replace({column}, '+00:00', 'Z')"),
            // The column once, in one expression: `.US` always writes six
            // digits, and the pattern drops `000` (or all of `.000000`).
            Dialect::Postgres => format!(
                "(regexp_replace(to_char(({column} AT TIME ZONE 'UTC'), \
                 'YYYY-MM-DD\"T\"HH24\":\"MI\":\"SS.US'), '(\\.000)?000$', '') || 'Z')"
            ),
        }
    }

    /// A timestamp column as whole microseconds since the Unix epoch.
    pub fn micros(self, column: &str) -> String {
        match self {
            // `2026-12-01T10:00:00.25+00:00`: whole seconds, plus the fraction
            // padded to six digits (trailing zeros and the offset trimmed first).
            Dialect::Sqlite => format!(
                "(unixepoch(substr({column}, 1, 19)) * 1000000 + CASE WHEN substr({column}, 20, 1) = '.' \
                 THEN CAST(substr(rtrim(substr({column}, 21), '+-:0Z') || '000000', 1, 6) AS INTEGER) \
                 ELSE 0 END)"
            ),
            Dialect::Postgres => format!("(extract(epoch FROM {column}) * 1000000)::bigint"),
        }
    }

    /// An integer expression as text.
    pub fn text(self, expr: &str) -> String {
        match self {
            Dialect::Sqlite => format!("CAST({expr} AS TEXT)"),
            Dialect::Postgres => format!("({expr})::text"),
        }
    }

    /// A non-negative integer expression in lowercase hexadecimal.
    pub fn hex(self, expr: &str) -> String {
        match self {
            Dialect::Sqlite => format!("printf('%x', {expr})"),
            Dialect::Postgres => format!("to_hex({expr})"),
        }
    }
}

/// SQL text that depends only on the dialect, written the first time it is
/// asked for and kept: the JSON shapes are long, and writing them again for
/// every request would cost more than the database's answer.
pub struct PerDialect {
    sqlite: OnceLock<String>,
    postgres: OnceLock<String>,
}

impl PerDialect {
    pub const fn new() -> PerDialect {
        PerDialect {
            sqlite: OnceLock::new(),
            postgres: OnceLock::new(),
        }
    }

    /// The text for `dialect`, written by `write` the first time.
    pub fn get(&self, dialect: Dialect, write: impl FnOnce(Dialect) -> String) -> &str {
        let slot = match dialect {
            Dialect::Sqlite => &self.sqlite,
            Dialect::Postgres => &self.postgres,
        };
        slot.get_or_init(|| write(dialect))
    }
}

impl Default for PerDialect {
    fn default() -> Self {
        PerDialect::new()
    }
}

/// Statements whose text depends only on a few facts of their shape (a
/// dialect, a page size), written once per shape and then only filled in.
/// A statement is written with a stand-in value where each request's own
/// value goes (an id, a slug, the time), and filling it swaps the
/// stand-ins for the request's values. Building the More like this
/// statement with sea-query for every article page cost more CPU than
/// SQLite spent running it.
///
/// Stand-ins must be values no statement holds for another reason
/// ([`STAND_IN_TIME`], [`stand_in_id`]): a constant equal to one would be
/// swapped too.
pub struct Templates<K> {
    kept: RwLock<HashMap<K, Arc<Statement>>>,
    /// How many shapes are kept at most; others are written every time.
    most: usize,
}

impl<K: Hash + Eq> Templates<K> {
    pub fn new(most: usize) -> Templates<K> {
        Templates {
            kept: RwLock::new(HashMap::new()),
            most,
        }
    }

    /// The statement of shape `key` with each `(stand-in, value)` of
    /// `fill` swapped in; `write` writes the shape with the stand-ins, the
    /// first time it is asked for.
    pub fn fill(&self, key: K, fill: &[(Value, Value)], write: impl FnOnce() -> Sql) -> Statement {
        let kept = self
            .kept
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        let template = match kept {
            Some(template) => template,
            None => {
                let template = Arc::new(write().statement());
                let mut kept = self.kept.write().unwrap_or_else(PoisonError::into_inner);
                if kept.len() < self.most {
                    kept.insert(key, Arc::clone(&template));
                }
                template
            }
        };
        let values = template.values.as_ref().map(|values| {
            Values(
                values
                    .0
                    .iter()
                    .map(|value| {
                        fill.iter()
                            .find(|(stand_in, _)| stand_in == value)
                            .map_or_else(|| value.clone(), |(_, actual)| actual.clone())
                    })
                    .collect(),
            )
        });
        Statement {
            sql: template.sql.clone(),
            values,
            db_backend: template.db_backend,
        }
    }
}

/// The time a template holds where a request's time goes.
pub const STAND_IN_TIME: DateTime<Utc> = DateTime::<Utc>::UNIX_EPOCH;

/// The `n`th id a template holds where a request's ids go (`n` from 1): no
/// row has an id this low.
pub const fn stand_in_id(n: i64) -> i64 {
    i64::MIN + n
}

/// A statement being written: its text and its parameters, in order.
pub struct Sql {
    dialect: Dialect,
    writer: SqlWriterValues,
}

impl Sql {
    pub fn new(dialect: Dialect) -> Sql {
        let writer = match dialect {
            Dialect::Sqlite => SqlWriterValues::new("?", false),
            Dialect::Postgres => SqlWriterValues::new("$", true),
        };
        Sql { dialect, writer }
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Appends SQL text.
    pub fn push(&mut self, text: &str) -> &mut Sql {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let _ = self.writer.write_str(text);
        self
    }

    /// Appends a parameter's placeholder and binds the value to it.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Sql {
        match self.dialect {
            Dialect::Sqlite => self.writer.push_param(value.into(), &SqliteQueryBuilder),
            Dialect::Postgres => self.writer.push_param(value.into(), &PostgresQueryBuilder),
        }
        self
    }

    /// Appends a select built with sea-query, its parameters numbered on
    /// from those already bound.
    pub fn select(&mut self, select: &SelectStatement) -> &mut Sql {
        match self.dialect {
            Dialect::Sqlite => write_select(select, SqliteQueryBuilder, &mut self.writer),
            Dialect::Postgres => write_select(select, PostgresQueryBuilder, &mut self.writer),
        }
        self
    }

    /// `select` with at most `rows` rows, the count written into the text:
    /// PostgreSQL plans a prepared statement once for all values
    /// (`force_generic_plan`), and a plan made for an unknown LIMIT sorts
    /// everything the filter matches: 50 ms instead of 1 for a section's
    /// page at a million articles. One text per page size is a handful.
    /// Taken by value: a select is built for the one statement it joins,
    /// and copying it here cost the section list (a) 2 % of its CPU.
    pub fn select_limited(&mut self, mut select: SelectStatement, rows: u64) -> &mut Sql {
        select.reset_limit();
        self.select(&select).push(&format!(" LIMIT {rows}"))
    }

    pub fn statement(self) -> Statement {
        let (text, values) = self.writer.into_parts();
        Statement::from_sql_and_values(self.dialect.backend(), text, values)
    }
}

fn write_select(select: &SelectStatement, builder: impl QueryBuilder, out: &mut SqlWriterValues) {
    select.build_collect_into(builder, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};

    /// A prepared statement's plan cannot depend on a bound LIMIT, so the
    /// count is written into the text and nothing is bound for it.
    #[test]
    fn a_limited_select_writes_its_row_count_into_the_text() {
        let select = Query::select()
            .column(Alias::new("id"))
            .from(Alias::new("t"))
            .and_where(Expr::col(Alias::new("id")).gt(5))
            .limit(3)
            .to_owned();
        let mut sql = Sql::new(Dialect::Postgres);

        sql.select_limited(select, 21);

        let statement = sql.statement();
        assert!(statement.sql.ends_with(" LIMIT 21"), "{}", statement.sql);
        assert_eq!(statement.sql.matches("LIMIT").count(), 1);
        assert_eq!(statement.values.map_or(0, |v| v.0.len()), 1);
    }
}
