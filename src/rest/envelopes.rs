//! The envelopes REST answers come in: `{ "data": … }`, paged lists with
//! their cursor, and the paging parameters every list takes.

use serde::{Deserialize, Serialize};

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
