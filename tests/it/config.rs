//! Wrangler config and fixture files: loading, layering, strict mode, and every class of bad
//! input — each error checked for file, line, column, expectation and suggestion, none
//! panicking, none quoting a value.

use std::path::Path;

use devflare_test::config::{ConfigErrorKind, FixtureFile, Format, WranglerConfig};
use devflare_test::prelude::*;
use devflare_test::{Error, config::ConfigError, secrets::Origin};
use devflare_test::{SecretError, include_fixture, manifest_path, secrets::SecretRef};

const CANARY: &str = "CANARY-6f1d-never-print-me";

fn read(env: &SecretsEnv, binding: &str) -> Result<Option<String>, SecretError> {
    block_on(env.secret_store(binding)?.get())
}

fn config_error(result: Result<SecretsEnv, Error>) -> ConfigError {
    match result {
        Err(Error::Config(error)) => error,
        other => panic!("expected a config error, got {other:?}"),
    }
}

fn bindings_of(config: &WranglerConfig, env: Option<&str>) -> Vec<(String, String, String)> {
    config
        .secrets_store_secrets(env)
        .unwrap()
        .iter()
        .map(|d| {
            (
                d.binding().to_owned(),
                d.store_id().to_owned(),
                d.secret_name().to_owned(),
            )
        })
        .collect()
}

// ---- the happy paths -------------------------------------------------------------------------

/// Devflare's documented offline example, ported: `createOfflineEnv(config, { secretsStore:
/// { API_TOKEN: 'test-token' } })`.
#[tokio::test]
async fn devflare_offline_example_config_plus_explicit_value() {
    for file in ["wrangler.toml", "wrangler.json", "wrangler.jsonc"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(file);
        let env = SecretsEnv::builder()
            .wrangler_config(&path)
            .secret("API_TOKEN", "test-token")
            .build()
            .unwrap();
        let token = env.secret_store("API_TOKEN").unwrap().get().await.unwrap();
        assert_eq!(token.as_deref(), Some("test-token"), "{file}");
        assert_eq!(
            env.reference("API_TOKEN").unwrap().to_string(),
            "0123456789abcdef0123456789abcdef/API_TOKEN"
        );
        // Declared by the config, no value given: missing, as in production.
        assert_eq!(env.bindings_without_value(), ["GREETING"], "{file}");
    }
}

#[test]
fn toml_json_and_jsonc_give_the_same_bindings() {
    let load = |file: &str| {
        WranglerConfig::load(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures")
                .join(file),
        )
        .unwrap()
    };
    let toml = load("wrangler.toml");
    for other in [load("wrangler.json"), load("wrangler.jsonc")] {
        for env in [None, Some("staging")] {
            assert_eq!(bindings_of(&toml, env), bindings_of(&other, env), "{env:?}");
            let names = |c: &WranglerConfig| -> Vec<(String, &'static str)> {
                let mut names: Vec<_> = c
                    .other_bindings(env)
                    .unwrap()
                    .iter()
                    .map(|o| (o.name().to_owned(), o.kind()))
                    .collect();
                names.sort();
                names
            };
            assert_eq!(names(&toml), names(&other));
        }
        assert_eq!(other.env_names().collect::<Vec<_>>(), ["staging"]);
    }
    assert_eq!(
        bindings_of(&toml, None),
        [
            (
                "API_TOKEN".into(),
                "0123456789abcdef0123456789abcdef".into(),
                "API_TOKEN".into()
            ),
            (
                "GREETING".into(),
                "0123456789abcdef0123456789abcdef".into(),
                "greeting".into()
            ),
        ]
    );
}

