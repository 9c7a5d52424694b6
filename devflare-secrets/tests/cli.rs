//! The `devflare-secrets` binary, run as a process: round trips, atomic and locked writes,
//! mode 0600, git safety, exit codes — and never a value in any output.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use devflare_config::devflare_local;

const BIN: &str = env!("CARGO_BIN_EXE_devflare-secrets");
const CANARY: &str = "CANARY-cli-5b2a";
/// A file written by Devflare (TypeScript), byte for byte.
const DEVFLARE_FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/devflare-local.json"
);

/// A fresh project folder under the system temp folder, removed on drop.
struct Project(PathBuf);

impl Project {
    fn new(label: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "devflare-cli-{label}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn file(&self) -> PathBuf {
        self.0.join(".devflare/secrets.local.json")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .arg("--project")
            .arg(&self.0)
            .args(args)
            .env_remove("DEVFLARE_SECRETS_TEST_PAUSE_BEFORE_RENAME");
        command
    }

    /// Runs the CLI with `stdin` piped in.
    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A usage error exits before reading stdin; the broken pipe is not the test's concern.
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        child.wait_with_output().unwrap()
    }

    fn set(&self, store: &str, name: &str, value: &str) -> Output {
        let output = self.run(&["set", "--store", store, "--name", name], value);
        assert_ok(&output);
        output
    }

    fn list(&self) -> Vec<String> {
        let output = self.run(&["list"], "");
        assert_ok(&output);
        stdout(&output).lines().map(str::to_owned).collect()
    }

    /// The value as devflare-test reads it (through the same shared reader).
    fn value(&self, store: &str, name: &str) -> Option<String> {
        let file = devflare_local::read(&self.file()).unwrap();
        file.get(store, name)
            .map(|secret| secret.value().to_owned())
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[track_caller]
fn assert_ok(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status.code(),
        stderr(output)
    );
}

#[track_caller]
fn assert_no_canary(output: &Output) {
    for text in [stdout(output), stderr(output)] {
        assert!(!text.contains(CANARY), "a value leaked: {text}");
    }
}

#[test]
fn set_list_delete_round_trip() {
    let project = Project::new("round-trip");
    project.set("store-a", "FROM_STDIN", "héllo wörld ✓ 🙂  \n"); // one newline is dropped
    let value_file = project.0.join("value.txt");
    fs::write(&value_file, "line one\nline two\n").unwrap();
    let output = project.run(
        &[
            "set",
            "--store",
            "store-b",
            "--name",
            "KEPT",
            "--keep-newline",
        ],
        "v\r\n",
    );
    assert_ok(&output);
    let output = project
        .command(&["set", "--store", "store-a", "--name", "FROM_FILE", "--file"])
        .arg(&value_file)
        .output()
        .unwrap();
    assert_ok(&output);

    assert_eq!(
        project.list(),
        ["store-a/FROM_FILE", "store-a/FROM_STDIN", "store-b/KEPT"]
    );
    assert_eq!(
        project.value("store-a", "FROM_STDIN").as_deref(),
        Some("héllo wörld ✓ 🙂  ")
    );
    assert_eq!(
        project.value("store-a", "FROM_FILE").as_deref(),
        Some("line one\nline two")
    );
    assert_eq!(project.value("store-b", "KEPT").as_deref(), Some("v\r\n"));

    // Overwrite keeps the others.
    project.set("store-a", "FROM_STDIN", "second");
    assert_eq!(
        project.value("store-a", "FROM_STDIN").as_deref(),
        Some("second")
    );

    let output = project.run(&["delete", "--store", "store-a", "--name", "FROM_FILE"], "");
    assert_ok(&output);
    assert_eq!(stdout(&output), "deleted store-a/FROM_FILE\n");
    assert_eq!(project.list(), ["store-a/FROM_STDIN", "store-b/KEPT"]);
    assert_eq!(project.value("store-b", "KEPT").as_deref(), Some("v\r\n"));

    let output = project.run(&["list", "--store", "store-b"], "");
    assert_eq!(stdout(&output), "store-b/KEPT\n");
}

