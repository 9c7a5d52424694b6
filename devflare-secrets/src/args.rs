//! Command-line arguments of `devflare-secrets`, parsed with std only, and the help texts.
//!
//! Errors never repeat an argument that could be a value: unexpected positional arguments are
//! counted, not shown, and only option *names* are echoed. (A parser crate was considered;
//! the rule above needs control over every message, which these few options make cheap.)

use devflare_config::did_you_mean;
use std::ffi::OsString;
use std::path::PathBuf;

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Invocation {
    /// Print this help text and exit 0.
    Help(&'static str),
    /// Print the version and exit 0.
    Version,
    /// Run a command.
    Run(Command),
}

/// A command with its options. Not `Debug`-printed anywhere user-facing: `--value` is here.
#[derive(PartialEq, Eq)]
pub(crate) struct Command {
    pub(crate) kind: CommandKind,
    pub(crate) project: Option<PathBuf>,
    pub(crate) gitignore: bool,
    pub(crate) verbose: bool,
    pub(crate) store: Option<String>,
    pub(crate) name: Option<String>,
    /// `--binding`: store id and secret name come from the project's wrangler config.
    pub(crate) binding: Option<String>,
    /// `--env`: the `[env.NAME]` section of the wrangler config instead of the top level.
    pub(crate) env: Option<String>,
    /// `--config`: the wrangler config, instead of the one found in the project folder.
    pub(crate) config: Option<PathBuf>,
    pub(crate) source: ValueInput,
    pub(crate) keep_newline: bool,
    pub(crate) allow_empty: bool,
}

/// Never shows a `--value`.
impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Command")
            .field("kind", &self.kind)
            .field("store", &self.store)
            .field("name", &self.name)
            .field("binding", &self.binding)
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CommandKind {
    Set,
    List,
    Delete,
}

/// Where `set` reads the value from.
#[derive(PartialEq, Eq)]
pub(crate) enum ValueInput {
    Stdin,
    File(PathBuf),
    /// `--value`: works, but lands in shell history; the help steers away from it.
    Inline(String),
}

/// A usage error (exit code 2). The message never contains an argument's value.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UsageError {
    pub(crate) message: String,
    /// The help of the command the error is about, to point at.
    pub(crate) help_hint: &'static str,
}

const GLOBAL_OPTIONS: &[&str] = &[
    "--project",
    "--gitignore",
    "--verbose",
    "-v",
    "--help",
    "-h",
    "--version",
    "-V",
];

fn command_options(kind: CommandKind) -> &'static [&'static str] {
    match kind {
        CommandKind::Set => &[
            "--binding",
            "--env",
            "--config",
            "--store",
            "--name",
            "--file",
            "--value",
            "--keep-newline",
            "--allow-empty",
        ],
        CommandKind::List => &["--store"],
        CommandKind::Delete => &["--binding", "--env", "--config", "--store", "--name"],
    }
}

fn takes_value(option: &str) -> bool {
    matches!(
        option,
        "--project"
            | "--store"
            | "--name"
            | "--binding"
            | "--env"
            | "--config"
            | "--file"
            | "--value"
    )
}