#[test]
fn env_sections_do_not_inherit_top_level_bindings() {
    let env = SecretsEnv::builder()
        .wrangler_config_env(manifest_path!("fixtures/wrangler.toml"), "staging")
        .fixture_file(manifest_path!("fixtures/values.toml"))
        .build()
        .unwrap();
    assert_eq!(env.binding_names().collect::<Vec<_>>(), ["API_TOKEN"]);
    assert_eq!(
        read(&env, "API_TOKEN").unwrap().as_deref(),
        Some("staging-token")
    );
    let unbound = env.secret_store("GREETING").unwrap_err();
    assert_eq!(unbound.to_string(), "Binding `GREETING` is undefined.");

    // An env section with no `secrets_store_secrets` at all has none.
    let config = WranglerConfig::parse(
        "[[secrets_store_secrets]]\nbinding = \"A\"\nstore_id = \"s\"\nsecret_name = \"a\"\n\n[env.dev]\nname = \"dev\"\n",
        "wrangler.toml",
        Format::Toml,
    )
    .unwrap();
    assert_eq!(config.secrets_store_secrets(None).unwrap().len(), 1);
    assert!(
        config
            .secrets_store_secrets(Some("dev"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn fixture_values_layer_onto_config_bindings_and_explicit_values_win() {
    let base = SecretsEnv::builder()
        .wrangler_config(manifest_path!("fixtures/wrangler.jsonc"))
        .fixture_file(manifest_path!("fixtures/values.toml"));
    let env = base.clone().build().unwrap();
    assert_eq!(
        read(&env, "API_TOKEN").unwrap().as_deref(),
        Some("fixture-token")
    );
    assert_eq!(
        read(&env, "GREETING").unwrap().as_deref(),
        Some("héllo wörld ✓ 🙂")
    );

    let env = base.secret("API_TOKEN", "explicit").build().unwrap();
    assert_eq!(
        read(&env, "API_TOKEN").unwrap().as_deref(),
        Some("explicit")
    );
}

#[test]
fn the_wrangler_local_fixture_project_config_loads() {
    let config =
        WranglerConfig::load(manifest_path!("fixtures/wrangler-local/wrangler.jsonc")).unwrap();
    let bindings = bindings_of(&config, None);
    assert_eq!(
        bindings.iter().map(|b| b.0.as_str()).collect::<Vec<_>>(),
        ["API_TOKEN", "GREETING", "OTHER_TOKEN"]
    );
    assert_eq!(bindings[2].1, "fedcba9876543210fedcba9876543210");
    assert!(config.warnings().is_empty());
}

#[test]
fn an_embedded_fixture_file_declares_bindings_and_values() {
    let env = SecretsEnv::builder()
        .embedded_fixture(include_fixture!("fixtures/secrets.toml"))
        .build()
        .unwrap();
    assert_eq!(
        read(&env, "API_TOKEN").unwrap().as_deref(),
        Some("fixture-token")
    );
    let file = include_fixture!("fixtures/secrets.toml");
    assert!(Path::new(file.path).is_absolute());
    assert!(!format!("{file:?}").contains("fixture-token"));
}

#[test]
fn fixture_values_for_unbound_secrets_are_kept_in_the_store() {
    let env = SecretsEnv::builder()
        .fixture_str("f.toml", "[stores.s]\nunbound = \"v\"\n")
        .bind("LATER", SecretRef::new("s", "unbound"))
        .build()
        .unwrap();
    assert_eq!(read(&env, "LATER").unwrap().as_deref(), Some("v"));
}

// ---- malformed TOML and JSONC ---------------------------------------------------------------

#[test]
fn malformed_toml_names_file_line_column_and_expectation() {
    let error = config_error(
        SecretsEnv::builder()
            .fixture_str(
                "fixtures/app.toml",
                "[[secrets_store_secrets]\nbinding = \"A\"\n",
            )
            .build(),
    );
    assert_eq!(error.kind(), ConfigErrorKind::Syntax);
    assert_eq!((error.line(), error.column()), (Some(1), Some(25)));
    assert_eq!(
        error.to_string(),
        "fixtures/app.toml:1:25: invalid TOML: unclosed array table; expected `]`"
    );

    let error = WranglerConfig::parse("name = \"w\"\nmain = \n", "wrangler.toml", Format::Toml)
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("wrangler.toml:2:8: invalid TOML:"),
        "{error}"
    );
    assert!(error.expected_text().is_some(), "{error}");
}

#[test]
fn malformed_jsonc_names_file_line_column_and_expectation() {
    let cases = [
        (
            "{\n  \"a\": 1\n  \"b\": 2\n}",
            "w.jsonc:3:3: invalid JSON: unexpected `\"`; expected `,` or `}`",
        ),
        (
            "{\n  /* open\n",
            "w.jsonc:2:3: invalid JSON: unterminated block comment; expected `*/`",
        ),
        (
            "{\"a\": \"open}",
            "w.jsonc:1:7: invalid JSON: unterminated string; expected a closing `\"`",
        ),
        (
            "{\"a\": tru}",
            "w.jsonc:1:7: invalid JSON: unknown word; expected a value (a string must be in double quotes)",
        ),
        (
            "{\"a\": 1,,}",
            "w.jsonc:1:9: invalid JSON: unexpected `,`; expected a string key or `}`",
        ),
        (
            "[1] x",
            "w.jsonc:1:5: invalid JSON: unexpected text after the top-level value; expected end of file",
        ),
        (
            "{\"a\": 01}",
            "w.jsonc:1:7: invalid JSON: invalid number; expected no leading zeros",
        ),
        (
            "{\"é\": \"\\x\"}",
            "w.jsonc:1:8: invalid JSON: invalid escape; expected one of `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t`, `\\uXXXX`",
        ),
        (
            "",
            "w.jsonc:1:1: invalid JSON: unexpected end of file; expected a value",
        ),
    ];
    for (text, message) in cases {
        let error = WranglerConfig::parse(text, "w.jsonc", Format::Jsonc).unwrap_err();
        assert_eq!(error.kind(), ConfigErrorKind::Syntax, "{text:?}");
        assert_eq!(error.to_string(), message, "{text:?}");
    }
}

#[test]
fn jsonc_accepts_comments_trailing_commas_and_escapes() {
    let text = "\u{feff}// top\n{ /* a */ \"secrets_store_secrets\": [ // list\n { \"binding\": \"A\\u00e9\\ud83d\\ude42\", \"store_id\": \"s/1\", \"secret_name\": \"n\\\"q\", }, ], \"n\": -1.5e3, \"t\": [true, false, null], }\n";
    let config = WranglerConfig::parse(text, "w.json", Format::Json).unwrap();
    let decl = &config.secrets_store_secrets(None).unwrap()[0];
    assert_eq!(decl.binding(), "Aé🙂");
    assert_eq!(decl.secret_name(), "n\"q");
    assert_eq!(decl.location().to_string(), "w.json:3:2");
}

// ---- missing fields, wrong types, unknown keys -----------------------------------------------

#[test]
fn missing_fields_are_named_at_their_entry() {
    let fixture = "# app\n[[secrets_store_secrets]]\nbinding = \"API_TOKEN\"\nstore_id = \"s\"\n";
    let error = FixtureFile::parse(fixture, "fixtures/app.toml").unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::MissingField);
    assert_eq!(
        error.to_string(),
        "fixtures/app.toml:2:1: missing key `secret_name` in [[secrets_store_secrets]]; \
         expected `binding`, `store_id` and `secret_name`, all strings"
    );

    let json = "{\n  \"secrets_store_secrets\": [\n    { \"store_id\": \"s\", \"secret_name\": \"n\" }\n  ]\n}";
    let config = WranglerConfig::parse(json, "wrangler.json", Format::Json).unwrap();
    let error = config.secrets_store_secrets(None).unwrap_err();
    assert_eq!(
        error.to_string(),
        "wrangler.json:3:5: missing key `binding` in a `secrets_store_secrets` entry; \
         expected `binding`, `store_id` and `secret_name`, all strings"
    );
}

#[test]
fn wrong_types_say_what_was_found_and_expected() {
    let cases: [(&str, Format, &str); 4] = [
        (
            "[[secrets_store_secrets]]\nbinding = \"A\"\nstore_id = 5\nsecret_name = \"n\"\n",
            Format::Toml,
            "w:3:12: `store_id` in [[secrets_store_secrets]] is an integer; expected a string",
        ),
        (
            "{ \"secrets_store_secrets\": { \"binding\": \"A\" } }",
            Format::Jsonc,
            "w:1:28: `secrets_store_secrets` is an object; expected an array of objects with `binding`, `store_id` and `secret_name`",
        ),
        (
            "{ \"secrets_store_secrets\": [\"API_TOKEN\"] }",
            Format::Jsonc,
            "w:1:29: an entry of `secrets_store_secrets` is a string; expected an object with `binding`, `store_id` and `secret_name`",
        ),
        (
            "[env.staging]\nsecrets_store_secrets = true\n",
            Format::Toml,
            "w:2:25: `env.staging.secrets_store_secrets` is a boolean; expected an array of tables with `binding`, `store_id` and `secret_name`",
        ),
    ];
    for (text, format, message) in cases {
        let config = WranglerConfig::parse(text, "w", format).unwrap();
        let env = config.env_names().next();
        let error = config.secrets_store_secrets(env).unwrap_err();
        assert_eq!(error.kind(), ConfigErrorKind::WrongType);
        assert_eq!(error.to_string(), message);
    }

    let error = WranglerConfig::parse("env = 3\n", "w.toml", Format::Toml).unwrap_err();
    assert_eq!(
        error.to_string(),
        "w.toml:1:7: `env` is an integer; expected a table of named environments"
    );
}

#[test]
fn a_fixture_value_of_the_wrong_type_is_described_never_echoed() {
    for value in [
        "12345678901",
        "[\"CANARY-6f1d-never-print-me\"]",
        "{ v = \"CANARY-6f1d-never-print-me\" }",
        "1979-05-27T07:32:00Z",
    ] {
        let text = format!("[stores.\"s\"]\nAPI_TOKEN = {value}\n");
        let error = FixtureFile::parse(&text, "f.toml").unwrap_err();
        assert_eq!(error.kind(), ConfigErrorKind::WrongType, "{value}");
        let shown = format!("{error} {error:?}");
        assert!(
            shown.starts_with("f.toml:2:13: the value of secret `API_TOKEN` in store `s` is "),
            "{shown}"
        );
        assert!(shown.contains("expected a string"), "{shown}");
        assert!(
            !shown.contains(CANARY) && !shown.contains("12345678901") && !shown.contains("1979"),
            "{shown}"
        );
    }
}

#[test]
fn unknown_keys_in_fixture_files_are_errors_with_a_suggestion() {
    let text = "[[secrets_store_secrets]]\nbinding = \"A\"\nstore_id = \"s\"\nsecret_nme = \"n\"\n";
    let error = config_error(
        SecretsEnv::builder()
            .fixture_str("fixtures/app.toml", text)
            .build(),
    );
    assert_eq!(error.kind(), ConfigErrorKind::UnknownKey);
    assert_eq!(error.suggested(), Some("secret_name"));
    assert_eq!(
        error.to_string(),
        "fixtures/app.toml:4:1: unknown key `secret_nme` in [[secrets_store_secrets]]; \
         expected one of `binding`, `store_id`, `secret_name`; did you mean `secret_name`?"
    );

    let error = FixtureFile::parse("[store.\"s\"]\nA = \"v\"\n", "f.toml").unwrap_err();
    assert_eq!(
        error.to_string(),
        "f.toml:1:2: unknown top-level key `store` in a fixture file; \
         expected one of `secrets_store_secrets`, `stores`; did you mean `stores`?"
    );
}

#[test]
fn unknown_keys_in_wrangler_entries_are_warnings_as_in_wrangler() {
    let text = "[[secrets_store_secrets]]\nbinding = \"A\"\nstore_id = \"s\"\nsecret_name = \"n\"\nscopes = [\"workers\"]\nsecret_nam = \"x\"\n";
    let config = WranglerConfig::parse(text, "wrangler.toml", Format::Toml).unwrap();
    assert_eq!(config.secrets_store_secrets(None).unwrap().len(), 1);
    let warnings: Vec<String> = config.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "wrangler.toml:5:1: warning: unknown key `scopes` in [[secrets_store_secrets]] is ignored",
            "wrangler.toml:6:1: warning: unknown key `secret_nam` in [[secrets_store_secrets]] is ignored; did you mean `secret_name`?",
        ]
    );

    // A misspelt required key still fails — as missing, pointing at the misspelling.
    let text = "[[secrets_store_secrets]]\nbinding = \"A\"\nstore_id = \"s\"\nsecret_nme = \"n\"\n";
    let config = WranglerConfig::parse(text, "wrangler.toml", Format::Toml).unwrap();
    let error = config.secrets_store_secrets(None).unwrap_err();
    assert!(error.to_string().starts_with("wrangler.toml:1:1: missing key `secret_name` in [[secrets_store_secrets]] (is `secret_nme` a misspelling of it?)"), "{error}");
}

