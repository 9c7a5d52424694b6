//! Values whose first characters an escape begun just before them can swallow.
//!
//! Decoding reads escapes left to right, so text ending in an unfinished escape takes the
//! value's first characters to finish it: `%2` before `canary%2Dtoken` decodes as `%2c` (a
//! comma) followed by `anary-token`, and no view holds the value (found by the redactor's fuzz
//! target). Such a value is also matched from after the longest prefix an escape could
//! swallow; the match stands when the view holds the rest of that prefix just before it and
//! the original text holds the swallowed characters raw just before that, where the
//! swallowing escape ended.
//!
//! One pattern a value, not one per prefix length: with four (a value starting with four hex
//! digits can lose one to four of them), 100 such values took the matcher from 1.0 ms to
//! 2.45 ms to build, over its 2 ms budget.

use std::ops::Range;

use super::kinds::MIN_TOKEN_CHARS;

use super::views::Escapes;

/// The most leading characters one escape can swallow: `\u` + `cafe`, `&#` + `12345;`.
/// (`\U` + eight hex digits could take more; no value is matched past that.)
pub(super) const MAX_EATEN: usize = 8;

/// The value's first characters, raw, that must precede a match of the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct RawPrefix {
    bytes: [u8; MAX_EATEN],
    len: u8,
}

impl RawPrefix {
    /// How many bytes of the value it holds: the pattern is the value after them.
    pub(super) fn len(self) -> usize {
        usize::from(self.len)
    }

    /// A match of the rest at `found` in `view`, as a range of `original` that holds the whole
    /// value: for each number of swallowed characters (none: the value is whole in the view),
    /// the view must hold the unswallowed part of the prefix just before the match, and
    /// `original` the swallowed part, raw, just before where that maps.
    pub(super) fn verify(
        self,
        view: &[u8],
        original: &[u8],
        found: Range<usize>,
        to_original: impl Fn(Range<usize>) -> (Range<usize>, Escapes),
    ) -> Option<(Range<usize>, Escapes)> {
        let prefix = &self.bytes[..self.len()];
        (0..=prefix.len()).find_map(|swallowed| {
            let kept = &prefix[swallowed..];
            let start = found.start.checked_sub(kept.len())?;
            if &view[start..found.start] != kept {
                return None;
            }
            let (range, escapes) = to_original(start..found.end);
            let raw_start = range.start.checked_sub(swallowed)?;
            (original[raw_start..range.start] == prefix[..swallowed])
                .then_some((raw_start..range.end, escapes))
        })
    }
}

/// The longest prefix of `value` that some unfinished escape could swallow, if the rest is
/// still a distinctive token.
pub(super) fn swallowable_prefix(value: &str) -> Option<RawPrefix> {
    let bytes = value.as_bytes();
    let hex = |b: &u8| b.is_ascii_hexdigit();
    // `%` + 1–2 hex digits, `\u` + 1–4, `&#x` + hex.
    let mut lengths = vec![bytes.iter().take(4).take_while(|b| hex(b)).count()];
    // `\` + one of JSON's or a string literal's simple escapes, `\` + `u` + four hex digits,
    // `\` + `x` + two.
    match bytes.first() {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' | b'\'') => lengths.push(1),
        Some(b'u') if bytes.len() > 4 && bytes[1..5].iter().all(hex) => lengths.push(5),
        Some(b'x') if bytes.len() > 2 && bytes[1..3].iter().all(hex) => lengths.push(3),
        _ => {}
    }
    // `&` + a name or number the value finishes with its own `;`.
    if let Some(semicolon) = bytes.iter().take(MAX_EATEN).position(|&b| b == b';')
        && bytes[..semicolon]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'#')
    {
        lengths.push(semicolon + 1);
    }
    let len = lengths
        .into_iter()
        .filter(|&len| {
            len > 0
                && value.is_char_boundary(len)
                && value[len..].chars().count() >= MIN_TOKEN_CHARS
        })
        .max()?;
    let mut prefix = [0; MAX_EATEN];
    prefix[..len].copy_from_slice(&bytes[..len]);
    Some(RawPrefix {
        bytes: prefix,
        len: len as u8,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn longest(value: &str) -> Option<usize> {
        swallowable_prefix(value).map(RawPrefix::len)
    }

    #[test]
    fn takes_the_longest_prefix_any_escape_kind_could_swallow() {
        assert_eq!(longest("canary-token"), Some(2), "`%ca`, `\\u00ca`");
        assert_eq!(longest("deadbeef-token"), Some(4), "`\\udead`");
        assert_eq!(longest("ucafe-token-x"), Some(5), "`\\ucafe`");
        assert_eq!(longest("nonce-token"), Some(1), "`\\n`");
        assert_eq!(longest("'quoted-token"), Some(1), "`\\'`");
        assert_eq!(longest("x41-token-9"), Some(3), "`\\x41`");
        assert_eq!(longest("amp;rest-token"), Some(4), "`&amp;`");
        assert_eq!(longest("zq-token"), None);
        assert_eq!(longest("cafe"), None, "the rest must stay a token");
    }

    #[test]
    fn a_match_stands_only_after_the_prefix() {
        let prefix = swallowable_prefix("canary-token").unwrap();
        let identity = |range| (range, Escapes::default());
        // `%2c` swallowed `c`: the view (here the text itself) holds `a` before `nary-token`.
        let text = b"%2canary-token";
        assert_eq!(
            prefix.verify(text, text, 4..14, identity),
            Some((2..14, Escapes::default()))
        );
        let text = b"%2Xanary-token";
        assert_eq!(prefix.verify(text, text, 4..14, identity), None);
        let text = b"anary-token";
        assert_eq!(prefix.verify(text, text, 1..11, identity), None);
        // Nothing swallowed: the whole value, prefix included.
        let text = b"x canary-token";
        assert_eq!(
            prefix.verify(text, text, 4..14, identity),
            Some((2..14, Escapes::default()))
        );
    }
}
