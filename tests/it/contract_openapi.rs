//! openapi.yaml is the contract: the router serves exactly what it documents.
//! (Each response in every other test is validated against it as well.)

use std::collections::BTreeSet;

use crate::support::TestApp;
use crate::support::contract::OPENAPI;

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
    let served: BTreeSet<(String, String)> = newsdesk::rest::router()
        .operations()
        .iter()
        .map(|(method, path)| (method.to_string(), (*path).to_owned()))
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
