//! Local values: Devflare's `.devflare/secrets.local.json` and wrangler's `.wrangler/state`,
//! read into an env only when a test asks, ranked below explicit values.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use devflare_test::config::Location;
use devflare_test::prelude::*;
use devflare_test::{Error, secrets::Origin};
use devflare_test::{SecretError, secrets::SecretRef};

const DEVFLARE_PROJECT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/devflare-local");
const CANARY: &str = "CANARY-local-7d1e";

fn read(env: &SecretsEnv, binding: &str) -> Result<Option<String>, SecretError> {
    block_on(env.secret_store(binding).unwrap().get())
}

/// A fresh folder under the system temp folder, removed on drop.
struct TempProject(PathBuf);

impl TempProject {
    fn new(label: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "devflare-it-{label}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn write_devflare_file(&self, text: &str) {
        fs::create_dir_all(self.0.join(".devflare")).unwrap();
        fs::write(self.0.join(".devflare/secrets.local.json"), text).unwrap();
    }
}

impl Drop for TempProject {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn local_error(result: Result<SecretsEnv, Error>) -> (PathBuf, Option<(usize, usize)>, String) {
    match result {
        Err(Error::LocalValues(error)) => (
            error.path().to_owned(),
            error.location().map(|at| (at.line(), at.column())),
            error.message().to_owned(),
        ),
        Err(other) => panic!("expected a local values error, got {other}"),
        Ok(_) => panic!("expected a local values error, got an env"),
    }
}

// ---- Devflare's file -------------------------------------------------------------------------

#[test]
fn devflare_fixture_file_reads_back() {
    let env = SecretsEnv::builder()
        .bind("API_TOKEN", SecretRef::new("store-123", "api-token"))
        .devflare_local(DEVFLARE_PROJECT)
        .build()
        .unwrap();
    assert_eq!(
        read(&env, "API_TOKEN").unwrap().as_deref(),
        Some("devflare-local-token")
    );
}

#[test]
fn local_values_are_opt_in() {
    let env = SecretsEnv::builder()
        .bind("API_TOKEN", SecretRef::new("store-123", "api-token"))
        .build()
        .unwrap();
    assert!(matches!(
        read(&env, "API_TOKEN"),
        Err(SecretError::NotFound { .. })
    ));
}

#[test]
fn explicit_values_beat_local_values() {
    let env = SecretsEnv::builder()
        .bind("API_TOKEN", SecretRef::new("store-123", "api-token"))
        .bind("SAME", SecretRef::new("store-123", "api-token"))
        .secret_at(
            SecretRef::new("store-123", "api-token"),
            "explicit-by-reference",
        )
        .devflare_local(DEVFLARE_PROJECT) // added after, still loses
        .build()
        .unwrap();
    assert_eq!(
        read(&env, "SAME").unwrap().as_deref(),
        Some("explicit-by-reference")
    );

    let env = SecretsEnv::builder()
        .devflare_local(DEVFLARE_PROJECT)
        .bind("API_TOKEN", SecretRef::new("store-123", "api-token"))
        .secret("API_TOKEN", "explicit-by-binding")
        .build()
        .unwrap();
    assert_eq!(
        read(&env, "API_TOKEN").unwrap().as_deref(),
        Some("explicit-by-binding")
    );
}

#[test]
fn a_missing_file_is_an_error_naming_its_path() {
    let project = TempProject::new("missing");
    let (path, _, problem) = local_error(SecretsEnv::builder().devflare_local(&project.0).build());
    assert_eq!(path, project.0.join(".devflare/secrets.local.json"));
    assert!(problem.contains("not found"), "{problem}");
}

#[test]
fn a_relative_project_folder_is_refused() {
    let (path, _, problem) = local_error(
        SecretsEnv::builder()
            .devflare_local("fixtures/devflare-local")
            .build(),
    );
    assert_eq!(path, Path::new("fixtures/devflare-local"));
    assert!(problem.contains("absolute"), "{problem}");
}

#[test]
fn an_unknown_version_is_an_error_not_an_empty_file() {
    let project = TempProject::new("version");
    project.write_devflare_file(&format!(
        "{{\"version\": 2, \"stores\": {{\"s\": {{\"n\": {{\"value\": \"{CANARY}\"}}}}}}}}\n"
    ));
    let result = SecretsEnv::builder().devflare_local(&project.0).build();
    let error = result
        .as_ref()
        .err()
        .map(|e| (e.to_string(), format!("{e:?}")));
    let (path, _, problem) = local_error(result);
    assert_eq!(path, project.0.join(".devflare/secrets.local.json"));
    assert!(problem.contains("version 2 is not supported"), "{problem}");
    let (display, debug) = error.unwrap();
    assert!(!display.contains(CANARY) && !debug.contains(CANARY));
}

#[test]
fn malformed_files_are_errors_that_never_show_a_value() {
    let cases = [
        // (file text, what the problem says, position expected)
        (
            format!(
                "{{\"version\": 1, \"stores\": {{\"s\": {{\"n\": {{\"value\": \"{CANARY}\" \"updatedAt\": \"x\"}}}}}}}}"
            ),
            "expected `,` or `}`",
            true,
        ),
        (
            format!("{{\"version\": 1, \"stores\": {{\"s\": {{\"n\": {{\"value\": \"{CANARY}"),
            "unterminated string",
            true,
        ),
        (
            format!(
                "{{\"version\": 1, \"stores\": {{\"s\": {{\"n\": {{\"value\": [\"{CANARY}\"]}}}}}}}}"
            ),
            "`s/n`: `value` must be a string",
            true,
        ),
        (
            format!("{{\"version\": 1, \"stores\": {{\"s\": {{\"n\": \"{CANARY}\"}}}}}}"),
            "secret `s/n` must be an object",
            true,
        ),
        (
            format!("{{\"version\": 1, \"stores\": [\"{CANARY}\"]}}"),
            "`stores` must be an object",
            true,
        ),
        (
            format!("{{\"stores\": {{}}, \"x\": \"{CANARY}\"}}"),
            "`version` is missing",
            true,
        ),
        (format!("[\"{CANARY}\"]"), "expected a JSON object", true),
        (String::new(), "unexpected end of file", true),
        (
            format!(
                "{{\"version\": 1, \"stores\": {{\"s\": {{\"n\": {{\"value\": \"{CANARY}\",}}}}}}}}"
            ),
            "not strict JSON",
            true,
        ),
        (
            format!("{{\"version\": 1, // {CANARY}\n\"stores\": {{}}}}"),
            "not strict JSON",
            true,
        ),
    ];
    for (text, expected, positioned) in cases {
        let project = TempProject::new("malformed");
        project.write_devflare_file(&text);
        let result = SecretsEnv::builder().devflare_local(&project.0).build();
        let error = result.as_ref().err().unwrap();
        let (display, debug) = (error.to_string(), format!("{error:?}"));
        assert!(!display.contains(CANARY), "{display}");
        assert!(!debug.contains(CANARY), "{debug}");
        assert!(display.contains(expected), "{text:?}: {display}");
        let (path, position, _) = local_error(result);
        assert_eq!(path, project.0.join(".devflare/secrets.local.json"));
        assert_eq!(position.is_some(), positioned, "{display}");
    }
}

#[test]
fn positions_are_lines_and_characters_of_the_file() {
    let position_of = |text: &[u8]| {
        let project = TempProject::new("positions");
        fs::create_dir_all(project.0.join(".devflare")).unwrap();
        fs::write(project.0.join(".devflare/secrets.local.json"), text).unwrap();
        let (_, position, problem) =
            local_error(SecretsEnv::builder().devflare_local(&project.0).build());
        (position, problem)
    };
    // Columns count characters, not bytes: four two-byte characters before the error.
    let (position, _) = position_of("{\"version\":1, \"stores\":{\"éééé\": x}}".as_bytes());
    assert_eq!(position, Some((1, 33)));
    // An empty file: line 1, column 1 — never column 0.
    assert_eq!(position_of(b"").0, Some((1, 1)));
    // Structural errors point at the key.
    let (position, problem) = position_of(b"{\n  \"version\": 1,\n  \"stores\": {\"s\": 5}\n}");
    assert_eq!(position, Some((3, 14)), "{problem}");
    let (position, _) = position_of(b"{\"version\": 2,\n\"stores\": {}}");
    assert_eq!(position, Some((1, 2)));
    // A secret named like its store is found after the store's key.
    let (position, problem) =
        position_of(b"{\"version\": 1, \"stores\": {\"s\":\n  {\"s\": {\"value\": 5}}}}");
    assert_eq!(position, Some((2, 4)), "{problem}");
    // Bytes that are not UTF-8: where they start.
    let (position, problem) = position_of(b"{\"version\": 1,\n \"x\": \"\xff\"}");
    assert_eq!(position, Some((2, 8)));
    assert!(problem.contains("not UTF-8"), "{problem}");
}

#[test]
fn strict_errors_point_at_the_entry_in_the_file() {
    let project = TempProject::new("strict");
    let big = "x".repeat(devflare_test::secrets::validate::MAX_VALUE_BYTES + 1);
    project.write_devflare_file(&format!(
        "{{\n\t\"version\": 1,\n\t\"stores\": {{\n\t\t\"0123456789abcdef0123456789abcdef\": {{\n\t\t\t\"BIG\": {{\n\t\t\t\t\"value\": \"{big}\"\n\t\t\t}}\n\t\t}}\n\t}}\n}}\n"
    ));
    let error = SecretsEnv::builder()
        .devflare_local(&project.0)
        .strict()
        .build()
        .err()
        .unwrap();
    let Error::Strict { origin, .. } = &error else {
        panic!("expected a strict error, got {error}");
    };
    assert_eq!(
        origin,
        &Origin::File(Location::new(
            project.0.join(".devflare/secrets.local.json"),
            5,
            4
        ))
    );
    assert!(!error.to_string().contains(&big[..100]));
}

#[test]
fn the_builder_debug_never_shows_local_values() {
    let builder = SecretsEnv::builder().devflare_local(DEVFLARE_PROJECT);
    assert!(!format!("{builder:?}").contains("devflare-local-token"));
}

#[test]
fn an_io_failure_is_the_source_of_the_error() {
    use std::error::Error as _;
    let project = TempProject::new("io-source");
    // A folder where the file should be: reading it fails with an I/O error.
    fs::create_dir_all(project.0.join(".devflare/secrets.local.json")).unwrap();
    let error = SecretsEnv::builder()
        .devflare_local(&project.0)
        .build()
        .err()
        .unwrap();
    let source = error.source().expect("the I/O error is kept");
    assert!(
        source.downcast_ref::<std::io::Error>().is_some(),
        "{source:?}"
    );

    let missing = TempProject::new("io-missing");
    let error = SecretsEnv::builder()
        .devflare_local(&missing.0)
        .build()
        .err()
        .unwrap();
    let io = error
        .source()
        .unwrap()
        .downcast_ref::<std::io::Error>()
        .unwrap();
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
}

// ---- optional local values -------------------------------------------------------------------

#[test]
fn an_optional_devflare_file_is_skipped_when_absent_and_said_so() {
    let project = TempProject::new("optional-absent");
    let builder = SecretsEnv::builder()
        .secret("API_TOKEN", "fallback")
        .devflare_local_if_present(&project.0);
    let debug = format!("{builder:?}");
    let expected = format!(
        "skipped_sources: [\"devflare_local: no {}\"]",
        project.0.join(".devflare/secrets.local.json").display()
    );
    assert!(debug.contains(&expected), "{debug}");
    let env = builder.build().unwrap();
    assert_eq!(
        read(&env, "API_TOKEN").unwrap().as_deref(),
        Some("fallback")
    );
}

#[test]
fn an_optional_devflare_file_is_read_when_present() {
    let builder = SecretsEnv::builder()
        .bind("API_TOKEN", SecretRef::new("store-123", "api-token"))
        .devflare_local_if_present(DEVFLARE_PROJECT);
    assert!(format!("{builder:?}").contains("skipped_sources: []"));
    let env = builder.build().unwrap();
    assert_eq!(
        read(&env, "API_TOKEN").unwrap().as_deref(),
        Some("devflare-local-token")
    );
}

#[test]
fn an_optional_devflare_file_that_is_malformed_is_still_an_error() {
    let project = TempProject::new("optional-malformed");
    project.write_devflare_file(&format!(
        "{{\"version\": 1, \"stores\": {{\"s\": \"{CANARY}\"}}}}"
    ));
    let (path, position, problem) = local_error(
        SecretsEnv::builder()
            .devflare_local_if_present(&project.0)
            .build(),
    );
    assert_eq!(path, project.0.join(".devflare/secrets.local.json"));
    assert_eq!(position, Some((1, 27)));
    assert!(problem.contains("store `s` must be an object"), "{problem}");
    assert!(!problem.contains(CANARY));
    // A relative folder is refused as by the strict source.
    let (_, _, problem) = local_error(
        SecretsEnv::builder()
            .devflare_local_if_present("fixtures")
            .build(),
    );
    assert!(problem.contains("absolute"), "{problem}");
}

/// Many secrets, pretty or on one line: each value keeps the line and column of its name key.
#[test]
fn positions_of_many_entries_on_one_line_and_pretty() {
    let project = TempProject::new("many");
    let mut one_line = String::from("{\"version\":1,\"stores\":{\"s\":{");
    for i in 0..300 {
        if i > 0 {
            one_line.push(',');
        }
        one_line.push_str(&format!("\"n{i:03}\":{{\"value\":\"v\"}}"));
    }
    one_line.push_str("}}}");
    project.write_devflare_file(&one_line);
    let file = devflare_test::config::devflare_local::read(
        &project.0.join(".devflare/secrets.local.json"),
    )
    .unwrap();
    assert_eq!(file.len(), 300);
    for entry in file.entries() {
        let at = entry.secret.location().unwrap();
        let expected = one_line.find(&format!("\"{}\":", entry.name)).unwrap() + 1;
        assert_eq!((at.line(), at.column()), (1, expected), "{}", entry.name);
    }
}

// ---- wrangler's state ------------------------------------------------------------------------

#[cfg(feature = "wrangler-state")]
mod wrangler {
    use super::*;
    use serde_json::Value;

