//! The malformed-input corpus: every file in `tests/malformed/` is a broken wrangler config
//! (`wrangler-*.toml|json|jsonc`) or fixture file (`fixture-*.toml`), read the way a test
//! reads it (through the builder, strict), and must give exactly the message in its sibling
//! `.expected` file: file:line:column, what is wrong, what was expected — and never the
//! canary planted in its value positions.
//!
//! `DEVFLARE_BLESS=1 cargo test --test it malformed_corpus` rewrites the `.expected` files;
//! read the diff before committing it.

use std::fs;
use std::path::{Path, PathBuf};

use devflare_test::SecretsEnv;
use devflare_test::config::WranglerConfig;

/// Planted in every value position of the corpus.
const CANARY: &str = "malformed-canary-Vq7Z";

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed")
}

/// What a user sees for `path`: the build error, or for wrangler config that builds, the
/// warnings wrangler would print. Paths are shown relative to the crate.
fn outcome(path: &Path) -> String {
    let name = path.file_name().unwrap().to_str().unwrap();
    let builder = SecretsEnv::builder().strict();
    let built = if name.starts_with("fixture-") {
        builder.fixture_file(path).build()
    } else {
        builder.wrangler_config(path).build()
    };
    let shown = match built {
        Err(error) => {
            // Debug is what `unwrap()` prints: it must hold no value either.
            let debug = format!("{error:?}");
            assert!(
                !debug.contains(CANARY),
                "{name}: Debug shows the canary: {debug}"
            );
            error.to_string()
        }
        Ok(env) => {
            assert!(!format!("{env:?}").contains(CANARY), "{name}: env Debug");
            let config = WranglerConfig::load(path)
                .unwrap_or_else(|error| panic!("{name}: built, but does not load: {error}"));
            let warnings: Vec<String> = config.warnings().iter().map(|w| w.to_string()).collect();
            assert!(
                !warnings.is_empty(),
                "{name}: neither an error nor a warning"
            );
            warnings.join("\n")
        }
    };
    let root = format!("{}/", env!("CARGO_MANIFEST_DIR"));
    shown.replace(&root, "")
}

/// Whether `line` holds `tests/malformed/<name>:<line>:<column>`.
fn has_position(line: &str, name: &str) -> bool {
    let prefix = format!("tests/malformed/{name}:");
    line.match_indices(&prefix).any(|(at, _)| {
        let rest = &line[at + prefix.len()..];
        let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
        let line_digits = digits(rest);
        line_digits > 0
            && rest[line_digits..].starts_with(':')
            && digits(&rest[line_digits + 1..]) > 0
    })
}

#[test]
fn every_malformed_file_gives_its_expected_message() {
    let bless = std::env::var_os("DEVFLARE_BLESS").is_some();
    let mut inputs: Vec<PathBuf> = fs::read_dir(corpus_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext != "expected"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 50, "the corpus has {} files", inputs.len());

    let mut mismatches = Vec::new();
    for input in &inputs {
        let name = input.file_name().unwrap().to_str().unwrap();
        let bytes = fs::read(input).unwrap();
        let shown = outcome(input);
        let expected_path = input.with_file_name(format!("{name}.expected"));

        // The canary is in the file (an empty file has no value position), and nowhere in
        // what the user sees.
        let planted = bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes());
        assert!(planted || bytes.is_empty(), "{name}: no canary planted");
        assert!(!shown.contains(CANARY), "{name}: shows the canary: {shown}");
        // Every line names a position in this file, and what was expected or is ignored.
        for line in shown.lines() {
            if !has_position(line, name) {
                mismatches.push(format!("{name}: no file:line:column in {line}"));
            }
            // Strict validation (production's rules) says what a name "must" be.
            let expectation = line.contains("; expected ")
                || line.contains(": warning: ")
                || (line.starts_with("strict validation: ") && line.contains(" must "));
            if !expectation {
                mismatches.push(format!("{name}: says nothing of what was expected: {line}"));
            }
        }

        if bless {
            fs::write(&expected_path, format!("{shown}\n")).unwrap();
            continue;
        }
        match fs::read_to_string(&expected_path) {
            Ok(expected) if expected.trim_end() == shown => {}
            Ok(expected) => mismatches.push(format!(
                "{name}:\n  expected: {}\n  got:      {shown}",
                expected.trim_end()
            )),
            Err(_) => mismatches.push(format!("{name}: no {name}.expected (bless to create it)")),
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
