//! What one GraphQL request may ask for. Depth and complexity are enforced by
//! the schema; root fields and aliases are counted here, before execution.

use std::sync::Arc;

use async_graphql::futures_util::future;
use async_graphql::futures_util::stream::{self, BoxStream, StreamExt};
use async_graphql::parser::parse_query;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Data, Executor, Request, Response};

use super::NewsdeskSchema;
use super::error::{code, request_failure};

/// Deepest nesting of selections.
pub const MAX_DEPTH: usize = 12;
/// Sum of field costs, where a list costs its page size times its items' cost.
/// A whole article page with 50 comment threads and two levels of replies
/// costs about 3,000.
pub const MAX_COMPLEXITY: usize = 5_000;
/// Fields at the root of the operation.
pub const MAX_ROOT_FIELDS: usize = 20;
/// Aliased fields in the whole document.
pub const MAX_ALIASES: usize = 30;
/// Directives on one field.
pub const MAX_DIRECTIVES: usize = 5;

/// The schema behind a WebSocket, with [`check`] before each operation.
/// HTTP and SSE check the document they parse themselves; a WebSocket hands
/// its operations to the schema directly. An extension would check them all,
/// but any extension puts every field of every query on async-graphql's slow
/// path (a registry lookup and a boxed hook per field and per list item).
#[derive(Clone)]
pub struct Checked(pub NewsdeskSchema);

impl Checked {
    /// The refusal for a request breaking a limit. A text that does not
    /// parse passes, for the schema to say why.
    fn refusal(request: &mut Request) -> Option<Response> {
        let document = parse_query(&request.query).ok()?;
        let refused = check(&document, request.operation_name.as_deref()).err();
        request.set_parsed_query(document);
        refused.map(|message| {
            Response::from_errors(vec![request_failure(message, code::QUERY_TOO_COMPLEX)])
        })
    }
}

impl Executor for Checked {
    async fn execute(&self, mut request: Request) -> Response {
        match Checked::refusal(&mut request) {
            Some(refused) => refused,
            None => self.0.execute(request).await,
        }
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        match Checked::refusal(&mut request) {
            Some(refused) => stream::once(future::ready(refused)).boxed(),
            None => Executor::execute_stream(&self.0, request, session_data),
        }
    }
}

/// A limit the document breaks, in words for the client.
pub fn check(document: &ExecutableDocument, operation: Option<&str>) -> Result<(), String> {
    let mut aliases = 0;
    for (_, op) in document.operations.iter() {
        aliases += count_aliases(&op.node.selection_set.node);
    }
    for fragment in document.fragments.values() {
        aliases += count_aliases(&fragment.node.selection_set.node);
    }
    if aliases > MAX_ALIASES {
        return Err(format!(
            "the document uses {aliases} aliases; at most {MAX_ALIASES} are allowed"
        ));
    }
    let selected = document
        .operations
        .iter()
        .find(|(name, _)| operation.is_none() || name.map(|n| n.as_str()) == operation)
        .map(|(_, op)| op);
    if let Some(op) = selected {
        let roots = count_root_fields(document, &op.node.selection_set.node);
        if roots > MAX_ROOT_FIELDS {
            return Err(format!(
                "the operation asks for {roots} root fields; at most {MAX_ROOT_FIELDS} are allowed"
            ));
        }
    }
    Ok(())
}

fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some())
                    + count_aliases(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => count_aliases(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Root fields, looking one level into fragments (spreads inside those are
/// counted once each: enough to stop a flood, and it cannot loop).
fn count_root_fields(document: &ExecutableDocument, set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(_) => 1,
            Selection::InlineFragment(fragment) => fragment.node.selection_set.node.items.len(),
            Selection::FragmentSpread(spread) => document
                .fragments
                .get(&spread.node.fragment_name.node)
                .map_or(1, |f| f.node.selection_set.node.items.len()),
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_query_passes() {
        let doc = parse_query("{ a b { c } }").unwrap();
        assert!(check(&doc, None).is_ok());
    }

    #[test]
    fn too_many_aliases_fail() {
        let fields: String = (0..=MAX_ALIASES).map(|i| format!("a{i}: x ")).collect();
        let doc = parse_query(format!("{{ y {{ {fields} }} }}")).unwrap();
        assert!(check(&doc, None).unwrap_err().contains("aliases"));
    }

    #[test]
    fn too_many_root_fields_fail_even_through_fragments() {
        let fields: String = (0..=MAX_ROOT_FIELDS).map(|i| format!("f{i} ")).collect();
        let doc = parse_query(format!(
            "query {{ ...F }} fragment F on Query {{ {fields} }}"
        ))
        .unwrap();
        assert!(check(&doc, None).unwrap_err().contains("root fields"));
    }
}
