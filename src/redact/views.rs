//! Decoded views of a scanned text: the text with percent-escapes, HTML entities, JSON
//! escapes and string-literal escapes decoded (repeatedly, for nested escaping), and the runs
//! of base64 characters that line breaks interrupt joined (for wrapped base64), each mapping
//! its bytes back to the original text.
//!
//! Why decode the text instead of listing every encoded form of every value: "any subset of
//! bytes percent-encoded", "either hex case", "named, decimal or hex entities" and "base64
//! wrapped at any line length" are each unbounded families of forms, while decoding is one
//! linear pass, skipped outright when the text holds no `%`, `&`, `\` or line break.
//! Measured (benches/assertions.rs, 64 KiB, 100 secrets): typical text 13 µs a scan, text with
//! every escape kind nested on every line 664 µs, both under the 1 ms goal; the listing this
//! replaced held 16 forms a value (1,600 patterns, 1.44 ms to build) and still missed most
//! percent and entity variants. Base64 and hex stay patterns: they encode the value rather
//! than escape the text, and decoding base64 would mean decoding every run of letters at four
//! alignments.
//!
//! The words used here: a [`View`] is made from its parent (the original text or another
//! view) by one [`Step`]; it is a list of [`Piece`]s, each either copied from the parent or
//! one escape of the parent decoded; a [`Decoder`] says which [`Escape`]s a step reads.

use std::ops::Range;

/// One kind of escape a decoder reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Escape {
    /// `%2F`, `%2f`; the bytes of a UTF-8 character together (`%C3%A9`).
    Percent,
    /// `&amp;`, `&#99;`, `&#x63;`.
    Entity,
    /// JSON's: `\"`, `\\`, `\/`, `\n`, `\u0063`.
    Json,
    /// A string literal's that JSON lacks: `\xc3`, `\u{e9}`, `\U000000e9`, `\'`, `\0` (Rust's
    /// `{:?}` and `escape_*`, Python's `repr`). Read by the same decoder as JSON's, since both
    /// start with a backslash.
    Literal,
}

/// Which escapes produced a stretch of a view (none: copied as it was).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Escapes {
    percent: bool,
    entity: bool,
    json: bool,
    literal: bool,
}

impl Escapes {
    fn with(mut self, escape: Escape) -> Self {
        *self.flag(escape) = true;
        self
    }

    fn union(self, other: Self) -> Self {
        Self {
            percent: self.percent || other.percent,
            entity: self.entity || other.entity,
            json: self.json || other.json,
            literal: self.literal || other.literal,
        }
    }

    pub(super) fn contains(mut self, escape: Escape) -> bool {
        *self.flag(escape)
    }

    fn flag(&mut self, escape: Escape) -> &mut bool {
        match escape {
            Escape::Percent => &mut self.percent,
            Escape::Entity => &mut self.entity,
            Escape::Json => &mut self.json,
            Escape::Literal => &mut self.literal,
        }
    }
}

/// How a decoder reads a run of backslashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backslashes {
    /// Left to right, as JSON does: `\\` is one backslash, so a run's pairs halve each round.
    Paired,
    /// The last backslash of a run before an escape starts the escape; the others are text. A
    /// run's pairs halve each round (`\\\\\\\\u0063` needs three rounds to become `c`), so a
    /// value's `\u` escape after stray backslashes — an odd number of them shifts every
    /// pairing — would need more rounds than [`MAX_ROUNDS`] (found by the redactor's fuzz
    /// target: 31 strays).
    LastOfRun,
}

/// Which escapes one chain of views decodes, and how it reads backslashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decoder {
    percent: bool,
    entities: bool,
    /// JSON's and string literals' escapes, read this way; `None`: not decoded.
    backslashes: Option<Backslashes>,
}

impl Decoder {
    /// Every escape kind at once, for escapes nested in other escapes (JSON in an HTML
    /// attribute).
    const EVERY_KIND: Self = Self {
        percent: true,
        entities: true,
        backslashes: Some(Backslashes::Paired),
    };
    const NONE: Self = Self {
        percent: false,
        entities: false,
        backslashes: None,
    };
    const PERCENT: Self = Self {
        percent: true,
        ..Self::NONE
    };
    const ENTITIES: Self = Self {
        entities: true,
        ..Self::NONE
    };
    const BACKSLASHES: Self = Self {
        backslashes: Some(Backslashes::Paired),
        ..Self::NONE
    };
    const LAST_BACKSLASH_OF_RUN: Self = Self {
        backslashes: Some(Backslashes::LastOfRun),
        ..Self::NONE
    };

