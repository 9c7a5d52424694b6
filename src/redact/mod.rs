//! Redaction: every value a fixture store ever held (and every value a test registered as
//! derived from one), in every form a handler might emit it, replaced by `[secret:BINDING]` —
//! for failure messages, reports and snapshots. The leak scan (`leak.rs`) reports the
//! same matches, so whatever is redacted is also found, and the other way round.
//!
//! # Threat model
//!
//! **What it defends against: accidental leaks in tests.** A handler, a log line, an error
//! message or a debug dump that carries a fixture secret into a response, a failure message, a
//! report or a snapshot — written by a developer making a mistake, in the forms ordinary code
//! and libraries produce. It must find a value:
//!
//! - raw, and by its whitespace-trimmed core; in a header name also ignoring ASCII case (HTTP
//!   lower-cases names);
//! - in base64, standard or URL-safe, padded or not, after other bytes at any alignment,
//!   wrapped at any line length; and base64 of JSON that escapes it (a JWT payload), in the
//!   spellings serde, JavaScript, Python, PHP and Go write;
//! - in hex, either case;
//! - percent-encoded (any subset of bytes, either hex case, `+` for space);
//! - as HTML entities (named, decimal, hex), escaped twice too;
//! - JSON-escaped, nested up to `MAX_ROUNDS` (`views.rs`) deep, next to stray backslashes;
//! - backslash-escaped as string literals and debug output write it (`\xc3\xa9`, `\u{e9}`,
//!   `\U0001f600`, `\'`, `\0`: Rust's `{:?}` and `escape_*`, Python's `repr`);
//! - after an unfinished escape that its first characters complete (`%2` + `canary…`);
//! - overlapping another value (both are reported).
//!
//! Its tests (`tests/it/leak_encodings.rs`) and fuzz target (`fuzz/fuzz_targets/redactor.rs`,
//! fed by [`every_encoding`]) hold it to each of these.
//!
//! **What it deliberately does not, and why.**
//!
//! - *An adversary crafting output.* Code under test that wants a secret out can always get
//!   it out — split over headers or chunks, reversed, interleaved, XOR-ed, escaped in orders no
//!   library produces, nested deeper than real documents go. Chasing that makes the matcher
//!   unbounded and slow, and protects no one: this is a test tool, not a data-loss-prevention
//!   filter. A fuzz finding is a bug to fix when ordinary code could produce the form by
//!   accident; otherwise it is out of scope (say so in the test that records it).
//! - *Encryption, hashing, compression.* A value computed from a secret (a signature, a
//!   digest) is found only once registered with `register_derived`; a compressed body is the
//!   transport's business (the remote runner asks for identity encoding).
//! - *Partial leaks* (a token's prefix in a log) unless the env opts in with
//!   `report_partial_leaks`: runs of a few characters are everywhere in ordinary text.
//! - *Short values.* Below `MIN_TOKEN_CHARS` a value is matched raw and in the decoded views
//!   only: its base64 or hex is two to five characters that ordinary text is full of.
//! - *Values split by a line break* other than base64 or hex wrapped over lines: only runs of
//!   base64 characters are joined across line breaks (`views.rs`), so a raw value holding
//!   other characters (a space, a `.`) and broken over two lines is not found. Text is not
//!   wrapped mid-word by the code that leaks values; base64 encoders (MIME, PEM) do wrap.
//! - *Other transformations*: case changes outside header names, other bases (base32,
//!   base58, decimal byte lists such as `{:?}` of a `Vec<u8>`), JSON spellings inside base64
//!   beyond the listed writers (.NET's `\u0022`), encodings of encodings beyond the decoded
//!   views (base64 of percent-encoded text). Each would cost patterns or passes on every scan
//!   for a form tests rarely produce; add one when real code is seen to produce it.
//!
//! # How
//!
//! Two halves, chosen by measurement (README, Performance): one Aho–Corasick automaton holds
//! each value raw, in hex and as the base64 characters that depend on it alone at each
//! alignment (`forms.rs`; a value an unfinished escape could swallow the start of is held by its
//! rest, `swallowed_prefix.rs`); escapes that come in unbounded variety — percent-encoding,
//! HTML entities, JSON and string-literal escapes, line-wrapped base64 — are decoded out of the
//! text into views that the same automaton scans (`views.rs`). Matches may overlap, so two
//! values sharing a middle are both reported and both blanked out. `kinds.rs`, below all of them, says
//! what a match is (`Encoding`, `ValueKind`, `MIN_TOKEN_CHARS`). `encodings.rs` writes every
//! form out, independently of the matcher, for tests and the fuzz target. `registry.rs` is
//! what the env keeps (derived values, the partial-leak setting, its redactor cached until
//! what must be hidden changes); what a test calls on the env for it is in
//! `env/redaction.rs`. `leak.rs` turns matches into the leak scan's findings; `signatures.rs`
//! (feature `webhooks`) lists the valid signatures of a request's body that a snapshot of it
//! hides. Nothing here imports what is built on it: `env/`, `http/` and `checks/` use
//! redaction, never the other way round.