/// Parses the arguments after the program name.
pub(crate) fn parse(args: Vec<OsString>) -> Result<Invocation, UsageError> {
    let usage = |message: String, help_hint| UsageError { message, help_hint };
    let mut kind: Option<CommandKind> = None;
    let mut command = Command {
        kind: CommandKind::List,
        project: None,
        gitignore: false,
        verbose: false,
        store: None,
        name: None,
        binding: None,
        env: None,
        config: None,
        source: ValueInput::Stdin,
        keep_newline: false,
        allow_empty: false,
    };
    let mut inline_value = None;
    let mut file = None;
    let mut help = false;
    let mut version = false;
    let mut position = 0;
    let mut args = args.into_iter();

    while let Some(arg) = args.next() {
        position += 1;
        let hint = kind.map_or("devflare-secrets --help", help_hint);
        let Some(text) = arg.to_str() else {
            return Err(usage(
                format!("argument #{position} is not valid UTF-8 (not shown)"),
                hint,
            ));
        };
        if !text.starts_with('-') || text == "-" {
            if kind.is_none() {
                kind = Some(match text {
                    "set" => CommandKind::Set,
                    "list" => CommandKind::List,
                    "delete" => CommandKind::Delete,
                    "help" => {
                        help = true;
                        continue;
                    }
                    other => {
                        let closest = devflare_config::closest(other, ["set", "list", "delete"]);
                        // Echo only a near-typo of a command: anything else may be a value.
                        let shown = if closest.is_some() && is_word(other) {
                            format!("unknown command `{other}`")
                        } else {
                            format!("unknown command (argument #{position}, not shown)")
                        };
                        return Err(usage(
                            format!("{shown}{}", did_you_mean(closest.as_deref())),
                            "devflare-secrets --help",
                        ));
                    }
                });
                continue;
            }
            // Could be a value typed where it does not belong: never echo it.
            return Err(usage(
                format!(
                    "unexpected argument #{position} (not shown: it could be a secret value); \
                     `set` reads the value from stdin"
                ),
                hint,
            ));
        }

        let (option, attached) = match text.split_once('=') {
            Some((option, value)) if option.starts_with("--") => (option, Some(value.to_owned())),
            _ => (text, None),
        };
        let allowed: Vec<&str> = GLOBAL_OPTIONS
            .iter()
            .chain(kind.map_or(&[][..], command_options))
            .copied()
            .collect();
        if !allowed.contains(&option) {
            let closest = devflare_config::closest(option, allowed.iter().copied());
            let shown = if closest.is_some() && is_word(option.trim_start_matches('-')) {
                format!("unknown option `{option}`")
            } else {
                format!("unknown option (argument #{position}, not shown)")
            };
            let context = match kind {
                Some(kind) => format!(" for `{}`", name_of(kind)),
                None => String::new(),
            };
            return Err(usage(
                format!("{shown}{context}{}", did_you_mean(closest.as_deref())),
                hint,
            ));
        }
        let value = if takes_value(option) {
            let separate = attached.is_none();
            match attached.or_else(|| {
                position += 1;
                args.next().and_then(|v| v.into_string().ok())
            }) {
                // `--store --name X`: the next word is an option, so `--store` got no value.
                Some(value) if separate && allowed.contains(&value.as_str()) => {
                    return Err(usage(
                        format!(
                            "option `{option}` needs a value, but `{value}` follows it (write `{option}={value}` if that is really the value)"
                        ),
                        hint,
                    ));
                }
                Some(value) => Some(value),
                None => {
                    return Err(usage(
                        format!("option `{option}` needs a value (valid UTF-8)"),
                        hint,
                    ));
                }
            }
        } else if attached.is_some() {
            return Err(usage(format!("option `{option}` takes no value"), hint));
        } else {
            None
        };
        let once = |already_given: bool| {
            if already_given {
                Err(usage(format!("option `{option}` is given twice"), hint))
            } else {
                Ok(())
            }
        };
        match option {
            "--help" | "-h" => help = true,
            "--gitignore" => command.gitignore = true,
            "--verbose" | "-v" => command.verbose = true,
            "--keep-newline" => command.keep_newline = true,
            "--allow-empty" => command.allow_empty = true,
            "--version" | "-V" => version = true,
            "--project" => {
                once(command.project.is_some())?;
                command.project = value.map(PathBuf::from);
            }
            "--store" => {
                once(command.store.is_some())?;
                command.store = value;
            }
            "--name" => {
                once(command.name.is_some())?;
                command.name = value;
            }
            "--binding" => {
                once(command.binding.is_some())?;
                command.binding = value;
            }
            "--env" => {
                once(command.env.is_some())?;
                command.env = value;
            }
            "--config" => {
                once(command.config.is_some())?;
                command.config = value.map(PathBuf::from);
            }
            "--file" => {
                once(file.is_some())?;
                file = value.map(PathBuf::from);
            }
            "--value" => {
                once(inline_value.is_some())?;
                inline_value = value;
            }
            _ => unreachable!("every allowed option is handled"),
        }
    }

    if version && !help {
        return Ok(Invocation::Version);
    }
    let Some(kind) = kind else {
        return if help {
            Ok(Invocation::Help(MAIN_HELP))
        } else {
            Err(usage(
                "a command is needed: set, list or delete".into(),
                "devflare-secrets --help",
            ))
        };
    };
    if help {
        return Ok(Invocation::Help(help_text(kind)));
    }
    let hint = help_hint(kind);
    command.kind = kind;
    command.source = match (file, inline_value) {
        (Some(_), Some(_)) => {
            return Err(usage("give `--file` or `--value`, not both".into(), hint));
        }
        (Some(file), None) => ValueInput::File(file),
        (None, Some(value)) => ValueInput::Inline(value),
        (None, None) => ValueInput::Stdin,
    };
    let needs_a_secret = match kind {
        CommandKind::Set | CommandKind::Delete => true,
        CommandKind::List => false,
    };
    if needs_a_secret {
        let verb = name_of(kind);
        match (&command.binding, &command.store, &command.name) {
            (Some(_), None, None) | (None, Some(_), Some(_)) => {}
            (Some(_), _, _) => {
                return Err(usage(
                    "give `--binding` or `--store`/`--name`, not both: `--binding` reads the \
                     store id and secret name from the wrangler config"
                        .into(),
                    hint,
                ));
            }
            (None, None, None) => {
                return Err(usage(
                    format!("`{verb}` needs `--binding NAME`, or `--store ID` and `--name NAME`"),
                    hint,
                ));
            }
            (None, store, _) => {
                let needed = if store.is_none() { "--store" } else { "--name" };
                return Err(usage(
                    format!("`{verb}` needs `{needed}` (or `--binding NAME` instead of both)"),
                    hint,
                ));
            }
        }
    }
    for (option, given) in [
        ("--store", &command.store),
        ("--name", &command.name),
        ("--binding", &command.binding),
        ("--env", &command.env),
    ] {
        if let Some(problem) = given.as_deref().and_then(crate::names::problem) {
            return Err(usage(format!("`{option}` {problem}"), hint));
        }
    }
    Ok(Invocation::Run(command))
}

