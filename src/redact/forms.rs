//! The byte patterns one value is matched by: the value itself, its hex, and the base64
//! characters that depend on the value alone at each of the three alignments it can have
//! after other bytes. Escaped forms (percent, entities, JSON) are not listed here: the text is
//! decoded instead (see `views.rs`).

use super::kinds::MIN_TOKEN_CHARS;
use crate::codec::{self, Alphabet, Case};

use super::kinds::Encoding;
use super::swallowed_prefix::{RawPrefix, swallowable_prefix};

/// Below this many own characters, a base64 match must also check the partial characters at
/// its ends: four or five characters alone turn up in ordinary text.
const SHORT_CORE: usize = 8;

/// A base64 character that carries some bits of the value and some of its neighbours:
/// `sextet & mask == bits` when it belongs to this value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Partial {
    mask: u8,
    bits: u8,
}

impl Partial {
    /// Whether `byte` carries these bits; `None` when it is not a base64 character at all
    /// (the encoding was cut short, or padding follows).
    fn check(self, byte: u8) -> Option<bool> {
        codec::base64_sextet(byte).map(|s| s & self.mask == self.bits)
    }
}

/// What a match of a pattern's bytes must also satisfy around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Check {
    /// Nothing: the bytes are the whole form.
    None,
    /// Base64 characters just before and after the match that carry the value's first and
    /// last bits. They are redacted with it when they agree, and reject the match when they
    /// disagree; when they are missing, the match stands unless it is too short to trust
    /// (`required`).
    Base64 {
        lead: Option<Partial>,
        trail: Option<Partial>,
        required: bool,
    },
    /// The value without its first characters: a match stands only when they precede it — in
    /// the scanned text, or, the ones an unfinished escape swallowed, raw in the original text
    /// (see `swallowed_prefix.rs`). Checked by the finder, which knows both texts.
    AfterRawPrefix(RawPrefix),
}

impl Check {
    /// The match `start..end` in `text` grown to the partial characters that agree, or `None`
    /// when a required one does not.
    pub(super) fn verify(
        self,
        text: &[u8],
        start: usize,
        end: usize,
    ) -> Option<std::ops::Range<usize>> {
        let (lead, trail, required) = match self {
            Self::None => return Some(start..end),
            // Needs the original text too: only the finder can check it, so an unchecked
            // match is never accepted here.
            Self::AfterRawPrefix(_) => return None,
            Self::Base64 {
                lead,
                trail,
                required,
            } => (lead, trail, required),
        };
        let mut range = start..end;
        if let Some(lead) = lead {
            match start.checked_sub(1).map(|i| lead.check(text[i])) {
                Some(Some(true)) => range.start -= 1,
                // A base64 character whose bits differ: another value, not this one.
                Some(Some(false)) => return None,
                _ if required => return None,
                _ => {}
            }
        }
        if let Some(trail) = trail {
            match text.get(end).map(|&byte| trail.check(byte)) {
                Some(Some(true)) => range.end += 1,
                Some(Some(false)) => return None,
                _ if required => return None,
                _ => {}
            }
        }
        Some(range)
    }
}

/// One pattern of one value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Form {
    pub(super) encoding: Encoding,
    pub(super) bytes: Vec<u8>,
    pub(super) check: Check,
}