mod encodings;
mod forms;
mod kinds;
pub(crate) mod leak;
mod registry;
#[cfg(feature = "webhooks")]
pub(crate) mod signatures;
mod swallowed_prefix;
mod views;

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

#[doc(hidden)]
pub use encodings::every_encoding;
pub use kinds::{Encoding, MIN_TOKEN_CHARS, ValueKind};
pub use leak::{Leak, LeakLocation};
pub(crate) use registry::{RedactorCache, Registry};

use forms::{Check, Form, forms};
use views::{Escape, Escapes, Views};

/// A value to match, with the label its markers and leaks carry.
#[derive(Clone)]
pub(crate) struct Known {
    pub(crate) label: String,
    pub(crate) value: Arc<str>,
    pub(crate) kind: ValueKind,
}

/// One pattern: which value, in which form.
#[derive(Clone)]
struct Pattern {
    label: Arc<str>,
    kind: ValueKind,
    encoding: Encoding,
    check: Check,
}

/// One place a secret was found, as byte offsets into the scanned text. Never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SecretMatch {
    pub(crate) label: Arc<str>,
    pub(crate) kind: ValueKind,
    pub(crate) encoding: Encoding,
    pub(crate) range: Range<usize>,
}

impl SecretMatch {
    /// `[secret:LABEL]`, `[secret:LABEL:derived:base64]`, …
    fn marker(&self) -> String {
        if self.kind == ValueKind::Signature {
            return format!(
                "[signature:{}{}]",
                self.label,
                self.encoding.marker_suffix()
            );
        }
        if self.kind == ValueKind::Sent {
            return format!("[credential as sent{}]", self.encoding.marker_suffix());
        }
        format!(
            "[secret:{}{}{}]",
            self.label,
            self.kind.marker_part(),
            self.encoding.marker_suffix()
        )
    }
}

/// Values as they appear in a header name, which HTTP lower-cases: each value that holds an
/// ASCII capital, matched ignoring ASCII case. The automaton is built on the first header name
/// long enough to hold one, so responses without such a name never pay for it.
#[derive(Default)]
struct HeaderNames {
    values: Vec<(Arc<str>, Arc<str>, ValueKind)>,
    shortest: usize,
    automaton: OnceLock<Option<AhoCorasick>>,
}