    /// The kinds `text` could hold, from the bytes that start them.
    fn present_in(text: &[u8]) -> Self {
        let mut present = Self::NONE;
        for at in memchr::memchr3_iter(b'%', b'&', b'\\', text) {
            match text[at] {
                b'%' => present.percent = true,
                b'&' => present.entities = true,
                _ => present.backslashes = Some(Backslashes::Paired),
            }
            if present == Self::EVERY_KIND {
                break;
            }
        }
        present
    }
}

/// How many times a decoder is applied to its own output: JSON carried in a JSON string
/// carried in a third document is as deep as real responses go.
const MAX_ROUNDS: usize = 4;

/// One stretch of a view.
#[derive(Debug, Clone)]
enum Piece {
    /// Bytes copied from the parent one for one, from `parent_start` on.
    Copied {
        view: Range<usize>,
        parent_start: usize,
    },
    /// The bytes that one escape sequence of the parent, at `parent`, decoded to.
    Decoded {
        view: Range<usize>,
        parent: Range<usize>,
        escape: Escape,
    },
}

impl Piece {
    fn view(&self) -> &Range<usize> {
        match self {
            Self::Copied { view, .. } | Self::Decoded { view, .. } => view,
        }
    }

    /// Where view byte `at` (in this piece) starts in the parent, or — `end` — where it ends.
    /// A decoded byte maps to its whole escape.
    fn to_parent(&self, at: usize, end: bool) -> usize {
        match self {
            Self::Copied { view, parent_start } => {
                parent_start + (at - view.start) + usize::from(end)
            }
            Self::Decoded { parent, .. } if end => parent.end,
            Self::Decoded { parent, .. } => parent.start,
        }
    }

    fn escapes(&self) -> Escapes {
        match self {
            Self::Copied { .. } => Escapes::default(),
            Self::Decoded { escape, .. } => Escapes::default().with(*escape),
        }
    }
}

/// How a view was made from its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// One round of a decoder.
    Decoded(Decoder),
    /// The runs of base64 characters that line breaks interrupt, joined across them: base64
    /// (or hex) wrapped at any line length (`join_wrapped_runs`).
    WrappedRunsJoined,
}

/// A derived text and how its bytes map to its parent's.
pub(super) struct View {
    pub(super) bytes: Vec<u8>,
    /// Index of the parent in [`Views::derived`], or `None` for the original text.
    parent: Option<usize>,
    step: Step,
    /// Sorted, covering the view.
    pieces: Vec<Piece>,
}

/// The original text and every view derived from it.
pub(super) struct Views {
    pub(super) derived: Vec<View>,
}

impl Views {
    /// Every useful view of `text`; none at all for text without escapes or line breaks.
    /// `values_hold_escapes`: some value contains `%`, `&` or `\`, so each decoder must also
    /// run alone (decoding all kinds at once would turn its `%41` into `A`).
    pub(super) fn of(text: &[u8], values_hold_escapes: bool) -> Self {
        let mut views = Self {
            derived: Vec::new(),
        };
        let present = Decoder::present_in(text);
        if present != Decoder::NONE {
            // Every kind together; then each alone, for values that themselves hold escape
            // syntax of another kind (`%41` in a JSON-escaped value must stay `%41`).
            let mut decoders = vec![Decoder::EVERY_KIND];
            if present.backslashes.is_some() && memchr::memmem::find(text, b"\\\\").is_some() {
                decoders.push(Decoder::LAST_BACKSLASH_OF_RUN);
            }
            if values_hold_escapes {
                let alone = [
                    (present.percent, Decoder::PERCENT),
                    (present.entities, Decoder::ENTITIES),
                    (present.backslashes.is_some(), Decoder::BACKSLASHES),
                ];
                // A kind alone in the text: its own chain would repeat the first.
                decoders.extend(
                    alone
                        .into_iter()
                        .filter(|&(there, decoder)| there && present != decoder)
                        .map(|(_, decoder)| decoder),
                );
            }
            for decoder in decoders {
                let mut parent = None;
                for _ in 0..MAX_ROUNDS {
                    let input = views.bytes(text, parent);
                    let made = parent.map(|i| &views.derived[i].pieces[..]);
                    let Some((bytes, pieces)) = decode(input, decoder, made) else {
                        break;
                    };
                    parent = Some(views.push(View {
                        bytes,
                        parent,
                        step: Step::Decoded(decoder),
                        pieces,
                    }));
                }
            }
        }
        // Base64 (or hex) wrapped at any line length: in the text, and in its views with every
        // kind decoded (MIME inside a JSON string), the runs line breaks interrupt, joined.
        let every_kind = (0..views.derived.len())
            .filter(|&i| views.derived[i].step == Step::Decoded(Decoder::EVERY_KIND));
        let wrapped: Vec<Option<usize>> =
            std::iter::once(None).chain(every_kind.map(Some)).collect();
        for parent in wrapped {
            if let Some((bytes, pieces)) = join_wrapped_runs(views.bytes(text, parent)) {
                views.push(View {
                    bytes,
                    parent,
                    step: Step::WrappedRunsJoined,
                    pieces,
                });
            }
        }
        views
    }