/// Short ASCII words are safe to echo; anything else might be a pasted value.
fn is_word(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 24
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn name_of(kind: CommandKind) -> &'static str {
    match kind {
        CommandKind::Set => "set",
        CommandKind::List => "list",
        CommandKind::Delete => "delete",
    }
}

fn help_hint(kind: CommandKind) -> &'static str {
    match kind {
        CommandKind::Set => "devflare-secrets set --help",
        CommandKind::List => "devflare-secrets list --help",
        CommandKind::Delete => "devflare-secrets delete --help",
    }
}

fn help_text(kind: CommandKind) -> &'static str {
    match kind {
        CommandKind::Set => SET_HELP,
        CommandKind::List => LIST_HELP,
        CommandKind::Delete => DELETE_HELP,
    }
}

/// The exit code table every help text ends with (a macro, as `concat!` needs literals).
macro_rules! exit_codes {
    () => {
        "\
EXIT CODES:
    0  success
    1  operational error (unreadable or malformed file, unknown secret, I/O)
    1  also: an empty value without --allow-empty (nothing is written)
    1  also: --binding with no wrangler config, or a binding or env it does not declare
    2  usage error (unknown command or option, missing --store/--name or --binding,
       both given, a store id, name, binding or env with whitespace, a control character
       or `/`)
"
    };
}

#[cfg(test)]
const EXIT_CODES: &str = exit_codes!();

