//! Git safety: the local values file holds secrets in plain text, so it must be git-ignored.

use std::fs;
use std::io;
use std::path::Path;
use std::process::{Command, Stdio};

use devflare_config::devflare_local::RELATIVE_PATH;

/// The line `--gitignore` adds: the file plus its lock and any temporary file a killed writer
/// left behind.
pub(crate) const GITIGNORE_ENTRY: &str = ".devflare/secrets.local.json*";

/// Whether git ignores the local values file in `project`; `None` when it cannot tell (git not
/// installed, or `project` not in a repository).
pub(crate) fn is_ignored(project: &Path) -> Option<bool> {
    let status = Command::new("git")
        .arg("-C")
        .arg(project)
        .args(["check-ignore", "-q", "--", RELATIVE_PATH])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    match status.code() {
        Some(0) => Some(true),
        Some(1) => Some(false),
        _ => None,
    }
}

/// Appends [`GITIGNORE_ENTRY`] to `project/.gitignore` unless git already ignores the file or
/// the line is there. Returns whether it wrote.
pub(crate) fn add_to_gitignore(project: &Path) -> io::Result<bool> {
    if is_ignored(project) == Some(true) {
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