    fn bytes<'a>(&'a self, text: &'a [u8], view: Option<usize>) -> &'a [u8] {
        view.map_or(text, |i| &self.derived[i].bytes)
    }

    /// Adds a view unless an identical one exists; returns the index of the one kept.
    fn push(&mut self, view: View) -> usize {
        if let Some(i) = self.derived.iter().position(|v| v.bytes == view.bytes) {
            return i;
        }
        self.derived.push(view);
        self.derived.len() - 1
    }

    /// `range` of view `index` as a range of the original text, and which escapes produced
    /// it. The range grows to whole escape sequences, so redacting it leaves no fragment.
    pub(super) fn to_original(&self, index: usize, range: Range<usize>) -> (Range<usize>, Escapes) {
        let mut range = range;
        let mut escapes = Escapes::default();
        let mut current = Some(index);
        while let Some(i) = current {
            let view = &self.derived[i];
            let (mapped, by) = view.to_parent(range);
            range = mapped;
            escapes = escapes.union(by);
            current = view.parent;
        }
        (range, escapes)
    }
}

impl View {
    fn to_parent(&self, range: Range<usize>) -> (Range<usize>, Escapes) {
        if range.is_empty() {
            return (range, Escapes::default());
        }
        let first = self.piece_at(range.start);
        let last = self.piece_at(range.end - 1);
        let start = self.pieces[first].to_parent(range.start, false);
        let end = self.pieces[last].to_parent(range.end - 1, true);
        let escapes = self.pieces[first..=last]
            .iter()
            .fold(Escapes::default(), |acc, piece| acc.union(piece.escapes()));
        (start..end, escapes)
    }

    /// The piece holding view byte `at`.
    fn piece_at(&self, at: usize) -> usize {
        self.pieces
            .partition_point(|p| p.view().end <= at)
            .min(self.pieces.len() - 1)
    }
}

/// Collects a view: copied runs and decoded pieces, in order.
struct Builder {
    bytes: Vec<u8>,
    pieces: Vec<Piece>,
}

impl Builder {
    fn new(capacity: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(capacity),
            pieces: Vec::new(),
        }
    }

    fn copy(&mut self, parent: &[u8], range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        let start = self.bytes.len();
        self.bytes.extend_from_slice(&parent[range.clone()]);
        self.pieces.push(Piece::Copied {
            view: start..self.bytes.len(),
            parent_start: range.start,
        });
    }

    fn decoded(&mut self, decoded: &[u8], parent: Range<usize>, escape: Escape) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(decoded);
        self.pieces.push(Piece::Decoded {
            view: start..self.bytes.len(),
            parent,
            escape,
        });
    }
}

