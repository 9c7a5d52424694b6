//! `devflare-secrets`: set, list and delete local Secrets Store values in Devflare's
//! `.devflare/secrets.local.json`, the file `devflare-test` reads with
//! `SecretsEnvBuilder::devflare_local`. Run `devflare-secrets --help`.
//!
//! A secret is named by its binding, resolved through the project's wrangler config, or by
//! store id and secret name, checked against that config. Unlike the test library, the CLI
//! may use the working directory (the default project folder), the clock (`updatedAt`) and
//! git. It never prints a value: not on success, not in
//! errors, not in verbose output. The file format, reader and locked atomic writer are
//! `devflare_config::devflare_local`, shared with the library.

mod args;
mod clock;
mod git;
mod names;
mod wrangler;

use std::ffi::OsString;
use std::fmt;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use devflare_config::devflare_local::{self, LocalFile, LocalValuesError};
use devflare_config::{WranglerConfig, did_you_mean};

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

/// What a command failed with (exit code 1). Neither variant ever holds a value.
enum Failure {
    /// The local values file (or the value's source).
    Local(LocalValuesError),
    /// The project's wrangler config, or a binding it does not declare.
    Config(String),
}

impl From<LocalValuesError> for Failure {
    fn from(error: LocalValuesError) -> Self {
        Self::Local(error)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Local(error) => error.fmt(f),
            Self::Config(message) => f.write_str(message),
        }
    }
}

/// The secret a `set` or `delete` is about.
struct Target {
    store: String,
    name: String,
    /// ` (binding NAME)` when named by `--binding`, for the success line.
    via: String,
}

/// `store_id/name`, as `list` prints it (the parts were checked or escaped: one line each).
fn reference(store_id: &str, name: &str) -> String {
    format!("{}/{}", names::shown(store_id), names::shown(name))
}

