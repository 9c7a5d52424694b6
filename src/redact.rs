//! Redaction: every value a fixture store ever held, in every form a handler might emit it,
//! replaced by `[secret:BINDING]` — for failure messages, reports and snapshots.
//!
//! One automaton matches every value in every encoding in a single pass, so redacting or
//! scanning a 64 KiB body against a hundred secrets stays well under a millisecond.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::SecretsEnv;

/// A form in which a secret value can appear in a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// The value itself.
    Raw,
    /// Base64, standard or URL-safe alphabet, padded or not (the value encoded on its own).
    Base64,
    /// Percent-encoded (`%2F`, `%2f`, and `+` for spaces in forms).
    UrlEncoded,
    /// Escaped as inside a JSON string (`\"`, `\\`, `\n`, `\u00e9`, `\/`).
    JsonEscaped,
}

impl Encoding {
    /// The suffix used in redaction markers: `""` for raw, `":base64"` and so on.
    fn marker_suffix(self) -> &'static str {
        match self {
            Self::Raw => "",
            Self::Base64 => ":base64",
            Self::UrlEncoded => ":url",
            Self::JsonEscaped => ":json",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Raw => "raw",
            Self::Base64 => "base64",
            Self::UrlEncoded => "URL-encoded",
            Self::JsonEscaped => "JSON-escaped",
        })
    }
}

/// One pattern: which secret, in which form.
#[derive(Clone)]
struct Pattern {
    label: Arc<str>,
    encoding: Encoding,
    marker: String,
}

/// One place a secret was found, as byte offsets into the scanned text. Never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SecretMatch {
    pub(crate) label: Arc<str>,
    pub(crate) encoding: Encoding,
    pub(crate) range: Range<usize>,
}

/// Replaces every known secret value (raw, base64, URL-encoded, JSON-escaped) with
/// `[secret:BINDING]` (or `[secret:BINDING:base64]`, …).
///
/// Built from an env with [`SecretsEnv::redactor`]; it knows every value the env's store has
/// ever held, so a value rotated away is still redacted. Values are matched longest first,
/// so a secret that contains another is replaced whole. Empty values cannot be redacted and
/// are ignored; use distinctive fixture values (a one-letter secret redacts every such letter).
///
/// ```
/// use devflare_test::prelude::*;
///
/// let env = secrets_env! { API_TOKEN => "test-token" };
/// let redactor = env.redactor();
/// assert_eq!(
///     redactor.redact("Bearer test-token / dGVzdC10b2tlbg=="),
///     "Bearer [secret:API_TOKEN] / [secret:API_TOKEN:base64]=="
/// );
/// ```
#[derive(Clone)]
pub struct Redactor {
    automaton: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
}

impl Redactor {
    /// A redactor for `(label, value)` pairs, such as `SecretsEnv::__known_values`.
    pub(crate) fn new(values: &[(String, Arc<str>)]) -> Self {
        let mut needles: Vec<Vec<u8>> = Vec::new();
        // Forms already taken: the first value (longest first) to produce a form labels it.
        let mut seen: HashSet<Vec<u8>> = HashSet::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        for (label, value) in values {
            if value.is_empty() {
                continue;
            }
            let label: Arc<str> = Arc::from(label.as_str());
            for (encoding, form) in encoded_forms(value) {
                if form.is_empty() || !seen.insert(form.clone()) {
                    continue;
                }
                needles.push(form);
                patterns.push(Pattern {
                    label: Arc::clone(&label),
                    encoding,
                    marker: format!("[secret:{label}{}]", encoding.marker_suffix()),
                });
            }
        }
        let automaton = if needles.is_empty() {
            None
        } else {
            // Leftmost-longest: a value that contains another is matched whole.
            // A contiguous NFA: a DFA scans a little faster but takes far longer to build, and
            // a redactor is built per matrix run and per `leaks()` call.
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .match_kind(MatchKind::LeftmostLongest)
                .build(&needles)
                .ok()
        };
        Self {
            automaton,
            patterns,
        }
    }

    /// Every place a secret appears in `haystack`, left to right, without overlaps.
    pub(crate) fn find(&self, haystack: &[u8]) -> Vec<SecretMatch> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        automaton
            .find_iter(haystack)
            .map(|m| {
                let pattern = &self.patterns[m.pattern().as_usize()];
                SecretMatch {
                    label: Arc::clone(&pattern.label),
                    encoding: pattern.encoding,
                    range: m.range(),
                }
            })
            .collect()
    }

    /// Whether `text` contains any known secret, in any encoding.
    pub fn contains_secret(&self, text: &str) -> bool {
        self.automaton
            .as_ref()
            .is_some_and(|automaton| automaton.is_match(text))
    }

    /// `text` with every known secret replaced by its marker.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let Some(automaton) = &self.automaton else {
            return Cow::Borrowed(text);
        };
        if !automaton.is_match(text) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        automaton.replace_all_with(text, &mut out, |m, _, out| {
            out.push_str(&self.patterns[m.pattern().as_usize()].marker);
            true
        });
        Cow::Owned(out)
    }

    /// How many secret forms this redactor matches.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }
}

