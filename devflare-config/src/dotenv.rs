//! Dotenv files as wrangler reads them for local development (`.dev.vars`, `.dev.vars.<env>`,
//! `.env`, `.env.local`, `.env.<env>`, `.env.<env>.local`).
//!
//! Wrangler parses them with the `dotenv` npm package's `parse`, which this module follows
//! rule for rule (its line pattern is used as is, through `regex-lite`):
//!
//! - `KEY=value`, `KEY = value`, `export KEY=value` and `KEY: value`; keys are
//!   `[A-Za-z0-9_.-]+`;
//! - unquoted values end at `#` (a comment) and are trimmed;
//! - `'…'`, `"…"` and `` `…` `` quote a value, which may then span lines and hold `#`; only in
//!   double quotes are `\n` and `\r` turned into line breaks, nothing else is unescaped;
//! - lines that are not a pair are ignored, never an error (as `dotenv` does);
//! - a key given twice keeps its last value.
//!
//! The `dotenvy` crate is not used: it substitutes `$VAR` in every file (wrangler expands
//! only `.env` files, never `.dev.vars`), has no backtick quotes, no `KEY: value`, and rejects
//! lines `dotenv` skips. `.env` files' `${VAR}` expansion (wrangler's `dotenv-expand`) is
//! [`expand`].
//!
//! `Debug` never shows a value: these files hold secrets.

use std::fmt;
use std::path::Path;
use std::sync::LazyLock;

use regex_lite::Regex;

use crate::document::read_file;
use crate::error::ConfigError;
use crate::{LineIndex, Location};

/// `dotenv`'s `LINE` pattern (v16), with JavaScript's classes spelled out: `\w` is ASCII,
/// `.` stops at any line break, and `(?m)` makes `^`/`$` match at line boundaries.
static LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)^\s*(?:export\s+)?([A-Za-z0-9_.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#[^\n\r]*)?$"#,
    )
    .unwrap_or_else(|error| unreachable!("the dotenv line pattern is valid: {error}"))
});

/// One `KEY=value` pair of a dotenv file.
#[derive(Clone, PartialEq, Eq)]
pub struct DotenvEntry {
    key: String,
    value: String,
    location: Location,
}

impl DotenvEntry {
    /// The key (the binding name).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value, unquoted as `dotenv` does.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Where the key is.
    pub fn location(&self) -> &Location {
        &self.location
    }
}

/// Names the key and its position; never the value.
impl fmt::Debug for DotenvEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.key, self.location)
    }
}

/// A parsed dotenv file: its pairs in the order their keys first appear, each with its last
/// value (a JavaScript object's order and assignment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvFile {
    entries: Vec<DotenvEntry>,
}

impl DotenvFile {
    /// Parses `text` as `dotenv` does; `path` is only used in locations. Never fails: lines
    /// that are not a pair are skipped, as `dotenv` skips them.
    ///
    /// ```
    /// use devflare_config::DotenvFile;
    ///
    /// let file = DotenvFile::parse(
    ///     "# local secrets\nAPI_KEY=abc # comment\nexport QUOTED=\"a#b\\nc\"\nnot a pair\nAPI_KEY='last'\n",
    ///     ".dev.vars",
    /// );
    /// let pairs: Vec<_> = file.entries().iter().map(|e| (e.key(), e.value())).collect();
    /// assert_eq!(pairs, [("API_KEY", "last"), ("QUOTED", "a#b\nc")]);
    /// // The position of the value that won.
    /// assert_eq!(file.entries()[0].location().to_string(), ".dev.vars:5:1");
    /// ```
    pub fn parse(text: &str, path: impl AsRef<Path>) -> Self {
        // `dotenv` first turns `\r\n` and lone `\r` into `\n`.
        let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        let index = LineIndex::new(path.as_ref(), &normalized);
        let mut entries: Vec<DotenvEntry> = Vec::new();
        for captures in LINE.captures_iter(&normalized) {
            let (Some(key), value) = (captures.get(1), captures.get(2)) else {
                continue;
            };
            let value = unquote(value.map_or("", |m| m.as_str()));
            let location = index.locate(key.start());
            match entries.iter_mut().find(|e| e.key == key.as_str()) {
                Some(entry) => {
                    entry.value = value;
                    entry.location = location;
                }
                None => entries.push(DotenvEntry {
                    key: key.as_str().to_owned(),
                    value,
                    location,
                }),
            }
        }
        Self { entries }
    }

    /// Reads and parses the file at `path` (absolute).
    ///
    /// # Errors
    ///
    /// A relative path, an unreadable file (a missing one included) or text that is not
    /// UTF-8.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        Ok(Self::parse(&read_file(path)?, path))
    }

    /// Like [`load`](Self::load), but a file that does not exist is `Ok(None)`: wrangler
    /// skips absent files.
    ///
    /// # Errors
    ///
    /// As [`load`](Self::load), except for a missing file.
    pub fn load_if_present(path: impl AsRef<Path>) -> Result<Option<Self>, ConfigError> {
        let path = path.as_ref();
        if path.is_absolute() && !path.exists() {
            return Ok(None);
        }
        Self::load(path).map(Some)
    }

    /// The pairs, in the order their keys first appear.
    pub fn entries(&self) -> &[DotenvEntry] {
        &self.entries
    }

    /// The value of `key`, if the file has it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(DotenvEntry::value)
    }
}

/// `dotenv`'s value step: trim, strip matching outer quotes, and in double quotes turn `\n`
/// and `\r` into line breaks.
fn unquote(raw: &str) -> String {
    let value = raw.trim();
    let quote = value.chars().next();
    let stripped = match quote {
        Some(q @ ('\'' | '"' | '`')) if value.len() >= 2 && value.ends_with(q) => {
            &value[1..value.len() - 1]
        }
        _ => value,
    };
    if quote == Some('"') {
        stripped.replace("\\n", "\n").replace("\\r", "\r")
    } else {
        stripped.to_owned()
    }
}