#[test]
fn an_unknown_env_suggests_the_closest_section() {
    let error = config_error(
        SecretsEnv::builder()
            .wrangler_config_env(manifest_path!("fixtures/wrangler.toml"), "stagign")
            .build(),
    );
    assert_eq!(error.kind(), ConfigErrorKind::UnknownEnv);
    assert_eq!(error.suggested(), Some("staging"));
    let shown = error.to_string();
    assert!(shown.contains("fixtures/wrangler.toml: no environment `stagign` (`[env.stagign]`) in this config; expected one of `staging`; did you mean `staging`?"), "{shown}");
}

// ---- duplicates -------------------------------------------------------------------------------

/// Many bindings are checked by sorting hashes, not pairwise: the report must still name the
/// first repeat in file order, and a malformed entry before it must still come first.
#[test]
fn a_duplicate_among_many_bindings_is_the_first_in_file_order() {
    let entry = |binding: &str| {
        format!(r#"{{"binding": "{binding}", "store_id": "s", "secret_name": "n"}}"#)
    };
    let mut entries: Vec<String> = (0..40).map(|i| entry(&format!("B{i}"))).collect();
    entries[30] = entry("B7");
    entries[35] = entry("B2");
    let text = format!(
        "{{\"secrets_store_secrets\": [\n{}\n]}}",
        entries.join(",\n")
    );
    let config = WranglerConfig::parse(&text, "w.json", Format::Json).unwrap();
    let error = config.secrets_store_secrets(None).unwrap_err();
    assert_eq!(
        error.to_string(),
        "w.json:32:1: binding `B7` is declared twice: first at w.json:9:1, again here; expected each binding name once"
    );

    entries[20] = r#"{"binding": "B20", "store_id": "s"}"#.to_owned();
    let text = format!(
        "{{\"secrets_store_secrets\": [\n{}\n]}}",
        entries.join(",\n")
    );
    let config = WranglerConfig::parse(&text, "w.json", Format::Json).unwrap();
    let error = config.secrets_store_secrets(None).unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::MissingField, "{error}");
    assert!(
        error
            .to_string()
            .starts_with("w.json:22:1: missing key `secret_name`"),
        "{error}"
    );
}

