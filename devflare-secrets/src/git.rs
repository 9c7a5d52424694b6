//! Git safety: the local values file holds secrets in plain text, so it must be git-ignored.

use std::fs;
use std::io;
use std::path::Path;
use std::process::{Command, Stdio};

use devflare_config::devflare_local::RELATIVE_PATH;

/// The line `--gitignore` adds: the file plus its lock and any temporary file a killed writer
/// left behind.
pub(crate) const GITIGNORE_ENTRY: &str = ".devflare/secrets.local.json*";

/// What git says about the local values file of a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// Git ignores it.
    Ignored,
    /// In a repository, and git does not ignore it: it could be committed.
    NotIgnored,
    /// The project folder is in no git repository (git says so).
    NoRepository,
    /// Git could not be run, or failed otherwise (a bare repository, an unsafe owner, …).
    Unknown,
}

/// Asks `git check-ignore` about the local values file in `project`.
pub(crate) fn state(project: &Path) -> State {
    let output = Command::new("git")
        .arg("-C")
        .arg(project)
        .args(["check-ignore", "-q", "--", RELATIVE_PATH])
        // Untranslated messages: "not a git repository" is matched below.
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    let Ok(output) = output else {
        return State::Unknown;
    };
    match output.status.code() {
        Some(0) => State::Ignored,
        Some(1) => State::NotIgnored,
        _ if String::from_utf8_lossy(&output.stderr).contains("not a git repository") => {
            State::NoRepository
        }
        _ => State::Unknown,
    }
}

/// Appends [`GITIGNORE_ENTRY`] to `project/.gitignore` unless git already ignores the file or
/// the line is there. Returns whether it wrote.
pub(crate) fn add_to_gitignore(project: &Path) -> io::Result<bool> {
    if state(project) == State::Ignored {
        return Ok(false);
    }
    let path = project.join(".gitignore");
    let existing = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    let present = existing
        .lines()
        .map(str::trim)
        .any(|line| line == GITIGNORE_ENTRY || line == RELATIVE_PATH || line == "/.devflare/");
    if present {
        return Ok(false);
    }
    let mut text = existing;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# Local secret values (devflare-secrets / Devflare): never commit\n");
    text.push_str(GITIGNORE_ENTRY);
    text.push('\n');
    fs::write(&path, text)?;
    Ok(true)
}