#[test]
fn no_output_ever_contains_a_value() {
    let project = Project::new("canary");
    let mut outputs = vec![
        project.run(&["set", "--store", "s", "--name", "A", "-v"], CANARY),
        project.run(
            &[
                "set", "--store", "s", "--name", "B", "--value", CANARY, "-v",
            ],
            "",
        ),
        project.run(&["list", "-v"], ""),
        project.run(&["list", "--store", "t", "-v"], ""),
        project.run(&["delete", "--store", "s", "--name", "C", "-v"], ""),
        // Usage errors with the value where it does not belong.
        project.run(&["set", "--store", "s", "--name", "A", CANARY], ""),
        project.run(&[CANARY], ""),
        project.run(&["set", &format!("--vaule={CANARY}")], ""),
        project.run(&["list", "--value", CANARY], ""),
        project.run(
            &[
                "set", "--store", "s", "--name", "A", "--value", CANARY, "--file", "f",
            ],
            "",
        ),
        project.run(&["set", "--value", CANARY], ""),
        project.run(&["set", "--help"], ""),
    ];
    assert!(fs::read_to_string(project.file()).unwrap().contains(CANARY));
    assert_eq!(project.list(), ["s/A", "s/B"]);

    // Broken files, with the value inside them.
    let file = project.file();
    for broken in [
        format!(
            "{{\"version\": 1, \"stores\": {{\"s\": {{\"A\": {{\"value\": \"{CANARY}\" }} \"x\"}}}}}}"
        ),
        format!(
            "{{\"version\": 9, \"stores\": {{\"s\": {{\"A\": {{\"value\": \"{CANARY}\"}}}}}}}}"
        ),
        format!(
            "{{\"version\": 1, \"stores\": {{\"s\": {{\"A\": {{\"value\": {{\"{CANARY}\": 1}}}}}}}}}}"
        ),
    ] {
        fs::write(&file, &broken).unwrap();
        outputs.push(project.run(&["list", "-v"], ""));
        outputs.push(project.run(&["set", "--store", "s", "--name", "A", "-v"], CANARY));
        outputs.push(project.run(&["delete", "--store", "s", "--name", "A", "-v"], ""));
    }
    for output in &outputs {
        assert_no_canary(output);
    }
    assert!(outputs.iter().any(|o| stderr(o).contains("error")));
}

#[test]
fn a_malformed_or_newer_file_is_never_overwritten() {
    let project = Project::new("malformed");
    fs::create_dir_all(project.0.join(".devflare")).unwrap();
    for (text, problem) in [
        (
            "{\"version\": 2, \"stores\": {}}",
            "version 2 is not supported",
        ),
        ("{\"version\": 1, \"stores\": {", "invalid JSON"),
    ] {
        fs::write(project.file(), text).unwrap();
        let output = project.run(&["set", "--store", "s", "--name", "n"], "v");
        assert_eq!(output.status.code(), Some(1));
        assert!(stderr(&output).contains(problem), "{}", stderr(&output));
        assert!(
            stderr(&output).contains(&project.file().display().to_string()),
            "{}",
            stderr(&output)
        );
        assert_eq!(fs::read_to_string(project.file()).unwrap(), text);
        let output = project.run(&["list"], "");
        assert_eq!(output.status.code(), Some(1));
    }
}

#[cfg(unix)]
#[test]
fn the_file_has_mode_0600_even_if_it_was_looser() {
    use std::os::unix::fs::PermissionsExt;
    let project = Project::new("mode");
    project.set("s", "n", "v");
    let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&project.file()), 0o600);
    fs::set_permissions(project.file(), fs::Permissions::from_mode(0o644)).unwrap();
    project.set("s", "m", "w");
    assert_eq!(mode(&project.file()), 0o600);
}

#[test]
fn a_written_file_has_the_devflare_fixture_shape() {
    let project = Project::new("shape");
    project.set("store-123", "api-token", "devflare-local-token");
    let written = fs::read_to_string(project.file()).unwrap();
    let fixture = fs::read_to_string(DEVFLARE_FIXTURE).unwrap();

    // Byte for byte, except the timestamp: same keys, version 1, tabs, trailing newline.
    let stamp = |text: &str| {
        let start = text.find("\"updatedAt\": \"").unwrap() + "\"updatedAt\": \"".len();
        text[start..start + 24].to_owned()
    };
    let written_stamp = stamp(&written);
    assert_eq!(written_stamp.len(), "2026-11-20T09:15:00.000Z".len());
    assert!(written_stamp.ends_with('Z') && written_stamp.as_bytes()[10] == b'T');
    assert_eq!(written.replace(&written_stamp, &stamp(&fixture)), fixture);
}

