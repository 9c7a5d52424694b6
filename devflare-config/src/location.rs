//! Positions in a file: byte offsets turned into 1-based lines and columns.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where something is in a file: 1-based line, and 1-based column counted in characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    path: Arc<Path>,
    line: usize,
    column: usize,
}

impl Location {
    /// A position in `path`.
    pub fn new(path: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Self {
            path: Arc::from(path.into()),
            line,
            column,
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// 1-based line.
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column, in characters.
    pub fn column(&self) -> usize {
        self.column
    }
}

/// `path:line:column`, as compilers print it.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

/// Turns byte offsets of one text into [`Location`]s.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex<'t> {
    path: Arc<Path>,
    text: &'t str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub(crate) fn new(path: &Path, text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            path: Arc::from(path),
            text,
            starts,
        }
    }

    pub(crate) fn text(&self) -> &'t str {
        self.text
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The location of byte `offset`; offsets past the end or inside a character are clamped.
    pub(crate) fn locate(&self, offset: usize) -> Location {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        let column = self.text[start..offset].chars().count() + 1;
        Location {
            path: Arc::clone(&self.path),
            line,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_characters() {
        let index = LineIndex::new(Path::new("f"), "ab\nçd\n");
        assert_eq!(index.locate(0).to_string(), "f:1:1");
        assert_eq!(index.locate(3).to_string(), "f:2:1");
        assert_eq!(index.locate(5).to_string(), "f:2:2", "ç is one column");
        assert_eq!(
            index.locate(4).to_string(),
            "f:2:1",
            "inside ç: clamped back"
        );
        assert_eq!(index.locate(99).to_string(), "f:3:1");
    }
}
