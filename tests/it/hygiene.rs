//! No secret value in any Debug, Display, error or panic message: proved with canaries.

use std::panic::{AssertUnwindSafe, catch_unwind};

use devflare_test::prelude::*;
use devflare_test::secrets::SecretRef;
use devflare_test::{Error, secrets::ReadLog};

const CANARY: &str = "canary-7f3a-do-not-print";
const CANARY_2: &str = "second-canary-c0ffee";

fn assert_clean(what: &str, text: &str) {
    for canary in [CANARY, CANARY_2] {
        assert!(
            !text.contains(canary),
            "{what} printed a secret value: {text}"
        );
    }
}

fn env() -> SecretsEnv {
    SecretsEnv::builder()
        .bind("API_TOKEN", SecretRef::new("store-123", "api-token"))
        .secret_at(SecretRef::new("store-123", "api-token"), CANARY)
        .secret_at(SecretRef::new("store-123", "unbound"), CANARY_2)
        .bind("MISSING", SecretRef::new("store-123", "api-tokn"))
        .build()
        .unwrap()
}

#[test]
fn debug_of_every_public_type_hides_values() {
    let env = env();
    let builder = SecretsEnv::builder().secret("API_TOKEN", CANARY);
    let binding = env.secret_store("API_TOKEN").unwrap();
    assert_clean("SecretsEnv", &format!("{env:?} {env:#?}"));
    assert_clean("SecretsEnvBuilder", &format!("{builder:?}"));
    assert_clean("SecretBinding", &format!("{binding:?}"));
    assert_clean("SecretsAdmin", &format!("{:?}", env.admin()));
    let _ = block_on(binding.get());
    let log: ReadLog = env.read_log();
    assert_clean("ReadLog", &format!("{log} {log:?}"));
    assert_clean("SecretRef", &format!("{0} {0:?}", binding.reference()));
    // The Debug output is still useful: it names bindings and references.
    assert!(format!("{env:?}").contains("API_TOKEN"));
    assert!(format!("{env:?}").contains("store-123/api-token (set)"));
}

#[test]
fn every_runtime_error_hides_values() {
    let env = env();
    let missing = block_on(env.secret_store("MISSING").unwrap().get()).unwrap_err();
    assert_eq!(missing.closest(), Some("api-token"));
    let unbound = env.secret_store("API_TOKN").unwrap_err();
    env.admin().fail("API_TOKEN", "boom").unwrap();
    let injected = block_on(env.secret_store("API_TOKEN").unwrap().get()).unwrap_err();
    let rotate = env.admin().rotate("MISSING", CANARY).unwrap_err();
    for error in [missing, unbound, injected, rotate] {
        assert_clean("SecretError", &format!("{error} {error:?}"));
    }
}

#[test]
fn every_build_error_hides_values() {
    let errors: Vec<Error> = vec![
        SecretsEnv::builder()
            .bind("A", SecretRef::new("s", "n"))
            .bind("A", SecretRef::new("s", "m"))
            .secret_at(SecretRef::new("s", "n"), CANARY)
            .build()
            .unwrap_err(),
        SecretsEnv::builder()
            .secret("T", format!("{CANARY}{}", "x".repeat(70_000)))
            .strict()
            .build()
            .unwrap_err(),
        SecretsEnv::builder()
            .bind(CANARY_2.replace('-', " "), SecretRef::new("s", "n"))
            .secret_at(SecretRef::new("s", "n"), CANARY)
            .strict()
            .build()
            .unwrap_err(),
    ];
    for error in errors {
        assert_clean("Error", &format!("{error} {error:?}"));
    }
}

#[test]
fn the_macros_panic_message_hides_values() {
    let payload = catch_unwind(AssertUnwindSafe(|| {
        secrets_env! { A: "s"/"x" => CANARY, A: "s"/"y" => CANARY_2 }
    }))
    .unwrap_err();
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("declared twice"), "{message}");
    assert_clean("panic", &message);
}

mod http_paths {
    //! The HTTP helpers' outputs, with credentials in the forms handlers really produce.

    use std::panic::{AssertUnwindSafe, catch_unwind};

    use bytes::Bytes;
    use devflare_test::prelude::*;
    use devflare_test::{client::Handler, redact::Encoding};
    use http::{Request, Response};

    use super::{CANARY, assert_clean};

    fn panic_text(f: impl FnOnce()) -> String {
        let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("must panic");
        payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default()
    }

