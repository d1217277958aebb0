//! `GET /api/v1/sync`: an offline copy for apps. `initial=true` pages
//! through everything public; the last page hands out a `next_sync_token`;
//! that token later brings only what changed, with tombstones for what
//! left the public.

use serde::Deserialize;
use serde_json::{Value, json};

use super::envelopes::RawJson;
use super::extract::{AppQuery, Reading};
use super::wire::{AuthorJson, SectionInfoJson, TagJson};
use crate::domain::page::{Limit, MAX_LIMIT};
use crate::domain::sync::{SyncItem, SyncRequest};
use crate::error::{Error, Result};

#[derive(Deserialize)]
pub struct SyncParams {
    initial: Option<String>,
    sync_token: Option<String>,
    cursor: Option<String>,
    limit: Option<String>,
}

/// `GET /api/v1/sync`
pub async fn sync(
    Reading(reader): Reading,
    AppQuery(params): AppQuery<SyncParams>,
) -> Result<RawJson> {
    let request = match (
        params.initial.as_deref(),
        params.sync_token.as_deref(),
        params.cursor.as_deref(),
    ) {
        (Some("true"), None, None) => SyncRequest::Initial,
        (None, Some(token), None) => SyncRequest::Since(token),
        (None, None, Some(cursor)) => SyncRequest::Cursor(cursor),
        (Some(other), None, None) => {
            return Err(Error::invalid(
                "initial",
                format!("must be true, not {other:?}"),
            ));
        }
        _ => {
            return Err(Error::invalid(
                "sync_token",
                "give exactly one of initial=true, sync_token or cursor",
            ));
        }
    };
    let limit = Limit::parse("limit", params.limit.as_deref(), MAX_LIMIT)?;
    let page = reader.sync(request, limit).await?;
    let mut out = String::from("{\"data\":[");
    for (i, item) in page.items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_item(&mut out, item)?;
    }
    out.push_str("],\"page\":");
    out.push_str(
        &json!({
            "next_cursor": page.next_cursor,
            "has_more": page.next_cursor.is_some(),
        })
        .to_string(),
    );
    out.push_str(",\"next_sync_token\":");
    out.push_str(&Value::from(page.next_sync_token).to_string());
    out.push('}');
    Ok(RawJson(out))
}

/// One item: `{type, id, slug, data}`, or a tombstone `{type: "deleted", resource, id, slug}`.
fn push_item(out: &mut String, item: SyncItem) -> Result<()> {
    let shaped = |kind: &str, id: i64, slug: &str, data: Value| {
        json!({"type": kind, "id": id, "slug": slug, "data": data}).to_string()
    };
    let to_value = |v: std::result::Result<Value, serde_json::Error>| {
        v.map_err(|e| Error::Internal(format!("a sync item did not serialize: {e}")))
    };
    match item {
        SyncItem::Section(s) => {
            let (id, slug) = (s.id.0, s.slug.clone());
            let data = to_value(serde_json::to_value(SectionInfoJson::from(s)))?;
            out.push_str(&shaped("section", id, &slug, data));
        }
        SyncItem::Author(a) => {
            let (id, slug) = (a.id.0, a.slug.clone());
            let data = to_value(serde_json::to_value(AuthorJson::from(a)))?;
            out.push_str(&shaped("author", id, &slug, data));
        }
        SyncItem::Tag(t) => {
            let (id, slug) = (t.id.0, t.slug.clone());
            let data = to_value(serde_json::to_value(TagJson::from(t)))?;
            out.push_str(&shaped("tag", id, &slug, data));
        }
        SyncItem::Article { id, slug, json } => {
            // The article's JSON is the database's own, written as is.
            out.push_str(&format!(
                "{{\"type\":\"article\",\"id\":{id},\"slug\":{},\"data\":",
                Value::from(slug)
            ));
            out.push_str(&json);
            out.push('}');
        }
        SyncItem::Deleted { kind, id, slug } => out.push_str(
            &json!({"type": "deleted", "resource": kind.as_str(), "id": id, "slug": slug})
                .to_string(),
        ),
    }
    Ok(())
}