/// Lists pattern counts and labels — never a value.
impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut labels: Vec<&str> = self.patterns.iter().map(|p| &*p.label).collect();
        labels.dedup();
        f.debug_struct("Redactor")
            .field("secrets", &labels)
            .field("patterns", &self.patterns.len())
            .finish()
    }
}

impl SecretsEnv {
    /// A [`Redactor`] for every value this env's store has ever held.
    pub fn redactor(&self) -> Redactor {
        Redactor::new(&self.__known_values())
    }
}

/// Every form of `value` worth matching, raw first. Duplicates are removed by the caller.
fn encoded_forms(value: &str) -> Vec<(Encoding, Vec<u8>)> {
    let bytes = value.as_bytes();
    let mut forms = vec![(Encoding::Raw, bytes.to_vec())];

    // Base64 of the value on its own: the full unpadded text, and the part made only of
    // whole 3-byte groups, which stays the same when more data follows the value.
    for alphabet in [STANDARD, URL_SAFE] {
        let encoded = base64(bytes, alphabet);
        let whole_groups = bytes.len() / 3 * 4;
        forms.push((Encoding::Base64, encoded.clone().into_bytes()));
        if whole_groups >= 8 && whole_groups < encoded.len() {
            forms.push((
                Encoding::Base64,
                encoded.as_bytes()[..whole_groups].to_vec(),
            ));
        }
    }

    // The value may also start mid-group, after other bytes (`Basic base64(user:token)`):
    // for each shift, keep the characters that depend on the value's bytes alone.
    for alphabet in [STANDARD, URL_SAFE] {
        for (shift, first_own_char) in [(1, 2), (2, 3)] {
            let mut shifted = vec![0u8; shift];
            shifted.extend_from_slice(bytes);
            let encoded = base64(&shifted, alphabet);
            let whole_groups = shifted.len() / 3 * 4;
            if whole_groups >= first_own_char + 8 {
                forms.push((
                    Encoding::Base64,
                    encoded.as_bytes()[first_own_char..whole_groups].to_vec(),
                ));
            }
        }
    }

    // RFC 3986 unreserved characters kept (most encoders), or every non-alphanumeric byte
    // encoded (`NON_ALPHANUMERIC`-style encoders); either hex case; `+` or `%20` for space.
    for keep_unreserved in [true, false] {
        for (upper_hex, plus_for_space) in
            [(true, false), (false, false), (true, true), (false, true)]
        {
            forms.push((
                Encoding::UrlEncoded,
                percent_encode(bytes, keep_unreserved, upper_hex, plus_for_space).into_bytes(),
            ));
        }
    }

    for (ascii_only, escape_slash) in [(false, false), (true, false), (false, true), (true, true)] {
        forms.push((
            Encoding::JsonEscaped,
            json_escape(value, ascii_only, escape_slash).into_bytes(),
        ));
    }
    forms
}

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64 without padding (padding is left to match after the marker).
pub(crate) fn base64(bytes: &[u8], alphabet: &[u8; 64]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(alphabet[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

/// Standard base64 with padding, as a handler would most likely emit it.
#[cfg(test)]
pub(crate) fn base64_padded(bytes: &[u8]) -> String {
    let mut out = base64(bytes, STANDARD);
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    out
}

fn percent_encode(
    bytes: &[u8],
    keep_unreserved: bool,
    upper_hex: bool,
    plus_for_space: bool,
) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for &b in bytes {
        if b.is_ascii_alphanumeric() || (keep_unreserved && matches!(b, b'-' | b'.' | b'_' | b'~'))
        {
            out.push(char::from(b));
        } else if plus_for_space && b == b' ' {
            out.push('+');
        } else if upper_hex {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

fn json_escape(value: &str, ascii_only: bool, escape_slash: bool) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if escape_slash => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_control() || (ascii_only && !c.is_ascii()) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
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
    fn base64_matches_known_vectors() {
        assert_eq!(base64_padded(b""), "");
        assert_eq!(base64_padded(b"f"), "Zg==");
        assert_eq!(base64_padded(b"fo"), "Zm8=");
        assert_eq!(base64_padded(b"foo"), "Zm9v");
        assert_eq!(base64_padded(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xfb, 0xff], URL_SAFE), "-_8");
    }

    #[test]
    fn escapes_match_serde_json_and_percent_encoding() {
        let value = "a\"b\\c/d\n\u{1}é";
        assert_eq!(
            json_escape(value, false, false),
            serde_json::to_string(value).unwrap().trim_matches('"')
        );
        assert_eq!(percent_encode(b"a b/c", true, true, false), "a%20b%2Fc");
        assert_eq!(percent_encode(b"a b/c", true, false, true), "a+b%2fc");
        assert_eq!(percent_encode(b"a-b~", false, true, false), "a%2Db%7E");
    }

    #[test]
    fn redacts_every_form_and_the_longest_value_whole() {
        let redactor = Redactor::new(&[
            ("LONG".to_owned(), Arc::from("token-and-more")),
            ("SHORT".to_owned(), Arc::from("token")),
        ]);
        assert_eq!(
            redactor.redact("token-and-more token"),
            "[secret:LONG] [secret:SHORT]"
        );
        let encoded = base64_padded(b"token-and-more");
        assert_eq!(redactor.redact(&encoded), "[secret:LONG:base64]=");
        assert!(!format!("{redactor:?}").contains("token"));
    }
}