/// Replaces every known secret value with `[secret:BINDING]`, in every encoding it knows:
/// raw; base64 (standard or URL-safe, padded or not, at any alignment after other bytes,
/// wrapped at any line length); hex; percent-encoding (any subset of bytes, either hex case,
/// `+` for space); HTML entities (named, decimal, hex); JSON escapes, nested too.
///
/// Built from an env with [`SecretsEnv::redactor`](crate::SecretsEnv::redactor); it knows
/// every value the env's store has ever held, so a value rotated away is still redacted.
/// Markers name the binding and the encoding: `[secret:API_TOKEN]`,
/// `[secret:API_TOKEN:base64]`, `…:hex`, `…:url`, `…:html`, `…:json`; a derived value is
/// `[secret:API_TOKEN:derived]`, a run of a value `[secret:API_TOKEN:partial]`. A value that
/// contains another is replaced whole; two values that overlap are both replaced, as
/// `[secret:A][secret:B]`. Values are also matched by their whitespace-trimmed core. Values
/// shorter than [`MIN_TOKEN_CHARS`] are matched raw only, and empty
/// ones not at all: use distinctive fixture values.
///
/// ```
/// use devflare_test::prelude::*;
///
/// let env = secrets_env! { API_TOKEN => "test-token" };
/// let redactor = env.redactor();
/// assert_eq!(
///     redactor.redact("Bearer test-token / dGVzdC10b2tlbg== / 746573742d746f6b656e"),
///     "Bearer [secret:API_TOKEN] / [secret:API_TOKEN:base64]== / [secret:API_TOKEN:hex]"
/// );
/// assert_eq!(redactor.redact("t=%74est%2Dtoken"), "t=[secret:API_TOKEN:url]");
/// ```
#[derive(Clone)]
pub struct Redactor {
    /// The automaton, or why it could not be built: then the redactor fails closed.
    automaton: Result<Option<AhoCorasick>, Arc<str>>,
    /// Shared by clones: the env hands out clones of its cached redactor.
    patterns: Arc<[Pattern]>,
    /// Some value contains `%`, `&` or a backslash: see `Views::of`.
    values_hold_escapes: bool,
    /// The length of the shortest pattern: a shorter text holds none (nor does any view of
    /// it, each a decoding of escapes, never longer than what it decodes).
    shortest: usize,
    header_names: Arc<HeaderNames>,
}

/// The automaton for a redactor could not be built (far more pattern bytes than a test
/// suite holds). [`SecretsEnv::redactor`](crate::SecretsEnv::redactor) then fails closed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot build the secret matcher for {patterns} patterns: {reason}")]
pub struct RedactorError {
    patterns: usize,
    reason: Arc<str>,
}

impl Redactor {
    /// A redactor for `known` values; duplicates and empty values are skipped.
    pub(crate) fn new(known: &[Known]) -> Result<Self, RedactorError> {
        let mut header_names = HeaderNames {
            shortest: usize::MAX,
            ..HeaderNames::default()
        };
        // Every form of every value, with the value's label and kind, in order.
        let mut all: Vec<(Arc<str>, ValueKind, Form)> = Vec::new();
        for entry in known {
            if entry.value.is_empty() {
                continue;
            }
            let label: Arc<str> = Arc::from(entry.label.as_str());
            if entry.value.bytes().any(|b| b.is_ascii_uppercase()) {
                header_names.shortest = header_names.shortest.min(entry.value.len());
                header_names.values.push((
                    Arc::clone(&entry.value),
                    Arc::clone(&label),
                    entry.kind,
                ));
            }
            let forms = forms(&entry.value);
            all.reserve(forms.len());
            for form in forms {
                all.push((Arc::clone(&label), entry.kind, form));
            }
        }
        // Forms already taken: the first value (longest first) to produce a form labels it.
        // Borrowed from `all`, so no form is copied to be remembered or matched.
        let mut seen: HashSet<(&[u8], Check)> = HashSet::with_capacity(all.len());
        let mut needles: Vec<&[u8]> = Vec::with_capacity(all.len());
        let mut patterns: Vec<Pattern> = Vec::with_capacity(all.len());
        for (label, kind, form) in &all {
            if form.bytes.is_empty() || !seen.insert((&form.bytes, form.check)) {
                continue;
            }
            needles.push(&form.bytes);
            patterns.push(Pattern {
                label: Arc::clone(label),
                kind: *kind,
                encoding: form.encoding,
                check: form.check,
            });
        }
        let automaton = if needles.is_empty() {
            None
        } else {
            // Standard semantics, searched with overlaps: two values sharing a middle are both
            // found. A contiguous NFA: a DFA scans a little faster but takes far longer to
            // build, and a redactor is built per matrix run and per `leaks()` call.
            let built = AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .match_kind(MatchKind::Standard)
                .build(&needles)
                .map_err(|error| RedactorError {
                    patterns: needles.len(),
                    reason: Arc::from(error.to_string()),
                })?;
            Some(built)
        };
        Ok(Self {
            automaton: Ok(automaton),
            shortest: needles.iter().map(|needle| needle.len()).min().unwrap_or(0),
            patterns: patterns.into(),
            values_hold_escapes: known
                .iter()
                .any(|entry| entry.value.contains(['%', '&', '\\'])),
            header_names: Arc::new(header_names),
        })
    }