#[test]
fn a_duplicate_binding_in_one_file_names_both_places() {
    let text = "[[secrets_store_secrets]]\nbinding = \"A\"\nstore_id = \"s\"\nsecret_name = \"x\"\n\n[[secrets_store_secrets]]\nbinding = \"A\"\nstore_id = \"s\"\nsecret_name = \"y\"\n";
    let error = FixtureFile::parse(text, "f.toml").unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::Duplicate);
    assert_eq!(
        error.to_string(),
        "f.toml:6:1: binding `A` is declared twice: first at f.toml:1:1, again here; expected each binding name once"
    );

    let json = "{\"secrets_store_secrets\": [],\n \"secrets_store_secrets\": []}";
    let error = WranglerConfig::parse(json, "w.json", Format::Json).unwrap_err();
    assert_eq!(error.kind(), ConfigErrorKind::Duplicate);
    assert_eq!(
        error.to_string(),
        "w.json:2:2: duplicate key `secrets_store_secrets` (first at line 1, column 2); expected each key once per object"
    );

    let error = WranglerConfig::parse("a = 1\na = 2\n", "w.toml", Format::Toml).unwrap_err();
    assert_eq!(
        error.to_string(),
        "w.toml:2:1: invalid TOML: duplicate key `a`; expected each key once per table (a `[table]` is written once, and an inline table cannot be extended)"
    );
}

