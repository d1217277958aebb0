//! Objects whose fields are resolved one after another, on the request's task.
//!
//! async-graphql resolves every object's fields concurrently: each field's
//! future is boxed (the box holds the whole `resolve_field` state machine,
//! moved in by `memcpy`) and polled through a `FuturesUnordered`, which
//! allocates a task for it and wakes through it. That pays off when fields
//! wait on different reads. The objects wrapped here — an article and what
//! its page shows of it (comments, edges, bylines, sections, notes, page
//! info), and sections, authors and tags looked up by slug — mostly hold their fields' values already or find them in a DataLoader
//! batch already loaded (the article's parts, a list's relations), and an
//! article page resolves a hundred and more of their fields. [`Serial`]
//! awaits each field in turn instead: the same resolvers, values, errors
//! and order, without a box or a task per field. What still waits on a read
//! of its own (an article's More like this) waits alone; the query's root
//! fields and the items of a list still resolve concurrently, so a loader
//! still sees every item's key in one batch.
//!
//! Schema extensions and custom directives, which wrap each field's future,
//! are not run for these fields: the schema has neither ([`super::schema`]).

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{
    ContainerType, ContextSelectionSet, Name, ObjectType, OutputType, Positioned, ServerError,
    ServerResult, Value,
};

/// An object type resolved field after field: the same GraphQL type as `T`.
pub struct Serial<T>(pub T);

// Objects only: a union's or an interface's fields are collected by its
// variants (`collect_all_fields`), and its own `resolve_field` answers none.
impl<T: ObjectType + Send + Sync> OutputType for Serial<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        // One box per object, not per field: a field may hold an object of
        // its own type again (a section's parent, a comment's replies), and
        // the box is where that future's type stops containing itself.
        let fields: Pin<Box<dyn Future<Output = ServerResult<Value>> + Send + '_>> =
            Box::pin(resolve_fields(ctx, &self.0));
        fields.await
    }
}

/// The object `root` with the fields `ctx` selects, each awaited in turn.
async fn resolve_fields<T: ObjectType + Send + Sync>(
    ctx: &ContextSelectionSet<'_>,
    root: &T,
) -> ServerResult<Value> {
    let mut fields = Vec::new();
    selected_fields(ctx, root, ctx.item, &mut fields)?;
    let mut values = IndexMap::with_capacity(fields.len());
    for field in fields {
        let name = field.node.response_key().node.clone();
        if field.node.name.node == "__typename" {
            let typename = root.introspection_type_name().into_owned();
            insert_value(&mut values, name, Value::String(typename));
            continue;
        }
        match root.resolve_field(&ctx.with_field(field)).await {
            Ok(value) => insert_value(&mut values, name, value.unwrap_or_default()),
            // As async-graphql's own resolution does: the error joins the
            // response's, and the field is left out of its object.
            Err(error) => ctx.add_error(error),
        }
    }
    Ok(if values.is_empty() {
        Value::Null
    } else {
        Value::Object(values)
    })
}