    const PROJECT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/wrangler-local");

    fn expected() -> Value {
        let text = fs::read_to_string(Path::new(PROJECT).join("expected.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// Every file under `dir` with its bytes, to prove reading modified nothing.
    fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        let mut pending = vec![dir.to_owned()];
        while let Some(dir) = pending.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    files.push((path.clone(), fs::read(&path).unwrap()));
                }
            }
        }
        files.sort();
        files
    }

    #[test]
    fn reads_back_every_value_in_expected_json_by_store_and_name() {
        let expected = expected();
        let stores = expected["values"].as_object().unwrap();
        let mut builder = SecretsEnv::builder();
        let mut wanted = Vec::new();
        for (store_id, secrets) in stores {
            for (name, value) in secrets.as_object().unwrap() {
                let binding = format!("B{}", wanted.len());
                builder = builder.bind(
                    binding.clone(),
                    SecretRef::new(store_id.clone(), name.clone()),
                );
                wanted.push((binding, value.as_str().unwrap().to_owned()));
            }
        }
        assert_eq!(wanted.len(), 3);
        let env = builder.wrangler_state(PROJECT).build().unwrap();
        for (binding, value) in wanted {
            assert_eq!(read(&env, &binding).unwrap(), Some(value), "{binding}");
        }
    }

