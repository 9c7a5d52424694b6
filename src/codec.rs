//! The byte-to-text codecs the crate uses, in one place: base64 (standard or URL-safe
//! alphabet, padded or not), hex (either case) and percent-encoding (encode with a choice of
//! kept bytes, decode). The client writes requests with them (`Basic` credentials, query values,
//! cookies), the redactor writes and reads the forms a secret can take, and the matrix writes
//! signatures.
//!
//! Hand-written rather than the `base64`, `hex` and `percent-encoding` crates: every crate in
//! the default dependency graph is linked into every user test binary, and that link time is
//! the edit loop this crate is cutting (issue 17). What is here is ~100 lines of table lookups
//! checked against the RFC 4648 vectors below; the redactor's tests and fuzz target check the
//! encoders against its decoders on every form besides. `codec/hmac.rs` (feature `webhooks`) holds
//! the one HMAC the matrix signs with and the redactor recomputes.

#[cfg(feature = "webhooks")]
pub(crate) mod hmac;

/// A base64 alphabet (RFC 4648 §4 and §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Alphabet {
    /// `A–Z a–z 0–9 + /`.
    Standard,
    /// `A–Z a–z 0–9 - _`.
    UrlSafe,
}

impl Alphabet {
    /// The 64 characters, in sextet order.
    pub(crate) const fn chars(self) -> &'static [u8; 64] {
        match self {
            Self::Standard => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            Self::UrlSafe => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        }
    }
}

/// Whether base64 ends with `=` up to a multiple of four characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Padding {
    /// `Zg==`.
    Padded,
    /// `Zg`.
    Unpadded,
}

/// The case of hex digits `a–f`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    /// `0–9 a–f`.
    Lower,
    /// `0–9 A–F`.
    Upper,
}

impl Case {
    const fn digits(self) -> &'static [u8; 16] {
        match self {
            Self::Lower => b"0123456789abcdef",
            Self::Upper => b"0123456789ABCDEF",
        }
    }
}

/// Standard, padded base64 (RFC 4648 §4), as `Authorization: Basic` and most base64
/// signatures use.
pub(crate) fn base64(bytes: &[u8]) -> String {
    base64_with(bytes, Alphabet::Standard, Padding::Padded)
}

/// Base64 in `alphabet`, padded or not.
pub(crate) fn base64_with(bytes: &[u8], alphabet: Alphabet, padding: Padding) -> String {
    let chars = alphabet.chars();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(chars[(n >> (18 - 6 * i)) as usize & 63]));
            } else if padding == Padding::Padded {
                out.push('=');
            }
        }
    }
    out
}

/// The 6-bit value of a base64 character of either alphabet; `None` for anything else
/// (padding included).
pub(crate) const fn base64_sextet(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Hex of `bytes`, two digits a byte.
pub(crate) fn hex(bytes: &[u8], case: Case) -> String {
    let digits = case.digits();
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(digits[usize::from(byte >> 4)]));
        out.push(char::from(digits[usize::from(byte & 15)]));
    }
    out
}

/// The value of a hex digit of either case.
pub(crate) const fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Percent-encodes every byte but the unreserved ones (`A-Z a-z 0-9 - . _ ~`, RFC 3986 §2.3),
/// upper-case: what the client writes in query values and cookies.
pub(crate) fn percent_encode(value: &str) -> String {
    percent_encode_with(
        value.as_bytes(),
        |_, byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~'),
        Case::Upper,
        false,
    )
}

/// Percent-encodes `bytes`, keeping as is each byte `keep(index, byte)` accepts, and writing
/// a space as `+` when `space_as_plus` (HTML forms).
pub(crate) fn percent_encode_with(
    bytes: &[u8],
    keep: impl Fn(usize, u8) -> bool,
    case: Case,
    space_as_plus: bool,
) -> String {
    let digits = case.digits();
    let mut out = String::with_capacity(bytes.len());
    for (i, &byte) in bytes.iter().enumerate() {
        if keep(i, byte) {
            out.push(char::from(byte));
        } else if space_as_plus && byte == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(digits[usize::from(byte >> 4)]));
            out.push(char::from(digits[usize::from(byte & 15)]));
        }
    }
    out
}

/// Percent-decodes `text` (either hex case), `+` as a space; a `%` not followed by two hex
/// digits stays as it is, and invalid UTF-8 becomes U+FFFD.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let pair = bytes
                    .get(i + 1)
                    .copied()
                    .and_then(hex_digit)
                    .zip(bytes.get(i + 2).copied().and_then(hex_digit));
                if let Some((high, low)) = pair {
                    out.push(high << 4 | low);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b'+' => out.push(b' '),
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
            let unpadded = base64_with(input.as_bytes(), Alphabet::Standard, Padding::Unpadded);
            assert_eq!(unpadded, expected.trim_end_matches('='));
        }
    }

    #[test]
    fn base64_url_safe_uses_dash_and_underscore() {
        assert_eq!(
            base64_with(&[0xfb, 0xff], Alphabet::UrlSafe, Padding::Unpadded),
            "-_8"
        );
        assert_eq!(
            base64_with(&[0xfb, 0xff], Alphabet::Standard, Padding::Padded),
            "+/8="
        );
    }

    #[test]
    fn base64_sextet_reads_both_alphabets() {
        for alphabet in [Alphabet::Standard, Alphabet::UrlSafe] {
            for (value, &c) in alphabet.chars().iter().enumerate() {
                assert_eq!(base64_sextet(c), u8::try_from(value).ok());
            }
        }
        assert_eq!(base64_sextet(b'='), None);
    }

    #[test]
    fn hex_writes_either_case_and_reads_both() {
        assert_eq!(hex(&[0x00, 0xab, 0x5f], Case::Lower), "00ab5f");
        assert_eq!(hex(&[0x00, 0xab, 0x5f], Case::Upper), "00AB5F");
        assert_eq!(hex_digit(b'f'), Some(15));
        assert_eq!(hex_digit(b'F'), Some(15));
        assert_eq!(hex_digit(b'g'), None);
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_bytes() {
        assert_eq!(percent_encode("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
        assert_eq!(
            percent_encode_with(b"a b", |_, _| false, Case::Lower, true),
            "%61+%62"
        );
    }

    #[test]
    fn percent_decoding_reverses_encoding_and_keeps_stray_percents() {
        assert_eq!(percent_decode("a%20b%2fc+d"), "a b/c d");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%C3%A9"), "é");
    }
}