fn run(command: &Command, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<(), Failure> {
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
    // Resolved (or checked) before a value is read: a wrong binding costs no typing.
    let target = match command.kind {
        CommandKind::Set | CommandKind::Delete => Some(target(command, &project, stderr)?),
        CommandKind::List => None,
    };
    let (store, name, via) = target
        .as_ref()
        .map(|t| (t.store.as_str(), t.name.as_str(), t.via.as_str()))
        .unwrap_or_default();
    let mut created = false;

    match command.kind {
        CommandKind::Set => {
            let value = read_value(command, stderr)?;
            created = !path.exists();
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
            let _ = writeln!(stdout, "set {}{via}", reference(store, name));
            verbose(command, stderr, &path, counts);
        }
        CommandKind::List => {
            let file = devflare_local::read_if_present(&path)?;
            let Some(file) = file else {
                let _ = writeln!(stderr, "note: no local values file at {}", path.display());
                return finish(command, &project, &path, false, stderr);
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
                )
                .into());
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
                            .map(|near| did_you_mean(Some(&reference(store, &near))))
                    } else {
                        // A near store: suggest the entry only if that store holds the name.
                        devflare_config::closest(store, file.store_ids()).map(|near| {
                            match file.get(&near, name) {
                                Some(_) => did_you_mean(Some(&reference(&near, name))),
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
            let _ = writeln!(stdout, "deleted {target}{via}");
            verbose(command, stderr, &path, counts);
        }
    }
    finish(command, &project, &path, created, stderr)
}

/// The store id and secret name of `--binding` (from the wrangler config), or those given
/// with `--store`/`--name` — with a warning when the config has no binding that reads them.
fn target(command: &Command, project: &Path, stderr: &mut dyn Write) -> Result<Target, Failure> {
    let config_path = match &command.config {
        Some(given) => Some(std::path::absolute(given).map_err(|e| {
            Failure::Config(format!(
                "{}: cannot make the --config path absolute: {e}",
                given.display()
            ))
        })?),
        None => wrangler::find(project),
    };
    let env = command.env.as_deref();

    if let Some(binding) = &command.binding {
        let config_path = config_path.ok_or_else(|| Failure::Config(wrangler::missing(project)))?;
        let config = load_config(command, &config_path, stderr)
            .map_err(|e| Failure::Config(e.to_string()))?;
        let decl = wrangler::resolve(&config, env, binding).map_err(Failure::Config)?;
        // Read from a file: held to the command line's rules, so `list` shows one line each.
        for (key, text) in [
            ("store_id", decl.store_id()),
            ("secret_name", decl.secret_name()),
        ] {
            if let Some(problem) = names::problem(text) {
                return Err(Failure::Config(format!(
                    "{}: `{key}` of binding `{binding}` {problem}",
                    decl.location()
                )));
            }
        }
        let via = match env {
            Some(env) => format!(" (binding {binding} in [env.{env}])"),
            None => format!(" (binding {binding})"),
        };
        return Ok(Target {
            store: decl.store_id().to_owned(),
            name: decl.secret_name().to_owned(),
            via,
        });
    }

    let store = command.store.clone().unwrap_or_default();
    let name = command.name.clone().unwrap_or_default();
    match config_path {
        // No config, no check: a project without wrangler config is fine.
        None => {
            if let Some(env) = env {
                return Err(Failure::Config(format!(
                    "--env {env} selects a section of the wrangler config, but there is none \
                     in {} (looked for {}); give --config PATH or drop --env",
                    project.display(),
                    wrangler::FILE_NAMES.join(", ")
                )));
            }
        }
        Some(config_path) => match load_config(command, &config_path, stderr) {
            Ok(config) => {
                let warning =
                    wrangler::unbound(&config, env, &store, &name).map_err(Failure::Config)?;
                if let Some(warning) = warning {
                    let _ = writeln!(stderr, "warning: {warning}");
                }
            }
            // Asked for by name: its errors are errors.
            Err(error) if command.config.is_some() || env.is_some() => {
                return Err(Failure::Config(error.to_string()));
            }
            // Found, only to check against: the command goes on.
            Err(error) => {
                let _ = writeln!(
                    stderr,
                    "warning: could not read {} to check `--store`/`--name` against its \
                     bindings: {error}",
                    config_path.display()
                );
            }
        },
    }
    Ok(Target {
        store,
        name,
        via: String::new(),
    })
}

/// The wrangler config at `path`, named in verbose output.
fn load_config(
    command: &Command,
    path: &Path,
    stderr: &mut dyn Write,
) -> Result<WranglerConfig, devflare_config::ConfigError> {
    let config = WranglerConfig::load(path)?;
    if command.verbose {
        let _ = writeln!(stderr, "config: {}", path.display());
    }
    Ok(config)
}

/// `--gitignore`, then the git-ignore check of an existing file. Inside a repository, a file
/// git does not ignore is warned about on every command; outside one (or without git) there
/// is nothing to check, which is said once, by the command that created the file (and again
/// with `--verbose`).
fn finish(
    command: &Command,
    project: &Path,
    path: &Path,
    created: bool,
    stderr: &mut dyn Write,
) -> Result<(), Failure> {
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
                return Err(LocalValuesError::new(gitignore, message)
                    .caused_by(e)
                    .into());
            }
        }
    }
    if path.exists() {
        let once = created || command.verbose;
        match git::state(project) {
            git::State::Ignored => {}
            git::State::NotIgnored => {
                let _ = writeln!(
                    stderr,
                    "warning: {} holds secret values in plain text and is not git-ignored; \
                     run again with --gitignore to add it to {}",
                    devflare_local::RELATIVE_PATH,
                    project.join(".gitignore").display()
                );
            }
            git::State::NoRepository if once => {
                let _ = writeln!(
                    stderr,
                    "note: {} is not in a git repository, so nothing keeps {} out of commits; \
                     if it becomes one, run `devflare-secrets --gitignore list` (this note is \
                     shown once, when the file is created, or with --verbose)",
                    project.display(),
                    devflare_local::RELATIVE_PATH
                );
            }
            git::State::Unknown if once => {
                let _ = writeln!(
                    stderr,
                    "note: could not check whether {} is git-ignored (git not found, or it \
                     failed in {}); run `devflare-secrets --gitignore list` to add it to \
                     .gitignore (this note is shown once, when the file is created, or with \
                     --verbose)",
                    devflare_local::RELATIVE_PATH,
                    project.display()
                );
            }
            git::State::NoRepository | git::State::Unknown => {}
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
        ValueInput::Inline(value) => {
            let _ = writeln!(
                stderr,
                "warning: a value given with --value stays in your shell history (and is \
                 visible in the process list while this runs); pipe it on stdin instead \
                 (`printf %s \"$VALUE\" | devflare-secrets set …`, or type it after running \
                 without --value), or use --file PATH"
            );
            (value.clone(), PathBuf::from("--value"))
        }
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