    #[test]
    fn reads_back_expected_bindings_through_wrangler_jsonc_bindings() {
        // The bindings come from the project's own wrangler.jsonc, the values from its state.
        let env = SecretsEnv::builder()
            .wrangler_config(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/wrangler-local/wrangler.jsonc"
            ))
            .wrangler_state(PROJECT)
            .build()
            .unwrap();
        let expected = expected();
        let bindings = expected["bindings"].as_object().unwrap();
        assert_eq!(bindings.len(), 3);
        for (binding, value) in bindings {
            assert_eq!(
                read(&env, binding).unwrap().as_deref(),
                value.as_str(),
                "{binding}"
            );
        }
    }

    #[test]
    fn reading_never_modifies_the_state() {
        let before = snapshot(Path::new(PROJECT));
        let env = SecretsEnv::builder()
            .wrangler_state(PROJECT)
            .bind(
                "API_TOKEN",
                SecretRef::new("0123456789abcdef0123456789abcdef", "API_TOKEN"),
            )
            .build()
            .unwrap();
        assert!(read(&env, "API_TOKEN").unwrap().is_some());
        assert_eq!(snapshot(Path::new(PROJECT)), before);
    }

    fn copy_dir(from: &Path, to: &Path, skip: &dyn Fn(&Path) -> bool) {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy_dir(&path, &target, skip);
            } else if !skip(&path) {
                fs::copy(&path, &target).unwrap();
            }
        }
    }

    #[test]
    fn the_rows_live_only_in_the_wal_files() {
        // Without the -wal files the same state holds no secrets: the values above came
        // from rows that exist only in the WAL.
        let project = TempProject::new("no-wal");
        copy_dir(Path::new(PROJECT), &project.0, &|path| {
            path.to_string_lossy().ends_with("-wal")
        });
        let env = SecretsEnv::builder()
            .bind(
                "API_TOKEN",
                SecretRef::new("0123456789abcdef0123456789abcdef", "API_TOKEN"),
            )
            .wrangler_state(&project.0)
            .build()
            .unwrap();
        assert!(matches!(
            read(&env, "API_TOKEN"),
            Err(SecretError::NotFound { .. })
        ));
    }

    #[test]
    fn explicit_values_beat_wrangler_values() {
        let env = SecretsEnv::builder()
            .bind(
                "API_TOKEN",
                SecretRef::new("0123456789abcdef0123456789abcdef", "API_TOKEN"),
            )
            .bind(
                "GREETING",
                SecretRef::new("0123456789abcdef0123456789abcdef", "greeting"),
            )
            .wrangler_state(PROJECT)
            .secret("API_TOKEN", "explicit")
            .build()
            .unwrap();
        assert_eq!(
            read(&env, "API_TOKEN").unwrap().as_deref(),
            Some("explicit")
        );
        assert_eq!(
            read(&env, "GREETING").unwrap().as_deref(),
            Some("héllo wörld ✓ 🙂")
        );
    }

    #[test]
    fn between_local_sources_the_last_added_wins() {
        let project = TempProject::new("both");
        project.write_devflare_file(
            "{\"version\": 1, \"stores\": {\"0123456789abcdef0123456789abcdef\": {\"API_TOKEN\": {\"value\": \"from-devflare\"}}}}",
        );
        let bind = || {
            SecretsEnv::builder().bind(
                "API_TOKEN",
                SecretRef::new("0123456789abcdef0123456789abcdef", "API_TOKEN"),
            )
        };
        let env = bind()
            .wrangler_state(PROJECT)
            .devflare_local(&project.0)
            .build()
            .unwrap();
        assert_eq!(
            read(&env, "API_TOKEN").unwrap().as_deref(),
            Some("from-devflare")
        );
        let env = bind()
            .devflare_local(&project.0)
            .wrangler_state(PROJECT)
            .build()
            .unwrap();
        assert_eq!(
            read(&env, "API_TOKEN").unwrap().as_deref(),
            Some("local-token-123")
        );
    }

    #[test]
    fn a_missing_state_folder_is_an_error_naming_its_path() {
        let project = TempProject::new("no-state");
        let (path, _, problem) =
            local_error(SecretsEnv::builder().wrangler_state(&project.0).build());
        assert_eq!(path, project.0.join(".wrangler/state/v3/secrets-store"));
        assert!(
            problem.contains("wrangler secrets-store secret create"),
            "{problem}"
        );
    }

    #[test]
    fn a_corrupt_index_is_an_error_naming_the_file() {
        let project = TempProject::new("corrupt");
        copy_dir(Path::new(PROJECT), &project.0, &|_| false);
        let index = project.0.join(
            ".wrangler/state/v3/secrets-store/miniflare-secrets-store-KVNamespaceObject/\
             4290cb92f1cf5a047ea5285a7614fc15a1078de2082ab629fa7c5a5a9b3cb3d5.sqlite",
        );
        fs::write(&index, b"not a database, honestly").unwrap();
        fs::remove_file(project.0.join(
            ".wrangler/state/v3/secrets-store/miniflare-secrets-store-KVNamespaceObject/\
             4290cb92f1cf5a047ea5285a7614fc15a1078de2082ab629fa7c5a5a9b3cb3d5.sqlite-wal",
        ))
        .unwrap();
        let (path, _, problem) =
            local_error(SecretsEnv::builder().wrangler_state(&project.0).build());
        assert_eq!(path, index);
        assert!(problem.contains("SQLite"), "{problem}");
    }

    #[test]
    fn a_missing_blob_is_an_error_naming_the_secret_not_its_value() {
        let project = TempProject::new("no-blob");
        copy_dir(Path::new(PROJECT), &project.0, &|path| {
            path.to_string_lossy().ends_with(
                "bd0e94965644befdc9ce68314c0cf065bae363bb8ab85a08014e4546816624f8000001a229832fef",
            )
        });
        let error = SecretsEnv::builder()
            .wrangler_state(&project.0)
            .build()
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.contains("0123456789abcdef0123456789abcdef/greeting"),
            "{error}"
        );
        assert!(!error.contains("local-token-123"), "{error}");
    }

    #[test]
    fn optional_wrangler_state_is_skipped_when_absent_and_read_when_present() {
        let empty = TempProject::new("optional-wrangler");
        let builder = SecretsEnv::builder().wrangler_state_if_present(&empty.0);
        let debug = format!("{builder:?}");
        assert!(
            debug.contains("wrangler_state: no ")
                && debug.contains(".wrangler/state/v3/secrets-store"),
            "{debug}"
        );
        builder.build().unwrap();

        let builder = SecretsEnv::builder()
            .bind(
                "API_TOKEN",
                SecretRef::new("0123456789abcdef0123456789abcdef", "API_TOKEN"),
            )
            .wrangler_state_if_present(PROJECT);
        assert!(format!("{builder:?}").contains("skipped_sources: []"));
        let env = builder.build().unwrap();
        assert_eq!(
            read(&env, "API_TOKEN").unwrap().as_deref(),
            Some("local-token-123")
        );
    }
}