/// Every pattern of `value`, raw first. Values shorter than [`MIN_TOKEN_CHARS`] are matched
/// raw only: their hex or base64 is two to five characters that ordinary text is full of.
pub(super) fn forms(value: &str) -> Vec<Form> {
    let bytes = value.as_bytes();
    let plain = |encoding, bytes: Vec<u8>| Form {
        encoding,
        bytes,
        check: Check::None,
    };
    let long = value.chars().count() >= MIN_TOKEN_CHARS;
    // A value whose first characters an unfinished escape could swallow is matched by the rest
    // alone, checked for those characters before it: one pattern, not two (the value and its
    // rest), which kept building the matcher for 100 such values within its budget.
    let (check, matched) = match swallowable_prefix(value).filter(|_| long) {
        Some(prefix) => (Check::AfterRawPrefix(prefix), &value[prefix.len()..]),
        None => (Check::None, value),
    };
    let mut forms = vec![Form {
        encoding: Encoding::Raw,
        bytes: matched.as_bytes().to_vec(),
        check,
    }];
    // Form encoding writes a space as `+`; decoding the text cannot tell it from a real `+`,
    // so the value is matched with `+` for its spaces too.
    if matched.contains(' ') {
        forms.push(Form {
            encoding: Encoding::UrlEncoded,
            bytes: matched.replace(' ', "+").into_bytes(),
            check,
        });
    }
    if !long {
        return forms;
    }
    for case in [Case::Lower, Case::Upper] {
        forms.push(plain(Encoding::Hex, codec::hex(bytes, case).into_bytes()));
    }
    // Base64 of the value, and of each way JSON writes it when that differs (a JWT payload
    // holding the value): the escapes are inside the base64, where no decoded view reaches.
    let escapings = json_escapings(value);
    let texts = std::iter::once(bytes).chain(escapings.iter().map(String::as_bytes));
    for text in texts {
        for alphabet in [Alphabet::Standard, Alphabet::UrlSafe] {
            for shift in 0..3 {
                let form = base64_core(text, shift, alphabet);
                if !forms.contains(&form) {
                    forms.push(form);
                }
            }
        }
    }
    forms
}

/// Every way a JSON encoder writes `value` inside a string, when that differs from the value:
/// `"`, `\` and control characters always escaped (`\n`, `\u0001`); `/` as is or as `\/`
/// (PHP); non-ASCII as is (serde, JavaScript) or as `\u00e9` (Python's `json.dumps`, PHP); `<`,
/// `>`, `&` as are or as `\u003c` (Go). Only the choices the value's characters make differ.
pub(super) fn json_escapings(value: &str) -> Vec<String> {
    let has_slash = value.contains('/');
    let has_non_ascii = !value.is_ascii();
    let has_html = value.contains(['<', '>', '&']);
    let mut out: Vec<String> = Vec::new();
    for choice in 0..8u8 {
        let (slash, ascii, html) = (choice & 1 != 0, choice & 2 != 0, choice & 4 != 0);
        if (slash && !has_slash) || (ascii && !has_non_ascii) || (html && !has_html) {
            continue;
        }
        let mut escaped = String::with_capacity(value.len() + 8);
        for c in value.chars() {
            match c {
                '"' => escaped.push_str("\\\""),
                '\\' => escaped.push_str("\\\\"),
                '\n' => escaped.push_str("\\n"),
                '\r' => escaped.push_str("\\r"),
                '\t' => escaped.push_str("\\t"),
                '\u{8}' => escaped.push_str("\\b"),
                '\u{c}' => escaped.push_str("\\f"),
                '/' if slash => escaped.push_str("\\/"),
                c if c < ' ' || (ascii && !c.is_ascii()) || (html && "<>&".contains(c)) => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        escaped.push_str(&format!("\\u{unit:04x}"));
                    }
                }
                c => escaped.push(c),
            }
        }
        if escaped != value && !out.contains(&escaped) {
            out.push(escaped);
        }
    }
    out
}