/// `input` with every escape `decoder` reads decoded once, or `None` if it has none.
/// `made`: how the previous round made `input` (`None` for the original text).
fn decode(input: &[u8], decoder: Decoder, made: Option<&[Piece]>) -> Option<(Vec<u8>, Vec<Piece>)> {
    // Byte 0 stands for "not read by this decoder": `memchr3` takes exactly three needles.
    let needle = |read: bool, byte: u8| if read { byte } else { 0 };
    let needles = (
        needle(decoder.percent, b'%'),
        needle(decoder.entities, b'&'),
        needle(decoder.backslashes.is_some(), b'\\'),
    );
    let mut out = Builder::new(input.len());
    let mut inert = Inert {
        pieces: made.unwrap_or_default(),
        next: 0,
    };
    let mut copied_from = 0;
    let mut at = 0;
    while let Some(found) = memchr::memchr3(needles.0, needles.1, needles.2, &input[at..]) {
        let start = at + found;
        // A 0 byte in the text is not a needle.
        if input[start] == 0 || (input[start] == b'\\' && inert.holds(start)) {
            at = start + 1;
            continue;
        }
        let mut buf = [0u8; 4];
        // Where the escape starts: `start`, or the last backslash of a run.
        let mut start = start;
        let decoded = match input[start] {
            b'%' => percent_at(input, start, &mut buf).map(|(n, len)| (n, len, Escape::Percent)),
            b'&' => entity_at(input, start, &mut buf).map(|(n, len)| (n, len, Escape::Entity)),
            _ if decoder.backslashes == Some(Backslashes::LastOfRun) => {
                let run = input[start..].iter().take_while(|&&b| b == b'\\').count();
                let last = start + run - 1;
                if run == 1 {
                    backslash_at(input, start, &mut buf)
                } else if let Some(decoded) = backslash_at(input, last, &mut buf) {
                    start = last;
                    Some(decoded)
                } else {
                    // A run before no escape is text here (the other chains pair it): skip it
                    // whole, so a long run is read once, not once per backslash.
                    at = start + run;
                    continue;
                }
            }
            _ => backslash_at(input, start, &mut buf),
        };
        match decoded {
            Some((n, len, escape)) => {
                out.copy(input, copied_from..start);
                out.decoded(&buf[..n], start..start + len, escape);
                at = start + len;
                copied_from = at;
            }
            None => at = start + 1,
        }
    }
    if out.pieces.is_empty() {
        return None;
    }
    out.copy(input, copied_from..input.len());
    Some((out.bytes, out.pieces))
}

/// Backslashes that a longer escape (`\u005C`, `\x5c`) produced in the previous round: text,
/// not the start of another escape. JSON nested in JSON doubles its backslashes
/// (`\\u0063`), so a nested escape starts with a backslash that `\\` produced; one that came
/// from `\u005C` is the value's own backslash. Without this rule, a value ending in `\`
/// written as `\u005C` and followed by `/` became `\/` and then `/` in the next round, and a
/// stray backslash on each side of a `\u`-escaped value hid it from every view (found by the
/// redactor's fuzz target).
struct Inert<'p> {
    pieces: &'p [Piece],
    /// The first piece that may still hold a later byte (bytes are asked in order).
    next: usize,
}

impl Inert<'_> {
    fn holds(&mut self, at: usize) -> bool {
        while let Some(piece) = self.pieces.get(self.next) {
            if piece.view().end > at {
                return piece.view().start <= at
                    && matches!(
                        piece,
                        Piece::Decoded { parent, escape: Escape::Json | Escape::Literal, .. }
                            if parent.len() > 2
                    );
            }
            self.next += 1;
        }
        false
    }
}

/// A hex digit's value, widened for the code-point arithmetic of the escapes below.
fn hex_digit(byte: u8) -> Option<u32> {
    crate::codec::hex_digit(byte).map(u32::from)
}

/// `%XX`, either hex case: one character. A byte above 0x7F is decoded only together with the
/// continuation escapes that make it a whole UTF-8 character (`%C3%A9`); otherwise the `%` stays
/// literal. Without that, a stray `%` before a percent-encoded value that starts with two hex
/// digits (`%` + `canary%2D…`) swallowed the value's first two characters (`%ca` = 0xCA) and
/// hid the rest from the scan — found by the redactor's fuzz target.
fn percent_at(input: &[u8], at: usize, buf: &mut [u8; 4]) -> Option<(usize, usize)> {
    let byte_at = |at: usize| -> Option<u8> {
        if *input.get(at)? != b'%' {
            return None;
        }
        let high = hex_digit(*input.get(at + 1)?)?;
        let low = hex_digit(*input.get(at + 2)?)?;
        u8::try_from(high << 4 | low).ok()
    };
    let lead = byte_at(at)?;
    let len = match lead {
        0x00..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None, // a continuation byte or a byte UTF-8 never uses
    };
    buf[0] = lead;
    for (i, slot) in buf.iter_mut().enumerate().take(len).skip(1) {
        *slot = byte_at(at + 3 * i).filter(|b| (0x80..=0xBF).contains(b))?;
    }
    std::str::from_utf8(&buf[..len]).ok()?;
    Some((len, 3 * len))
}