    /// The `Authorization` header as the handler got it (lossy), or "".
    fn authorization_of(request: &Request<Bytes>) -> String {
        request
            .headers()
            .get("authorization")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default()
    }

    /// A handler whose error quotes the credential it was sent.
    struct QuotesItsCredential;

    impl Handler for QuotesItsCredential {
        async fn handle(
            &self,
            request: Request<Bytes>,
            _env: &SecretsEnv,
        ) -> Result<Response<Bytes>, Box<dyn std::error::Error + Send + Sync>> {
            let sent = authorization_of(&request);
            Err(format!("bad credential: {sent}").into())
        }
    }

    #[test]
    fn a_matrix_over_a_handler_that_quotes_its_credential_shows_no_near_miss() {
        let env = secrets_env! { API_TOKEN => CANARY };
        let client = TestClient::with_handler(&env, QuotesItsCredential);
        let report = block_on(ProtectedRoute::get("/x", "API_TOKEN").check(&client)).unwrap();
        assert_no_near_miss(&format!("{report}\n{report:?}"));
    }

    /// No near miss of the canary — less one character, shifted, or in another case — and
    /// the credential shown by its label.
    fn assert_no_near_miss(text: &str) {
        for part in [&CANARY[..CANARY.len() - 1], &CANARY[1..]] {
            assert!(!text.contains(part), "{text}");
        }
        assert!(!text.to_lowercase().contains(CANARY), "{text}");
        assert!(text.contains("[credential as sent]"), "{text}");
    }

    /// A handler whose error quotes every credential it has been sent so far (a log buffer
    /// in an error message): each row's error holds other scenarios' near misses.
    struct QuotesEveryCredentialSoFar(std::sync::Mutex<Vec<String>>);

    impl Handler for QuotesEveryCredentialSoFar {
        async fn handle(
            &self,
            request: Request<Bytes>,
            _env: &SecretsEnv,
        ) -> Result<Response<Bytes>, Box<dyn std::error::Error + Send + Sync>> {
            let sent = authorization_of(&request);
            let mut seen = self.0.lock().unwrap();
            seen.push(sent);
            Err(format!("bad credentials so far: {}", seen.join(" | ")).into())
        }
    }

    #[test]
    fn a_near_miss_quoted_in_another_scenario_s_error_is_hidden_too() {
        let env = secrets_env! { API_TOKEN => CANARY };
        let client = TestClient::with_handler(&env, QuotesEveryCredentialSoFar(Default::default()));
        let report = block_on(ProtectedRoute::get("/x", "API_TOKEN").check(&client)).unwrap();
        assert_no_near_miss(&format!("{report}\n{report:?}"));
    }

    #[test]
    fn basic_credentials_are_redacted_and_caught() {
        let env = secrets_env! { API_TOKEN => CANARY };
        for user in ["u", "us", "user", "a-longer-user-name"] {
            let credential = crate::routes::base64(&format!("{user}:{CANARY}"));
            let echoed = format!("Basic {credential}");
            let client = TestClient::new(&env, async |_, _| {
                Response::builder()
                    .status(401)
                    .header("x-seen", echoed.as_str())
                    .body(String::new())
                    .unwrap()
            });
            let response =
                client.send_blocking(TestRequest::get("/").header("authorization", &echoed));
            let message = panic_text(|| {
                response.assert_status(200);
            });
            let secret_part = &credential[credential.len() / 2..credential.len() - 4];
            for text in [&message, &response.to_snapshot(), &format!("{response:?}")] {
                assert!(!text.contains(secret_part), "user {user:?}: {text}");
            }
            let leaks = response.leaks();
            assert!(
                leaks.iter().any(|leak| leak.encoding == Encoding::Base64),
                "user {user:?}: {leaks:?}"
            );
        }
    }

    #[test]
    fn every_common_percent_encoding_is_caught() {
        let env = secrets_env! { API_TOKEN => CANARY };
        for encoded in [CANARY.replace('-', "%2D"), CANARY.replace('-', "%2d")] {
            let location = format!("/login?t={encoded}");
            let client = TestClient::new(&env, async |_, _| {
                Response::builder()
                    .status(302)
                    .header("location", location.as_str())
                    .body(String::new())
                    .unwrap()
            });
            let response = client.send_blocking(TestRequest::get("/"));
            assert!(!response.leaks().is_empty(), "{encoded}");
            assert_clean("snapshot", &response.to_snapshot());
            assert!(!response.to_snapshot().contains(&encoded));
        }
    }

