//! Misuse of `secrets_env!` and `typed_env!`, and the snapshot macros without the `snapshots`
//! feature, are compile errors that say what to write, with
//! the compiler's full output in `tests/*/*.stderr` (regenerate with
//! `TRYBUILD=overwrite cargo test -p devflare-ui-tests`, then review the diff).
//!
//! trybuild compiles each case inside its own generated crate,
//! `<target>/tests/trybuild/devflare-ui-tests/`, which is the `CARGO_MANIFEST_DIR` that
//! `typed_env!` resolves config paths against, so the harness mirrors `configs/` there and cases
//! name their configs as they would from this crate: `"configs/…"`.
//!
//! A crate of its own because trybuild builds the test crate's dev-dependencies: here they
//! are only devflare-test, devflare-bindings and trybuild.

use std::fs;
use std::path::Path;

#[test]
fn macro_misuse_fails_to_compile_with_a_clear_message() {
    mirror_configs_into_trybuild_project();
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/secrets_env/*.rs");
    cases.compile_fail("tests/typed_env/*.rs");
    cases.compile_fail("tests/features/*.rs");
    cases.compile_fail("tests/snapshots/*.rs");
}

/// The README quotes compile errors; each quoted `error: …` line must be one the compiler
/// printed for a case here (trybuild checks the `.stderr` files against the compiler).
#[test]
fn every_compile_error_the_readme_quotes_is_what_the_compiler_prints() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(manifest.join("../README.md")).unwrap();
    let mut printed = Vec::new();
    for folder in [
        "tests/secrets_env",
        "tests/typed_env",
        "tests/features",
        "tests/snapshots",
    ] {
        for entry in fs::read_dir(manifest.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "stderr") {
                printed.extend(
                    fs::read_to_string(&path)
                        .unwrap()
                        .lines()
                        .filter(|l| l.starts_with("error"))
                        .map(str::to_owned),
                );
            }
        }
    }
    let quoted: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("error: ") || l.starts_with("error["))
        .collect();
    assert!(
        quoted.len() >= 5,
        "the README's compile-error list was not found ({} lines)",
        quoted.len()
    );
    for line in quoted {
        assert!(
            printed.iter().any(|p| p == line),
            "the README quotes a compile error no case prints:\n  {line}\ncompiler output:\n  {}",
            printed.join("\n  ")
        );
    }
}

fn mirror_configs_into_trybuild_project() {
    // `CARGO_TARGET_TMPDIR` is `<target>/tmp`; trybuild's project sits beside it.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR has a parent");
    let project = target.join("tests/trybuild").join(env!("CARGO_PKG_NAME"));
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs");
    let to = project.join("configs");
    fs::create_dir_all(&to).unwrap();
    for entry in fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}
