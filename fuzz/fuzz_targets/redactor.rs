//! The redactor: text built by the fuzzer from free fragments and secret values in every
//! encoding; the redacted text must never hold a value in any encoding the redactor covers.
//!
//! The values are fixed and distinct (no value overlaps another, none is part of a marker),
//! so a failure is a gap in the redactor, not an ambiguous input.
#![no_main]

use std::sync::OnceLock;

use devflare_test::{Redactor, secrets_env};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

/// Distinctive values: a token, one with characters every encoding treats specially, and
/// a short one (4 characters is the shortest value matched inside base64).
const VALUES: [(&str, &str); 3] = [
    ("API_TOKEN", "canary-api-token-9fK3qL7w"),
    ("DB_PASSWORD", "p@ss w/rd+é!\"\\"),
    ("PIN", "Zq9x"),
];

#[derive(Debug, Arbitrary)]
enum Piece {
    Text(String),
    Secret { which: u8, form: u8 },
}

/// The forms a value can take in a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Raw,
    Base64,
    Base64Padded,
    Base64UrlSafe,
    PercentUpper,
    PercentLower,
    Json,
    HexLower,
    HexUpper,
}

const FORMS: [Form; 9] = [
    Form::Raw,
    Form::Base64,
    Form::Base64Padded,
    Form::Base64UrlSafe,
    Form::PercentUpper,
    Form::PercentLower,
    Form::Json,
    Form::HexLower,
    Form::HexUpper,
];

/// Forms the redactor must cover today. Others (hex, until the widened redactor of issue 11
/// lands) are checked as soon as the redactor redacts them on their own.
const REQUIRED: [Form; 7] = [
    Form::Raw,
    Form::Base64,
    Form::Base64Padded,
    Form::Base64UrlSafe,
    Form::PercentUpper,
    Form::PercentLower,
    Form::Json,
];

fn encode(value: &str, form: Form) -> String {
    let bytes = value.as_bytes();
    match form {
        Form::Raw => value.to_owned(),
        Form::Base64 => base64(bytes, b'+', b'/', false),
        Form::Base64Padded => base64(bytes, b'+', b'/', true),
        Form::Base64UrlSafe => base64(bytes, b'-', b'_', false),
        Form::PercentUpper | Form::PercentLower => bytes
            .iter()
            .map(|&b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(b).to_string()
                }
                _ if form == Form::PercentUpper => format!("%{b:02X}"),
                _ => format!("%{b:02x}"),
            })
            .collect(),
        Form::Json => {
            let quoted = format!("{value:?}"); // Rust's escaping matches JSON's for these values
            quoted[1..quoted.len() - 1].to_owned()
        }
        Form::HexLower => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        Form::HexUpper => bytes.iter().map(|b| format!("{b:02X}")).collect(),
    }
}

fn base64(bytes: &[u8], c62: u8, c63: u8, pad: bool) -> String {
    let mut alphabet = *b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789++";
    alphabet[62] = c62;
    alphabet[63] = c63;
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(alphabet[(n >> (18 - 6 * i)) as usize & 63]));
        }
        if pad {
            (chunk.len()..3).for_each(|_| out.push('='));
        }
    }
    out
}

/// Built once: building the matcher costs far more than one redaction.
fn redactor() -> &'static Redactor {
    static REDACTOR: OnceLock<Redactor> = OnceLock::new();
    REDACTOR.get_or_init(|| {
        let env = secrets_env! {
            API_TOKEN => VALUES[0].1,
            DB_PASSWORD => VALUES[1].1,
            PIN => VALUES[2].1,
        };
        env.redactor()
    })
}

fuzz_target!(|pieces: Vec<Piece>| {
    let redactor = redactor();
    let mut text = String::new();
    for piece in &pieces {
        match piece {
            Piece::Text(fragment) => text.push_str(fragment),
            Piece::Secret { which, form } => {
                let (_, value) = VALUES[usize::from(*which) % VALUES.len()];
                text.push_str(&encode(value, FORMS[usize::from(*form) % FORMS.len()]));
            }
        }
    }
    let redacted = redactor.redact(&text);
    for (name, value) in VALUES {
        for form in FORMS {
            let encoded = encode(value, form);
            let covered = redactor.contains_secret(&encoded);
            assert!(
                covered || !REQUIRED.contains(&form),
                "{name} in {form:?} is not redacted on its own"
            );
            assert!(
                !covered || !redacted.contains(&encoded),
                "{name} in {form:?} survived redaction"
            );
        }
    }
});