/// The fields `set` selects on `root`, in order, fragments that apply to it
/// spread in place: what async-graphql's `Fields::add_set` walks.
fn selected_fields<'a, T: ContainerType + ?Sized>(
    ctx: &ContextSelectionSet<'a>,
    root: &T,
    set: &'a Positioned<SelectionSet>,
    fields: &mut Vec<&'a Positioned<Field>>,
) -> ServerResult<()> {
    for selection in &set.node.items {
        let (condition, inner) = match &selection.node {
            Selection::Field(field) => {
                fields.push(field);
                continue;
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                let Some(fragment) = ctx.query_env.fragments.get(name) else {
                    return Err(ServerError::new(
                        format!(r#"Unknown fragment "{name}"."#),
                        Some(spread.pos),
                    ));
                };
                (
                    Some(&fragment.node.type_condition),
                    &fragment.node.selection_set,
                )
            }
            Selection::InlineFragment(fragment) => (
                fragment.node.type_condition.as_ref(),
                &fragment.node.selection_set,
            ),
        };
        let applies = match condition.map(|c| c.node.on.node.as_str()) {
            None => true,
            Some(condition) => {
                let object = root.introspection_type_name();
                object == condition
                    || ctx
                        .schema_env
                        .registry
                        .implements
                        .get(&*object)
                        .is_some_and(|interfaces| interfaces.contains(condition))
            }
        };
        if applies {
            selected_fields(ctx, root, inner, fields)?;
        }
    }
    Ok(())
}

/// Adds a field's value to its object; a key selected twice merges its
/// objects, as async-graphql's own `insert_value` does.
fn insert_value(target: &mut IndexMap<Name, Value>, name: Name, value: Value) {
    let Some(previous) = target.get_mut(&name) else {
        target.insert(name, value);
        return;
    };
    match (previous, value) {
        (Value::Object(target), Value::Object(object)) => {
            for (key, value) in object {
                insert_value(target, key, value);
            }
        }
        (Value::List(target), Value::List(list)) => {
            for (item, value) in target.iter_mut().zip(list) {
                if let (Value::Object(target), Value::Object(object)) = (item, value) {
                    for (key, value) in object {
                        insert_value(target, key, value);
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{
        EmptyMutation, EmptySubscription, Interface, Object, Schema, SimpleObject,
    };

    use super::*;

    #[derive(SimpleObject)]
    struct Byline {
        name: String,
        role: String,
    }

    /// An object with every kind of field: plain values, an object, a list,
    /// and failures on a nullable and a non-null field.
    struct Story;

    #[Object]
    impl Story {
        async fn title(&self) -> String {
            "A headline".into()
        }

        async fn words(&self, times: i32) -> i32 {
            times * 100
        }

        async fn byline(&self) -> Serial<Byline> {
            Serial(Byline {
                name: "A. Writer".into(),
                role: "Correspondent".into(),
            })
        }

        async fn bylines(&self) -> Vec<Byline> {
            vec![
                Byline {
                    name: "One".into(),
                    role: "Editor".into(),
                },
                Byline {
                    name: "Two".into(),
                    role: "Reporter".into(),
                },
            ]
        }

        async fn maybe(&self) -> async_graphql::Result<Option<i32>> {
            Err("not today".into())
        }

        async fn surely(&self) -> async_graphql::Result<Byline> {
            Err("never".into())
        }
    }

    #[derive(Interface)]
    #[graphql(field(name = "title", ty = "String"))]
    enum Headlined {
        Story(Story),
    }

    struct Query;

    #[Object]
    impl Query {
        async fn plain(&self) -> Story {
            Story
        }

        async fn serial(&self) -> Serial<Story> {
            Serial(Story)
        }
    }

    /// What `plain` and `serial` each answer to the same selection: the
    /// selection's data, and its errors with their paths.
    async fn both(selection: &str) -> [(serde_json::Value, Vec<String>); 2] {
        let schema = Schema::build(Query, EmptyMutation, EmptySubscription)
            .register_output_type::<Headlined>()
            .finish();
        let mut query = format!("query {{ plain {selection} }}");
        // Only fragments the selection spreads: an unused one is invalid.
        for (name, fragment) in [
            ("...Head", " fragment Head on Story { title }"),
            (
                "...Named",
                " fragment Named on Headlined { title __typename }",
            ),
        ] {
            if selection.contains(name) {
                query.push_str(fragment);
            }
        }
        [
            answer(&schema, &query, "plain").await,
            answer(&schema, &query, "serial").await,
        ]
    }

    async fn answer(
        schema: &Schema<Query, EmptyMutation, EmptySubscription>,
        query: &str,
        field: &str,
    ) -> (serde_json::Value, Vec<String>) {
        let response = schema.execute(query.replace("plain", field)).await;
        // A query that failed validation would answer nothing on both sides.
        assert_ne!(
            response.data,
            Value::Null,
            "{field} never ran: {:?}",
            response.errors
        );
        let data = response.data.into_json().expect("data is JSON");
        let errors = response
            .errors
            .iter()
            .map(|e| format!("{} at {:?}", e.message, e.path))
            .collect();
        (data[field].clone(), errors)
    }

    async fn answers_alike(selection: &str) {
        let [plain, serial] = both(selection).await;
        let serial_errors: Vec<String> = serial
            .1
            .iter()
            .map(|e| e.replace("Field(\"serial\")", "Field(\"plain\")"))
            .collect();
        assert_eq!(serial.0, plain.0, "data of {selection}");
        assert_eq!(serial_errors, plain.1, "errors of {selection}");
    }

    #[tokio::test]
    async fn a_serial_object_answers_plain_fields_arguments_and_aliases_as_async_graphql_does() {
        answers_alike("{ title words(times: 3) short: words(times: 1) __typename }").await;
    }

    #[tokio::test]
    async fn a_serial_object_answers_nested_objects_and_lists_as_async_graphql_does() {
        answers_alike("{ byline { name role } bylines { role name } }").await;
    }

    #[tokio::test]
    async fn a_serial_object_merges_a_key_selected_twice_as_async_graphql_does() {
        answers_alike(
            "{ byline { name } title byline { role } bylines { name } bylines { role } }",
        )
        .await;
    }

    #[tokio::test]
    async fn a_serial_object_spreads_fragments_on_itself_and_its_interfaces_as_async_graphql_does()
    {
        answers_alike(
            "{ ...Head ...Named ... on Story { words(times: 2) } ... on Headlined { title } \
             ... { byline { name } } }",
        )
        .await;
    }

    #[tokio::test]
    async fn a_serial_object_reports_failing_fields_as_async_graphql_does() {
        answers_alike("{ title maybe words(times: 1) }").await;
        answers_alike("{ title surely { name } }").await;
    }

    #[tokio::test]
    async fn a_serial_object_leaves_out_what_skip_and_include_remove() {
        answers_alike("{ title @skip(if: true) words(times: 1) @include(if: true) byline @include(if: false) { name } }")
            .await;
    }
}
