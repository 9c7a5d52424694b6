//! The README shows this crate as a complete, copy-pasteable Worker. Its blocks must be this
//! crate's files, byte for byte (the manifest with path dependencies turned into versions), so
//! what the README shows is what CI builds for wasm32 and tests natively.

use std::fs;
use std::path::Path;

fn crate_file(path: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The fenced block that follows `<!-- file: examples/axum-worker/PATH -->` in the README.
fn readme_block(path: &str) -> String {
    let readme = crate_file("../../README.md");
    let marker = format!("<!-- file: examples/axum-worker/{path} -->");
    let after = readme
        .split_once(&marker)
        .unwrap_or_else(|| panic!("the README has no block marked {marker}"))
        .1;
    let body = after
        .split_once("```")
        .unwrap()
        .1
        .split_once('\n')
        .unwrap()
        .1;
    body.split_once("\n```").unwrap().0.to_owned() + "\n"
}

/// The manifest as a user writes it: dependencies by version, not by path into this repository.
fn as_published(manifest: &str) -> String {
    manifest
        .lines()
        .map(|line| match line.find("path = \"") {
            Some(start) => {
                let end = start + line[start..].find("\", ").unwrap() + 3;
                format!("{}{}", &line[..start], &line[end..])
            }
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn the_readme_shows_this_crates_source_and_tests() {
    assert_eq!(readme_block("src/lib.rs"), crate_file("src/lib.rs"));
    assert_eq!(readme_block("tests/admin.rs"), crate_file("tests/admin.rs"));
}

#[test]
fn the_readme_shows_this_crates_dependencies_as_a_user_writes_them() {
    let manifest = as_published(&crate_file("Cargo.toml"));
    let from_lib = &manifest[manifest.find("[lib]").unwrap()..];
    let block = readme_block("Cargo.toml");
    assert!(
        block.ends_with(from_lib),
        "README block:\n{block}\nexpected to end with:\n{from_lib}"
    );
    assert!(
        !block.contains("path ="),
        "a user has no path into this repository"
    );
}
