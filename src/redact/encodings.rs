//! Every supported encoding of a value, written out: what tests and the redactor's fuzz target
//! embed in a text to check that redaction leaves none of it. Independent of the matcher: it
//! encodes, the matcher decodes.

use std::fmt::Write as _;

use super::Encoding;
use super::views::NAMED_ENTITIES;
use crate::codec::{Alphabet, Case, Padding, base64_with, hex, percent_encode_with};

/// Not public API (for tests and fuzz targets): `value` in every encoding the redactor
/// supports, several variants of each — base64 (both alphabets, padded or not, after 1–3
/// other bytes, MIME-wrapped at 76 with CRLF and at a short width with LF), hex (both cases),
/// percent-encoding (every byte, non-alphanumerics, unreserved kept, `encodeURIComponent`,
/// form with `+`, mixed hex case, every other byte), HTML entities (decimal, hex, named),
/// JSON (serde-style, `\u` for everything in either case, escaped twice), base64 of a JWT-style
/// payload as serde, Python, PHP and Go write its JSON, Rust's and Python's debug forms
/// (`{:?}` of a `String` and of `bytes::Bytes`, `escape_default`, `escape_debug`,
/// `escape_unicode`, `escape_ascii`, `repr(bytes)`, `ascii(str)`), and the whitespace-trimmed
/// core. Encodings of values shorter than `MIN_TOKEN_CHARS` that only the raw match covers are
/// left out.
#[doc(hidden)]
pub fn every_encoding(value: &str) -> Vec<(Encoding, String)> {
    let bytes = value.as_bytes();
    let mut out = vec![(Encoding::Raw, value.to_owned())];
    let core = value.trim();
    if core.len() != value.len() && !core.is_empty() {
        out.push((Encoding::Raw, core.to_owned()));
    }
    const STANDARD: Alphabet = Alphabet::Standard;
    const URL_SAFE: Alphabet = Alphabet::UrlSafe;
    let base64 = |bytes: &[u8], alphabet| base64_with(bytes, alphabet, Padding::Unpadded);
    if value.chars().count() >= super::MIN_TOKEN_CHARS {
        for alphabet in [STANDARD, URL_SAFE] {
            let plain = base64(bytes, alphabet);
            out.push((Encoding::Base64, plain.clone()));
            out.push((
                Encoding::Base64,
                base64_with(bytes, alphabet, Padding::Padded),
            ));
            for prefix in ["u", "u:", "usr:"] {
                let mut data = prefix.as_bytes().to_vec();
                data.extend_from_slice(bytes);
                out.push((
                    Encoding::Base64,
                    base64_with(&data, alphabet, Padding::Padded),
                ));
            }
        }
        let mime = base64_with(bytes, STANDARD, Padding::Padded);
        out.push((Encoding::Base64, wrap(&mime, 76, "\r\n")));
        out.push((Encoding::Base64, wrap(&mime, 4 + bytes.len() % 5, "\n")));
        let mut basic = b"user:".to_vec();
        basic.extend_from_slice(bytes);
        out.push((
            Encoding::Base64,
            wrap(&base64_with(&basic, STANDARD, Padding::Padded), 3, "\r\n"),
        ));
        out.push((Encoding::Hex, hex(bytes, Case::Lower)));
        out.push((Encoding::Hex, hex(bytes, Case::Upper)));
        for writer in [Json::Serde, Json::Python, Json::Php, Json::Go] {
            let payload = format!(r#"{{"sub":"{}","n":1}}"#, json_as(value, writer));
            out.push((Encoding::Base64, base64(payload.as_bytes(), URL_SAFE)));
            out.push((
                Encoding::Base64,
                base64_with(payload.as_bytes(), STANDARD, Padding::Padded),
            ));
        }
    }
    let literal = Encoding::BackslashEscaped;
    out.push((literal, format!("{value:?}")));
    out.push((literal, value.escape_default().to_string()));
    out.push((literal, value.escape_debug().to_string()));
    out.push((literal, value.escape_unicode().to_string()));
    out.push((literal, bytes.escape_ascii().to_string()));
    out.push((
        literal,
        format!("{:?}", bytes::Bytes::copy_from_slice(bytes)),
    ));
    out.push((literal, python_repr_bytes(bytes)));
    out.push((literal, python_ascii(value)));
    let alnum = |b: u8| b.is_ascii_alphanumeric();
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || b"-._~".contains(&b);
    let uri_component = |b: u8| b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b);
    // Which bytes stay as they are (by index and byte), upper-case hex, `+` for space.
    let encodings: [(&Keep<'_>, bool, bool); 7] = [
        (&|_, _| false, true, false),
        (&|_, _| false, false, false),
        (&|_, b| alnum(b), true, false),
        (&|_, b| unreserved(b), false, false),
        (&|_, b| uri_component(b), true, false),
        (&|_, b| alnum(b) || b"*-._".contains(&b), true, true),
        (&|i, b| i % 2 == 1 && alnum(b), true, false),
    ];
    for (keep, upper, plus) in encodings {
        let case = if upper { Case::Upper } else { Case::Lower };
        out.push((
            Encoding::UrlEncoded,
            percent_encode_with(bytes, keep, case, plus),
        ));
    }
    out.push((Encoding::UrlEncoded, percent_mixed_case(bytes)));
    out.push((Encoding::HtmlEntities, entities(value, Entity::Decimal)));
    out.push((Encoding::HtmlEntities, entities(value, Entity::Hex)));
    out.push((Encoding::HtmlEntities, entities(value, Entity::Named)));
    let once = json(value, false, false);
    out.push((Encoding::JsonEscaped, once.clone()));
    out.push((Encoding::JsonEscaped, json(value, true, false)));
    out.push((Encoding::JsonEscaped, json(value, true, true)));
    out.push((Encoding::JsonEscaped, json(&once, false, false)));
    out.push((
        Encoding::JsonEscaped,
        json(&format!("{{\"token\":\"{once}\"}}"), false, false),
    ));
    out
}

/// Whether a percent-encoder keeps byte `b` at index `i` as it is.
type Keep<'a> = dyn Fn(usize, u8) -> bool + 'a;

fn wrap(text: &str, width: usize, line_break: &str) -> String {
    let chunks: Vec<&str> = text
        .as_bytes()
        .chunks(width)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    chunks.join(line_break)
}

/// Every byte encoded, the two hex digits in opposite cases (`%2f`, `%A9` → `%2F`, `%a9`…).
fn percent_mixed_case(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "%{:X}{:x}", b >> 4, b & 15);
        out
    })
}

