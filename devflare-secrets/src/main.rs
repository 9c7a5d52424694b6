//! `devflare-secrets`: set, list and delete local values in Devflare's
//! `.devflare/secrets.local.json`. The binary is a thin `main` over [`main`].
//!
//! Unlike the library, the CLI may use the working directory (the default project folder), the
//! clock (`updatedAt`) and git. It never prints a value: not on success, not in errors, not in
//! verbose output.

mod args;
mod clock;
mod git;

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::SecretRef;
use crate::error::Error;
use crate::local::devflare_file::{self, DevflareFile};
use args::{Command, CommandKind, Invocation, ValueInput};

/// Exit codes, as documented in `--help` and the README.
const EXIT_OPERATIONAL: u8 = 1;
const EXIT_USAGE: u8 = 2;

/// Runs the CLI with the process's arguments, stdin, stdout, stderr and working directory.
pub fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let stdout = &mut io::stdout().lock();
    let stderr = &mut io::stderr().lock();
    let code = match args::parse(args) {
        Ok(Invocation::Help(text)) => {
            let _ = stdout.write_all(text.as_bytes());
            0
        }
        Ok(Invocation::Run(command)) => match run(&command, stdout, stderr) {
            Ok(()) => 0,
            Err(error) => {
                let _ = writeln!(stderr, "error: {error}");
                EXIT_OPERATIONAL
            }
        },
        Err(usage) => {
            let _ = writeln!(
                stderr,
                "error: {}\n\nFor more information, try `{}`.",
                usage.message, usage.help_hint
            );
            EXIT_USAGE
        }
    };
    ExitCode::from(code)
}