#[test]
fn a_devflare_file_keeps_its_entries_when_the_cli_writes() {
    let project = Project::new("keep");
    fs::create_dir_all(project.0.join(".devflare")).unwrap();
    fs::copy(DEVFLARE_FIXTURE, project.file()).unwrap();
    project.set("other", "n", "v");
    let text = fs::read_to_string(project.file()).unwrap();
    assert!(
        text.contains("\"updatedAt\": \"2026-11-20T09:15:00.000Z\""),
        "{text}"
    );
    assert_eq!(
        project.value("store-123", "api-token").as_deref(),
        Some("devflare-local-token")
    );
}

/// A writer killed after writing its temporary file, before renaming it, leaves the old file
/// intact; the next writer clears the stale temporary file. Uses the CLI's debug-only hook.
#[cfg(debug_assertions)]
#[test]
fn a_writer_killed_mid_write_leaves_the_old_file_intact() {
    let project = Project::new("killed");
    project.set("s", "n", "old-value");
    let before = fs::read(project.file()).unwrap();

    let marker = project.0.join("paused");
    let mut child = project
        .command(&["set", "--store", "s", "--name", "n"])
        .env("DEVFLARE_SECRETS_TEST_PAUSE_BEFORE_RENAME", &marker)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"new-value").unwrap();
    // Not a timing assertion: a generous bound so a broken hook fails instead of hanging.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !marker.exists() {
        assert!(
            Instant::now() < deadline,
            "the writer never reached the hook"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let temp = project
        .0
        .join(format!(".devflare/secrets.local.json.{}.tmp", child.id()));
    assert!(fs::read_to_string(&temp).unwrap().contains("new-value"));
    child.kill().unwrap();
    child.wait().unwrap();

    assert_eq!(fs::read(project.file()).unwrap(), before);
    assert_eq!(project.value("s", "n").as_deref(), Some("old-value"));
    assert_eq!(project.list(), ["s/n"]);

    // The lock died with the writer; the next write goes through and clears the leftover.
    project.set("s", "m", "v");
    assert!(!temp.exists());
    assert_eq!(project.value("s", "n").as_deref(), Some("old-value"));
}

#[test]
fn concurrent_writers_both_land() {
    let project = Project::new("concurrent");
    project.set("s", "seed", "v");
    let rounds = 12;
    let writers = 3;
    for round in 0..rounds {
        let children: Vec<_> = (0..writers)
            .map(|writer| {
                let mut child = project
                    .command(&[
                        "set",
                        "--store",
                        "s",
                        "--name",
                        &format!("r{round:02}-w{writer}"),
                    ])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap();
                // Close stdin only after all writers are spawned, so they race on the file.
                (child.stdin.take().unwrap(), child)
            })
            .collect();
        let children: Vec<_> = children
            .into_iter()
            .map(|(mut stdin, child)| {
                stdin.write_all(b"value").unwrap();
                drop(stdin);
                child
            })
            .collect();
        for mut child in children {
            assert!(child.wait().unwrap().success());
        }
    }
    let listed = project.list();
    assert_eq!(listed.len(), 1 + rounds * writers, "{listed:?}");
    for round in 0..rounds {
        for writer in 0..writers {
            assert!(listed.contains(&format!("s/r{round:02}-w{writer}")));
        }
    }
}

