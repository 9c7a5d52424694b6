//! The redactor: text built by the fuzzer from free fragments and secret values in every
//! encoding the redactor supports; the redacted text must never hold a value in any of them.
//!
//! The encodings come from the crate itself (`__private::every_encoding`: raw, base64 in both
//! alphabets padded or not, hex in both cases, percent-encodings, HTML entities, JSON escapes,
//! base64 of JSON as serde, Python, PHP and Go write it, Rust's and Python's debug forms, …),
//! so a new encoding is fuzzed as soon as the redactor claims it. The values are fixed and
//! distinct (no value overlaps another, none is part of a marker), so a failure is a gap in the
//! redactor, not an ambiguous input.
#![no_main]

use std::sync::OnceLock;

use devflare_test::__private::every_encoding;
use devflare_test::{redact::Encoding, redact::Redactor, secrets_env};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

/// Distinctive values: a token, one with characters every encoding treats specially, a short
/// one (4 characters is the shortest value matched inside base64), and one with a control
/// character, a single quote and the characters Go's JSON escapes (`{:?}` writes `\u{1}`,
/// `repr` `\x01`, Go `\u0026`).
const VALUES: [(&str, &str); 4] = [
    ("API_TOKEN", "canary-api-token-9fK3qL7w"),
    ("DB_PASSWORD", "p@ss w/rd+é!\"\\"),
    ("PIN", "Zq9x"),
    ("CTL_TOKEN", "Ctl\u{1}-it's-<&>-Wx"),
];

#[derive(Debug, Arbitrary)]
enum Piece {
    Text(String),
    Secret { which: u8, form: u8 },
}

/// Built once: building the matcher costs far more than one redaction.
fn redactor() -> &'static Redactor {
    static REDACTOR: OnceLock<Redactor> = OnceLock::new();
    REDACTOR.get_or_init(|| {
        let env = secrets_env! {
            API_TOKEN => VALUES[0].1,
            DB_PASSWORD => VALUES[1].1,
            PIN => VALUES[2].1,
            CTL_TOKEN => VALUES[3].1,
        };
        env.redactor()
    })
}

/// Every supported encoding of every value, listed once, each checked once to be recognised
/// on its own (per input, that check would repeat the same few hundred scans).
fn forms() -> &'static [(&'static str, Vec<(Encoding, String)>)] {
    static FORMS: OnceLock<Vec<(&'static str, Vec<(Encoding, String)>)>> = OnceLock::new();
    FORMS.get_or_init(|| {
        let forms: Vec<_> = VALUES
            .iter()
            .map(|(name, value)| (*name, every_encoding(value)))
            .collect();
        for (name, encodings) in &forms {
            for (encoding, encoded) in encodings {
                assert!(
                    redactor().contains_secret(encoded),
                    "{name} as {encoding:?} is not recognised on its own"
                );
            }
        }
        forms
    })
}

fuzz_target!(|pieces: Vec<Piece>| {
    let redactor = redactor();
    let forms = forms();
    let mut text = String::new();
    for piece in &pieces {
        match piece {
            Piece::Text(fragment) => text.push_str(fragment),
            Piece::Secret { which, form } => {
                let (_, encodings) = &forms[usize::from(*which) % forms.len()];
                let (_, encoded) = &encodings[usize::from(*form) % encodings.len()];
                text.push_str(encoded);
            }
        }
    }
    let redacted = redactor.redact(&text);
    for (name, encodings) in forms {
        for (encoding, encoded) in encodings {
            assert!(
                !redacted.contains(encoded.as_str()),
                "{name} as {encoding:?} survived redaction"
            );
        }
    }
});