/// The base64 characters of `value` when `shift` (0–2) other bytes precede it in its 3-byte
/// group: the characters made only of the value's bits, checked against the partial
/// characters at either end.
fn base64_core(value: &[u8], shift: usize, alphabet: Alphabet) -> Form {
    let bit_start = 8 * shift;
    let bit_end = 8 * (shift + value.len());
    let mut padded = vec![0u8; shift];
    padded.extend_from_slice(value);
    padded.extend_from_slice(&[0, 0]);
    let sextet_at = |index: usize| sextet_of(&padded, index);
    let chars = alphabet.chars();

    let first_own = bit_start.div_ceil(6);
    let own_end = bit_end / 6;
    let bytes: Vec<u8> = (first_own..own_end)
        .map(|i| chars[usize::from(sextet_at(i))])
        .collect();
    // The character before carries the value's first bits in its low bits.
    let lead = (!bit_start.is_multiple_of(6)).then(|| {
        let known = 6 * first_own - bit_start;
        let mask = (1u8 << known) - 1;
        Partial {
            mask,
            bits: sextet_at(first_own - 1) & mask,
        }
    });
    // The character after carries the value's last bits in its high bits.
    let trail = (!bit_end.is_multiple_of(6)).then(|| {
        let known = bit_end - 6 * own_end;
        let mask = ((1u8 << known) - 1) << (6 - known);
        Partial {
            mask,
            bits: sextet_at(own_end) & mask,
        }
    });
    Form {
        encoding: Encoding::Base64,
        check: if lead.is_none() && trail.is_none() {
            Check::None
        } else {
            Check::Base64 {
                lead,
                trail,
                required: bytes.len() < SHORT_CORE,
            }
        },
        bytes,
    }
}

/// The `index`th 6-bit group of `bytes`, most significant bit first.
fn sextet_of(bytes: &[u8], index: usize) -> u8 {
    let bit = 6 * index;
    let byte = bit / 8;
    let pair = u16::from(bytes[byte]) << 8 | u16::from(bytes.get(byte + 1).copied().unwrap_or(0));
    // `bit % 8` is at most 6, so the group lies inside the pair.
    ((pair >> (10 - bit % 8)) & 63) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Padding, base64_with};

    const STANDARD: Alphabet = Alphabet::Standard;

    fn base64(bytes: &[u8], alphabet: Alphabet) -> String {
        base64_with(bytes, alphabet, Padding::Unpadded)
    }

    #[test]
    fn a_core_is_inside_the_encoding_at_its_shift_and_checks_its_neighbours() {
        for value in [&b"tok4"[..], b"tok45", b"tok456", b"a longer token value"] {
            for shift in 0..3 {
                let mut data = b"user:"[..3 + shift].to_vec();
                data.extend_from_slice(value);
                data.extend_from_slice(b"!?");
                let encoded = base64(&data, STANDARD);
                let form = base64_core(value, (3 + shift) % 3, STANDARD);
                let at = encoded
                    .find(std::str::from_utf8(&form.bytes).unwrap())
                    .unwrap_or_else(|| panic!("shift {shift}: core not found"));
                let range = form
                    .check
                    .verify(encoded.as_bytes(), at, at + form.bytes.len())
                    .unwrap();
                // The grown range holds every character with a bit of the value.
                let bits = (8 * (3 + shift))..(8 * (3 + shift + value.len()));
                assert!(range.start * 6 <= bits.start && range.end * 6 >= bits.end);
            }
        }
    }

    #[test]
    fn json_escapings_are_the_choices_the_value_makes() {
        assert!(json_escapings("plain-token").is_empty());
        assert_eq!(json_escapings("a\"b"), ["a\\\"b"]);
        assert_eq!(
            json_escapings("a/é"),
            ["a/é", "a\\/é", "a/\\u00e9", "a\\/\\u00e9"][1..]
        );
        assert_eq!(json_escapings("&\u{1}").len(), 2);
    }

    #[test]
    fn a_short_core_with_wrong_neighbours_is_rejected() {
        let form = base64_core(b"tok4", 1, STANDARD);
        let Check::Base64 { required, .. } = form.check else {
            panic!("expected partial characters");
        };
        assert!(required);
        let mut text = b"!".to_vec();
        text.extend_from_slice(&form.bytes);
        text.push(b'!');
        assert_eq!(form.check.verify(&text, 1, 1 + form.bytes.len()), None);
    }
}