#[test]
fn a_binding_declared_by_config_and_fixture_names_both_files() {
    let result = SecretsEnv::builder()
        .wrangler_config(manifest_path!("fixtures/wrangler.toml"))
        .fixture_file(manifest_path!("fixtures/secrets.toml"))
        .build();
    let Err(Error::DuplicateBinding {
        binding,
        first,
        second,
    }) = result
    else {
        panic!("expected a duplicate, got {result:?}");
    };
    assert_eq!(binding, "API_TOKEN");
    let at = |origin: &Origin| match origin {
        Origin::File(location) => (
            location.path().file_name().unwrap().to_owned(),
            location.line(),
            location.column(),
        ),
        other => panic!("expected a file origin, got {other}"),
    };
    assert_eq!(at(&first), ("wrangler.toml".into(), 12, 1));
    assert_eq!(at(&second), ("secrets.toml".into(), 5, 1));
}

// ---- unbound bindings -------------------------------------------------------------------------

#[test]
fn a_value_for_a_binding_the_config_does_not_declare_is_an_error_with_a_suggestion() {
    let result = SecretsEnv::builder()
        .wrangler_config(manifest_path!("fixtures/wrangler.toml"))
        .secret("API_TOKNE", CANARY)
        .build();
    let Err(error) = result else {
        panic!("expected an error")
    };
    assert!(matches!(&error, Error::UnknownBinding { closest: Some(c), .. } if c == "API_TOKEN"));
    let shown = error.to_string();
    assert_eq!(
        shown,
        "a value is given for binding `API_TOKNE` at test code, but no such binding is declared; did you mean `API_TOKEN`?"
    );
    assert!(!format!("{shown}{error:?}").contains(CANARY));

    // Without a wrangler config, `secret()` declares the binding itself.
    let env = SecretsEnv::builder()
        .secret("API_TOKNE", "v")
        .build()
        .unwrap();
    assert!(env.reference("API_TOKNE").is_some());
    // With one, extra bindings are declared explicitly.
    let env = SecretsEnv::builder()
        .wrangler_config(manifest_path!("fixtures/wrangler.toml"))
        .bind("EXTRA", SecretRef::new("s", "extra"))
        .secret("EXTRA", "v")
        .build()
        .unwrap();
    assert_eq!(read(&env, "EXTRA").unwrap().as_deref(), Some("v"));
}