/// `&name;`, `&#99;`, `&#x63;` / `&#X63;`: one character.
fn entity_at(input: &[u8], at: usize, buf: &mut [u8; 4]) -> Option<(usize, usize)> {
    // The longest entity this decoder knows: `&DiacriticalGrave;`, 16 letters and the `;`.
    let rest = &input[at + 1..input.len().min(at + 18)];
    let end = rest.iter().position(|&b| b == b';')?;
    let body = &rest[..end];
    let c = match body {
        [b'#', b'x' | b'X', hex @ ..] if !hex.is_empty() && hex.len() <= 6 => {
            // Digit by digit: `from_str_radix` would also take a sign (`&#x+41;`).
            char::from_u32(
                hex.iter()
                    .try_fold(0, |acc, &b| Some(acc << 4 | hex_digit(b)?))?,
            )?
        }
        [b'#', dec @ ..] if !dec.is_empty() && dec.len() <= 7 => {
            if !dec.iter().all(u8::is_ascii_digit) {
                return None;
            }
            char::from_u32(std::str::from_utf8(dec).ok()?.parse().ok()?)?
        }
        name => named_entity(name)?,
    };
    if c == '\0' {
        return None;
    }
    Some((c.encode_utf8(buf).len(), end + 2))
}

/// HTML5 names of every ASCII punctuation character that has one, plus `&nbsp;`, `&Tab;` and
/// `&NewLine;`: what escapers emit for the characters tokens are made of.
pub(super) const NAMED_ENTITIES: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("QUOT", '"'),
    ("AMP", '&'),
    ("LT", '<'),
    ("GT", '>'),
    ("apos", '\''),
    ("nbsp", '\u{a0}'),
    ("excl", '!'),
    ("num", '#'),
    ("dollar", '$'),
    ("percnt", '%'),
    ("lpar", '('),
    ("rpar", ')'),
    ("ast", '*'),
    ("midast", '*'),
    ("plus", '+'),
    ("comma", ','),
    ("period", '.'),
    ("sol", '/'),
    ("colon", ':'),
    ("semi", ';'),
    ("equals", '='),
    ("quest", '?'),
    ("commat", '@'),
    ("lsqb", '['),
    ("lbrack", '['),
    ("bsol", '\\'),
    ("rsqb", ']'),
    ("rbrack", ']'),
    ("Hat", '^'),
    ("lowbar", '_'),
    ("UnderBar", '_'),
    ("grave", '`'),
    ("DiacriticalGrave", '`'),
    ("lcub", '{'),
    ("lbrace", '{'),
    ("verbar", '|'),
    ("vert", '|'),
    ("VerticalLine", '|'),
    ("rcub", '}'),
    ("rbrace", '}'),
    ("Tab", '\t'),
    ("NewLine", '\n'),
];

fn named_entity(name: &[u8]) -> Option<char> {
    NAMED_ENTITIES
        .iter()
        .find(|(n, _)| n.as_bytes() == name)
        .map(|&(_, c)| c)
}

/// A backslash escape at `at`, JSON's or a string literal's, decoded into `buf`: `(bytes
/// decoded, bytes read, which kind)`.
fn backslash_at(input: &[u8], at: usize, buf: &mut [u8; 4]) -> Option<(usize, usize, Escape)> {
    if let Some((n, len)) = json_at(input, at, buf) {
        return Some((n, len, Escape::Json));
    }
    literal_at(input, at, buf).map(|(n, len)| (n, len, Escape::Literal))
}

