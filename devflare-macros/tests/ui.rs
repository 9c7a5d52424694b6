//! Compile errors of `typed_env!`, with the compiler's output in `tests/ui/*.stderr`
//! (regenerate with `TRYBUILD=overwrite cargo test -p devflare-macros --test ui`, then review
//! the diff).
//!
//! trybuild compiles each case inside its own generated crate, `<target>/tests/trybuild/
//! devflare-macros/`, so that is the `CARGO_MANIFEST_DIR` the macro resolves config paths
//! against. The harness mirrors `tests/ui/configs/` there, so cases name their configs as
//! they would from this crate: `"tests/ui/configs/…"`.

use std::fs;
use std::path::{Path, PathBuf};

#[test]
fn typed_env_misuse_fails_to_compile_with_a_clear_message() {
    mirror_configs_into_trybuild_project();
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}

fn mirror_configs_into_trybuild_project() {
    // `CARGO_TARGET_TMPDIR` is `<target>/tmp`; trybuild's project sits beside it.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR has a parent");
    let project = target.join("tests/trybuild").join(env!("CARGO_PKG_NAME"));
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/configs");
    let to: PathBuf = project.join("tests/ui/configs");
    fs::create_dir_all(&to).unwrap();
    for entry in fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}