#[test]
fn reading_a_binding_the_config_does_not_declare_suggests_the_closest() {
    let env = SecretsEnv::builder()
        .wrangler_config(manifest_path!("fixtures/wrangler.json"))
        .build()
        .unwrap();
    let error = env.secret_store("GREETNG").unwrap_err();
    assert_eq!(error.to_string(), "Binding `GREETNG` is undefined.");
    assert_eq!(error.closest(), Some("GREETING"));
}

// ---- strict mode ------------------------------------------------------------------------------

#[test]
fn strict_mode_rejects_a_name_shared_with_another_binding_kind_naming_both_places() {
    let text = "[vars]\nAPI_TOKEN = \"x\"\n\n[[kv_namespaces]]\nbinding = \"CACHE\"\nid = \"k\"\n\n[[secrets_store_secrets]]\nbinding = \"API_TOKEN\"\nstore_id = \"0123456789abcdef0123456789abcdef\"\nsecret_name = \"API_TOKEN\"\n";
    let config = WranglerConfig::parse(text, "wrangler.toml", Format::Toml).unwrap();
    let lenient = SecretsEnv::builder().wrangler(&config, None).build();
    assert!(lenient.is_ok(), "off by default");

    let error = SecretsEnv::builder()
        .wrangler(&config, None)
        .strict()
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "strict validation: binding name `API_TOKEN` (declared at wrangler.toml:8:1) is also the name of a `vars` binding at wrangler.toml:2:1; binding names must be unique across all binding kinds"
    );

    let json = r#"{ "queues": { "producers": [{ "binding": "TOKEN", "queue": "q" }] },
  "durable_objects": { "bindings": [{ "name": "COUNTER", "class_name": "Counter" }] },
  "services": [{ "binding": "AUTH", "service": "auth" }],
  "secrets_store_secrets": [{ "binding": "COUNTER", "store_id": "0123456789abcdef0123456789abcdef", "secret_name": "c" }] }"#;
    let config = WranglerConfig::parse(json, "wrangler.json", Format::Json).unwrap();
    let kinds: Vec<_> = config
        .other_bindings(None)
        .unwrap()
        .iter()
        .map(|o| (o.name(), o.kind()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("TOKEN", "queues.producers"),
            ("COUNTER", "durable_objects.bindings"),
            ("AUTH", "services")
        ]
    );
    let error = SecretsEnv::builder()
        .wrangler(&config, None)
        .strict()
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("`COUNTER` (declared at wrangler.json:4:29) is also the name of a `durable_objects.bindings` binding at wrangler.json:2:47"), "{error}");
}