/// explicit > fixture file > local, whatever order the sources are added in.
#[test]
fn precedence_is_explicit_then_fixture_file_then_local() {
    const FIXTURE: &str = "[stores.\"store-123\"]\napi-token = \"from-fixture\"\n";
    let read_token = |builder: SecretsEnvBuilder| {
        let env = builder
            .bind("API_TOKEN", SecretRef::new("store-123", "api-token"))
            .build()
            .unwrap();
        read(&env, "API_TOKEN").unwrap()
    };
    let local = || SecretsEnv::builder().devflare_local(DEVFLARE_PROJECT);

    assert_eq!(read_token(local()).as_deref(), Some("devflare-local-token"));
    assert_eq!(
        read_token(local().fixture_str("inline.toml", FIXTURE)).as_deref(),
        Some("from-fixture")
    );
    assert_eq!(
        read_token(
            SecretsEnv::builder()
                .fixture_str("inline.toml", FIXTURE)
                .devflare_local(DEVFLARE_PROJECT)
        )
        .as_deref(),
        Some("from-fixture"),
        "a local source added later does not override a fixture file"
    );
    assert_eq!(
        read_token(
            SecretsEnv::builder()
                .secret_at(SecretRef::new("store-123", "api-token"), "explicit")
                .fixture_str("inline.toml", FIXTURE)
                .devflare_local(DEVFLARE_PROJECT)
        )
        .as_deref(),
        Some("explicit")
    );
}

