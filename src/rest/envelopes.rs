//! The envelopes REST answers come in: `{ "data": … }`, paged lists with
//! their cursor, and the paging parameters every list takes.

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::domain::documents::JsonPage;
use crate::domain::page::Page;

/// A page of a list: `{ "data": [...], "page": { "next_cursor", "has_more" } }`.
#[derive(Serialize)]
pub struct ListResponse<T> {
    pub data: Vec<T>,
    pub page: PageInfo,
}

/// Where the next page starts.
#[derive(Serialize)]
pub struct PageInfo {
    pub next_cursor: Option<String>,
    pub has_more: bool,
}

impl<J> ListResponse<J> {
    /// A page of domain values, each as its JSON.
    pub fn of<A>(page: Page<A>) -> Self
    where
        J: From<A>,
    {
        ListResponse::from(page.map(J::from))
    }
}

impl<T> From<Page<T>> for ListResponse<T> {
    fn from(page: Page<T>) -> Self {
        ListResponse {
            page: PageInfo {
                has_more: page.has_more(),
                next_cursor: page.next_cursor.map(|c| c.encode()),
            },
            data: page.items,
        }
    }
}

/// A list that is not paged: `{ "data": [...] }`.
#[derive(Serialize)]
pub struct DataResponse<T> {
    pub data: T,
}

/// `limit` and `cursor`, as every paged list takes them.
#[derive(Deserialize, Default)]
pub struct PageParams {
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// A response whose JSON the domain's one-statement reads wrote, sent as is.
pub struct RawJson(pub String);

impl IntoResponse for RawJson {
    fn into_response(self) -> Response {
        ([(CONTENT_TYPE, "application/json")], self.0).into_response()
    }
}

/// `{"data": [...], "page": {...}}` around a page the database wrote.
pub fn list_json(page: &JsonPage) -> String {
    let mut out = String::with_capacity(page.data.len() + 64);
    push_list(&mut out, page);
    out
}

fn push_list(out: &mut String, page: &JsonPage) {
    out.push_str("{\"data\":");
    out.push_str(&page.data);
    out.push_str(",\"page\":{\"next_cursor\":");
    match &page.next_cursor {
        Some(cursor) => out.push_str(&serde_json::Value::from(cursor.as_str()).to_string()),
        None => out.push_str("null"),
    }
    out.push_str(",\"has_more\":");
    out.push_str(if page.next_cursor.is_some() {
        "true"
    } else {
        "false"
    });
    out.push_str("}}");
}

/// `{"data": [...]}` around an array the database wrote.
pub fn data_json(array: &str) -> String {
    let mut out = String::with_capacity(array.len() + 10);
    out.push_str("{\"data\":");
    out.push_str(array);
    out.push('}');
    out
}

/// A JSON object the database wrote with one more member, a page of a list:
/// an article with its comments, an author with their articles.
pub fn with_list(object: &str, key: &str, page: &JsonPage) -> String {
    let mut out = String::with_capacity(object.len() + page.data.len() + 64);
    // The object is the database's own `json_object` output: it ends in `}`.
    out.push_str(object.trim_end().strip_suffix('}').unwrap_or(object));
    if !out.ends_with('{') {
        out.push(',');
    }
    out.push('"');
    out.push_str(key);
    out.push_str("\":");
    push_list(&mut out, page);
    out.push('}');
    out
}
