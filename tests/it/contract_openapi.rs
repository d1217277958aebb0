//! openapi.yaml is the contract: the router serves exactly what it documents.
//! (Each response in every other test is validated against it as well.)

use std::collections::BTreeSet;

use newsdesk::rest::{Access, Operation};
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::contract::OPENAPI;

fn served() -> Vec<Operation> {
    newsdesk::rest::router().operations().to_vec()
}

/// The security an operation declares: its own, or the file's default.
fn declared_security(op: &Operation) -> &'static Value {
    let item = &OPENAPI["paths"][op.path][op.method.as_str().to_lowercase()];
    item.get("security").unwrap_or(&OPENAPI["security"])
}

/// Whether the declared security lets a caller without credentials in.
fn anonymous_allowed(security: &Value) -> bool {
    security
        .as_array()
        .is_none_or(|alternatives| alternatives.is_empty() || alternatives.contains(&json!({})))
}

fn documented_operations() -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in OPENAPI["paths"].as_object().expect("paths") {
        for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
            if item.get(method).is_some() {
                ops.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

#[test]
fn every_route_is_documented_and_every_documented_route_exists() {
    let served: BTreeSet<(String, String)> = served()
        .iter()
        .map(|op| (op.method.to_string(), op.path.to_owned()))
        .collect();

    let documented = documented_operations();

    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty(),
        "served but not in openapi.yaml: {undocumented:?}"
    );
    assert!(
        unserved.is_empty(),
        "in openapi.yaml but not served: {unserved:?}"
    );
}

#[test]
fn the_contract_is_openapi_3_1() {
    assert_eq!(OPENAPI["openapi"], "3.1.0");
}

#[test]
fn every_operation_has_an_id_and_documents_its_errors_as_problems() {
    for (path, item) in OPENAPI["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                op["operationId"].is_string(),
                "{method} {path} has no operationId"
            );
            if path.starts_with("/api/") {
                assert!(
                    op["responses"].get("500").is_some(),
                    "{method} {path} does not document 500"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_served_contract_is_the_file() {
    let app = TestApp::new().await;

    let res = app.get("/openapi.yaml").await;

    assert_eq!(res.status, 200);
    assert_eq!(res.text(), include_str!("../../openapi.yaml"));
}

#[test]
fn operations_that_need_a_token_declare_it_and_the_scope_they_need() {
    for op in served() {
        let security = declared_security(&op);
        match op.access {
            Access::Needs(scope) => assert_eq!(
                *security,
                json!([{ "bearerAuth": [scope.as_str()] }]),
                "{} {} needs {}",
                op.method,
                op.path,
                scope.as_str()
            ),
            Access::Open => assert!(
                anonymous_allowed(security),
                "{} {} is open to anonymous callers but declares {security}",
                op.method,
                op.path
            ),
        }
    }
}

#[tokio::test]
async fn an_anonymous_call_is_answered_as_each_operation_declares() {
    let app = TestApp::new().await;
    for op in served() {
        let uri = op
            .path
            .replace("{slug}", "no-such-thing")
            .replace("{id}", "1");
        let res = app
            .send_json(op.method.as_str(), &uri, json!({}), None)
            .await;
        if anonymous_allowed(declared_security(&op)) {
            assert_ne!(res.status, 401, "{} {uri} is declared open", op.method);
        } else {
            assert_eq!(res.status, 401, "{} {uri} declares a token", op.method);
            assert!(res.header("www-authenticate").is_some());
        }
    }
}