#[test]
fn exit_codes_are_as_documented() {
    let project = Project::new("exit");
    let code = |args: &[&str]| project.run(args, "v").status.code();
    assert_eq!(code(&["set", "--store", "s", "--name", "n"]), Some(0));
    assert_eq!(code(&["list"]), Some(0));
    assert_eq!(
        code(&["delete", "--store", "s", "--name", "missing"]),
        Some(1)
    );
    assert_eq!(code(&["frobnicate"]), Some(2));
    assert_eq!(code(&["set", "--store", "s"]), Some(2));
    assert_eq!(code(&["list", "--nmae", "x"]), Some(2));
    assert_eq!(code(&[]), Some(2));

    let output = project.run(&["delete", "--store", "s", "--name", "m"], "");
    assert!(
        stderr(&output).contains("did you mean `s/n`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn every_command_has_help_with_exit_codes() {
    let project = Project::new("help");
    for args in [
        &["--help"][..],
        &["help"],
        &["set", "--help"],
        &["list", "-h"],
        &["delete", "--help"],
    ] {
        let output = project.run(args, "");
        assert_ok(&output);
        let text = stdout(&output);
        assert!(
            text.contains("USAGE:") && text.contains("EXIT CODES:"),
            "{args:?}: {text}"
        );
    }
    let set_help = stdout(&project.run(&["set", "--help"], ""));
    assert!(set_help.contains("stdin") && set_help.contains("shell history"));
}

fn git_available() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn warns_when_the_file_is_not_git_ignored_and_fixes_it_on_request() {
    if !git_available() {
        eprintln!("git not installed: skipping the git-ignore check");
        return;
    }
    let project = Project::new("git");
    let init = Command::new("git")
        .arg("-C")
        .arg(&project.0)
        .args(["init", "-q"])
        .status()
        .unwrap();
    assert!(init.success());

    let output = project.set("s", "n", "v");
    assert!(
        stderr(&output).contains("is not git-ignored"),
        "{}",
        stderr(&output)
    );

    let output = project.run(&["list", "--gitignore"], "");
    assert_ok(&output);
    assert!(!stderr(&output).contains("is not git-ignored"));
    let gitignore = fs::read_to_string(project.0.join(".gitignore")).unwrap();
    assert!(
        gitignore
            .lines()
            .any(|l| l == ".devflare/secrets.local.json*")
    );

    // Idempotent, and the warning is gone.
    let output = project.run(&["set", "--store", "s", "--name", "n", "--gitignore"], "v");
    assert_ok(&output);
    assert!(
        !stderr(&output).contains("git-ignored"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        fs::read_to_string(project.0.join(".gitignore")).unwrap(),
        gitignore
    );
}

#[test]
fn version_prints_the_crate_version() {
    let project = Project::new("version");
    for flag in ["--version", "-V"] {
        let output = project.run(&[flag], "");
        assert_ok(&output);
        assert_eq!(
            stdout(&output),
            format!("devflare-secrets {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn an_empty_value_is_refused_unless_allowed() {
    let project = Project::new("empty");
    for input in ["", "\n", "\r\n"] {
        let output = project.run(&["set", "--store", "s", "--name", "n"], input);
        assert_eq!(output.status.code(), Some(1), "{input:?}");
        assert!(
            stderr(&output).contains("--allow-empty"),
            "{}",
            stderr(&output)
        );
        assert!(!project.file().exists(), "nothing is written");
    }
    let output = project.run(&["set", "--store", "s", "--name", "n", "--value", ""], "");
    assert_eq!(output.status.code(), Some(1));

    let output = project.run(&["set", "--store", "s", "--name", "n", "--allow-empty"], "");
    assert_ok(&output);
    assert_eq!(project.value("s", "n").as_deref(), Some(""));
}

#[test]
fn store_ids_and_names_with_whitespace_or_control_characters_are_refused() {
    let project = Project::new("odd-names");
    for (store, name) in [
        ("s\nforged/line", "n"),
        ("s", "a b"),
        ("s", "tab\there"),
        ("s\u{1b}[2J", "n"),
        ("s", "a/b"),
        ("", "n"),
    ] {
        let output = project.run(&["set", "--store", store, "--name", name], "v");
        assert_eq!(output.status.code(), Some(2), "{store:?} {name:?}");
        let text = stderr(&output);
        assert!(text.contains("must not"), "{text}");
        assert!(
            !text.contains("forged") && !text.contains("here"),
            "never echoed: {text}"
        );
        let output = project.run(&["list", "--store", store], "");
        let expected = if store == "s" { 0 } else { 2 };
        assert_eq!(
            output.status.code(),
            Some(expected),
            "list --store {store:?}"
        );
    }
    assert!(!project.file().exists());
}

#[test]
fn list_prints_one_line_per_entry_even_for_odd_names_in_the_file() {
    let project = Project::new("forged");
    fs::create_dir_all(project.0.join(".devflare")).unwrap();
    // Another tool wrote a store id holding a newline: `list` must not print a forged line.
    fs::write(
        project.file(),
        "{\"version\": 1, \"stores\": {\"s\\nevil/forged\": {\"n\": {\"value\": \"v\"}}, \"ok\": {\"m\": {\"value\": \"w\"}}}}",
    )
    .unwrap();
    let listed = project.list();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed.contains(&"ok/m".to_owned()));
    assert!(
        !listed.iter().any(|line| line.starts_with("evil")),
        "{listed:?}"
    );
}

/// A values file that is a symbolic link (shared between checkouts) is updated where it points:
/// the link stays a link, and its target gets the new value.
#[cfg(unix)]
#[test]
fn a_symlinked_values_file_is_updated_through_the_link() {
    let project = Project::new("symlink");
    let shared = Project::new("symlink-target");
    let target = shared.0.join("shared-secrets.json");
    fs::write(&target, "{\n\t\"version\": 1,\n\t\"stores\": {}\n}\n").unwrap();
    fs::create_dir_all(project.0.join(".devflare")).unwrap();
    std::os::unix::fs::symlink(&target, project.file()).unwrap();
    project.set("s", "n", CANARY);
    let link = fs::symlink_metadata(project.file()).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    let shared_file = devflare_local::read(&target).unwrap();
    assert_eq!(shared_file.get("s", "n").map(|s| s.value()), Some(CANARY));

    // A link to nothing is an error naming the file, and nothing is written.
    fs::remove_file(&target).unwrap();
    let output = project.run(&["set", "--store", "s", "--name", "m"], CANARY);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("symbolic link"),
        "{}",
        stderr(&output)
    );
    assert_no_canary(&output);
    assert!(!target.exists());
}

#[test]
fn suggestions_are_only_for_near_names() {
    let project = Project::new("near");
    project.set("0123456789abcdef0123456789abcdef", "admin-token", "v");
    let delete = |store: &str, name: &str| {
        let output = project.run(&["delete", "--store", store, "--name", name], "");
        assert_eq!(output.status.code(), Some(1));
        stderr(&output)
    };
    let far = delete("0123456789abcdef0123456789abcdef", "temp");
    assert!(!far.contains("did you mean"), "{far}");
    let near = delete("0123456789abcdef0123456789abcdef", "admin-tokn");
    assert!(
        near.contains("did you mean `0123456789abcdef0123456789abcdef/admin-token`?"),
        "{near}"
    );
    let store_typo = delete("0123456789abcdef0123456789abcdeg", "admin-token");
    assert!(
        store_typo.contains("did you mean `0123456789abcdef0123456789abcdef/admin-token`?"),
        "{store_typo}"
    );
    let other_store = delete("ffff", "admin-token");
    assert!(!other_store.contains("did you mean"), "{other_store}");
    // A near store that does not hold the name: never an entry that does not exist.
    let store_typo_other_name = delete("0123456789abcdef0123456789abcdeg", "whatever-else");
    assert!(
        !store_typo_other_name.contains("/whatever-else`?"),
        "{store_typo_other_name}"
    );
    assert!(
        store_typo_other_name.contains("did you mean store `0123456789abcdef0123456789abcdef`?"),
        "{store_typo_other_name}"
    );
}

// --- The project's wrangler config: `--binding`, `--env`, `--config`, and warnings for a
// `--store`/`--name` that no binding reads.

const STORE: &str = "0123456789abcdef0123456789abcdef";
const STAGING_STORE: &str = "fedcba9876543210fedcba9876543210";

/// Two bindings at the top level (one whose secret name differs from its binding name), a var,
/// and a staging environment with its own binding (named environments inherit none).
const WRANGLER_TOML: &str = r#"name = "admin-worker"

[[secrets_store_secrets]]
binding = "ADMIN_TOKEN"
store_id = "0123456789abcdef0123456789abcdef"
secret_name = "admin-token"

[[secrets_store_secrets]]
binding = "API_TOKEN"
store_id = "0123456789abcdef0123456789abcdef"
secret_name = "api-token"

[vars]
GREETING = "hello"

[env.staging]
[[env.staging.secrets_store_secrets]]
binding = "STAGING_TOKEN"
store_id = "fedcba9876543210fedcba9876543210"
secret_name = "staging-token"
"#;

impl Project {
    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }
}

#[test]
fn binding_is_resolved_through_wrangler_toml() {
    let project = Project::new("binding");
    project.write("wrangler.toml", WRANGLER_TOML);
    let output = project.run(&["set", "--binding", "ADMIN_TOKEN"], CANARY);
    assert_ok(&output);
    assert_no_canary(&output);
    assert_eq!(
        stdout(&output),
        format!("set {STORE}/admin-token (binding ADMIN_TOKEN)\n")
    );
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
    assert_eq!(project.value(STORE, "admin-token").as_deref(), Some(CANARY));

    let output = project.run(&["delete", "--binding", "ADMIN_TOKEN", "-v"], "");
    assert_ok(&output);
    assert_no_canary(&output);
    assert_eq!(
        stdout(&output),
        format!("deleted {STORE}/admin-token (binding ADMIN_TOKEN)\n")
    );
    // Verbose output names the config it read.
    let config = project.0.join("wrangler.toml").display().to_string();
    assert!(stderr(&output).contains(&config), "{}", stderr(&output));
    assert_eq!(project.value(STORE, "admin-token"), None);
}

#[test]
fn binding_with_env_uses_that_section_only() {
    let project = Project::new("binding-env");
    project.write("wrangler.toml", WRANGLER_TOML);
    let output = project.run(
        &["set", "--env", "staging", "--binding", "STAGING_TOKEN"],
        CANARY,
    );
    assert_ok(&output);
    assert_no_canary(&output);
    assert_eq!(
        project.value(STAGING_STORE, "staging-token").as_deref(),
        Some(CANARY)
    );

    // Declared only in [env.staging]: without --env it is not found, and the error says so.
    let output = project.run(&["set", "--binding", "STAGING_TOKEN"], CANARY);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("--env staging"),
        "{}",
        stderr(&output)
    );
    assert_no_canary(&output);

    // A top-level binding is not inherited by a named environment, as in wrangler.
    let output = project.run(
        &["set", "--env", "staging", "--binding", "ADMIN_TOKEN"],
        CANARY,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("not inherited"), "{text}");
    assert!(text.contains("[env.staging]"), "{text}");
    assert_no_canary(&output);

    // An env typo gets a suggestion.
    let output = project.run(
        &["set", "--env", "stagin", "--binding", "ADMIN_TOKEN"],
        CANARY,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("did you mean `staging`?"),
        "{}",
        stderr(&output)
    );
    assert_no_canary(&output);
    assert_eq!(project.list(), [format!("{STAGING_STORE}/staging-token")]);
}

#[test]
fn an_unknown_binding_is_an_error_with_a_suggestion() {
    let project = Project::new("binding-unknown");
    project.write("wrangler.toml", WRANGLER_TOML);
    let failing = |binding: &str| {
        let output = project.run(&["set", "--binding", binding], CANARY);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        assert_no_canary(&output);
        stderr(&output)
    };
    let typo = failing("ADMIN_TOKN");
    assert!(typo.contains("did you mean `ADMIN_TOKEN`?"), "{typo}");
    assert!(typo.contains("wrangler.toml"), "{typo}");
    // The secret name given as a binding: name the binding that reads it.
    let secret_name = failing("api-token");
    assert!(
        secret_name.contains("secret name of binding `API_TOKEN`"),
        "{secret_name}"
    );
    // A binding of another kind.
    let var = failing("GREETING");
    assert!(var.contains("`vars`"), "{var}");
    let far = failing("DATABASE_URL");
    assert!(!far.contains("did you mean"), "{far}");
    assert!(far.contains("`ADMIN_TOKEN`, `API_TOKEN`"), "{far}");
    assert!(!project.file().exists(), "nothing is written");
}

#[test]
fn binding_reads_jsonc_json_and_a_config_given_with_config() {
    let project = Project::new("binding-jsonc");
    project.write(
        "wrangler.jsonc",
        &format!(
            "// comments and trailing commas, as wrangler allows\n{{\n  \"name\": \"w\",\n  \"secrets_store_secrets\": [\n    {{ \"binding\": \"API_TOKEN\", \"store_id\": \"{STORE}\", \"secret_name\": \"jsonc-token\" }},\n  ],\n}}\n"
        ),
    );
    let output = project.run(&["set", "--binding", "API_TOKEN"], CANARY);
    assert_ok(&output);
    assert_eq!(project.value(STORE, "jsonc-token").as_deref(), Some(CANARY));

    // wrangler's order when several exist: wrangler.json, then wrangler.jsonc, then .toml.
    project.write("wrangler.toml", WRANGLER_TOML);
    project.write(
        "wrangler.json",
        &format!(
            "{{\"secrets_store_secrets\": [{{\"binding\": \"API_TOKEN\", \"store_id\": \"{STORE}\", \"secret_name\": \"json-token\"}}]}}"
        ),
    );
    let output = project.run(&["set", "--binding", "API_TOKEN"], CANARY);
    assert_ok(&output);
    assert_eq!(project.value(STORE, "json-token").as_deref(), Some(CANARY));

    // --config picks another file (here relative to the current folder).
    let other = project.write("config/wrangler.other.toml", WRANGLER_TOML);
    let output = project
        .command(&[
            "set",
            "--config",
            "config/wrangler.other.toml",
            "--binding",
            "API_TOKEN",
        ])
        .current_dir(&project.0)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    // An empty stdin: refused, but only after the binding was resolved.
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("empty"), "{}", stderr(&output));
    let output = project.run(
        &[
            "set",
            "--config",
            other.to_str().unwrap(),
            "--binding",
            "API_TOKEN",
        ],
        CANARY,
    );
    assert_ok(&output);
    assert_eq!(project.value(STORE, "api-token").as_deref(), Some(CANARY));
    assert_no_canary(&output);

    // A --config that does not exist is an error naming it.
    let output = project.run(
        &[
            "set",
            "--config",
            "/nonexistent/wrangler.toml",
            "--binding",
            "API_TOKEN",
        ],
        CANARY,
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("/nonexistent/wrangler.toml"),
        "{}",
        stderr(&output)
    );
    assert_no_canary(&output);
}

#[test]
fn binding_needs_a_config_and_excludes_store_and_name() {
    let project = Project::new("binding-no-config");
    let output = project.run(&["set", "--binding", "API_TOKEN"], CANARY);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("no wrangler config"), "{text}");
    assert!(text.contains("--config"), "{text}");
    assert_no_canary(&output);

    project.write("wrangler.toml", WRANGLER_TOML);
    for args in [
        &["set", "--binding", "API_TOKEN", "--store", STORE][..],
        &["delete", "--binding", "API_TOKEN", "--name", "api-token"],
        &["set"],
        &["delete", "--env", "staging"],
    ] {
        let output = project.run(args, CANARY);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).contains("--binding"), "{}", stderr(&output));
        assert_no_canary(&output);
    }
    assert!(!project.file().exists());
}