    #[test]
    fn control_characters_cannot_hide_a_value_from_failure_messages() {
        let secret = "canary\u{1b}token-0123456789";
        let env = secrets_env! { API_TOKEN => secret };
        let client = TestClient::new(&env, async |_, _| {
            Response::builder()
                .header("x-echo", "plain")
                .body(secret.to_owned())
                .unwrap()
        });
        let response = client.send_blocking(TestRequest::get("/"));
        let message = panic_text(|| {
            response.assert_body("nope");
        });
        assert!(!message.contains("token-0123456789"), "{message}");
        let message = panic_text(|| {
            response.assert_body_contains(secret).assert_status(500);
        });
        assert!(!message.contains("token-0123456789"), "{message}");
    }

    #[test]
    fn request_debug_and_errors_hide_the_query() {
        let request = TestRequest::get(format!("/hook?token={CANARY}"));
        assert_clean("TestRequest", &format!("{request:?}"));
        let error = TestRequest::get(format!("/a b?token={CANARY}"))
            .try_build()
            .unwrap_err();
        assert_clean("RequestError", &format!("{error} {error:?}"));
    }
}

/// The README's examples are doctests only through one attribute in `src/lib.rs`; a merge once
/// dropped it silently, and the README then compiled nowhere.
#[test]
fn the_readme_is_compiled_as_doctests() {
    let lib = include_str!("../../src/lib.rs");
    assert!(
        lib.contains("#[cfg(doctest)]\n#[doc = include_str!(\"../README.md\")]"),
        "src/lib.rs must include README.md as doctests"
    );
}