/// The escapes of Rust's and Python's string and byte-string literals that JSON lacks: `\'`,
/// `\0`, `\u{…}` (1–6 hex digits), `\UXXXXXXXX`, and `\xNN` (either hex case) — bytes of a
/// UTF-8 character together (`\xc3\xa9`, as `{:?}` of `bytes::Bytes` and Python's
/// `repr(bytes)` write it), or alone a code point below 256 (`\xe9`, as Python's `ascii()`).
fn literal_at(input: &[u8], at: usize, buf: &mut [u8; 4]) -> Option<(usize, usize)> {
    let hex_value = |digits: &[u8]| -> Option<u32> {
        digits
            .iter()
            .try_fold(0u32, |acc, &b| Some(acc << 4 | hex_digit(b)?))
    };
    let (c, len) = match *input.get(at + 1)? {
        b'\'' => ('\'', 2),
        b'0' => ('\0', 2),
        b'u' if input.get(at + 2) == Some(&b'{') => {
            let digits = input.get(at + 3..input.len().min(at + 10))?;
            let end = digits.iter().position(|&b| b == b'}')?;
            if end == 0 || end > 6 {
                return None;
            }
            (char::from_u32(hex_value(&digits[..end])?)?, end + 4)
        }
        b'U' => (char::from_u32(hex_value(input.get(at + 2..at + 10)?)?)?, 10),
        b'x' => {
            let byte_at = |at: usize| -> Option<u8> {
                if input.get(at..at + 2)? != b"\\x" {
                    return None;
                }
                u8::try_from(hex_value(input.get(at + 2..at + 4)?)?).ok()
            };
            let lead = byte_at(at)?;
            let width = match lead {
                0xC2..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF4 => 4,
                _ => 1,
            };
            buf[0] = lead;
            let whole = (1..width).all(|i| match byte_at(at + 4 * i) {
                Some(byte @ 0x80..=0xBF) => {
                    buf[i] = byte;
                    true
                }
                _ => false,
            });
            if width > 1 && whole && std::str::from_utf8(&buf[..width]).is_ok() {
                return Some((width, 4 * width));
            }
            (char::from(lead), 4)
        }
        _ => return None,
    };
    Some((c.encode_utf8(buf).len(), len))
}

/// `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX` (either hex case, surrogate
/// pairs joined): one character.
fn json_at(input: &[u8], at: usize, buf: &mut [u8; 4]) -> Option<(usize, usize)> {
    let simple = match *input.get(at + 1)? {
        b'"' => b'"',
        b'\\' => b'\\',
        b'/' => b'/',
        b'b' => 8,
        b'f' => 12,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'u' => {
            let unit = |from: usize| -> Option<u32> {
                let hex = input.get(from..from + 4)?;
                hex.iter()
                    .try_fold(0, |acc, &b| Some(acc << 4 | hex_digit(b)?))
            };
            let high = unit(at + 2)?;
            let (c, len) = if (0xD800..0xDC00).contains(&high) {
                if input.get(at + 6..at + 8)? != b"\\u" {
                    return None;
                }
                let low = unit(at + 8)?;
                if !(0xDC00..0xE000).contains(&low) {
                    return None;
                }
                (
                    char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?,
                    12,
                )
            } else {
                (char::from_u32(high)?, 6)
            };
            return Some((c.encode_utf8(buf).len(), len));
        }
        _ => return None,
    };
    buf[0] = simple;
    Some((1, 2))
}

/// Whether `byte` can be part of a wrapped value: a character of either base64 alphabet (hex
/// digits are among them).
fn wraps(byte: u8) -> bool {
    WRAPS[usize::from(byte)]
}

/// [`wraps`] as a table: runs of a text are measured byte by byte.
static WRAPS: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_');
        byte += 1;
    }
    table
};

