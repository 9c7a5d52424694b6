//! Finding and reading the file.

use std::io;
use std::path::{Path, PathBuf};

use super::{LocalFile, LocalValuesError};
use crate::location::LineIndex;

/// Where the file lives, relative to a project folder.
pub const RELATIVE_PATH: &str = ".devflare/secrets.local.json";

/// The file of the project in `project_dir`.
pub fn file_in(project_dir: impl AsRef<Path>) -> PathBuf {
    project_dir.as_ref().join(RELATIVE_PATH)
}

/// Reads and parses the file at `path`.
///
/// # Errors
///
/// A missing file (the message says how to create one), an unreadable one (the I/O error is
/// the [`source`](std::error::Error::source)), text that is not UTF-8 (at the first bad
/// byte), or anything [`LocalFile::parse`] refuses.
pub fn read(path: &Path) -> Result<LocalFile, LocalValuesError> {
    read_if_present(path)?.ok_or_else(|| {
        LocalValuesError::new(
            path,
            "file not found; write values with `devflare-secrets set` (or Devflare's CLI)",
        )
        .caused_by(io::ErrorKind::NotFound.into())
    })
}

/// Like [`read`], but a missing file is `Ok(None)`: for sources that are optional.
///
/// # Errors
///
/// As [`read`], except for a missing file.
pub fn read_if_present(path: &Path) -> Result<Option<LocalFile>, LocalValuesError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(
                LocalValuesError::new(path, format!("cannot read the file: {error}"))
                    .caused_by(error),
            );
        }
    };
    let text = String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let prefix = std::str::from_utf8(&error.as_bytes()[..valid]).unwrap_or_default();
        LocalValuesError::at(
            LineIndex::new(path, prefix).locate(valid),
            "not UTF-8 text: expected a JSON file in UTF-8",
        )
    })?;
    LocalFile::parse(&text, path).map(Some)
}