fn run(command: &Command, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<(), Error> {
    let project = match &command.project {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().map_err(|e| Error::LocalValues {
            path: PathBuf::from("."),
            position: None,
            problem: format!("cannot read the current folder (give --project DIR): {e}"),
        })?,
    };
    let path = project.join(devflare_file::RELATIVE_PATH);
    let reference = || {
        SecretRef::new(
            command.store.clone().unwrap_or_default(),
            command.name.clone().unwrap_or_default(),
        )
    };

    match command.kind {
        CommandKind::Set => {
            let reference = reference();
            let value = read_value(command, stderr)?;
            if value.len() > crate::validate::MAX_VALUE_BYTES {
                let _ = writeln!(
                    stderr,
                    "warning: the value of `{reference}` is over production's cap of {} bytes",
                    crate::validate::MAX_VALUE_BYTES
                );
            }
            let updated_at = clock::now_iso8601();
            let counts = devflare_file::update(
                &path,
                |file| {
                    file.set(&reference, value, updated_at);
                    Ok(counts(file))
                },
                pause_before_rename_hook(),
            )?;
            let _ = writeln!(stdout, "set {reference}");
            verbose(command, stderr, &path, counts);
        }
        CommandKind::List => {
            let file = match devflare_file::read_text(&path) {
                Ok(text) => Some(DevflareFile::parse(&text, &path)?),
                Err(_) if !path.exists() => None,
                Err(error) => return Err(error),
            };
            let references = file
                .as_ref()
                .map(DevflareFile::references)
                .unwrap_or_default();
            if file.is_none() {
                let _ = writeln!(stderr, "note: no local values file at {}", path.display());
            }
            let mut shown = 0;
            for reference in &references {
                if command
                    .store
                    .as_deref()
                    .is_none_or(|s| s == reference.store_id())
                {
                    let _ = writeln!(stdout, "{reference}");
                    shown += 1;
                }
            }
            if let (Some(store), 0, Some(_)) = (&command.store, shown, &file) {
                let closest =
                    crate::suggest::closest(store, references.iter().map(SecretRef::store_id));
                let _ = writeln!(
                    stderr,
                    "note: no values in store `{store}`{}",
                    crate::error::did_you_mean(closest.as_deref())
                );
            }
            if let Some(file) = &file {
                verbose(command, stderr, &path, counts(file));
            }
        }
        CommandKind::Delete => {
            let reference = reference();
            if !path.exists() {
                return Err(Error::LocalValues {
                    path,
                    position: None,
                    problem: format!("no local values file, so no `{reference}` to delete"),
                });
            }
            let counts = devflare_file::update(
                &path,
                |file| {
                    if file.remove(&reference) {
                        return Ok(counts(file));
                    }
                    let known = file.references();
                    let closest = crate::suggest::closest(
                        &reference.to_string(),
                        known
                            .iter()
                            .map(|r| r.to_string())
                            .collect::<Vec<_>>()
                            .iter()
                            .map(String::as_str),
                    );
                    Err(Error::LocalValues {
                        path: path.clone(),
                        position: None,
                        problem: format!(
                            "no local value `{reference}` to delete{}",
                            crate::error::did_you_mean(closest.as_deref())
                        ),
                    })
                },
                pause_before_rename_hook(),
            )?;
            let _ = writeln!(stdout, "deleted {reference}");
            verbose(command, stderr, &path, counts);
        }
    }

    if command.gitignore {
        match git::add_to_gitignore(&project) {
            Ok(true) => {
                let _ = writeln!(
                    stderr,
                    "added `{}` to {}",
                    git::GITIGNORE_ENTRY,
                    project.join(".gitignore").display()
                );
            }
            Ok(false) => {}
            Err(e) => {
                return Err(Error::LocalValues {
                    path: project.join(".gitignore"),
                    position: None,
                    problem: format!("cannot add `{}`: {e}", git::GITIGNORE_ENTRY),
                });
            }
        }
    }
    if path.exists() {
        match git::is_ignored(&project) {
            Some(true) => {}
            Some(false) => {
                let _ = writeln!(
                    stderr,
                    "warning: {} holds secret values in plain text and is not git-ignored; \
                     run again with --gitignore to add it to {}",
                    devflare_file::RELATIVE_PATH,
                    project.join(".gitignore").display()
                );
            }
            None => {
                let _ = writeln!(
                    stderr,
                    "note: could not check whether {} is git-ignored (git not found, or {} is \
                     not in a git repository)",
                    devflare_file::RELATIVE_PATH,
                    project.display()
                );
            }
        }
    }
    Ok(())
}

/// (stores, secrets) in the file, for verbose output — counts only, never values.
fn counts(file: &DevflareFile) -> (usize, usize) {
    let references = file.references();
    let mut stores: Vec<&str> = references.iter().map(SecretRef::store_id).collect();
    stores.dedup();
    (stores.len(), references.len())
}

fn verbose(
    command: &Command,
    stderr: &mut dyn Write,
    path: &Path,
    (stores, secrets): (usize, usize),
) {
    if command.verbose {
        let _ = writeln!(
            stderr,
            "file: {} ({secrets} secret(s) in {stores} store(s))",
            path.display()
        );
    }
}

/// The value for `set`, from `--value`, `--file` or stdin, minus one trailing newline unless
/// `--keep-newline`. Errors name the source, never the content.
fn read_value(command: &Command, stderr: &mut dyn Write) -> Result<String, Error> {
    let not_text = |path: PathBuf| Error::LocalValues {
        path,
        position: None,
        problem: "the value is not UTF-8 text".into(),
    };
    let mut value = match &command.source {
        ValueInput::Inline(value) => value.clone(),
        ValueInput::File(file) => {
            let bytes = std::fs::read(file).map_err(|e| Error::LocalValues {
                path: file.clone(),
                position: None,
                problem: format!("cannot read the value file: {e}"),
            })?;
            String::from_utf8(bytes).map_err(|_| not_text(file.clone()))?
        }
        ValueInput::Stdin => {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                let _ = writeln!(
                    stderr,
                    "reading the value from stdin; end with Ctrl-D (it is echoed by the \
                     terminal: prefer a pipe or --file)"
                );
            }
            let mut bytes = Vec::new();
            stdin
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| Error::LocalValues {
                    path: PathBuf::from("<stdin>"),
                    position: None,
                    problem: format!("cannot read the value: {e}"),
                })?;
            String::from_utf8(bytes).map_err(|_| not_text(PathBuf::from("<stdin>")))?
        }
    };
    if !command.keep_newline {
        if value.ends_with("\r\n") {
            value.truncate(value.len() - 2);
        } else if value.ends_with('\n') {
            value.pop();
        }
    }
    Ok(value)
}

/// Test hook for "a writer killed mid-write leaves the old file intact": in debug builds only,
/// when `DEVFLARE_SECRETS_TEST_PAUSE_BEFORE_RENAME` names a marker file, the writer creates it
/// once the new content is in the temporary file, then waits to be killed before renaming.
/// Release builds (what `cargo install` makes) have no such hook.
fn pause_before_rename_hook() -> impl FnOnce(&Path) {
    #[cfg(debug_assertions)]
    let marker = std::env::var_os("DEVFLARE_SECRETS_TEST_PAUSE_BEFORE_RENAME");
    move |_temp: &Path| {
        #[cfg(debug_assertions)]
        if let Some(marker) = marker {
            let _ = std::fs::write(marker, b"paused before rename\n");
            loop {
                std::thread::park();
            }
        }
    }
}
