//! `GET /api/v1/search`: public articles matching a reader's words, best
//! first, each with a highlighted snippet.

use serde::Deserialize;
use serde_json::Value;

use super::envelopes::{RawJson, list_json};
use super::extract::{AppQuery, Reading};
use crate::domain::articles::ArticleFilter;
use crate::domain::cache_tags::CacheTags;
use crate::domain::documents::JsonPage;
use crate::domain::page::{DEFAULT_LIMIT, Limit};
use crate::domain::search::SearchRequest;
use crate::error::{Error, Result};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    q: Option<String>,
    section: Option<String>,
    tag: Option<String>,
    author: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

/// A date or an instant: `2026-12-01` or `2026-12-01T12:00:00Z`.
fn instant(field: &str, raw: Option<&str>) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Ok(Some(at.to_utc()));
    }
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Some(t.and_utc()))
        .ok_or_else(|| Error::invalid(field, "must be a date (2026-12-01) or an RFC 3339 time"))
}

/// `GET /api/v1/search`
pub async fn search(
    Reading(reader): Reading,
    AppQuery(params): AppQuery<SearchParams>,
) -> Result<(CacheTags, RawJson)> {
    let query = params
        .q
        .ok_or_else(|| Error::invalid("q", "is required: the words to look for"))?;
    let request = SearchRequest {
        query,
        filter: ArticleFilter::from_input(
            params.section.as_deref(),
            params.tag.as_deref(),
            params.author.as_deref(),
        )?,
        from: instant("from", params.from.as_deref())?,
        to: instant("to", params.to.as_deref())?,
    };
    let limit = Limit::parse("limit", params.limit.as_deref(), DEFAULT_LIMIT)?;
    let found = reader
        .search(&request, limit, params.cursor.as_deref())
        .await?;
    let mut data = String::from("[");
    for (i, hit) in found.value.hits.iter().enumerate() {
        if i > 0 {
            data.push(',');
        }
        // The teaser is the database's own `json_object`: it ends in `}`.
        let open = hit.teaser_json.trim_end();
        data.push_str(open.strip_suffix('}').unwrap_or(open));
        data.push_str(",\"snippet\":");
        data.push_str(&Value::from(hit.snippet_html.as_str()).to_string());
        data.push('}');
    }
    data.push(']');
    let page = JsonPage {
        data,
        next_cursor: found.value.next_cursor,
    };
    Ok((found.tags, RawJson(list_json(&page))))
}