    /// A redactor that could not be built: it redacts every text whole and finds a leak in
    /// every non-empty text, so a broken matcher can never pass a leak check.
    pub(crate) fn failed(error: &RedactorError) -> Self {
        Self {
            automaton: Err(Arc::from(error.to_string())),
            patterns: Arc::from([]),
            values_hold_escapes: false,
            shortest: 0,
            header_names: Arc::default(),
        }
    }

    /// Every place a known value appears in `haystack`: sorted by position, none inside
    /// another, overlapping ones all kept.
    pub(crate) fn find(&self, haystack: &[u8]) -> Vec<SecretMatch> {
        let automaton = match &self.automaton {
            // A status code, a short header value: too short for any pattern, in any view.
            Ok(Some(_)) if haystack.len() < self.shortest => return Vec::new(),
            Ok(Some(automaton)) => automaton,
            Ok(None) => return Vec::new(),
            Err(_) if haystack.is_empty() => return Vec::new(),
            Err(_) => {
                return vec![SecretMatch {
                    label: Arc::from("*"),
                    kind: ValueKind::Secret,
                    encoding: Encoding::Raw,
                    range: 0..haystack.len(),
                }];
            }
        };
        let mut hits = Vec::new();
        self.find_in(automaton, haystack, haystack, &mut hits, |range| {
            (range, Escapes::default())
        });
        let views = Views::of(haystack, self.values_hold_escapes);
        for (index, view) in views.derived.iter().enumerate() {
            self.find_in(automaton, &view.bytes, haystack, &mut hits, |range| {
                views.to_original(index, range)
            });
        }
        settle(hits)
    }

    /// Matches in `text` (the original or one of its views), mapped to `original`.
    fn find_in(
        &self,
        automaton: &AhoCorasick,
        text: &[u8],
        original: &[u8],
        hits: &mut Vec<SecretMatch>,
        to_original: impl Fn(Range<usize>) -> (Range<usize>, Escapes),
    ) {
        for m in automaton.find_overlapping_iter(text) {
            let index = m.pattern().as_usize();
            let pattern = &self.patterns[index];
            let found = if let Check::AfterRawPrefix(prefix) = pattern.check {
                prefix.verify(text, original, m.range(), &to_original)
            } else {
                pattern
                    .check
                    .verify(text, m.start(), m.end())
                    .map(&to_original)
            };
            let Some((range, escapes)) = found else {
                continue;
            };
            hits.push(SecretMatch {
                label: Arc::clone(&pattern.label),
                kind: pattern.kind,
                encoding: encoding_of(pattern.encoding, escapes),
                range,
            });
        }
    }

    /// Whether `text` contains any known value, in any encoding.
    pub fn contains_secret(&self, text: &str) -> bool {
        !self.find(text.as_bytes()).is_empty()
    }

