//! What reading or writing a local values file can fail with.

use std::io;
use std::path::{Path, PathBuf};

use crate::Location;

/// A local values file or folder that is missing, unreadable, malformed or cannot be written.
///
/// `Display` reads like a compiler diagnostic and never quotes a value from the file:
///
/// ```text
/// local values /p/.devflare/secrets.local.json:5:4: secret `store-123/api-token`: `value` must be a string
/// ```
///
/// When the cause is an I/O error, it is kept as [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[error("local values {}: {message}", self.place())]
pub struct LocalValuesError {
    path: PathBuf,
    location: Option<Location>,
    message: String,
    #[source]
    io: Option<io::Error>,
}

/// Every error of devflare-test is `Clone`; `io::Error` is not, so a clone's cause is an
/// `io::Error` of the same kind and message.
impl Clone for LocalValuesError {
    fn clone(&self) -> Self {
        Self {
            path: self.path.clone(),
            location: self.location.clone(),
            message: self.message.clone(),
            io: self
                .io
                .as_ref()
                .map(|e| io::Error::new(e.kind(), e.to_string())),
        }
    }
}

impl LocalValuesError {
    /// A problem with the whole file or folder at `path`.
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            location: None,
            message: crate::error::one_line(message.into()),
            io: None,
        }
    }

    /// A problem at `location` in a file.
    pub fn at(location: Location, message: impl Into<String>) -> Self {
        Self {
            path: location.path().to_owned(),
            location: Some(location),
            message: crate::error::one_line(message.into()),
            io: None,
        }
    }

    /// The same problem, caused by `error` (kept as the [`source`](std::error::Error::source)).
    pub fn caused_by(mut self, error: io::Error) -> Self {
        self.io = Some(error);
        self
    }

    /// The file or folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where in the file, when the problem has a position.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// What is wrong and what was expected, without the path — never a value.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// `path:line:column` when the problem has a position, else the path.
    fn place(&self) -> String {
        match &self.location {
            Some(location) => location.to_string(),
            None => self.path.display().to_string(),
        }
    }

    /// The I/O error behind this one, if any.
    pub fn io_error(&self) -> Option<&io::Error> {
        self.io.as_ref()
    }
}

/// Equal when they say the same thing; I/O causes compare by kind (`io::Error` has no `==`).
impl PartialEq for LocalValuesError {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
            && self.location == other.location
            && self.message == other.message
            && self.io.as_ref().map(|e| e.kind()) == other.io.as_ref().map(|e| e.kind())
    }
}

impl Eq for LocalValuesError {}
