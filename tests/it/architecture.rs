//! The modules point one way. Reading `src/` as text, like ArchUnit reads
//! bytecode: each top-level module has a layer, and a file may name only
//! modules of layers below its own. Faces, HTTP pieces and authentication
//! reach the data only through the domain's handle, so they never name SeaORM.

use std::fs;
use std::path::{Path, PathBuf};

/// Top to bottom. Modules on one line are peers and may not use each other.
const LAYERS: &[&[&str]] = &[
    &["main"],
    &["cli"],
    &["server"],
    &["app"],
    &["rest", "graphql", "seed"],
    &["http"],
    &["auth"],
    &["domain"],
    &["db"],
];

/// Leaves: anyone may use them, and they use nothing of the crate.
const LEAVES: &[&str] = &["config", "error", "crypto"];

/// Modules that reach the data only through the domain's handle.
const NO_DATABASE: &[&str] = &["rest", "graphql", "http", "auth"];

/// `lib.rs` declares the modules; it is no layer of its own.
const ROOT: &str = "lib";

fn rank(module: &str) -> Option<usize> {
    if LEAVES.contains(&module) {
        return Some(LAYERS.len());
    }
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `src/rest/articles.rs` → `rest`.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("files are under src");
    let first = relative
        .components()
        .next()
        .expect("a path has a first part")
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// The crate's top-level modules a line of code names: `crate::x::…` and
/// every name in `crate::{x, y::…}`; in `main.rs`, `newsdesk::x`.
fn named_modules(line: &str, crate_name: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or_default();
    let prefix = format!("{crate_name}::");
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(&prefix) {
        let before = rest[..at].chars().last();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or_default();
            for item in inner.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != "self" {
                    names.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
}

/// Every `use` that breaks the layering, as `file:line: the use and why`.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let module = module_of(src, &file);
        if module == ROOT {
            continue;
        }
        let own = rank(&module);
        let text = fs::read_to_string(&file).expect("source files are UTF-8");
        let shown = file
            .strip_prefix(src.parent().unwrap_or(src))
            .unwrap_or(&file)
            .display();
        let crate_name = if module == "main" {
            "newsdesk"
        } else {
            "crate"
        };
        for (n, line) in text.lines().enumerate() {
            let at = format!("{shown}:{}: `{}`", n + 1, line.trim());
            let Some(own) = own else {
                found.push(format!("{at}: module `{module}` has no layer"));
                break;
            };
            for used in named_modules(line, crate_name) {
                if used == module {
                    continue;
                }
                match rank(&used) {
                    None => {} // an item of the crate root, not a module
                    Some(_) if LEAVES.contains(&module.as_str()) => {
                        found.push(format!(
                            "{at}: `{module}` is a leaf and uses nothing of the crate, not `{used}`"
                        ));
                    }
                    Some(theirs) if theirs <= own => {
                        found.push(format!(
                            "{at}: `{module}` may not use `{used}`, which is {}",
                            if theirs == own {
                                "its peer"
                            } else {
                                "above it"
                            }
                        ));
                    }
                    Some(_) => {}
                }
            }
            if NO_DATABASE.contains(&module.as_str()) && line.contains("sea_orm") {
                found.push(format!(
                    "{at}: `{module}` reaches data through the domain handle and names no SeaORM item"
                ));
            }
        }
    }
    found
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn every_module_uses_only_what_lies_below_it() {
    let found = violations(&src());
    assert!(found.is_empty(), "layering broken:\n{}", found.join("\n"));
}

#[test]
fn an_upward_use_is_reported_with_its_file_and_line() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let src = dir.path().join("src");
    fs::create_dir_all(src.join("domain")).expect("a module directory");
    fs::write(src.join("lib.rs"), "pub mod domain;\n").expect("lib.rs");
    fs::write(
        src.join("domain/mod.rs"),
        "use crate::error::Result;\nuse crate::{db, rest::RestState};\n",
    )
    .expect("a module");
    fs::write(src.join("config.rs"), "use crate::error::Error;\n").expect("a leaf");
    fs::write(src.join("http.rs"), "use sea_orm::DatabaseConnection;\n").expect("a piece");

    let found = violations(&src);

    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found[0].starts_with("src/config.rs:1:") && found[0].contains("leaf"));
    assert!(found[1].starts_with("src/domain/mod.rs:2:") && found[1].contains("`rest`"));
    assert!(found[2].starts_with("src/http.rs:1:") && found[2].contains("SeaORM"));
}

#[test]
fn grouped_and_nested_paths_name_each_module() {
    assert_eq!(
        named_modules("use crate::{db, seed::demo, server};", "crate"),
        ["db", "seed", "server"]
    );
    assert_eq!(
        named_modules("let x = crate::domain::time::now(); // crate::app", "crate"),
        ["domain"]
    );
    assert!(named_modules("use my_crate::app;", "crate").is_empty());
}