/// Python's `repr(bytes)`: `b'…'` (`b"…"` when the bytes hold `'` and no `"`), printable
/// ASCII as is, `\t`, `\n`, `\r`, `\\`, the quote escaped, every other byte `\xNN`.
fn python_repr_bytes(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = format!("b{}", char::from(quote));
    for &b in bytes {
        let _ = match b {
            b'\t' => write!(out, "\\t"),
            b'\n' => write!(out, "\\n"),
            b'\r' => write!(out, "\\r"),
            b'\\' => write!(out, "\\\\"),
            _ if b == quote => write!(out, "\\{}", char::from(b)),
            0x20..=0x7e => write!(out, "{}", char::from(b)),
            _ => write!(out, "\\x{b:02x}"),
        };
    }
    out.push(char::from(quote));
    out
}

/// Python's `ascii(str)`, without the quotes: non-ASCII as `\xe9`, `\u20ac` or `\U0001f600`,
/// control characters as `\x01` (or `\t`, `\n`, `\r`), `\\` and `'` escaped.
fn python_ascii(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        let code = u32::from(c);
        let _ = match c {
            '\t' => write!(out, "\\t"),
            '\n' => write!(out, "\\n"),
            '\r' => write!(out, "\\r"),
            '\\' | '\'' => write!(out, "\\{c}"),
            ' '..='~' => write!(out, "{c}"),
            _ if code < 0x100 => write!(out, "\\x{code:02x}"),
            _ if code < 0x10000 => write!(out, "\\u{code:04x}"),
            _ => write!(out, "\\U{code:08x}"),
        };
    }
    out
}

