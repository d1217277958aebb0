//! schema/schema.graphql is the contract: it is exactly what the server serves.

#[test]
fn the_checked_in_schema_is_the_served_schema() {
    let served = newsdesk::graphql::sdl();
    let checked_in = include_str!("../../schema/schema.graphql");

    assert!(
        served == checked_in,
        "schema/schema.graphql is stale: run `cargo run -- schema > schema/schema.graphql`"
    );
}

#[test]
fn the_cli_prints_the_schema() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .arg("schema")
        .output()
        .unwrap();

    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        newsdesk::graphql::sdl()
    );
}
