//! What reading a config or fixture file can fail with, and what it only warns about.
//!
//! Messages name the file, line and column, what was expected, and the closest valid name —
//! never a value from the file (a fixture value of the wrong type is described by its type).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::Location;

/// What kind of problem a [`ConfigError`] is, for tests that match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// The file could not be read.
    Io,
    /// A run-time path was relative, so the result would depend on the working directory.
    RelativePath,
    /// The file name does not end in `.toml`, `.json` or `.jsonc`.
    UnknownFormat,
    /// The text is not valid TOML / JSON / JSONC.
    Syntax,
    /// A key holds the wrong type (a number where a string belongs, …).
    WrongType,
    /// A required key is missing.
    MissingField,
    /// A key the format does not have (fixture files only; wrangler config only warns).
    UnknownKey,
    /// A binding name declared twice.
    Duplicate,
    /// `[env.NAME]` asked for, but the config has no such section.
    UnknownEnv,
}

/// A file that could not be read as a wrangler config or fixture file.
///
/// `Display` reads like a compiler diagnostic:
///
/// ```text
/// fixtures/app.toml:4:1: unknown key `secret_nme` in [[secrets_store_secrets]]; expected one of `binding`, `store_id`, `secret_name`; did you mean `secret_name`?
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    // Boxed: errors travel through every `Result` of the readers; keep those small.
    inner: Box<Inner>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    kind: ConfigErrorKind,
    path: PathBuf,
    location: Option<Location>,
    message: String,
    expected: Option<String>,
    suggestion: Option<String>,
}

impl ConfigError {
    pub(crate) fn at(
        kind: ConfigErrorKind,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                path: location.path().to_path_buf(),
                location: Some(location),
                message: one_line(message.into()),
                expected: None,
                suggestion: None,
            }),
        }
    }

    pub(crate) fn whole_file(
        kind: ConfigErrorKind,
        path: &Path,
        message: impl Into<String>,
    ) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                path: path.to_path_buf(),
                location: None,
                message: one_line(message.into()),
                expected: None,
                suggestion: None,
            }),
        }
    }

    pub(crate) fn expected(mut self, expected: impl Into<String>) -> Self {
        self.inner.expected = Some(one_line(expected.into()));
        self
    }

    pub(crate) fn suggestion(mut self, suggestion: Option<String>) -> Self {
        self.inner.suggestion = suggestion.map(one_line);
        self
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> ConfigErrorKind {
        self.inner.kind
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Where in the file; `None` when the error is about the whole file (it cannot be read).
    pub fn location(&self) -> Option<&Location> {
        self.inner.location.as_ref()
    }

    /// 1-based line, if the error has a position.
    pub fn line(&self) -> Option<usize> {
        self.inner.location.as_ref().map(Location::line)
    }

    /// 1-based column in characters, if the error has a position.
    pub fn column(&self) -> Option<usize> {
        self.inner.location.as_ref().map(Location::column)
    }

    /// What is wrong, without position, expectation or suggestion.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// What would have been valid there.
    pub fn expected_text(&self) -> Option<&str> {
        self.inner.expected.as_deref()
    }

    /// The closest valid name, when the error looks like a typo.
    pub fn suggested(&self) -> Option<&str> {
        self.inner.suggestion.as_deref()
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.location {
            Some(location) => write!(f, "{location}: {}", self.inner.message)?,
            None => write!(f, "{}: {}", self.inner.path.display(), self.inner.message)?,
        }
        if let Some(expected) = &self.inner.expected {
            write!(f, "; expected {expected}")?;
        }
        f.write_str(&crate::did_you_mean(self.inner.suggestion.as_deref()))
    }
}

/// Something wrangler accepts with a warning — an unknown key inside a binding entry — kept so
/// a test can assert on it or show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    location: Location,
    message: String,
    suggestion: Option<String>,
}

impl Warning {
    pub(crate) fn new(location: Location, message: String, suggestion: Option<String>) -> Self {
        Self {
            location,
            message: one_line(message),
            suggestion: suggestion.map(one_line),
        }
    }

    /// Where.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// What, without position or suggestion.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The closest valid key, when the unknown one looks like a typo.
    pub fn suggested(&self) -> Option<&str> {
        self.suggestion.as_deref()
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: warning: {}", self.location, self.message)?;
        f.write_str(&crate::did_you_mean(self.suggestion.as_deref()))
    }
}

/// `` `a`, `b`, `c` ``: a list of keys for "expected one of …".
pub(crate) fn one_of(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.len() {
        1 => quoted[0].clone(),
        _ => format!("one of {}", quoted.join(", ")),
    }
}

/// `text` with control characters escaped (`\u{1b}`): messages name keys, store ids and
/// secret names read from files another tool may have written, and such a name must not split
/// an error line in two or send escape sequences to a terminal.
pub(crate) fn one_line(text: String) -> String {
    if !text.chars().any(char::is_control) {
        return text;
    }
    text.chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_unicode().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}