fn is_line_break(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

/// The stretches of `input` a value wrapped over lines can span, with the line breaks
/// removed, or `None` if no line break sits between two base64 characters. Each stretch is a
/// run of base64 characters that line breaks interrupt, joined across them (`QUJD\r\nREVG`
/// → `QUJDREVG`), with the byte just before and just after it as they are in the text, so
/// that the checks at a match's ends see what they would see in the whole text without its
/// line breaks. A match that crosses no line break is found in the text itself, so the rest
/// is left out: scanning the whole text again without its line breaks doubled the cost of a
/// scan of text with a line break on every line (benches/assertions.rs, literal escapes).
fn join_wrapped_runs(input: &[u8]) -> Option<(Vec<u8>, Vec<Piece>)> {
    let breaks_from = |at: usize| {
        input[at..]
            .iter()
            .take_while(|&&b| is_line_break(b))
            .count()
    };
    let wrapping_from = |at: usize| input[at..].iter().take_while(|&&b| wraps(b)).count();
    let mut out: Option<Builder> = None;
    // Input before this is in the view already (or left out).
    let mut done = 0;
    for at in memchr::memchr2_iter(b'\n', b'\r', input) {
        if at < done || at == 0 || !wraps(input[at - 1]) {
            continue;
        }
        let after_breaks = at + breaks_from(at);
        if !input.get(after_breaks).copied().is_some_and(wraps) {
            continue;
        }
        let mut start = at;
        while start > done && wraps(input[start - 1]) {
            start -= 1;
        }
        let out = out.get_or_insert_with(|| Builder::new(input.len() - start));
        // The byte before the run, unless the view holds it already.
        if start > done {
            out.copy(input, start - 1..start);
        }
        out.copy(input, start..at);
        let mut line = after_breaks;
        let end = loop {
            let end = line + wrapping_from(line);
            out.copy(input, line..end);
            let next = end + breaks_from(end);
            if next > end && input.get(next).copied().is_some_and(wraps) {
                line = next;
            } else {
                break end;
            }
        };
        // The byte after the run.
        out.copy(input, end..(end + 1).min(input.len()));
        done = end + 1;
    }
    out.map(|out| (out.bytes, out.pieces))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERCENT: Decoder = Decoder::PERCENT;
    const ENTITY: Decoder = Decoder::ENTITIES;
    const JSON: Decoder = Decoder::BACKSLASHES;
    const LAST_OF_RUN: Decoder = Decoder::LAST_BACKSLASH_OF_RUN;

    fn decoded(text: &str, decoder: Decoder) -> String {
        String::from_utf8(decode(text.as_bytes(), decoder, None).unwrap().0).unwrap()
    }

    #[test]
    fn decodes_each_kind_once() {
        assert_eq!(decoded("a%2fb%2Fc+d", PERCENT), "a/b/c+d");
        assert_eq!(decoded("&#99;&#x63;&#X63;&amp;&sol;", ENTITY), "ccc&/");
        assert_eq!(decoded(r#"\u0063\u00E9\"\\\ud83d\ude00"#, JSON), "cé\"\\😀");
        assert_eq!(decoded(r"\\u0063", JSON), r"\u0063");
        assert_eq!(
            decoded(r"b\xc3\xA9\x01\xe9\u{e9}\u{1F600}\U0001f600\'\0", JSON),
            "bé\u{1}é\u{e9}😀😀'\0"
        );
        // A lone `\x` before non-hex, an empty or over-long `\u{}` are text.
        assert!(decode(br"\xZ1 \u{} \u{1234567}", JSON, None).is_none());
        assert!(decode(b"100% &nope; \\x", Decoder::EVERY_KIND, None).is_none());
        // A sign is not a hex digit (`from_str_radix` would take it).
        assert!(decode(b"&#x+41; &#x-41;", ENTITY, None).is_none());
    }

    #[test]
    fn reads_the_last_backslash_of_a_run_as_the_escape_when_asked() {
        assert_eq!(decoded(r"\\\\u0063", JSON), r"\\u0063");
        assert_eq!(decoded(r"\\\\u0063", LAST_OF_RUN), r"\\\c");
        assert_eq!(decoded(r"a\u0063\n", LAST_OF_RUN), "ac\n");
        assert!(decode(br"\\\\x", LAST_OF_RUN, None).is_none());
    }

    #[test]
    fn maps_a_decoded_range_back_to_whole_escapes() {
        let text = b"xx%41%42yy";
        let views = Views::of(text, true);
        let index = views
            .derived
            .iter()
            .position(|v| v.bytes == b"xxAByy")
            .unwrap();
        let percent = Escapes::default().with(Escape::Percent);
        assert_eq!(views.to_original(index, 2..4), (2..8, percent));
        assert_eq!(views.to_original(index, 4..6), (8..10, Escapes::default()));
    }

    #[test]
    fn strips_line_breaks_and_maps_through_them() {
        let views = Views::of(b"ab\r\ncd", true);
        let last = views.derived.len() - 1;
        assert_eq!(views.derived[last].bytes, b"abcd");
        assert_eq!(views.to_original(last, 1..3), (1..5, Escapes::default()));
    }

    #[test]
    fn joins_only_the_runs_a_line_break_interrupts_with_their_neighbours() {
        let text = b"x: QUJD\r\nREVG\nR0g=, not wrapped\nline \"ab\ncd\" end";
        let (bytes, pieces) = join_wrapped_runs(text).unwrap();
        assert_eq!(bytes, b" QUJDREVGR0g= wrappedline \"abcd\"");
        let view = View {
            bytes,
            parent: None,
            step: Step::WrappedRunsJoined,
            pieces,
        };
        // `REVG` maps back to where it is in the text.
        assert_eq!(view.to_parent(5..9).0, 9..13);
        assert!(join_wrapped_runs(b"a line.\n(another)\n").is_none());
    }

    #[test]
    fn plain_text_has_no_views() {
        assert!(
            Views::of(b"plain text, nothing escaped", true)
                .derived
                .is_empty()
        );
    }
}