/// Expands `${NAME}`, `$NAME` and `${NAME:-default}` in values, as wrangler does for `.env`
/// files (never for `.dev.vars`) with `dotenv-expand`: a name is looked up among the merged
/// pairs themselves (wrangler reads the process environment only when
/// `CLOUDFLARE_INCLUDE_PROCESS_ENV` is set, which devflare-test never does); an unknown name is
/// empty; `\$` is a literal `$`.
///
/// ```
/// let pairs = vec![
///     ("HOST".to_owned(), "api.example".to_owned()),
///     ("URL".to_owned(), "https://${HOST}/v1?x=\\$y&z=${MISSING:-none}".to_owned()),
/// ];
/// let expanded = devflare_config::dotenv::expand(pairs);
/// assert_eq!(expanded[1].1, "https://api.example/v1?x=$y&z=none");
/// ```
pub fn expand(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    let raw = pairs.clone();
    let lookup = |name: &str, depth: usize| -> Option<String> {
        raw.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| expand_value(v, &raw, depth + 1))
    };
    pairs
        .into_iter()
        .map(|(key, value)| {
            let expanded = expand_with(&value, &|name| lookup(name, 0));
            (key, expanded)
        })
        .collect()
}

fn expand_value(value: &str, raw: &[(String, String)], depth: usize) -> String {
    // A reference cycle stops expanding instead of recursing forever.
    if depth > 16 {
        return value.to_owned();
    }
    expand_with(value, &|name| {
        raw.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| expand_value(v, raw, depth + 1))
    })
}

fn expand_with(value: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find(['$', '\\']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("\\$") {
            out.push('$');
            rest = after;
        } else if let Some(after) = tail.strip_prefix('\\') {
            out.push('\\');
            rest = after;
        } else if let Some(braced) = tail.strip_prefix("${") {
            match braced.find('}') {
                Some(end) => {
                    let inner = &braced[..end];
                    let (name, default) = match inner.split_once(":-") {
                        Some((name, default)) => (name, Some(default)),
                        None => (inner, None),
                    };
                    let found = lookup(name).filter(|v| !v.is_empty() || default.is_none());
                    out.push_str(&found.unwrap_or_else(|| default.unwrap_or("").to_owned()));
                    rest = &braced[end + 1..];
                }
                None => {
                    out.push_str(tail);
                    rest = "";
                }
            }
        } else {
            let name_len = tail[1..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(tail.len() - 1);
            if name_len == 0 {
                out.push('$');
            } else {
                out.push_str(&lookup(&tail[1..=name_len]).unwrap_or_default());
            }
            rest = &tail[1 + name_len..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        DotenvFile::parse(text, ".dev.vars")
            .entries()
            .iter()
            .map(|e| (e.key().to_owned(), e.value().to_owned()))
            .collect()
    }

    fn one(text: &str) -> String {
        let all = pairs(text);
        assert_eq!(all.len(), 1, "{text:?} gave {} pairs", all.len());
        all[0].1.clone()
    }

    #[test]
    fn unquoted_values_are_trimmed_and_end_at_a_comment() {
        assert_eq!(one("K=  v a l  "), "v a l");
        assert_eq!(one("K=abc#def"), "abc");
        assert_eq!(one("K=abc # comment"), "abc");
        assert_eq!(one("K="), "");
        assert_eq!(one("K=#only a comment"), "");
        assert_eq!(one("  export   K=v"), "v");
        assert_eq!(one("K: v"), "v");
        assert_eq!(one("K = v"), "v");
    }

    #[test]
    fn quotes_keep_hashes_and_span_lines_and_only_double_quotes_unescape() {
        assert_eq!(one("K=\"a#b\""), "a#b");
        assert_eq!(one("K='a\\nb'"), "a\\nb");
        assert_eq!(one("K=\"a\\nb\\rc\\td\""), "a\nb\rc\\td");
        assert_eq!(one("K=`it's \"x\"`"), "it's \"x\"");
        assert_eq!(one("K=\"line1\nline2\""), "line1\nline2");
        assert_eq!(one("K='unterminated"), "'unterminated");
        assert_eq!(one("K=\"a\" b"), "\"a\" b");
        assert_eq!(one("K=\"a\" # c"), "a");
    }

    #[test]
    fn lines_that_are_not_pairs_are_skipped_and_the_last_value_wins() {
        let text = "# c\n\nnot a pair\nKEY:novalue\nA=1\r\nB=2\rA=3\n";
        assert_eq!(
            pairs(text),
            [("A".into(), "3".into()), ("B".into(), "2".into())]
        );
        let file = DotenvFile::parse(text, "f");
        assert_eq!(file.entries()[0].location().to_string(), "f:7:1");
    }

    #[test]
    fn debug_never_shows_a_value() {
        let file = DotenvFile::parse("API_KEY=canary-51f0\n", ".dev.vars");
        let debug = format!("{file:?} {file:#?}");
        assert!(!debug.contains("canary"), "{debug}");
        assert!(debug.contains("API_KEY (.dev.vars:1:1)"), "{debug}");
    }

    #[test]
    fn expansion_reads_earlier_and_later_pairs_and_defaults() {
        let expanded = expand(vec![
            ("A".into(), "${B}-$B-${C:-dflt}-\\$B-$".into()),
            ("B".into(), "b".into()),
        ]);
        assert_eq!(expanded[0].1, "b-b-dflt-$B-$");
        let cycle = expand(vec![("X".into(), "${X}".into())]);
        assert!(cycle[0].1.len() < 1000);
    }
}
