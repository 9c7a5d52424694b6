//! Positions in a file: byte offsets turned into 1-based lines and columns, by one engine
//! ([`LineIndex`]) that every error of this workspace goes through.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where something is in a file: 1-based line, and 1-based column counted in characters.
///
/// The one file:line:column type of the workspace; [`LineIndex`] computes it from a byte
/// offset.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    path: Arc<Path>,
    line: usize,
    column: usize,
}

impl Location {
    /// A position in `path`, from a line and column already known (a compile-time record,
    /// the start of a file). Positions inside a text come from [`LineIndex::locate`].
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

/// Bytes per character-count checkpoint: a lookup counts at most this many bytes.
const CHUNK: usize = 64;

/// Turns byte offsets of one text into [`Location`]s in constant time per lookup (plus a
/// binary search over line starts), whatever the line length — so a parser that locates
/// every key of a file minified onto one line stays linear.
///
/// Built once per text in one pass: the byte offset of each line start, and the number of
/// characters before every 64-byte checkpoint. A column is then the character count at the
/// offset minus the one at its line start, each found from the nearest checkpoint.
///
/// ```
/// use devflare_config::LineIndex;
///
/// let index = LineIndex::new("wrangler.toml", "name = \"é\"\nmain = 1\n");
/// assert_eq!(index.locate(10).to_string(), "wrangler.toml:1:10", "é is one column");
/// assert_eq!(index.locate(12).to_string(), "wrangler.toml:2:1");
/// ```
#[derive(Debug, Clone)]
pub struct LineIndex<'t> {
    path: Arc<Path>,
    text: &'t str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
    /// Characters in `text[..i * CHUNK]` for every `i * CHUNK <= text.len()`; empty when the
    /// text is ASCII (column = bytes).
    chars_before_chunk: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    /// Indexes `text`, read from `path` (only used in the [`Location`]s it makes).
    pub fn new(path: impl AsRef<Path>, text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let chars_before_chunk = if text.is_ascii() {
            Vec::new()
        } else {
            let mut total = 0;
            let mut counts = Vec::with_capacity(text.len() / CHUNK + 1);
            for chunk in text.as_bytes().chunks(CHUNK) {
                counts.push(total);
                total += chunk.iter().filter(|&&b| !is_continuation(b)).count();
            }
            // The end of a text whose length is a multiple of CHUNK starts a chunk of its own.
            counts.push(total);
            counts
        };
        Self {
            path: Arc::from(path.as_ref()),
            text,
            starts,
            chars_before_chunk,
        }
    }

    /// The indexed text.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The file the text is from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The location of byte `offset`; offsets past the end or inside a character are clamped
    /// back to the start of that character.
    pub fn locate(&self, offset: usize) -> Location {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        let column = self.chars_before(offset) - self.chars_before(start) + 1;
        Location {
            path: Arc::clone(&self.path),
            line,
            column,
        }
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        if self.chars_before_chunk.is_empty() {
            return offset;
        }
        let chunk = offset / CHUNK;
        let from = chunk * CHUNK;
        let rest = &self.text.as_bytes()[from..offset];
        self.chars_before_chunk[chunk] + rest.iter().filter(|&&b| !is_continuation(b)).count()
    }
}

/// UTF-8 continuation bytes (`10xxxxxx`) do not start a character.
fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
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

    /// Found by the `wrangler_jsonc` fuzz target: the end of a text whose length is a
    /// multiple of the checkpoint size.
    #[test]
    fn locates_the_end_of_a_text_of_whole_checkpoints() {
        let text = format!("{}\né{}", "a".repeat(CHUNK - 4), "b");
        assert_eq!(text.len(), CHUNK);
        let index = LineIndex::new("f", &text);
        assert_eq!(index.locate(text.len()).to_string(), "f:2:3");
    }

    /// Every offset of a mixed text with lines longer than a checkpoint, against counting
    /// characters from the line start.
    #[test]
    fn agrees_with_counting_from_the_line_start_across_checkpoints() {
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&"aé€😀".repeat(i % 7 * 9));
            text.push(if i % 3 == 0 { '\n' } else { 'x' });
        }
        let index = LineIndex::new("f", &text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let line = text[..offset].matches('\n').count() + 1;
            let column = text[line_start..offset].chars().count() + 1;
            let location = index.locate(offset);
            assert_eq!(
                (location.line(), location.column()),
                (line, column),
                "{offset}"
            );
        }
    }
}