pub(crate) const MAIN_HELP: &str = concat!(
    "\
devflare-secrets — local Secrets Store values for tests, in Devflare's format

Writes `.devflare/secrets.local.json` (Devflare's local values file), so config keeps only store
ids and secret names, and tests read values with `SecretsEnvBuilder::devflare_local`. Never
prints a value.

USAGE:
    devflare-secrets [--project DIR] <COMMAND> [OPTIONS]

COMMANDS:
    set      Set a value (read from stdin)
    list     List references as `store_id/name` lines (never values)
    delete   Delete a value
    help     Print this help (or `<COMMAND> --help`)

A secret is named by its binding (`--binding NAME`, looked up in the project's wrangler
config: wrangler.json, wrangler.jsonc or wrangler.toml, in wrangler's order) or directly
(`--store ID --name NAME`, with a warning when no binding of that config reads it).

OPTIONS (every command):
    --project DIR   Project folder holding `.devflare/` [default: current folder]
    --gitignore     Add `.devflare/secrets.local.json*` to the project's .gitignore
    -v, --verbose   Say which file was used and how many secrets it holds
    -h, --help      Print help
    -V, --version   Print the version

GIT:
    The values file must stay out of commits. Inside a git repository every command warns
    while git does not ignore it (--gitignore fixes that). Outside a repository, or when git
    cannot be run, a note says so once: when the file is created (and again with --verbose).

EXAMPLES:
    printf %s \"$TOKEN\" | devflare-secrets set --binding API_TOKEN
    printf %s \"$TOKEN\" | devflare-secrets set --store 0123… --name api-token

",
    exit_codes!()
);

const SET_HELP: &str = concat!(
    "\
devflare-secrets set — set a local value

USAGE:
    devflare-secrets set --binding NAME [--env NAME] [--config PATH] [OPTIONS]
    devflare-secrets set --store ID --name NAME [OPTIONS]

Reads the value from stdin (or --file), so it stays out of shell history (--value warns).
One trailing
newline (\\n or \\r\\n) is removed unless --keep-newline is given. An empty value is
refused (exit 1, nothing written) unless --allow-empty is given. The file is replaced
atomically, with mode 0600, under a lock; other entries are kept as they are.

--binding takes `store_id` and `secret_name` from the wrangler config's
`secrets_store_secrets` (top level, or `[env.NAME]` with --env: named environments do not
inherit the top level's, as in wrangler). Given --store and --name instead, it warns when no
binding of the config reads that secret (no config: no warning).

OPTIONS:
    --binding NAME    Binding name (as in `binding` of wrangler config)
    --env NAME        Use the config's `[env.NAME]` section (not inherited from the top)
    --config PATH     The wrangler config [default: wrangler.json, wrangler.jsonc or
                      wrangler.toml in the project folder]
    --store ID        Store id (as in `store_id` of wrangler config)
    --name NAME       Secret name (as in `secret_name`)
    --file PATH       Read the value from this file instead of stdin
    --value VALUE     Give the value inline — avoid: it lands in shell history (warns)
    --keep-newline    Keep a trailing newline
    --allow-empty     Store an empty value (refused by default: usually an empty pipe)
    --project DIR     Project folder [default: current folder]
    --gitignore       Add `.devflare/secrets.local.json*` to the project's .gitignore
    -v, --verbose     Say which file was written
    -h, --help        Print help

",
    exit_codes!()
);

const LIST_HELP: &str = concat!(
    "\
devflare-secrets list — list references, never values

USAGE:
    devflare-secrets list [--store ID]

Prints one `store_id/name` line per local value, sorted. A missing file lists nothing.

OPTIONS:
    --store ID        Only this store
    --project DIR     Project folder [default: current folder]
    --gitignore       Add `.devflare/secrets.local.json*` to the project's .gitignore
    -v, --verbose     Say which file was read
    -h, --help        Print help

",
    exit_codes!()
);

const DELETE_HELP: &str = concat!(
    "\
devflare-secrets delete — delete a local value

USAGE:
    devflare-secrets delete --binding NAME [--env NAME] [--config PATH]
    devflare-secrets delete --store ID --name NAME

Removes the entry (and its store, once empty); other entries are kept as they are. Deleting
a value that does not exist is an error (exit 1) that names the closest existing one.
--binding, --env and --config work as for `set` (see `devflare-secrets set --help`).

OPTIONS:
    --binding NAME    Binding name, looked up in the wrangler config
    --env NAME        Use the config's `[env.NAME]` section (not inherited from the top)
    --config PATH     The wrangler config [default: found in the project folder]
    --store ID        Store id
    --name NAME       Secret name
    --project DIR     Project folder [default: current folder]
    --gitignore       Add `.devflare/secrets.local.json*` to the project's .gitignore
    -v, --verbose     Say which file was written
    -h, --help        Print help

",
    exit_codes!()
);

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strs(args: &[&str]) -> Result<Invocation, UsageError> {
        parse(args.iter().map(OsString::from).collect())
    }

    #[test]
    fn every_help_lists_the_exit_codes() {
        for text in [MAIN_HELP, SET_HELP, LIST_HELP, DELETE_HELP] {
            assert!(text.ends_with(EXIT_CODES), "{text}");
        }
    }

    #[test]
    fn global_options_go_before_or_after_the_command() {
        let Ok(Invocation::Run(a)) = parse_strs(&["--project", "/p", "list", "-v"]) else {
            panic!("expected a command");
        };
        let Ok(Invocation::Run(b)) = parse_strs(&["list", "--project=/p", "--verbose"]) else {
            panic!("expected a command");
        };
        assert_eq!(a, b);
        assert_eq!(a.project, Some(PathBuf::from("/p")));
    }

    #[test]
    fn help_wins_over_missing_options() {
        assert_eq!(
            parse_strs(&["set", "--help"]),
            Ok(Invocation::Help(SET_HELP))
        );
        assert_eq!(parse_strs(&["help"]), Ok(Invocation::Help(MAIN_HELP)));
        assert_eq!(
            parse_strs(&["help", "delete"]),
            Ok(Invocation::Help(DELETE_HELP))
        );
    }

    #[test]
    fn suggests_the_closest_option_and_command() {
        let error = parse_strs(&["set", "--stroe", "s"]).unwrap_err();
        assert!(
            error.message.contains("did you mean `--store`"),
            "{}",
            error.message
        );
        let error = parse_strs(&["lst"]).unwrap_err();
        assert!(
            error.message.contains("did you mean `list`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn never_echoes_a_stray_argument() {
        let error = parse_strs(&["set", "--store", "s", "--name", "n", "CANARY-9f3b"]).unwrap_err();
        assert!(!error.message.contains("CANARY"), "{}", error.message);
        let error = parse_strs(&["set", "--vaule=CANARY-9f3b"]).unwrap_err();
        assert!(!error.message.contains("CANARY"), "{}", error.message);
        let error = parse_strs(&["list", "--value", "CANARY-9f3b"]).unwrap_err();
        assert!(!error.message.contains("CANARY"), "{}", error.message);
    }

    #[test]
    fn an_option_followed_by_an_option_has_no_value() {
        let error = parse_strs(&["set", "--store", "--name", "API_TOKEN"]).unwrap_err();
        assert!(
            error
                .message
                .starts_with("option `--store` needs a value, but `--name` follows it"),
            "{}",
            error.message
        );
        // Spelled with `=`, a value that looks like an option is taken as given.
        let Ok(Invocation::Run(command)) = parse_strs(&["delete", "--store=--name", "--name", "n"])
        else {
            panic!("expected a command");
        };
        assert_eq!(command.store.as_deref(), Some("--name"));
    }

    #[test]
    fn store_and_name_cannot_hold_the_list_separator() {
        for args in [
            ["delete", "--store", "s/x", "--name", "n"],
            ["delete", "--store", "s", "--name", "a/b"],
        ] {
            let error = parse_strs(&args).unwrap_err();
            assert!(
                error.message.contains("must not contain `/`"),
                "{}",
                error.message
            );
        }
    }

    #[test]
    fn echoes_an_unknown_word_only_when_it_is_a_near_typo() {
        for args in [&["s3cr3t-token-abc"][..], &["set", "-prod-key-9x2"][..]] {
            let error = parse_strs(args).unwrap_err();
            assert!(!error.message.contains("s3cr3t"), "{}", error.message);
            assert!(!error.message.contains("prod-key"), "{}", error.message);
            assert!(error.message.contains("not shown"), "{}", error.message);
        }
    }
}