/// The fallback tier sits below every source: used only when nothing else gives a value, in
/// whatever order the calls come.
#[test]
fn a_fallback_is_used_only_when_no_source_gives_a_value() {
    let reference = SecretRef::new("store-123", "api-token");
    let missing = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    // No other source: the fallback.
    let env = SecretsEnv::builder()
        .bind("API_TOKEN", reference.clone())
        .fallback("API_TOKEN", "fallback")
        .devflare_local_if_present(missing)
        .build()
        .unwrap();
    assert_eq!(
        read(&env, "API_TOKEN").unwrap().as_deref(),
        Some("fallback")
    );
    // A local value beats it, before or after in the chain.
    for fallback_first in [true, false] {
        let mut builder = SecretsEnv::builder().bind("API_TOKEN", reference.clone());
        if fallback_first {
            builder = builder.fallback_at(reference.clone(), "fallback");
        }
        builder = builder.devflare_local_if_present(DEVFLARE_PROJECT);
        if !fallback_first {
            builder = builder.fallback("API_TOKEN", "fallback");
        }
        let env = builder.build().unwrap();
        assert_eq!(
            read(&env, "API_TOKEN").unwrap().as_deref(),
            Some("devflare-local-token")
        );
    }
    // An explicit value beats it too.
    let env = SecretsEnv::builder()
        .fallback("API_TOKEN", "fallback")
        .secret("API_TOKEN", "explicit")
        .build()
        .unwrap();
    assert_eq!(
        read(&env, "API_TOKEN").unwrap().as_deref(),
        Some("explicit")
    );
    // A fallback value is a fixture value like any other: redacted by the env.
    assert!(!format!("{env:?}").contains("fallback"));
}