#[test]
fn strict_mode_checks_names_store_ids_and_value_sizes_from_files() {
    let config = "[[secrets_store_secrets]]\nbinding = \"API_TOKEN\"\nstore_id = \"store-123\"\nsecret_name = \"API_TOKEN\"\n";
    let error = SecretsEnv::builder()
        .fixture_str("f.toml", config)
        .strict()
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "strict validation: store id `store-123` of binding `API_TOKEN` (declared at f.toml:1:1) must be 32 lowercase hex digits, as production store ids are"
    );

    let big = format!("[stores.\"s\"]\nBIG = \"{}\"\n", "x".repeat(65_537));
    let error = SecretsEnv::builder()
        .fixture_str("f.toml", &big)
        .strict()
        .build()
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("(declared at f.toml:2:1) is 65537 bytes of UTF-8"),
        "{error}"
    );

    let bad_name = "[[secrets_store_secrets]]\nbinding = \"API TOKEN\"\nstore_id = \"0123456789abcdef0123456789abcdef\"\nsecret_name = \"t\"\n";
    let error = SecretsEnv::builder()
        .fixture_str("f.toml", bad_name)
        .strict()
        .build()
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("binding name `API TOKEN` (declared at f.toml:1:1) must match"),
        "{error}"
    );
}

// ---- paths ------------------------------------------------------------------------------------

#[test]
fn relative_run_time_paths_are_refused_with_a_pointer_to_manifest_path() {
    for result in [
        SecretsEnv::builder()
            .fixture_file("fixtures/secrets.toml")
            .build(),
        SecretsEnv::builder()
            .wrangler_config("fixtures/wrangler.toml")
            .build(),
    ] {
        let error = config_error(result);
        assert_eq!(error.kind(), ConfigErrorKind::RelativePath);
        assert!(error.to_string().contains("manifest_path!"), "{error}");
    }
}

#[test]
fn unreadable_files_and_unknown_extensions_are_errors() {
    let error = config_error(
        SecretsEnv::builder()
            .fixture_file(manifest_path!("fixtures/nope.toml"))
            .build(),
    );
    assert_eq!(error.kind(), ConfigErrorKind::Io);
    assert!(
        error
            .to_string()
            .contains("fixtures/nope.toml: cannot read the file"),
        "{error}"
    );

    let error = config_error(
        SecretsEnv::builder()
            .wrangler_config(manifest_path!("fixtures/wrangler.yaml"))
            .build(),
    );
    assert_eq!(error.kind(), ConfigErrorKind::UnknownFormat);
    assert!(
        error
            .to_string()
            .ends_with("expected a name ending in `.toml`, `.json` or `.jsonc`"),
        "{error}"
    );

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("devflare-config-it");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("latin1.toml");
    std::fs::write(&path, b"[stores.s]\nA = \"caf\xe9\"\n").unwrap();
    let error = FixtureFile::load(&path).unwrap_err();
    assert_eq!(
        (error.kind(), error.line(), error.column()),
        (ConfigErrorKind::Syntax, Some(2), Some(9))
    );
}

