//! Checks a real response against openapi.yaml: the route, the status, the
//! media type and the body's schema. Every request a test sends goes through here.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use axum::http::Method;
use jsonschema::Validator;
use serde_json::{Value, json};

/// openapi.yaml as JSON.
pub static OPENAPI: LazyLock<Value> = LazyLock::new(|| {
    serde_yaml::from_str(include_str!("../../../openapi.yaml")).expect("openapi.yaml is valid YAML")
});

static VALIDATORS: LazyLock<Mutex<HashMap<String, Arc<Validator>>>> =
    LazyLock::new(Default::default);

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The documented path template that `path` matches, literal segments first.
pub fn path_template(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let paths = OPENAPI["paths"].as_object()?;
    paths
        .keys()
        .filter(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            parts.len() == segments.len()
                && parts.iter().zip(&segments).all(|(t, s)| {
                    (t.starts_with('{') && t.ends_with('}') && !s.is_empty()) || t == s
                })
        })
        .min_by_key(|template| template.matches('{').count())
        .cloned()
}

fn validator(pointer: &str) -> Arc<Validator> {
    let mut cache = VALIDATORS.lock().unwrap_or_else(|p| p.into_inner());
    cache
        .entry(pointer.to_owned())
        .or_insert_with(|| {
            let mut root = OPENAPI.clone();
            root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
            // `{` and `}` of path templates are not allowed raw in a URI fragment.
            root["$ref"] = json!(pointer.replace('{', "%7B").replace('}', "%7D"));
            Arc::new(
                jsonschema::options()
                    .should_validate_formats(true)
                    .build(&root)
                    .unwrap_or_else(|e| {
                        panic!("openapi.yaml schema at {pointer} does not compile: {e}")
                    }),
            )
        })
        .clone()
}

/// Resolves a response object, following one `$ref`, and says where it lives.
fn response_object(op_pointer: &str, op: &Value, status: u16) -> (String, Value) {
    let responses = &op["responses"];
    let key = status.to_string();
    let response = responses.get(&key).unwrap_or_else(|| {
        panic!("openapi.yaml does not document status {status} for {op_pointer}")
    });
    match response.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            let target = OPENAPI
                .pointer(pointer)
                .unwrap_or_else(|| panic!("dangling $ref {reference}"))
                .clone();
            (format!("#{pointer}"), target)
        }
        None => (format!("{op_pointer}/responses/{key}"), response.clone()),
    }
}

/// Panics unless the response is what openapi.yaml promises for this request.
pub fn check(method: &Method, path: &str, status: u16, content_type: Option<&str>, body: &[u8]) {
    // GraphQL's contract is schema/schema.graphql, checked on its own.
    if method == Method::OPTIONS || path == newsdesk::graphql::http::PATH {
        return;
    }
    let Some(template) = path_template(path) else {
        assert_eq!(
            status, 404,
            "{method} {path}: an undocumented path must answer 404"
        );
        return check_problem(status, content_type, body);
    };
    let item = &OPENAPI["paths"][&template];
    let documented = if method == Method::HEAD {
        "get".to_owned()
    } else {
        method.as_str().to_lowercase()
    };
    let Some(op) = item.get(&documented) else {
        assert_eq!(
            status, 405,
            "{method} {path}: an undocumented method must answer 405"
        );
        return check_problem(status, content_type, body);
    };
    let op_pointer = format!("#/paths/{}/{documented}", escape(&template));
    let (response_pointer, response) = response_object(&op_pointer, op, status);
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        assert!(
            body.is_empty(),
            "{method} {path}: status {status} is documented without a body"
        );
        return;
    };
    let media_type = content_type
        .map(|c| c.split(';').next().unwrap_or(c).trim().to_owned())
        .unwrap_or_else(|| panic!("{method} {path}: a {status} with a body needs a content-type"));
    assert!(
        content.contains_key(&media_type),
        "{method} {path}: {media_type} is not a documented media type for {status}"
    );
    if method == Method::HEAD || !media_type.contains("json") {
        return;
    }
    let instance: Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{method} {path}: {status} body is not JSON: {e}"));
    let pointer = format!("{response_pointer}/content/{}/schema", escape(&media_type));
    let validator = validator(&pointer);
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path}: {status} body breaks openapi.yaml ({pointer}):\n{}\n{instance:#}",
        errors.join("\n")
    );
}

fn check_problem(status: u16, content_type: Option<&str>, body: &[u8]) {
    assert_eq!(
        content_type,
        Some("application/problem+json"),
        "status {status} must be a problem"
    );
    let instance: Value = serde_json::from_slice(body).expect("problem bodies are JSON");
    let validator = validator("#/components/schemas/Problem");
    assert!(
        validator.is_valid(&instance),
        "not a valid problem: {instance:#}"
    );
}