/// A JSON encoder's way of writing a string's contents.
#[derive(Clone, Copy)]
enum Json {
    /// serde_json, JavaScript's `JSON.stringify`: `"`, `\` and controls only.
    Serde,
    /// Python's `json.dumps`: also non-ASCII as `\u00e9`.
    Python,
    /// PHP's `json_encode`: also non-ASCII as `\u00e9` and `/` as `\/`.
    Php,
    /// Go's `json.Marshal`: also `<`, `>`, `&` as `\u003c`, `\u003e`, `\u0026`.
    Go,
}

fn json_as(value: &str, writer: Json) -> String {
    let mut out = String::new();
    for c in value.chars() {
        let escape_u = match writer {
            Json::Serde => false,
            Json::Python => !c.is_ascii(),
            Json::Php => !c.is_ascii(),
            Json::Go => "<>&".contains(c),
        };
        match c {
            '/' if matches!(writer, Json::Php) => out.push_str("\\/"),
            _ if escape_u => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            _ => out.push_str(&json(&c.to_string(), false, false)),
        }
    }
    out
}

#[derive(Clone, Copy)]
enum Entity {
    Decimal,
    Hex,
    Named,
}

fn entities(value: &str, style: Entity) -> String {
    let mut out = String::new();
    for c in value.chars() {
        let named = NAMED_ENTITIES.iter().find(|&&(_, n)| n == c);
        let _ = match (style, named) {
            (Entity::Named, Some((name, _))) => write!(out, "&{name};"),
            (Entity::Named, None) => write!(out, "{c}"),
            (Entity::Decimal, _) => write!(out, "&#{};", u32::from(c)),
            (Entity::Hex, _) => write!(out, "&#x{:x};", u32::from(c)),
        };
    }
    out
}

/// JSON string escaping: serde's (quotes, backslashes, controls), or `\u` for every
/// character (`all`, in `upper` or lower hex).
fn json(value: &str, all: bool, upper: bool) -> String {
    let mut out = String::new();
    for c in value.chars() {
        match c {
            _ if all => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = if upper {
                        write!(out, "\\u{unit:04X}")
                    } else {
                        write!(out, "\\u{unit:04x}")
                    };
                }
            }
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoders_agree_with_serde_json() {
        let value = "a\"b\\c\n\u{1}é";
        assert_eq!(
            json(value, false, false),
            serde_json::to_string(value).unwrap().trim_matches('"')
        );
        let all: String =
            serde_json::from_str(&format!("\"{}\"", json(value, true, true))).unwrap();
        assert_eq!(all, value);
        assert_eq!(percent_mixed_case(b"/\xa9"), "%2f%A9");
        assert_eq!(entities("a&/", Entity::Named), "a&amp;&sol;");
        assert_eq!(hex(b"\x01\xab", Case::Upper), "01AB");
        assert_eq!(wrap("abcdefg", 3, "\n"), "abc\ndef\ng");
        assert_eq!(
            python_repr_bytes("it's é".as_bytes()),
            r#"b"it's \xc3\xa9""#
        );
        assert_eq!(python_repr_bytes(b"a'\"\\"), r#"b'a\'"\\'"#);
        assert_eq!(python_ascii("é€😀\u{1}'"), r"\xe9\u20ac\U0001f600\x01\'");
        assert_eq!(json_as("a/é<", Json::Php), r"a\/\u00e9<");
        assert_eq!(json_as("a/é<\"", Json::Go), r#"a/é\u003c\""#);
    }
}
