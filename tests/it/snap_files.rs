//! No `.snap` file anywhere in the repository holds a canary value, in any encoding.

use std::path::{Path, PathBuf};

use devflare_test::SecretsEnv;

use crate::canaries;

fn snap_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target" && name != ".git" {
                snap_files(&path, found);
            }
        } else if name.to_string_lossy().ends_with(".snap") {
            found.push(path);
        }
    }
}

#[test]
fn no_snapshot_file_holds_a_canary() {
    let mut builder = SecretsEnv::builder();
    for (name, value) in canaries::all() {
        builder = builder.secret(name, value);
    }
    let redactor = builder.build().unwrap().redactor();

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    snap_files(root, &mut files);
    // The crate's own and the example Worker's snapshots: the scan must not pass vacuously.
    assert!(
        files.len() >= 6,
        "expected committed .snap files, found {files:?}"
    );
    assert!(
        files.iter().any(|f| f.starts_with(root.join("examples"))),
        "{files:?}"
    );
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !redactor.contains_secret(&text),
            "{} holds a canary value: {}",
            file.display(),
            redactor.redact(&text)
        );
    }
}