    /// Every place a known value appears in a header name: as in any text, and also ignoring
    /// ASCII case, since HTTP lower-cases names (`x-Canary-Token: 1` arrives as
    /// `x-canary-token`).
    pub(crate) fn find_in_header_name(&self, name: &str) -> Vec<SecretMatch> {
        let mut hits = self.find(name.as_bytes());
        let folded = &self.header_names;
        if name.len() < folded.shortest {
            return hits;
        }
        let automaton = folded.automaton.get_or_init(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(folded.values.iter().map(|(value, _, _)| value.as_bytes()))
                .ok()
        });
        let Some(automaton) = automaton else {
            // Too many values to build it: fail closed, as `failed` does.
            hits.push(SecretMatch {
                label: Arc::from("*"),
                kind: ValueKind::Secret,
                encoding: Encoding::Raw,
                range: 0..name.len(),
            });
            return hits;
        };
        for m in automaton.find_overlapping_iter(name) {
            let (_, label, kind) = &folded.values[m.pattern().as_usize()];
            hits.push(SecretMatch {
                label: Arc::clone(label),
                kind: *kind,
                encoding: Encoding::Raw,
                range: m.range(),
            });
        }
        settle(hits)
    }

    /// A header name with every known value replaced by its marker (see
    /// [`find_in_header_name`](Self::find_in_header_name)).
    pub(crate) fn redact_header_name<'a>(&self, name: &'a str) -> Cow<'a, str> {
        self.replace(name, self.find_in_header_name(name))
    }

    /// `text` with every known value replaced by its marker; overlapping values by both
    /// markers, so no fragment of either is left.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.replace(text, self.find(text.as_bytes()))
    }

    /// `text` with the matches `hits` (settled) replaced by their markers.
    fn replace<'a>(&self, text: &'a str, hits: Vec<SecretMatch>) -> Cow<'a, str> {
        if hits.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut i = 0;
        while i < hits.len() {
            // A group: hits that overlap one another, replaced as one stretch.
            let mut range = char_bounds(text, hits[i].range.clone());
            // Widening to character boundaries must not reach back into the previous group.
            range.start = range.start.max(copied);
            let mut markers: Vec<String> = Vec::new();
            while i < hits.len() && hits[i].range.start < range.end {
                let hit = &hits[i];
                range.end = range.end.max(char_bounds(text, hit.range.clone()).end);
                let marker = if &*hit.label == "*" {
                    "[secret:*:unredactable]".to_owned()
                } else {
                    hit.marker()
                };
                if !markers.contains(&marker) {
                    markers.push(marker);
                }
                i += 1;
            }
            out.push_str(&text[copied..range.start]);
            for marker in markers {
                out.push_str(&marker);
            }
            copied = range.end;
        }
        out.push_str(&text[copied..]);
        Cow::Owned(out)
    }

    /// How many patterns this redactor matches (the escaped forms are decoded, not listed).
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }
}

/// Removes duplicates (the same place found in several views), matches inside another, and
/// partial matches that touch a whole match of the same label. Sorts by position.
fn settle(mut hits: Vec<SecretMatch>) -> Vec<SecretMatch> {
    if hits.len() < 2 {
        // Nothing to sort, drop or merge (a lone match has no neighbour).
        return hits;
    }
    // Earlier views come first and are kept: their encoding is the more direct one.
    hits.sort_by_key(|hit| (hit.range.start, std::cmp::Reverse(hit.range.end)));
    let mut kept: Vec<SecretMatch> = Vec::with_capacity(hits.len());
    let mut reach = 0;
    for hit in hits {
        if !kept.is_empty() && hit.range.end <= reach {
            continue;
        }
        reach = reach.max(hit.range.end);
        kept.push(hit);
    }
    // No match contains another now, so starts and ends both ascend and the matches touching
    // one are its neighbours.
    let overlaps_whole = |i: usize, kept: &[SecretMatch]| {
        let hit = &kept[i];
        let same =
            |other: &SecretMatch| other.kind != ValueKind::Partial && other.label == hit.label;
        kept[..i]
            .iter()
            .rev()
            .take_while(|o| o.range.end > hit.range.start)
            .any(same)
            || kept[i + 1..]
                .iter()
                .take_while(|o| o.range.start < hit.range.end)
                .any(same)
    };
    let drop: Vec<bool> = (0..kept.len())
        .map(|i| kept[i].kind == ValueKind::Partial && overlaps_whole(i, &kept))
        .collect();
    let mut drop = drop.into_iter();
    kept.retain(|_| !drop.next().unwrap_or(false));
    // Overlapping matches of one label and kind are one leak: the runs of a value however many
    // windows matched them, or `aaaa` found at every offset of `aaaaaaaa`.
    let mut merged: Vec<SecretMatch> = Vec::with_capacity(kept.len());
    for hit in kept {
        if let Some(last) = merged.last_mut()
            && last.kind == hit.kind
            && last.label == hit.label
            && hit.range.start < last.range.end
        {
            last.range.end = last.range.end.max(hit.range.end);
            continue;
        }
        merged.push(hit);
    }
    merged
}

