//! `devflare-secrets`: set, list and delete local Secrets Store values in Devflare's
//! `.devflare/secrets.local.json`, the file `devflare-test` reads with
//! `SecretsEnvBuilder::devflare_local`. Run `devflare-secrets --help`.
//!
//! Unlike the test library, the CLI may use the working directory (the default project
//! folder), the clock (`updatedAt`) and git. It never prints a value: not on success, not in
//! errors, not in verbose output. The file format, reader and locked atomic writer are
//! `devflare_config::devflare_local`, shared with the library.

mod args;
mod clock;
mod git;
mod names;

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use devflare_config::devflare_local::{self, LocalFile, LocalValuesError};

use args::{Command, CommandKind, Invocation, ValueInput};

/// Exit codes, as documented in `--help` and the README.
const EXIT_OPERATIONAL: u8 = 1;
const EXIT_USAGE: u8 = 2;

/// Production's cap on a value (wrangler ≥ 4.95): larger values are stored with a warning.
const MAX_VALUE_BYTES: usize = 65_536;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let stdout = &mut io::stdout().lock();
    let stderr = &mut io::stderr().lock();
    let code = match args::parse(args) {
        Ok(Invocation::Help(text)) => {
            let _ = stdout.write_all(text.as_bytes());
            0
        }
        Ok(Invocation::Version) => {
            let _ = writeln!(stdout, "devflare-secrets {}", env!("CARGO_PKG_VERSION"));
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

/// `store_id/name`, as `list` prints it (the parts were checked or escaped: one line each).
fn reference(store_id: &str, name: &str) -> String {
    format!("{}/{}", names::shown(store_id), names::shown(name))
}

fn run(
    command: &Command,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), LocalValuesError> {
    let project = match &command.project {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().map_err(|e| {
            LocalValuesError::new(
                ".",
                format!("cannot read the current folder (give --project DIR): {e}"),
            )
            .caused_by(e)
        })?,
    };
    let path = devflare_local::file_in(&project);
    let store = command.store.as_deref().unwrap_or_default();
    let name = command.name.as_deref().unwrap_or_default();

    match command.kind {
        CommandKind::Set => {
            let value = read_value(command, stderr)?;
            if value.len() > MAX_VALUE_BYTES {
                let _ = writeln!(
                    stderr,
                    "warning: the value of `{}` is over production's cap of {MAX_VALUE_BYTES} bytes",
                    reference(store, name)
                );
            }
            let updated_at = clock::now_iso8601();
            let counts = devflare_local::update(
                &path,
                |file| {
                    file.set(store, name, value, updated_at);
                    Ok::<_, LocalValuesError>(counts(file))
                },
                pause_before_rename_hook(),
            )?;
            let _ = writeln!(stdout, "set {}", reference(store, name));
            verbose(command, stderr, &path, counts);
        }
        CommandKind::List => {
            let file = devflare_local::read_if_present(&path)?;
            let Some(file) = file else {
                let _ = writeln!(stderr, "note: no local values file at {}", path.display());
                return finish(command, &project, &path, stderr);
            };
            let mut shown = 0;
            for entry in file.entries() {
                if command.store.as_deref().is_none_or(|s| s == entry.store_id) {
                    let _ = writeln!(stdout, "{}", reference(entry.store_id, entry.name));
                    shown += 1;
                }
            }
            if let (Some(store), 0) = (&command.store, shown) {
                let _ = writeln!(
                    stderr,
                    "note: no values in store `{store}`{}",
                    names::did_you_mean(store, file.store_ids())
                );
            }
            verbose(command, stderr, &path, counts(&file));
        }
        CommandKind::Delete => {
            let target = reference(store, name);
            if !path.exists() {
                return Err(LocalValuesError::new(
                    &path,
                    format!("no local values file, so no `{target}` to delete"),
                ));
            }
            let counts = devflare_local::update(
                &path,
                |file| {
                    if file.remove(store, name) {
                        return Ok(counts(file));
                    }
                    // Near names only, compared part by part: a long shared store id must not
                    // make every name in it look close.
                    let hint = if file.names(store).next().is_some() {
                        devflare_config::closest(name, file.names(store))
                            .map(|near| format!("; did you mean `{}`?", reference(store, &near)))
                    } else {
                        // A near store: suggest the entry only if that store holds the name.
                        devflare_config::closest(store, file.store_ids()).map(|near| {
                            match file.get(&near, name) {
                                Some(_) => format!("; did you mean `{}`?", reference(&near, name)),
                                None => format!(
                                    "; there is no store `{}` (did you mean store `{}`?)",
                                    names::shown(store),
                                    names::shown(&near)
                                ),
                            }
                        })
                    }
                    .unwrap_or_default();
                    Err(LocalValuesError::new(
                        &path,
                        format!("no local value `{target}` to delete{hint}"),
                    ))
                },
                pause_before_rename_hook(),
            )?;
            let _ = writeln!(stdout, "deleted {target}");
            verbose(command, stderr, &path, counts);
        }
    }
    finish(command, &project, &path, stderr)
}

/// `--gitignore`, then the git-ignore check of an existing file.
fn finish(
    command: &Command,
    project: &Path,
    path: &Path,
    stderr: &mut dyn Write,
) -> Result<(), LocalValuesError> {
    if command.gitignore {
        let gitignore = project.join(".gitignore");
        match git::add_to_gitignore(project) {
            Ok(true) => {
                let _ = writeln!(
                    stderr,
                    "added `{}` to {}",
                    git::GITIGNORE_ENTRY,
                    gitignore.display()
                );
            }
            Ok(false) => {}
            Err(e) => {
                let message = format!("cannot add `{}`: {e}", git::GITIGNORE_ENTRY);
                return Err(LocalValuesError::new(gitignore, message).caused_by(e));
            }
        }
    }
    if path.exists() {
        match git::is_ignored(project) {
            Some(true) => {}
            Some(false) => {
                let _ = writeln!(
                    stderr,
                    "warning: {} holds secret values in plain text and is not git-ignored; \
                     run again with --gitignore to add it to {}",
                    devflare_local::RELATIVE_PATH,
                    project.join(".gitignore").display()
                );
            }
            None => {
                let _ = writeln!(
                    stderr,
                    "note: could not check whether {} is git-ignored (git not found, or {} is \
                     not in a git repository)",
                    devflare_local::RELATIVE_PATH,
                    project.display()
                );
            }
        }
    }
    Ok(())
}

/// (stores, secrets) in the file, for verbose output — counts only, never values.
fn counts(file: &LocalFile) -> (usize, usize) {
    (file.store_ids().count(), file.len())
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
/// `--keep-newline`; empty only with `--allow-empty`. Errors name the source, never the content.
fn read_value(command: &Command, stderr: &mut dyn Write) -> Result<String, LocalValuesError> {
    let not_text = |path: &Path| LocalValuesError::new(path, "the value is not UTF-8 text");
    let (mut value, from) = match &command.source {
        ValueInput::Inline(value) => (value.clone(), PathBuf::from("--value")),
        ValueInput::File(file) => {
            let bytes = std::fs::read(file).map_err(|e| {
                LocalValuesError::new(file, format!("cannot read the value file: {e}")).caused_by(e)
            })?;
            (
                String::from_utf8(bytes).map_err(|_| not_text(file))?,
                file.clone(),
            )
        }
        ValueInput::Stdin => {
            let stdin_path = Path::new("<stdin>");
            let stdin = io::stdin();
            if stdin.is_terminal() {
                let _ = writeln!(
                    stderr,
                    "reading the value from stdin; end with Ctrl-D (it is echoed by the \
                     terminal: prefer a pipe or --file)"
                );
            }
            let mut bytes = Vec::new();
            stdin.lock().read_to_end(&mut bytes).map_err(|e| {
                LocalValuesError::new(stdin_path, format!("cannot read the value: {e}"))
                    .caused_by(e)
            })?;
            (
                String::from_utf8(bytes).map_err(|_| not_text(stdin_path))?,
                stdin_path.to_owned(),
            )
        }
    };
    if !command.keep_newline {
        if value.ends_with("\r\n") {
            value.truncate(value.len() - 2);
        } else if value.ends_with('\n') {
            value.pop();
        }
    }
    // `set < /dev/null` or an empty pipe is almost always a mistake, not a wanted "".
    if value.is_empty() && !command.allow_empty {
        return Err(LocalValuesError::new(
            from,
            "the value is empty; nothing was written (give --allow-empty to store an empty value)",
        ));
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
