//! A parsed file: its tree, format and the line index that turns spans into locations.

use std::path::Path;

use crate::error::{ConfigError, ConfigErrorKind};
use crate::location::LineIndex;
use crate::tree::{Format, Node};
use crate::{Location, jsonc, toml_tree};

pub(crate) struct Document<'t> {
    pub(crate) index: LineIndex<'t>,
    pub(crate) format: Format,
    pub(crate) root: Node<'t>,
}

impl<'t> Document<'t> {
    pub(crate) fn parse(text: &'t str, path: &Path, format: Format) -> Result<Self, ConfigError> {
        let index = LineIndex::new(path, text);
        let root = match format {
            Format::Toml => toml_tree::parse(text, &index)?,
            Format::Json | Format::Jsonc => jsonc::parse(text, &index)?,
        };
        Ok(Self {
            index,
            format,
            root,
        })
    }

    pub(crate) fn locate(&self, offset: usize) -> Location {
        self.index.locate(offset)
    }

    pub(crate) fn table_word(&self) -> &'static str {
        self.format.table_word()
    }

    /// The root must be a table / object.
    pub(crate) fn root_entries(&self) -> Result<&[(crate::tree::Key<'t>, Node<'t>)], ConfigError> {
        self.root
            .entries()
            .ok_or_else(|| self.wrong_type(&self.root, "the top level", self.table_word()))
    }

    pub(crate) fn wrong_type(&self, node: &Node<'_>, what: &str, expected: &str) -> ConfigError {
        ConfigError::at(
            ConfigErrorKind::WrongType,
            self.locate(node.span.start),
            format!("{what} is {}", node.type_name(self.format)),
        )
        .expected(expected)
    }
}

/// Reads a run-time path: absolute only, so no result depends on the working directory.
pub(crate) fn read_file(path: &Path) -> Result<String, ConfigError> {
    if !path.is_absolute() {
        return Err(ConfigError::whole_file(
            ConfigErrorKind::RelativePath,
            path,
            "relative path: it would be resolved against the working directory, which differs between test runners",
        )
        .expected(
            "an absolute path, e.g. `concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/fixtures/secrets.toml\")` (devflare-test: `manifest_path!(\"fixtures/secrets.toml\")`)",
        ));
    }
    let bytes = std::fs::read(path).map_err(|error| {
        ConfigError::whole_file(
            ConfigErrorKind::Io,
            path,
            format!("cannot read the file: {error}"),
        )
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let prefix = std::str::from_utf8(&error.as_bytes()[..valid]).unwrap_or_default();
        ConfigError::at(
            ConfigErrorKind::Syntax,
            LineIndex::new(path, prefix).locate(valid),
            "the file is not valid UTF-8",
        )
        .expected("UTF-8 text")
    })
}