/// The encoding to report: the pattern's own (base64, hex), or the escapes decoded to find it.
fn encoding_of(pattern: Encoding, escapes: Escapes) -> Encoding {
    if !matches!(pattern, Encoding::Raw | Encoding::UrlEncoded) {
        return pattern;
    }
    // The most specific escape first: `\x…` or `\u{…}` make it a literal even when `\"` (also
    // JSON's) took part.
    if escapes.contains(Escape::Literal) {
        Encoding::BackslashEscaped
    } else if escapes.contains(Escape::Json) {
        Encoding::JsonEscaped
    } else if escapes.contains(Escape::Entity) {
        Encoding::HtmlEntities
    } else if escapes.contains(Escape::Percent) {
        Encoding::UrlEncoded
    } else {
        pattern
    }
}

/// `range` widened to character boundaries of `text`.
fn char_bounds(text: &str, range: Range<usize>) -> Range<usize> {
    let mut start = range.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// Lists labels and the pattern count — never a value.
impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut labels: Vec<&str> = self.patterns.iter().map(|p| &*p.label).collect();
        labels.dedup();
        let mut debug = f.debug_struct("Redactor");
        debug
            .field("secrets", &labels)
            .field("patterns", &self.patterns.len());
        if let Err(error) = &self.automaton {
            debug.field("failed", error);
        }
        debug.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(values: &[(&str, &str)]) -> Redactor {
        let known: Vec<Known> = values
            .iter()
            .map(|(label, value)| Known {
                label: (*label).to_owned(),
                value: Arc::from(*value),
                kind: ValueKind::Secret,
            })
            .collect();
        Redactor::new(&known).unwrap()
    }

    #[test]
    fn redacts_every_form_and_the_longest_value_whole() {
        let redactor = redactor(&[("LONG", "token-and-more"), ("SHORT", "token")]);
        assert_eq!(
            redactor.redact("token-and-more token"),
            "[secret:LONG] [secret:SHORT]"
        );
        let encoded = crate::codec::base64_with(
            b"token-and-more",
            crate::codec::Alphabet::Standard,
            crate::codec::Padding::Unpadded,
        ) + "==";
        assert_eq!(redactor.redact(&encoded), "[secret:LONG:base64]==");
        assert!(!format!("{redactor:?}").contains("token"));
    }

    #[test]
    fn overlapping_values_are_both_found_and_blanked() {
        let redactor = redactor(&[("B", "SHARED-bravo-9999"), ("A", "alpha-SHARED")]);
        let hits = redactor.find(b"x alpha-SHARED-bravo-9999 y");
        let labels: Vec<&str> = hits.iter().map(|h| &*h.label).collect();
        assert_eq!(labels, ["A", "B"]);
        assert_eq!(
            redactor.redact("x alpha-SHARED-bravo-9999 y"),
            "x [secret:A][secret:B] y"
        );
    }

    #[test]
    fn a_value_repeated_over_itself_is_one_match() {
        let redactor = redactor(&[("A", "aaaa")]);
        let text = "x".to_owned() + &"a".repeat(100_000) + "x";
        let hits = redactor.find(text.as_bytes());
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].range, 1..100_001);
        assert_eq!(redactor.redact(&text), "x[secret:A]x");
    }

    #[test]
    fn a_matcher_that_failed_to_build_fails_closed() {
        let error = RedactorError {
            patterns: 3,
            reason: Arc::from("too many states"),
        };
        let redactor = Redactor::failed(&error);
        assert!(redactor.contains_secret("anything"));
        assert_eq!(redactor.redact("anything"), "[secret:*:unredactable]");
        assert_eq!(redactor.redact(""), "");
        assert!(format!("{redactor:?}").contains("too many states"));
    }
}
