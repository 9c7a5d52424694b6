//! Editing the wrangler config rebuilds the crate that declares a typed env, and a binding
//! added there appears as a new accessor — checked with real `cargo check` runs of a scratch
//! crate, as a user's build would see it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TOKEN_ONLY: &str = r#"
[[secrets_store_secrets]]
binding = "API_TOKEN"
store_id = "0123456789abcdef0123456789abcdef"
secret_name = "API_TOKEN"
"#;

const GREETING: &str = r#"
[[secrets_store_secrets]]
binding = "GREETING"
store_id = "0123456789abcdef0123456789abcdef"
secret_name = "greeting"
"#;

const LIB: &str = r#"
devflare_bindings::typed_env! {
    /// The scratch crate's bindings.
    pub struct AppEnv from "wrangler.toml";
}

/// Uses the binding the config has from the start.
pub fn token(env: &impl devflare_bindings::SecretsStoreEnv) -> bool {
    AppEnv::new(env).api_token().is_ok()
}

/// Uses the binding added later.
#[cfg(feature = "greeting")]
pub fn greeting(env: &impl devflare_bindings::SecretsStoreEnv) -> bool {
    AppEnv::new(env).greeting().is_ok()
}
"#;

struct Scratch {
    dir: PathBuf,
    target: PathBuf,
}

impl Scratch {
    fn new() -> Self {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let dir = tmp.join("typed-env-rebuild");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src")).unwrap();
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let bindings = workspace.join("devflare-bindings");
        fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"typed-env-rebuild\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
                 publish = false\n\n[features]\ngreeting = []\n\n[dependencies]\n\
                 devflare-bindings = {{ path = {:?}, features = [\"typed-env\"] }}\n\n\
                 # Not part of any enclosing workspace.\n[workspace]\n",
                bindings.to_string_lossy()
            ),
        )
        .unwrap();
        // The workspace's lock file pins the same versions, so `--offline` resolves.
        fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        fs::write(dir.join("src/lib.rs"), LIB).unwrap();
        fs::write(dir.join("wrangler.toml"), TOKEN_ONLY).unwrap();
        // Its own target directory: the outer `cargo test` may hold the lock on ours.
        let target = tmp.join("typed-env-rebuild-target");
        Self { dir, target }
    }

    fn check(&self, features: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO"));
        command
            .arg("check")
            .arg("--offline")
            .arg("--message-format=json")
            .arg("--manifest-path")
            .arg(self.dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &self.target);
        if !features.is_empty() {
            command.arg("--features").arg(features.join(","));
        }
        command.output().unwrap()
    }
}

/// Whether cargo compiled the scratch crate in this run (rather than finding it fresh).
fn rebuilt(output: &Output) -> bool {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let artifact = stdout
        .lines()
        .find(|line| {
            line.contains(r#""reason":"compiler-artifact""#)
                && line.contains(r#""name":"typed_env_rebuild""#)
        })
        .unwrap_or_else(|| panic!("no artifact line for the scratch crate:\n{stdout}"));
    artifact.contains(r#""fresh":false"#)
}

fn show(output: &Output) -> String {
    format!(
        "status {}\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn a_binding_added_to_the_config_becomes_an_accessor_on_the_next_build() {
    let scratch = Scratch::new();

    let first = scratch.check(&[]);
    assert!(first.status.success(), "{}", show(&first));
    let unchanged = scratch.check(&[]);
    assert!(
        !rebuilt(&unchanged),
        "nothing changed: {}",
        show(&unchanged)
    );

    let before = scratch.check(&["greeting"]);
    assert!(!before.status.success(), "{}", show(&before));
    assert!(
        String::from_utf8_lossy(&before.stdout).contains("no method named `greeting`"),
        "{}",
        show(&before)
    );

    // Only the config changes: the same build as `first` must now recompile the crate.
    fs::write(
        scratch.dir.join("wrangler.toml"),
        format!("{TOKEN_ONLY}{GREETING}"),
    )
    .unwrap();
    let after_edit = scratch.check(&[]);
    assert!(after_edit.status.success(), "{}", show(&after_edit));
    assert!(
        rebuilt(&after_edit),
        "the config edit must trigger a rebuild"
    );

    let after = scratch.check(&["greeting"]);
    assert!(after.status.success(), "{}", show(&after));
}