#[test]
fn a_store_and_name_no_binding_reads_get_a_warning() {
    let project = Project::new("unbound");
    project.write("wrangler.toml", WRANGLER_TOML);
    let set = |store: &str, name: &str| {
        let output = project.run(&["set", "--store", store, "--name", name], CANARY);
        assert_ok(&output);
        assert_no_canary(&output);
        stderr(&output)
    };
    // The issue's case: the binding name given as the secret name.
    let text = set(STORE, "ADMIN_TOKEN");
    assert!(text.contains("warning:"), "{text}");
    assert!(text.contains("`admin-token`"), "{text}");
    assert!(text.contains("--binding ADMIN_TOKEN"), "{text}");
    // A near secret name in a store some binding uses.
    let text = set(STORE, "api-tokn");
    assert!(
        text.contains("did you mean `--binding API_TOKEN`"),
        "{text}"
    );
    // A store no binding uses.
    let text = set("ffff", "x");
    assert!(
        text.contains("warning:") && text.contains("no binding"),
        "{text}"
    );
    // What a binding reads, in any section when no --env is given: no warning.
    assert!(!set(STORE, "admin-token").contains("warning"));
    assert!(!set(STAGING_STORE, "staging-token").contains("warning"));
    // With --env, only that section counts.
    let output = project.run(
        &[
            "set",
            "--env",
            "staging",
            "--store",
            STORE,
            "--name",
            "admin-token",
        ],
        CANARY,
    );
    assert_ok(&output);
    assert!(stderr(&output).contains("warning:"), "{}", stderr(&output));
    // delete warns the same way.
    let output = project.run(&["delete", "--store", STORE, "--name", "ADMIN_TOKEN"], "");
    assert_ok(&output);
    assert!(
        stderr(&output).contains("--binding ADMIN_TOKEN"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn no_binding_warning_without_a_config() {
    let project = Project::new("unbound-no-config");
    let output = project.run(&["set", "--store", STORE, "--name", "ADMIN_TOKEN"], CANARY);
    assert_ok(&output);
    assert!(!stderr(&output).contains("binding"), "{}", stderr(&output));
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
    // A broken config: a short warning that it could not be checked, and the value is set.
    project.write("wrangler.toml", "[[secrets_store_secrets]]\nbinding = 3\n");
    let output = project.run(&["set", "--store", STORE, "--name", "ADMIN_TOKEN"], CANARY);
    assert_ok(&output);
    let text = stderr(&output);
    assert!(text.contains("to check `--store`/`--name`"), "{text}");
    assert!(text.contains("wrangler.toml:2:11"), "{text}");
    assert_no_canary(&output);
}

#[test]
fn a_value_given_with_value_gets_a_shell_history_warning() {
    let project = Project::new("history");
    let output = project.run(
        &["set", "--store", "s", "--name", "n", "--value", CANARY],
        "",
    );
    assert_ok(&output);
    assert_no_canary(&output);
    let text = stderr(&output);
    assert!(text.contains("shell history"), "{text}");
    assert!(text.contains("stdin") && text.contains("--file"), "{text}");
    assert_eq!(project.value("s", "n").as_deref(), Some(CANARY));
    // Not for a value read from stdin.
    let output = project.set("s", "n", CANARY);
    assert!(!stderr(&output).contains("shell history"));
}

/// Runs the CLI with git unable to find a repository above the project folder (or without
/// git on the `PATH` at all), so the test does not depend on where the temp folder is.
fn run_outside_git(project: &Project, args: &[&str], no_git: bool) -> Output {
    let mut command = project.command(args);
    command
        .env("GIT_CEILING_DIRECTORIES", project.0.parent().unwrap())
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .stdin(Stdio::null());
    if no_git {
        let empty = project.0.join("empty-path");
        fs::create_dir_all(&empty).unwrap();
        command.env("PATH", empty);
    }
    let output = command.output().unwrap();
    assert_ok(&output);
    output
}

#[test]
fn the_git_note_is_shown_once_outside_a_repository() {
    for no_git in [false, true] {
        let project = Project::new("git-once");
        let value = project.write("value.txt", CANARY);
        let value = value.to_str().unwrap();
        let first = run_outside_git(
            &project,
            &["set", "--store", "s", "--name", "a", "--file", value],
            no_git,
        );
        assert_no_canary(&first);
        let note = stderr(&first);
        assert!(note.contains("note:") && note.contains("git"), "{note}");
        if !no_git {
            assert!(note.contains("not in a git repository"), "{note}");
        }
        // The file exists now: later commands say nothing about git…
        for args in [
            &["set", "--store", "s", "--name", "b", "--file", value][..],
            &["list"],
            &["delete", "--store", "s", "--name", "b"],
        ] {
            let output = run_outside_git(&project, args, no_git);
            assert!(
                !stderr(&output).contains("git"),
                "{args:?}: {}",
                stderr(&output)
            );
            assert_no_canary(&output);
        }
        // …unless asked with --verbose.
        let output = run_outside_git(&project, &["list", "-v"], no_git);
        assert!(stderr(&output).contains("git"), "{}", stderr(&output));
    }
}

#[test]
fn help_documents_binding_env_config_and_the_git_rule() {
    let project = Project::new("help-binding");
    let set_help = stdout(&project.run(&["set", "--help"], ""));
    for needle in [
        "--binding NAME",
        "--env NAME",
        "--config PATH",
        "not inherited",
    ] {
        assert!(set_help.contains(needle), "{needle}: {set_help}");
    }
    let delete_help = stdout(&project.run(&["delete", "--help"], ""));
    assert!(delete_help.contains("--binding NAME"), "{delete_help}");
    let main_help = stdout(&project.run(&["--help"], ""));
    assert!(main_help.contains("GIT:"), "{main_help}");
    assert!(main_help.contains("once"), "{main_help}");
}