/// The README's quick start recommends a fast edit loop (devflare-test-dylib, and `[lib]`
/// lines), and the edit-loop script times a crate set up that way: both must say the same, or
/// the figures in the README's Performance section measure something the README does not show.
#[test]
fn the_quick_start_setup_is_the_one_the_edit_loop_script_times() {
    let root = env!("CARGO_MANIFEST_DIR");
    let read = |path: &str| {
        std::fs::read_to_string(format!("{root}/{path}"))
            .unwrap_or_else(|error| panic!("{path}: {error}"))
    };
    let fast_block_of = |text: &str, what: &str| {
        let start = text
            .find("# A fast edit loop")
            .unwrap_or_else(|| panic!("{what} has no `# A fast edit loop` block"));
        let block: Vec<&str> = text[start..]
            .lines()
            .take_while(|line| !line.trim().is_empty() && !line.starts_with("```"))
            .collect();
        for line in ["test = false", "doctest = false", "[profile.test]"] {
            assert!(block.contains(&line), "{what}: no `{line}` in {block:?}");
        }
        block.join("\n")
    };
    // The dev-dependency line: devflare-test linked as a shared library, under its own name.
    let links_the_dylib = |text: &str, what: &str| {
        let line = text
            .lines()
            .find(|line| line.starts_with("devflare-test = "))
            .unwrap_or_else(|| panic!("{what} has no `devflare-test = …` dependency"));
        assert!(
            line.contains(r#"package = "devflare-test-dylib""#),
            "{what}: {line}"
        );
    };
    let readme = read("README.md");
    let template = read("scripts/edit-loop/rust/Cargo.toml.in");
    links_the_dylib(&readme, "README.md");
    links_the_dylib(&template, "scripts/edit-loop/rust/Cargo.toml.in");
    assert_eq!(
        fast_block_of(&readme, "README.md"),
        fast_block_of(&template, "scripts/edit-loop/rust/Cargo.toml.in")
    );
}

/// devflare-test-dylib is devflare-test under another crate type: a feature missing from it
/// would be one a quick-start user cannot turn on.
#[test]
fn the_dylib_forwards_every_feature() {
    let root = env!("CARGO_MANIFEST_DIR");
    let features_of = |path: &str| -> Vec<(String, String)> {
        let text = std::fs::read_to_string(format!("{root}/{path}"))
            .unwrap_or_else(|error| panic!("{path}: {error}"));
        let section = text
            .split("\n[features]\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{path}: no [features]"));
        section
            .lines()
            .take_while(|line| !line.starts_with('['))
            .filter(|line| !line.starts_with('#') && line.contains(" = "))
            .map(|line| {
                let (name, value) = line.split_once(" = ").unwrap();
                (name.to_owned(), value.to_owned())
            })
            .collect()
    };
    let crate_features = features_of("Cargo.toml");
    let dylib_features = features_of("devflare-test-dylib/Cargo.toml");
    let names = |features: &[(String, String)]| {
        features
            .iter()
            .map(|(name, _)| name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&crate_features), names(&dylib_features));
    for (name, value) in &dylib_features {
        let expected = if name == "default" {
            "[]".to_owned()
        } else {
            format!(r#"["devflare-test/{name}"]"#)
        };
        assert_eq!(
            value, &expected,
            "devflare-test-dylib's `{name}` must forward devflare-test's"
        );
    }
}

/// The crate docs state the root's and the prelude's sizes (issue 17: a small root, ≤ 25
/// names with macros, a prelude of ≤ 15): count them from the source so the numbers cannot
/// drift, and hold the limits.
#[test]
fn the_root_and_the_prelude_are_as_small_as_the_docs_say() {
    let root = env!("CARGO_MANIFEST_DIR");
    let lib = std::fs::read_to_string(format!("{root}/src/lib.rs")).unwrap();
    // Top-level public names of lib.rs: `pub use … {A, B}` / `pub use x as y` / `pub mod m`,
    // outside the inline modules' bodies and without the hidden `__private`.
    let mut depth = 0usize;
    let mut statement = String::new();
    let mut root_items = Vec::new();
    let mut prelude = String::new();
    let mut in_prelude = false;
    for line in lib.lines() {
        let code = line.trim();
        if in_prelude {
            prelude.push_str(code);
            prelude.push('\n');
        }
        if depth == 0 && (code.starts_with("pub use") || !statement.is_empty()) {
            statement.push_str(code);
            if code.ends_with(';') {
                let body = statement
                    .trim_start_matches("pub use")
                    .trim_end_matches(';');
                let names: Vec<String> = match body.split_once('{') {
                    Some((_, list)) => list
                        .trim_end_matches('}')
                        .split(',')
                        .map(|name| name.trim().to_owned())
                        .filter(|name| !name.is_empty())
                        .collect(),
                    None => vec![body.rsplit([' ', ':']).next().unwrap().trim().to_owned()],
                };
                root_items.extend(names);
                statement.clear();
            }
        }
        if depth == 0 && code.starts_with("pub mod ") && !code.contains("__private") {
            let name = code["pub mod ".len()..].trim_end_matches([';', '{', ' ']);
            root_items.push(name.to_owned());
            in_prelude = name == "prelude";
        }
        depth += code.matches('{').count();
        depth -= code.matches('}').count().min(depth);
        if depth == 0 {
            in_prelude = false;
        }
    }
    let mut macros = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(format!("{root}/src"))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut exported = false;
            for line in text.lines() {
                if line.trim() == "#[macro_export]" {
                    exported = true;
                } else if exported && let Some(rest) = line.trim().strip_prefix("macro_rules! ") {
                    let name = rest.trim_end_matches([' ', '{']).to_owned();
                    if !name.starts_with("__") && !macros.contains(&name) {
                        macros.push(name);
                    }
                    exported = false;
                }
            }
        }
    }
    let names = root_items.len() + macros.len();
    // The prelude's `pub use` statements, comments and attributes left out.
    let prelude_code: String = prelude
        .lines()
        .filter(|line| !line.starts_with("//") && !line.starts_with("#["))
        .collect();
    let prelude_names = prelude_code
        .split("pub use")
        .skip(1)
        .flat_map(|statement| {
            let statement = statement.split(';').next().unwrap_or_default();
            match statement.split_once('{') {
                Some((_, list)) => list
                    .trim_end_matches('}')
                    .split(',')
                    .map(|name| name.trim().to_owned())
                    .filter(|name| !name.is_empty())
                    .collect::<Vec<_>>(),
                None => vec![statement.rsplit(':').next().unwrap().trim().to_owned()],
            }
        })
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert!(
        names <= 25,
        "{names} root names: {root_items:?} + {macros:?}"
    );
    assert!(
        prelude_names <= 15,
        "{prelude_names} prelude names:\n{prelude}"
    );
    let stated = format!("— {names} names: {} items", root_items.len() - 7);
    assert!(
        lib.contains(&stated),
        "src/lib.rs must say `{stated}` (items {root_items:?}, macros {macros:?})"
    );
    assert!(
        lib.contains(&format!("[`prelude`] — {prelude_names} names")),
        "src/lib.rs must state the prelude's {prelude_names} names"
    );
}