// ---- no panic, no value -----------------------------------------------------------------------

/// Every truncation and thousands of single-byte mutations of valid inputs: each returns Ok or
/// Err (never panics), every error has a position, and none quotes the canary value.
#[test]
fn no_input_panics_or_leaks_a_value() {
    let fixture = format!(
        "# comment\n[[secrets_store_secrets]]\nbinding = \"API_TOKEN\"\nstore_id = \"0123456789abcdef0123456789abcdef\"\nsecret_name = \"API_TOKEN\"\n\n[stores.\"0123456789abcdef0123456789abcdef\"]\nAPI_TOKEN = \"{CANARY}\"\nmulti = \"\"\"\n{CANARY}\"\"\"\nliteral = '{CANARY}'\n"
    );
    let jsonc = std::fs::read_to_string(manifest_path!("fixtures/wrangler.jsonc")).unwrap();
    let toml = std::fs::read_to_string(manifest_path!("fixtures/wrangler.toml")).unwrap();
    let mut checked = 0;
    let mut check = |text: &str, format: Format| {
        checked += 1;
        let errors = match format {
            Format::Toml => [
                FixtureFile::parse(text, "f.toml").err(),
                WranglerConfig::parse(text, "w.toml", Format::Toml)
                    .and_then(|c| c.secrets_store_secrets(Some("staging")).map(|_| ()))
                    .err(),
            ],
            _ => [
                WranglerConfig::parse(text, "w.jsonc", Format::Jsonc)
                    .and_then(|c| c.secrets_store_secrets(None).map(|_| ()))
                    .err(),
                None,
            ],
        };
        for error in errors.into_iter().flatten() {
            let shown = format!("{error} {error:?}");
            let whole_file = error.kind() == ConfigErrorKind::UnknownEnv;
            assert!(whole_file || error.line().is_some(), "no position: {shown}");
            // A mutation can turn the value into a key; only value positions are secret.
            if !text.contains(&format!("{CANARY}\"=")) && !text.contains(&format!("\"{CANARY}\":"))
            {
                assert!(!shown.contains(CANARY), "leaked in {text:?}: {shown}");
            }
        }
    };
    for (input, format) in [
        (&fixture, Format::Toml),
        (&jsonc, Format::Jsonc),
        (&toml, Format::Toml),
    ] {
        for end in (0..=input.len()).filter(|&i| input.is_char_boundary(i)) {
            check(&input[..end], format);
        }
        let bytes = input.as_bytes();
        for (i, &original) in bytes.iter().enumerate() {
            if !original.is_ascii() {
                continue;
            }
            for &b in b"\"'{}[],:=\n/*\\#" {
                let mut mutated = bytes.to_vec();
                mutated[i] = b;
                check(std::str::from_utf8(&mutated).unwrap(), format);
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let cases = [
        ("[".repeat(100_000), Format::Jsonc),
        ("{\"a\":".repeat(50_000), Format::Jsonc),
        (format!("a = {}", "[".repeat(100_000)), Format::Toml),
        (format!("a = {}", "{b=".repeat(50_000)), Format::Toml),
    ];
    for (text, format) in cases {
        let error = WranglerConfig::parse(&text, "w", format).unwrap_err();
        assert_eq!(error.kind(), ConfigErrorKind::Syntax, "{error}");
    }
}

#[test]
fn the_readme_shows_the_fixture_file_as_it_is() {
    let readme = include_str!("../../README.md");
    let fixture = include_str!("../../fixtures/secrets.toml");
    assert!(
        readme.contains(fixture),
        "README's fixture example drifted from fixtures/secrets.toml"
    );
}
