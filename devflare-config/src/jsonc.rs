//! JSONC text → [`Node`] tree: JSON plus `//` and `/* */` comments and trailing commas, as
//! wrangler reads `wrangler.json` and `wrangler.jsonc`.
//!
//! A small recursive-descent parser of our own, because every binding entry needs its
//! position (duplicates name both places) and every error must name line, column and what
//! was expected without quoting the input; `serde_json::Value` keeps no positions.

use crate::error::{ConfigError, ConfigErrorKind};
use crate::location::LineIndex;
use crate::repeat::first_repeat;
use crate::tree::{Key, Node, NodeKind};
use std::borrow::Cow;

/// Deeper nesting is refused rather than risking the stack (serde_json's limit too).
const MAX_DEPTH: usize = 128;

pub(crate) fn parse<'t>(text: &'t str, index: &LineIndex<'t>) -> Result<Node<'t>, ConfigError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        index,
    };
    let root = parser.value()?;
    parser.skip_trivia()?;
    if parser.pos < parser.bytes.len() {
        return Err(parser.error_here("unexpected text after the top-level value", "end of file"));
    }
    Ok(root)
}

struct Parser<'t, 'i> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    depth: usize,
    index: &'i LineIndex<'t>,
}

impl<'t> Parser<'t, '_> {
    fn error_at(&self, offset: usize, message: &str, expected: &str) -> ConfigError {
        ConfigError::at(
            ConfigErrorKind::Syntax,
            self.index.locate(offset),
            format!("invalid JSON: {message}"),
        )
        .expected(expected)
    }

    fn error_here(&self, message: &str, expected: &str) -> ConfigError {
        self.error_at(self.pos, message, expected)
    }

    /// "unexpected `,`" for punctuation; other characters are not quoted.
    fn unexpected(&self, expected: &str) -> ConfigError {
        match self.bytes.get(self.pos) {
            None => self.error_here("unexpected end of file", expected),
            Some(&b) if b.is_ascii_punctuation() => {
                let message = format!("unexpected `{}`", char::from(b));
                self.error_here(&message, expected)
            }
            Some(_) => self.error_here("unexpected character", expected),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_trivia(&mut self) -> Result<(), ConfigError> {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                // A byte-order mark is whitespace to editors; only allowed at the start.
                0xEF if self.pos == 0 && self.bytes.starts_with(b"\xEF\xBB\xBF") => self.pos += 3,
                b'/' => match self.bytes.get(self.pos + 1) {
                    Some(b'/') => {
                        while self.peek().is_some_and(|b| b != b'\n') {
                            self.pos += 1;
                        }
                    }
                    Some(b'*') => {
                        let start = self.pos;
                        match self.text[self.pos + 2..].find("*/") {
                            Some(end) => self.pos += 2 + end + 2,
                            None => {
                                return Err(self.error_at(
                                    start,
                                    "unterminated block comment",
                                    "`*/`",
                                ));
                            }
                        }
                    }
                    _ => return Err(self.error_here("unexpected `/`", "a comment (`//` or `/*`)")),
                },
                _ => break,
            }
        }
        Ok(())
    }

    fn value(&mut self) -> Result<Node<'t>, ConfigError> {
        self.skip_trivia()?;
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => return self.nested(Self::object),
            Some(b'[') => return self.nested(Self::array),
            Some(b'"') => NodeKind::String(self.string()?),
            Some(b't') => self.literal("true", "a boolean")?,
            Some(b'f') => self.literal("false", "a boolean")?,
            Some(b'n') => self.literal("null", "null")?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(self.unexpected("a value")),
        };
        Ok(Node {
            span: start..self.pos,
            kind,
        })
    }

    fn nested(
        &mut self,
        parse: fn(&mut Self) -> Result<Node<'t>, ConfigError>,
    ) -> Result<Node<'t>, ConfigError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_here(
                "nesting too deep",
                &format!("at most {MAX_DEPTH} nested arrays and objects"),
            ));
        }
        self.depth += 1;
        let node = parse(self);
        self.depth -= 1;
        node
    }

    fn object(&mut self) -> Result<Node<'t>, ConfigError> {
        let start = self.pos;
        self.pos += 1; // `{`
        let mut entries: Vec<(Key<'t>, Node<'t>)> = Vec::new();
        loop {
            self.skip_trivia()?;
            match self.peek() {
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                Some(b'"') => {}
                None => {
                    let opened = self.index.locate(start);
                    return Err(self.error_here(
                        &format!(
                            "unterminated object (opened at line {}, column {})",
                            opened.line(),
                            opened.column()
                        ),
                        "`}`",
                    ));
                }
                _ => return Err(self.unexpected("a string key or `}`")),
            }
            let key_start = self.pos;
            let name = self.string()?;
            let key = Key {
                name,
                span: key_start..self.pos,
            };
            self.skip_trivia()?;
            if self.peek() != Some(b':') {
                return Err(self.unexpected("`:` after the key"));
            }
            self.pos += 1;
            let value = self.value()?;
            entries.push((key, value));
            self.skip_trivia()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
        self.refuse_duplicate_keys(&entries)?;
        Ok(Node {
            span: start..self.pos,
            kind: NodeKind::Table(entries),
        })
    }

    /// The first key (in document order) that repeats an earlier one is an error naming both
    /// places. Checked once the object is read, borrowing the keys: no key is copied.
    fn refuse_duplicate_keys(&self, entries: &[(Key<'t>, Node<'t>)]) -> Result<(), ConfigError> {
        let repeat = first_repeat(entries.len(), |at| &entries[at].0.name);
        let Some((first, second)) = repeat else {
            return Ok(());
        };
        let key = &entries[second].0;
        let first = self.index.locate(entries[first].0.span.start);
        Err(ConfigError::at(
            ConfigErrorKind::Duplicate,
            self.index.locate(key.span.start),
            format!(
                "duplicate key `{}` (first at line {}, column {})",
                key.name,
                first.line(),
                first.column()
            ),
        )
        .expected("each key once per object"))
    }

    fn array(&mut self) -> Result<Node<'t>, ConfigError> {
        let start = self.pos;
        self.pos += 1; // `[`
        let mut items = Vec::new();
        loop {
            self.skip_trivia()?;
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                None => {
                    let opened = self.index.locate(start);
                    return Err(self.error_here(
                        &format!(
                            "unterminated array (opened at line {}, column {})",
                            opened.line(),
                            opened.column()
                        ),
                        "`]`",
                    ));
                }
                _ => {}
            }
            items.push(self.value()?);
            self.skip_trivia()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
        Ok(Node {
            span: start..self.pos,
            kind: NodeKind::Array(items),
        })
    }

    fn literal(
        &mut self,
        word: &str,
        type_name: &'static str,
    ) -> Result<NodeKind<'t>, ConfigError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(NodeKind::Scalar(type_name))
        } else {
            Err(self.error_here(
                "unknown word",
                "a value (a string must be in double quotes)",
            ))
        }
    }

    fn number(&mut self) -> Result<NodeKind<'t>, ConfigError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while p.peek().is_some_and(|b| b.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos > from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
            if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.error_at(start, "invalid number", "no leading zeros"));
            }
        } else if !digits(self) {
            return Err(self.error_at(start, "invalid number", "a digit"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error_here("invalid number", "a digit after `.`"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error_here("invalid number", "a digit in the exponent"));
            }
        }
        Ok(NodeKind::Scalar("a number"))
    }

    /// A string literal at `self.pos` (which is `"`), unescaped: borrowed from the text
    /// unless it holds an escape.
    fn string(&mut self) -> Result<Cow<'t, str>, ConfigError> {
        let start = self.pos;
        self.pos += 1;
        let mut out: Option<String> = None;
        let mut run = self.pos;
        loop {
            match self.peek() {
                None => return Err(self.error_at(start, "unterminated string", "a closing `\"`")),
                Some(b'"') => {
                    let rest = &self.text[run..self.pos];
                    self.pos += 1;
                    return Ok(match out {
                        None => Cow::Borrowed(rest),
                        Some(mut out) => {
                            out.push_str(rest);
                            Cow::Owned(out)
                        }
                    });
                }
                Some(b'\\') => {
                    let out = out.get_or_insert_with(String::new);
                    out.push_str(&self.text[run..self.pos]);
                    self.escape(out)?;
                    run = self.pos;
                }
                Some(0x00..=0x1F) => {
                    return Err(self.error_here(
                        "control character in a string",
                        "an escape such as `\\n` or `\\t`",
                    ));
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), ConfigError> {
        let at = self.pos;
        self.pos += 1; // `\`
        let simple = match self.peek() {
            Some(b'"') => Some('"'),
            Some(b'\\') => Some('\\'),
            Some(b'/') => Some('/'),
            Some(b'b') => Some('\u{8}'),
            Some(b'f') => Some('\u{c}'),
            Some(b'n') => Some('\n'),
            Some(b'r') => Some('\r'),
            Some(b't') => Some('\t'),
            Some(b'u') => None,
            _ => {
                return Err(self.error_at(
                    at,
                    "invalid escape",
                    "one of `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t`, `\\uXXXX`",
                ));
            }
        };
        self.pos += 1;
        if let Some(c) = simple {
            out.push(c);
            return Ok(());
        }
        let high = self.hex4(at)?;
        let code = if (0xD800..0xDC00).contains(&high) {
            if !self.bytes[self.pos..].starts_with(b"\\u") {
                return Err(self.error_at(
                    at,
                    "unpaired surrogate in a `\\u` escape",
                    "a low surrogate `\\uDC00`–`\\uDFFF` next",
                ));
            }
            self.pos += 2;
            let low = self.hex4(at)?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(self.error_at(
                    at,
                    "unpaired surrogate in a `\\u` escape",
                    "a low surrogate `\\uDC00`–`\\uDFFF` next",
                ));
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        match char::from_u32(code) {
            Some(c) => {
                out.push(c);
                Ok(())
            }
            None => Err(self.error_at(
                at,
                "unpaired surrogate in a `\\u` escape",
                "a Unicode scalar value",
            )),
        }
    }

    fn hex4(&mut self, escape_at: usize) -> Result<u32, ConfigError> {
        let digits = self.bytes.get(self.pos..self.pos + 4);
        let value = digits
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match value {
            Some(value) => {
                self.pos += 4;
                Ok(value)
            }
            None => Err(self.error_at(
                escape_at,
                "invalid `\\u` escape",
                "four hex digits after `\\u`",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error parsing a JSON object of `keys`, one a line, gives (key `i` is on line
    /// `i + 2`), if any.
    fn duplicate_in(keys: &[String]) -> Option<String> {
        let body: Vec<String> = keys.iter().map(|k| format!("\"{k}\": 1")).collect();
        let text = format!("{{\n{}\n}}", body.join(",\n"));
        let index = LineIndex::new("o.json", &text);
        parse(&text, &index).err().map(|e| e.to_string())
    }

    fn keys(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("key-{i}")).collect()
    }

    #[test]
    fn a_large_object_reports_the_first_repeat_in_file_order_with_both_places() {
        // Line of key i is i + 2. Key 30 repeats key 7 and key 35 repeats key 2: 30 comes first.
        let mut names = keys(40);
        names[30] = names[7].clone();
        names[35] = names[2].clone();
        let error = duplicate_in(&names).unwrap();
        assert!(
            error.starts_with("o.json:32:1: duplicate key `key-7` (first at line 9, column 1)"),
            "{error}"
        );
        // The same on both sides of the size where the check changes method.
        for n in [3, 15, 16, 17, 1000] {
            let mut names = keys(n);
            names[n - 1] = names[0].clone();
            let error = duplicate_in(&names).unwrap();
            let expected = format!(
                "o.json:{}:1: duplicate key `key-0` (first at line 2,",
                n + 1
            );
            assert!(error.starts_with(&expected), "{n}: {error}");
            assert!(duplicate_in(&keys(n)).is_none(), "{n} distinct keys");
        }
    }

    #[test]
    fn a_key_repeated_three_times_names_its_first_place() {
        let mut names = keys(50);
        names[20] = names[10].clone();
        names[45] = names[10].clone();
        let error = duplicate_in(&names).unwrap();
        assert!(
            error.starts_with("o.json:22:1: duplicate key `key-10` (first at line 12, column 1)"),
            "{error}"
        );
    }
}
