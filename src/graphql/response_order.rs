//! Puts a response's fields in the order the query asked for them. The
//! executor resolves sibling fields concurrently and records each as it
//! finishes, so without this the same query over the same data could come
//! back in a different byte order each time, defeating ETags and caches; the
//! spec also asks for query order.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Positioned, Value};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// Fragments nested deeper than this are left as they are; validation has
/// already refused cycles, and the depth limit keeps real queries far below.
const MAX_NESTING: usize = 64;

/// The order an operation's response is written in: each response key its
/// selection yields, in query order, with the order of that field's value.
/// Worked out once per response from the document, not once per object: the
/// items of a list share their selection.
pub struct FieldOrder<'d> {
    keys: Vec<(&'d Name, FieldOrder<'d>)>,
}

impl<'d> FieldOrder<'d> {
    /// The order of the operation named (or the only one); none when the
    /// document has no such operation.
    pub fn of_operation(
        document: &'d ExecutableDocument,
        operation_name: Option<&str>,
    ) -> FieldOrder<'d> {
        let operation = document
            .operations
            .iter()
            .find(|(name, _)| match operation_name {
                Some(wanted) => name.is_some_and(|n| n.as_str() == wanted),
                None => true,
            })
            .map(|(_, op)| op);
        match operation {
            Some(op) => FieldOrder::of(&[&op.node.selection_set], document),
            None => FieldOrder { keys: Vec::new() },
        }
    }

    fn of(sets: &[&'d Positioned<SelectionSet>], document: &'d ExecutableDocument) -> Self {
        let mut keys = Vec::new();
        for set in sets {
            collect(set, document, &mut keys, 0);
        }
        FieldOrder {
            keys: keys
                .into_iter()
                .map(|(key, subsets)| (key, FieldOrder::of(&subsets, document)))
                .collect(),
        }
    }
}

/// `data` written with every object's fields in `order`.
pub fn in_query_order<'a>(data: &'a Value, order: &'a FieldOrder<'a>) -> InQueryOrder<'a> {
    InQueryOrder { value: data, order }
}

pub struct InQueryOrder<'a> {
    value: &'a Value,
    order: &'a FieldOrder<'a>,
}

impl Serialize for InQueryOrder<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.value {
            Value::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                let mut written = 0;
                for (key, order) in &self.order.keys {
                    if let Some(value) = fields.get(*key) {
                        map.serialize_entry(key.as_str(), &in_query_order(value, order))?;
                        written += 1;
                    }
                }
                // The fields of a JSON scalar's object, which no selection
                // names, stay as they were. Looked for only when some field
                // was left: every selected object has none, and the search
                // would compare each of its keys with every selected one.
                if written < fields.len() {
                    for (key, value) in fields {
                        if !self.order.keys.iter().any(|(named, _)| *named == key) {
                            map.serialize_entry(key.as_str(), value)?;
                        }
                    }
                }
                map.end()
            }
            Value::List(items) => {
                serializer.collect_seq(items.iter().map(|item| in_query_order(item, self.order)))
            }
            other => other.serialize(serializer),
        }
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
        let order = FieldOrder::of_operation(&doc, None);
        let json = serde_json::to_string(&in_query_order(&data, &order)).expect("serializes");
        assert_eq!(
            json,
            r#"{"b":{"id":"1","slug":"x","title":"t"},"a":[{"name":"n","slug":"s"}]}"#
        );
    }

    #[test]
    fn the_members_of_a_json_scalar_are_kept_as_they_came() {
        let doc = parse_query("{ article { structuredData title } }").expect("query parses");
        let data = object(&[(
            "article",
            object(&[
                ("title", Value::from("t")),
                (
                    "structuredData",
                    object(&[
                        ("@type", Value::from("NewsArticle")),
                        ("headline", Value::from("t")),
                    ]),
                ),
            ]),
        )]);
        let order = FieldOrder::of_operation(&doc, None);
        let json = serde_json::to_string(&in_query_order(&data, &order)).expect("serializes");
        assert_eq!(
            json,
            r#"{"article":{"structuredData":{"@type":"NewsArticle","headline":"t"},"title":"t"}}"#
        );
    }
}
