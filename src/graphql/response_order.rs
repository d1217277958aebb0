//! Puts a response's fields in the order the query asked for them. The
//! executor resolves sibling fields concurrently and records each as it
//! finishes, so without this the same query over the same data could come
//! back in a different byte order each time, defeating ETags and caches; the
//! spec also asks for query order.

use async_graphql::Value;
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Positioned};

/// Fragments nested deeper than this are left as they are; validation has
/// already refused cycles, and the depth limit keeps real queries far below.
const MAX_NESTING: usize = 64;

/// `data` with every object's fields in query order.
pub fn in_query_order(
    data: Value,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
) -> Value {
    let operation = document
        .operations
        .iter()
        .find(|(name, _)| match operation_name {
            Some(wanted) => name.is_some_and(|n| n.as_str() == wanted),
            None => true,
        })
        .map(|(_, op)| op);
    match operation {
        Some(op) => reorder(data, &[&op.node.selection_set], document),
        None => data,
    }
}

fn reorder(value: Value, sets: &[&Positioned<SelectionSet>], doc: &ExecutableDocument) -> Value {
    match value {
        Value::Object(mut fields) => {
            let mut keys: Vec<(&Name, Vec<&Positioned<SelectionSet>>)> = Vec::new();
            for set in sets {
                collect(set, doc, &mut keys, 0);
            }
            let mut ordered = IndexMap::with_capacity(fields.len());
            for (key, subsets) in keys {
                if let Some(field) = fields.shift_remove(key) {
                    ordered.insert(key.clone(), reorder(field, &subsets, doc));
                }
            }
            ordered.extend(fields);
            Value::Object(ordered)
        }
        Value::List(items) => {
            Value::List(items.into_iter().map(|v| reorder(v, sets, doc)).collect())
        }
        other => other,
    }
}

/// The response keys a selection set yields, in order, each with the
/// selection sets of every field that answers to it.
fn collect<'d>(
    set: &'d Positioned<SelectionSet>,
    doc: &'d ExecutableDocument,
    keys: &mut Vec<(&'d Name, Vec<&'d Positioned<SelectionSet>>)>,
    depth: usize,
) {
    if depth > MAX_NESTING {
        return;
    }
    for selection in &set.node.items {
        match &selection.node {
            Selection::Field(field) => {
                let key = &field.node.response_key().node;
                let subset = &field.node.selection_set;
                match keys.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, subsets)) => subsets.push(subset),
                    None => keys.push((key, vec![subset])),
                }
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                    collect(&fragment.node.selection_set, doc, keys, depth + 1);
                }
            }
            Selection::InlineFragment(fragment) => {
                collect(&fragment.node.selection_set, doc, keys, depth + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn object(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (Name::new(k), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn fields_follow_the_query_through_aliases_fragments_and_lists() {
        let doc = parse_query(
            "{ b: article { ...F title } a: sections { name slug } }
             fragment F on Article { id ... on Article { slug } }",
        )
        .expect("query parses");
        let data = object(&[
            (
                "a",
                Value::List(vec![object(&[
                    ("slug", Value::from("s")),
                    ("name", Value::from("n")),
                ])]),
            ),
            (
                "b",
                object(&[
                    ("title", Value::from("t")),
                    ("slug", Value::from("x")),
                    ("id", Value::from("1")),
                ]),
            ),
        ]);
        let ordered = in_query_order(data, &doc, None);
        let json = serde_json::to_string(&ordered).expect("serializes");
        assert_eq!(
            json,
            r#"{"b":{"id":"1","slug":"x","title":"t"},"a":[{"name":"n","slug":"s"}]}"#
        );
    }
}
