//! The leak scan and redaction against every supported encoding: each form is reported by
//! `leaks()` (in a header and in a body that is not JSON) and absent from the snapshot text.

use devflare_test::prelude::*;
use devflare_test::{
    CapturedResponse, redact::Encoding, redact::Leak, redact::LeakLocation, redact::ValueKind,
};
use http::{HeaderName, Response};

use crate::canaries;

/// A response carrying `header` in `x-echo` and `body`. The one place these tests build a
/// client, so a change to `TestClient::new` touches only this function.
pub fn captured(env: &SecretsEnv, header: Option<&str>, body: &str) -> CapturedResponse {
    let header = header.map(str::to_owned);
    let body = body.to_owned();
    let client = TestClient::new(env, async |_, _| {
        let mut response = Response::builder().status(200);
        if let Some(value) = &header {
            response = response.header("x-echo", value.as_str());
        }
        response.body(body.clone()).unwrap()
    });
    client.send_blocking(TestRequest::get("/"))
}

/// `form` (an encoding of `binding`'s value) is reported, with `encoding`, in a header and
/// after other text in a body, and the snapshot holds neither the form nor any secret.
#[track_caller]
fn assert_caught(env: &SecretsEnv, binding: &str, form: &str, encoding: Encoding) {
    let header_safe = !form.contains(['\r', '\n']) && form.is_ascii();
    let body = format!("log line: {form} (end)");
    let response = captured(env, header_safe.then_some(form), &body);
    let leaks = response.leaks();
    let found = |location: &dyn Fn(&LeakLocation) -> bool| {
        leaks
            .iter()
            .any(|l| l.binding == binding && l.encoding == encoding && location(&l.location))
    };
    let described: Vec<String> = leaks.iter().map(ToString::to_string).collect();
    // The offset is where the value's own bytes start: inside the form, not always at its start
    // (`Basic base64(user:token)`, a JSON document around the value).
    let form_range = 10..10 + form.len();
    assert!(
        found(&|l| matches!(l, LeakLocation::Body { offset } if form_range.contains(offset))),
        "{encoding}: not reported in the body within {form_range:?}: {described:?}"
    );
    if header_safe {
        assert!(
            found(&|l| *l == LeakLocation::Header("x-echo".to_owned())),
            "{encoding}: not reported in the header: {described:?}"
        );
    }
    let snapshot = response.to_snapshot();
    assert!(!snapshot.contains(form), "{encoding}: still in {snapshot}");
    assert!(
        !env.redactor().contains_secret(&snapshot),
        "{encoding}: a secret is left in {snapshot}"
    );
    let redacted = env.redactor().redact(&body).into_owned();
    assert!(
        redacted.starts_with("log line: ")
            && redacted.contains(&format!("[secret:{binding}"))
            && redacted.ends_with(" (end)"),
        "{encoding}: {redacted}"
    );
}

fn token() -> &'static str {
    canaries::value("API_TOKEN")
}

fn env() -> SecretsEnv {
    secrets_env! { API_TOKEN => token() }
}

/// A value with punctuation, a space, a quote and a non-ASCII letter: every escaper has work.
const PUNCTUATED: &str = "p@ss w/rd+&\"é~*!'(x)";

fn punctuated_env() -> SecretsEnv {
    secrets_env! { API_KEY => PUNCTUATED }
}

fn base64(bytes: &[u8], url_safe: bool, pad: bool) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    match (url_safe, pad) {
        (false, true) => STANDARD.encode(bytes),
        (false, false) => STANDARD_NO_PAD.encode(bytes),
        (true, true) => URL_SAFE.encode(bytes),
        (true, false) => URL_SAFE_NO_PAD.encode(bytes),
    }
}

#[test]
fn raw() {
    assert_caught(&env(), "API_TOKEN", token(), Encoding::Raw);
}

#[test]
fn base64_standard_and_url_safe_padded_or_not() {
    // `~~~` and `???` encode to `fn5+` / `Pz8/`: the two alphabets differ here.
    let value = "k~~~???-tok-Zq9";
    let env = secrets_env! { API_TOKEN => value };
    for (url_safe, pad) in [(false, true), (false, false), (true, true), (true, false)] {
        let form = base64(value.as_bytes(), url_safe, pad);
        assert_caught(&env, "API_TOKEN", &form, Encoding::Base64);
    }
}

#[test]
fn short_base64_values_after_other_bytes_at_every_alignment() {
    for token in ["t0k4", "t0k45", "t0k456"] {
        let env = secrets_env! { API_TOKEN => token };
        // 5, 3 and 4 bytes before the token: alignments 2, 0 and 1 in its 3-byte group.
        for prefix in ["user:", "us:", "usr:"] {
            for url_safe in [false, true] {
                let encoded = base64(format!("{prefix}{token}").as_bytes(), url_safe, true);
                assert_caught(
                    &env,
                    "API_TOKEN",
                    &format!("Basic {encoded}"),
                    Encoding::Base64,
                );
            }
        }
    }
}

#[test]
fn short_base64_is_not_found_in_ordinary_text() {
    let env = secrets_env! { API_TOKEN => "t0k4" };
    let text = "The quick brown fox jumps over the lazy dog. Basic dXNlcjpvdGhlcg== \
                dXNlcjp0MGs dDBr 74306b";
    assert!(!env.redactor().contains_secret(text), "{text}");
}

#[test]
fn base64_of_a_value_differing_in_its_last_bits_is_not_a_leak() {
    // `p` and `q` differ in their last bit, which base64 puts in a character of its own.
    let env = secrets_env! { API_TOKEN => "sk_live_042_Zq8vR2mX4tL9wK7p" };
    for near in [
        "sk_live_042_Zq8vR2mX4tL9wK7q",
        "xsk_live_042_Zq8vR2mX4tL9wK7q",
    ] {
        let encoded = base64(near.as_bytes(), false, true);
        assert!(captured(&env, None, &encoded).leaks().is_empty(), "{near}");
    }
    let encoded = base64(b"xsk_live_042_Zq8vR2mX4tL9wK7p", false, true);
    assert_eq!(captured(&env, None, &encoded).leaks().len(), 1);
}

#[test]
fn base64_wrapped_at_any_line_length() {
    let value = "a-much-longer-secret-value-for-mime-wrapping-0123456789-abcdefghij";
    let env = secrets_env! { API_TOKEN => value };
    let encoded = base64(value.as_bytes(), false, true);
    let wrap = |width: usize, line_break: &str| {
        let lines: Vec<&str> = encoded
            .as_bytes()
            .chunks(width)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        lines.join(line_break)
    };
    for (width, line_break) in [(76, "\r\n"), (76, "\n"), (10, "\n"), (3, "\r\n")] {
        assert_caught(
            &env,
            "API_TOKEN",
            &wrap(width, line_break),
            Encoding::Base64,
        );
    }
    // A short token in a wrapped `Basic` credential.
    let env = secrets_env! { API_TOKEN => "t0k45" };
    let basic = base64(b"user:t0k45", false, true);
    let wrapped = format!("{}\r\n{}", &basic[..5], &basic[5..]);
    assert_caught(&env, "API_TOKEN", &wrapped, Encoding::Base64);
}

#[test]
fn hex_in_either_case() {
    let lower: String = token().bytes().map(|b| format!("{b:02x}")).collect();
    assert_caught(&env(), "API_TOKEN", &lower, Encoding::Hex);
    assert_caught(&env(), "API_TOKEN", &lower.to_uppercase(), Encoding::Hex);
}

#[test]
fn every_percent_encoding() {
    let env = punctuated_env();
    let encode = |keep: &dyn Fn(u8) -> bool, upper: bool, plus: bool| -> String {
        PUNCTUATED
            .bytes()
            .map(|b| match b {
                b' ' if plus => "+".to_owned(),
                b if keep(b) => char::from(b).to_string(),
                b if upper => format!("%{b:02X}"),
                b => format!("%{b:02x}"),
            })
            .collect()
    };
    let forms = [
        encode(&|_| false, true, false),
        encode(&|_| false, false, false),
        encode(&|b| b.is_ascii_alphanumeric(), true, true),
        // `encodeURIComponent` keeps `*` and `!'()`.
        encode(
            &|b| b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b),
            true,
            false,
        ),
        encode(
            &|b| b.is_ascii_alphanumeric() || b"*-._".contains(&b),
            false,
            true,
        ),
        // Only some bytes encoded, hex case mixed inside one escape.
        PUNCTUATED
            .replace('/', "%2f")
            .replace('"', "%22")
            .replace('é', "%C3%a9"),
    ];
    for form in forms {
        assert_caught(&env, "API_KEY", &form, Encoding::UrlEncoded);
    }
}

#[test]
fn html_entities_named_decimal_and_hex() {
    let env = punctuated_env();
    let decimal: String = PUNCTUATED
        .chars()
        .map(|c| format!("&#{};", u32::from(c)))
        .collect();
    let hex: String = PUNCTUATED
        .chars()
        .map(|c| format!("&#x{:x};", u32::from(c)))
        .collect();
    let upper_x: String = PUNCTUATED
        .chars()
        .map(|c| format!("&#X{:X};", u32::from(c)))
        .collect();
    let named = PUNCTUATED
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
        .replace('/', "&sol;")
        .replace('(', "&lpar;");
    // Escaped twice: `&amp;quot;`.
    let twice = named.replace('&', "&amp;");
    for form in [decimal, hex, upper_x, named, twice] {
        assert_caught(&env, "API_KEY", &form, Encoding::HtmlEntities);
    }
}

#[test]
fn json_escapes_once_nested_and_outside_json_bodies() {
    let punctuated = punctuated_env();
    let once = serde_json::to_string(PUNCTUATED).unwrap();
    let once = once.trim_matches('"').to_owned();
    let unicode = |upper: bool| -> String {
        PUNCTUATED
            .encode_utf16()
            .map(|u| {
                if upper {
                    format!("\\u{u:04X}")
                } else {
                    format!("\\u{u:04x}")
                }
            })
            .collect()
    };
    // A JSON document carried as a string, then that string in another document.
    let document = serde_json::json!({ "token": PUNCTUATED }).to_string();
    let nested = serde_json::to_string(&document).unwrap();
    let twice_nested = serde_json::to_string(&nested).unwrap();
    for form in [once, unicode(false), unicode(true), nested, twice_nested] {
        assert_caught(&punctuated, "API_KEY", &form, Encoding::JsonEscaped);
    }
    // An ASCII value escaped with `\u` in a plain-text body.
    let ascii: String = token().bytes().map(|b| format!("\\u{b:04X}")).collect();
    assert_caught(&env(), "API_TOKEN", &ascii, Encoding::JsonEscaped);
}

#[test]
fn overlapping_values_are_each_reported_and_wholly_redacted() {
    let env = secrets_env! { A => "alpha-SHARED", B => "SHARED-bravo-9999" };
    let response = captured(&env, None, "x alpha-SHARED-bravo-9999 y");
    let leaks: Vec<String> = response.leaks().iter().map(ToString::to_string).collect();
    assert_eq!(
        leaks,
        [
            "secret `A` leaked in the body at byte offset 2",
            "secret `B` leaked in the body at byte offset 8",
        ]
    );
    let snapshot = response.to_snapshot();
    for fragment in ["alpha", "SHARED", "bravo", "9999"] {
        assert!(!snapshot.contains(fragment), "{fragment} in {snapshot}");
    }
    assert!(snapshot.contains("x [secret:A][secret:B] y"), "{snapshot}");
}

#[test]
fn a_value_with_whitespace_ends_is_found_by_its_trimmed_core() {
    // A TOML `"""` string keeps its trailing newline; handlers often echo the value trimmed.
    let env = secrets_env! { API_TOKEN => "\n  canary-core-token-77Qx  \n" };
    assert_caught(&env, "API_TOKEN", "canary-core-token-77Qx", Encoding::Raw);
}

#[test]
fn partial_leaks_are_reported_only_when_asked() {
    let env = env();
    let prefix = &token()[..12];
    let middle = &token()[7..17];
    let suffix = &token()[token().len() - 9..];
    for run in [prefix, middle, suffix] {
        assert!(captured(&env, Some(run), run).leaks().is_empty(), "{run}");
    }
    env.report_partial_leaks(Some(8));
    for run in [prefix, middle, suffix] {
        let response = captured(&env, Some(run), &format!("log: {run}…"));
        let leaks = response.leaks();
        assert_eq!(leaks.len(), 2, "{run}: {leaks:?}");
        assert!(
            leaks.iter().all(|l| l.kind == ValueKind::Partial),
            "{leaks:?}"
        );
        assert_eq!(
            leaks[1].to_string(),
            "part of secret `API_TOKEN` leaked in the body at byte offset 5"
        );
        let snapshot = response.to_snapshot();
        assert!(!snapshot.contains(run), "{snapshot}");
        assert!(
            snapshot.contains("log: [secret:API_TOKEN:partial]…"),
            "{snapshot}"
        );
    }
    // A shorter run than asked for is not a leak; the whole value is still a whole leak.
    assert!(captured(&env, None, &token()[..7]).leaks().is_empty());
    let whole = captured(&env, None, token()).leaks();
    assert_eq!(whole.len(), 1);
    assert_eq!(whole[0].kind, ValueKind::Secret);
    // Off again.
    env.report_partial_leaks(None);
    assert!(captured(&env, None, prefix).leaks().is_empty());
}

#[test]
fn derived_values_are_redacted_and_scanned_like_the_secret() {
    let env = env();
    let signature = "sig-7d1c0ffee42b9a";
    assert!(captured(&env, None, signature).leaks().is_empty());
    env.register_derived("API_TOKEN", signature).unwrap();
    let hex: String = signature.bytes().map(|b| format!("{b:02x}")).collect();
    let response = captured(&env, Some(signature), &format!("sig={hex}"));
    let leaks: Vec<String> = response.leaks().iter().map(ToString::to_string).collect();
    assert_eq!(
        leaks,
        [
            "a value derived from secret `API_TOKEN` leaked in header `x-echo`",
            "a value derived from secret `API_TOKEN` leaked (hex) in the body at byte offset 4",
        ]
    );
    let snapshot = response.to_snapshot();
    assert!(
        snapshot.contains("x-echo: \"[secret:API_TOKEN:derived]\""),
        "{snapshot}"
    );
    assert!(
        snapshot.contains("sig=[secret:API_TOKEN:derived:hex]"),
        "{snapshot}"
    );
    // Registered on one clone, seen by all.
    assert!(env.clone().redactor().contains_secret(signature));
    let unbound = env.register_derived("API_TOKNE", "x").unwrap_err();
    assert_eq!(unbound.closest(), Some("API_TOKEN"));
    assert_eq!(unbound.to_string(), "Binding `API_TOKNE` is undefined.");
}

/// A small deterministic generator: the property test must fail the same way every run.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

#[test]
fn random_values_in_random_encodings_never_survive_redaction() {
    let alphabet: Vec<char> =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.~!*'()%&\\\"/+=:;#<>?@é€😀"
            .chars()
            .collect();
    let filler: Vec<char> = "abc XYZ 019 =+/-_.,;:\n".chars().collect();
    let mut rng = SplitMix(0x005E_C2E7);
    for round in 0..300 {
        let len = 4 + rng.below(20);
        let value: String = (0..len).map(|_| rng.pick(&alphabet)).collect();
        let env = secrets_env! { API_TOKEN => value.clone() };
        let redactor = env.redactor();
        let forms = devflare_test::__private::every_encoding(&value);
        for _ in 0..4 {
            let (encoding, form) = &forms[rng.below(forms.len())];
            let before: String = (0..rng.below(12)).map(|_| rng.pick(&filler)).collect();
            let after: String = (0..rng.below(12)).map(|_| rng.pick(&filler)).collect();
            let text = format!("{before}{form}{after}");
            let redacted = redactor.redact(&text);
            let context = format!("round {round}, {encoding}, value {value:?}, text {text:?}");
            assert!(!redacted.contains(form.as_str()), "{context}: {redacted}");
            assert!(
                !redactor.contains_secret(&redacted),
                "{context}: {redacted}"
            );
            let response = captured(&env, None, &text);
            assert!(!response.leaks().is_empty(), "{context}: not reported");
        }
    }
}

#[test]
fn nothing_about_a_leak_shows_the_value() {
    let env = env();
    env.register_derived("API_TOKEN", "derived-canary-Qz81xT")
        .unwrap();
    env.report_partial_leaks(Some(8));
    let body = format!(
        "{} derived-canary-Qz81xT {}",
        &token()[..12],
        base64(token().as_bytes(), true, false)
    );
    let response = captured(&env, Some(token()), &body);
    let leaks = response.leaks();
    assert_eq!(leaks.len(), 4, "{leaks:?}");
    let shown = format!(
        "{leaks:?} {} {:?} {:?} {response:?} {}",
        leaks
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        env.redactor(),
        env,
        response.to_snapshot()
    );
    for value in [token(), &token()[..12], "derived-canary-Qz81xT"] {
        assert!(!shown.contains(value), "{value} shown in {shown}");
    }
    assert!(!env.redactor().contains_secret(&shown), "{shown}");
}

#[test]
fn a_body_made_of_one_value_over_and_over_is_one_leak() {
    let env = secrets_env! { API_TOKEN => "abab" };
    let body = "ab".repeat(50_000);
    let leaks = captured(&env, None, &body).leaks();
    assert_eq!(leaks.len(), 1, "{:?}", &leaks[..leaks.len().min(3)]);
    assert_eq!(env.redactor().redact(&body), "[secret:API_TOKEN]");
}

#[test]
fn every_listed_encoding_of_fixed_values_is_caught() {
    for value in [
        token(),
        PUNCTUATED,
        "t0k4",
        "\n  core-tok-9 \n",
        "é€😀x",
        "a%41\\u0042&amp;",
        "Ctl\u{1}-it's-<&>-Wx",
    ] {
        let env = secrets_env! { API_TOKEN => value };
        let redactor = env.redactor();
        for (encoding, form) in devflare_test::__private::every_encoding(value) {
            let text = format!("id=7 {form};");
            let redacted = redactor.redact(&text);
            let context = format!("{encoding}, value {value:?}, text {text:?}");
            assert!(!redacted.contains(form.as_str()), "{context}: {redacted}");
            assert!(
                !redactor.contains_secret(&redacted),
                "{context}: {redacted}"
            );
            assert!(!captured(&env, None, &text).leaks().is_empty(), "{context}");
        }
    }
}

/// Found by the redactor's fuzz target: a stray `%` before a percent-encoded value whose first
/// two characters are hex digits (`%` + `canary%2D…`) was decoded as `%ca`, which swallowed the
/// value's start and hid the rest. A byte above 0x7F is now decoded only as part of a whole
/// UTF-8 character.
#[test]
fn a_stray_percent_before_a_percent_encoded_value() {
    let env = secrets_env! { API_TOKEN => "canary-api-token-9fK3qL7w" };
    let encoded = "canary%2Dapi%2Dtoken%2D9fK3qL7w";
    for stray in ["%", "\u{1}%", "100%", "%%"] {
        let text = format!("{stray}{encoded}");
        let redacted = env.redactor().redact(&text).into_owned();
        assert!(!redacted.contains(encoded), "{stray:?}: {redacted:?}");
        assert!(
            redacted.contains("[secret:API_TOKEN:url]"),
            "{stray:?}: {redacted:?}"
        );
    }
    // Multi-byte characters still decode whole: `é` is `%C3%A9`.
    let env = secrets_env! { API_KEY => "caf\u{e9}-token-1234" };
    let redacted = env
        .redactor()
        .redact("x%caf%C3%A9%2Dtoken%2D1234")
        .into_owned();
    assert!(redacted.contains("[secret:API_KEY:url]"), "{redacted:?}");
}

/// Every character of `value` as a JSON `\uXXXX` escape, hex digits in either case.
fn u_escaped(value: &str, upper: bool) -> String {
    value
        .chars()
        .map(|c| match upper {
            true => format!("\\u{:04X}", c as u32),
            false => format!("\\u{:04x}", c as u32),
        })
        .collect()
}

/// Found by the redactor's fuzz target with a random seed: a stray backslash on both sides of
/// a JSON-escaped value (`…\` + `\u0070\u0040…\u005C` + `/…`) made the decoded views pair the
/// strays with the value's own escapes (`\\`, `\/`), so no view held the value whole. A
/// backslash that a `\u` escape produced no longer starts an escape in the next round.
#[test]
fn stray_backslashes_around_a_json_escaped_value() {
    let value = "p@ss w/rd+\u{e9}!\"\\";
    let env = secrets_env! { DB_PASSWORD => value };
    for upper in [false, true] {
        let escaped = u_escaped(value, upper);
        for text in [
            format!("x\\u0077\\{escaped}/y"),
            format!("x\\{escaped}/y"),
            format!("\\{escaped}\\"),
            format!("{escaped}/"),
        ] {
            assert!(env.redactor().contains_secret(&text), "{text:?}");
            let redacted = env.redactor().redact(&text).into_owned();
            assert!(!redacted.contains(&escaped), "{redacted:?}");
            assert!(!redacted.contains("p@ss"), "{redacted:?}");
        }
    }
}

/// Found by the redactor's fuzz target: 31 stray backslashes before a `\u`-escaped value.
/// Each decoding round halves a run of backslashes, so the value's own escape surfaced only
/// after more rounds than the decoder runs; a run of any length is now read with its last
/// backslash starting the escape.
#[test]
fn any_run_of_stray_backslashes_before_a_u_escaped_value() {
    let token = "canary-api-token-9fK3qL7w";
    let password = "p@ss w/rd+\u{e9}!\"\\";
    let env = secrets_env! { API_TOKEN => token, DB_PASSWORD => password };
    let redactor = env.redactor();
    for value in [token, password] {
        for upper in [false, true] {
            let escaped = u_escaped(value, upper);
            for strays in 0..40 {
                let text = format!(
                    "{}{escaped}{}",
                    "\\".repeat(strays),
                    "\\".repeat(strays % 3)
                );
                assert!(redactor.contains_secret(&text), "{strays} strays: {text:?}");
                let redacted = redactor.redact(&text);
                assert!(
                    !redacted.contains(&escaped),
                    "{strays} strays: {redacted:?}"
                );
            }
        }
    }
    // A long run before no escape at all is plain text.
    let text = format!("{}x", "\\".repeat(10_000));
    assert!(!redactor.contains_secret(&text));
}

/// Found by the redactor's fuzz target: `%2` before `canary%2Dapi…` decodes as `%2c` (`,`) and
/// swallowed the value's first character. The same for every kind of unfinished escape that a
/// value's first characters can finish: the value is found, and redacted with them.
#[test]
fn an_unfinished_escape_before_a_value_does_not_swallow_its_first_characters() {
    let cases: [(&str, &str, &str); 6] = [
        (
            "canary-api-token-9fK3qL7w",
            "%2",
            "canary%2Dapi%2Dtoken%2D9fK3qL7w",
        ),
        (
            "canary-api-token-9fK3qL7w",
            "\\u00",
            "canary\\u002Dapi\\u002Dtoken\\u002D9fK3qL7w",
        ),
        // `\ucafe` is a character, so `\u` swallows all four (`\udead` would be a lone
        // surrogate, which no decoder reads).
        ("cafebabe/token+42", "\\u", "cafebabe%2Ftoken%2B42"),
        ("canary token-9fK3qL7w", "%2", "canary+token%2D9fK3qL7w"),
        ("nonce-token/x9", "\\", "nonce-token\\/x9"),
        ("fade;opaque-token&x", "&#x", "fade;opaque-token&amp;x"),
    ];
    for (value, stray, encoded) in cases {
        let env = secrets_env! { API_TOKEN => value };
        let redactor = env.redactor();
        let text = format!("before {stray}{encoded} after");
        assert!(redactor.contains_secret(&text), "{text:?}");
        let redacted = redactor.redact(&text).into_owned();
        assert!(!redacted.contains(&encoded[1..]), "{redacted:?}");
        assert!(
            redacted.starts_with(&format!("before {stray}[secret:API_TOKEN")),
            "{redacted:?}"
        );
        assert!(redacted.ends_with("] after"), "{redacted:?}");
        // Without the stray, the value is found as before.
        assert!(redactor.contains_secret(encoded), "{encoded:?}");
    }
}

/// Found in review: Go's `json.Marshal` writes `&` as `\u0026`, so HTML entities inside Go's
/// JSON come out only in a second round; the rule that keeps a `\u005C` backslash from
/// starting an escape must not stop those (it once held every byte a `\u` escape made).
#[test]
fn html_entities_inside_json_that_escapes_ampersands() {
    let env =
        secrets_env! { API_TOKEN => "canary/api-token-9fK3", DB_PASSWORD => "p@ss'w/rd-token" };
    let redactor = env.redactor();
    for text in [
        r#"{"body":"canary\u0026#x2F;api-token-9fK3"}"#,
        r#"{"body":"p@ss\u0026#39;w\u0026#x2F;rd-token"}"#,
        r#"{"body":"p@ss\u0026apos;w\u0026sol;rd-token"}"#,
    ] {
        assert!(redactor.contains_secret(text), "{text}");
        assert!(
            !redactor.redact(text).contains("9fK3") && !redactor.redact(text).contains("rd-token")
        );
    }
}

/// Found in review: the longest named entity the decoder knows was never decoded (the window
/// it looked in for the `;` was too short).
#[test]
fn the_longest_named_entity_is_decoded() {
    let env = secrets_env! { PASSWORD => "`grave-token-77" };
    let redactor = env.redactor();
    let text = "&DiacriticalGrave;grave-token-77";
    assert!(redactor.contains_secret(text), "{text}");
}

/// JSON carried in a JSON string still decodes when the inner document escaped everything
/// with `\u`: the outer level doubles those backslashes (`\\u0070`), which stay escapes.
#[test]
fn a_u_escaped_value_inside_a_json_string_inside_json() {
    let value = "p@ss w/rd+\u{e9}!\"\\";
    let env = secrets_env! { DB_PASSWORD => value };
    let inner: String = value
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let outer = serde_json::to_string(&format!("{{\"password\":\"{inner}\"}}")).unwrap();
    let redacted = env.redactor().redact(&outer).into_owned();
    assert!(redacted.contains("[secret:DB_PASSWORD:json]"), "{redacted}");
    assert!(!redacted.contains("u0070"), "{redacted}");
}

/// Issue 16: a secret in a header **name** (`x-<secret>: 1`). HTTP lowercases names, so the
/// name holds the value lower-cased: it is matched ASCII-case-insensitively there, reported as
/// a header name (shown redacted), and blanked in the snapshot.
#[test]
fn a_secret_in_a_header_name() {
    let env = env();
    let client = TestClient::new(&env, async |_, _| {
        Response::builder()
            .status(200)
            .header(format!("x-{}", token()).as_str(), "1")
            .header("x-echo", token())
            .body(String::new())
            .unwrap()
    });
    let response = client.send_blocking(TestRequest::get("/"));
    let leaks = response.leaks();
    let name = |l: &Leak| match &l.location {
        LeakLocation::HeaderName(name) => Some(name.clone()),
        _ => None,
    };
    let names: Vec<String> = leaks.iter().filter_map(name).collect();
    assert_eq!(names, ["x-[secret:API_TOKEN]"], "{leaks:?}");
    assert!(
        leaks
            .iter()
            .any(|l| l.location == LeakLocation::Header("x-echo".to_owned())),
        "{leaks:?}"
    );
    let lower = token().to_ascii_lowercase();
    let shown = format!(
        "{leaks:?} {} {response:?} {}",
        leaks.iter().map(ToString::to_string).collect::<String>(),
        response.to_snapshot()
    );
    assert!(!shown.to_ascii_lowercase().contains(&lower), "{shown}");
    assert!(
        shown.contains("the name of header `x-[secret:API_TOKEN]`"),
        "{shown}"
    );
    assert!(
        response.to_snapshot().contains("x-[secret:API_TOKEN]: "),
        "{}",
        response.to_snapshot()
    );
    // A header whose name and value both hold a secret: the value's location never shows the
    // name in clear.
    let client = TestClient::new(&env, async |_, _| {
        Response::builder()
            .header(format!("x-{}", token()).as_str(), token())
            .body(String::new())
            .unwrap()
    });
    let leaks = client.send_blocking(TestRequest::get("/")).leaks();
    assert_eq!(leaks.len(), 2, "{leaks:?}");
    let shown = format!("{leaks:?}").to_ascii_lowercase();
    assert!(!shown.contains(&lower), "{shown}");
}

/// JSON escaping of `value` as Python's `json.dumps` (non-ASCII as `\u00e9`), PHP's
/// `json_encode` (`\/` too) or serde (neither), quotes and backslashes always escaped.
fn json_escaped(value: &str, ascii: bool, slash: bool) -> String {
    let mut out = String::new();
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if slash => out.push_str("\\/"),
            c if (ascii && !c.is_ascii()) || c.is_control() => {
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

/// Issue 16: base64 and base64url, padded or not, of JSON that escapes a character of the
/// secret — a JWT payload — however the JSON escapes it.
#[test]
fn base64_of_json_escaped_text_as_in_a_jwt_payload() {
    let values = [
        ("QUOTE_TOKEN", canaries::value("QUOTE_TOKEN")),
        ("API_KEY", PUNCTUATED),
        ("PASSWORD", "caf\u{e9}-pass/w\u{f6}rd-42"),
    ];
    for (binding, value) in values {
        let env = SecretsEnv::builder()
            .secret(binding, value)
            .build()
            .unwrap();
        for (ascii, slash) in [(false, false), (true, false), (false, true), (true, true)] {
            let payload = format!(
                r#"{{"sub":"{}","iat":1700000000}}"#,
                json_escaped(value, ascii, slash)
            );
            for (url_safe, pad) in [(true, false), (true, true), (false, true), (false, false)] {
                let encoded = base64(payload.as_bytes(), url_safe, pad);
                let jwt = format!("eyJhbGciOiJIUzI1NiJ9.{encoded}.c2ln");
                assert_caught(&env, binding, &jwt, Encoding::Base64);
            }
        }
    }
}

/// Issue 16: Rust's `{:?}` of `bytes::Bytes` / a `b"…"` literal and Python's `repr(bytes)`
/// write non-ASCII as `\xc3\xa9`; Rust's `{:?}` of a `String` writes a control character as
/// `\u{1}`, and `escape_default` non-ASCII as `\u{e9}`.
#[test]
fn rust_and_python_debug_escapes() {
    let value = "canary-caf\u{e9}-'tok\"en\\-9fK3";
    let env = secrets_env! { API_TOKEN => value };
    let python_repr = {
        let mut out = String::from("b'");
        for b in value.bytes() {
            match b {
                b'\'' => out.push_str("\\'"),
                b'\\' => out.push_str("\\\\"),
                0x20..=0x7e => out.push(char::from(b)),
                _ => out.push_str(&format!("\\x{b:02x}")),
            }
        }
        out + "'"
    };
    let forms = [
        format!("{:?}", bytes::Bytes::from(value)),
        format!("{:?}", value.as_bytes().escape_ascii().to_string()),
        value.as_bytes().escape_ascii().to_string(),
        python_repr,
        value.escape_default().to_string(),
        value.escape_unicode().to_string(),
    ];
    for form in forms {
        assert_caught(&env, "API_TOKEN", &form, Encoding::BackslashEscaped);
    }
    let control = "canary-ctl\u{1}-token-9fK3";
    let env = secrets_env! { API_TOKEN => control };
    for form in [
        format!("{control:?}"),
        control.escape_debug().to_string(),
        format!("{:?}", bytes::Bytes::from(control)),
    ] {
        assert_caught(&env, "API_TOKEN", &form, Encoding::BackslashEscaped);
    }
}

/// Issue 16: the protected-route matrix scans header names too — a handler that echoes the
/// credential it was sent into a header name (`x-<token>: 1`) fails, and its report shows
/// the name redacted.
#[test]
fn the_matrix_fails_a_handler_that_echoes_the_token_into_a_header_name() {
    let env = env();
    let client = TestClient::new(&env, async |request, env| {
        let sent = request
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("none")
            .to_owned();
        let Ok(binding) = env.secret_store("API_TOKEN") else {
            return Response::builder().status(500).body(String::new()).unwrap();
        };
        let Ok(Some(expected)) = binding.get().await else {
            return Response::builder().status(500).body(String::new()).unwrap();
        };
        let status = if sent == expected { 200 } else { 401 };
        let mut response = Response::builder().status(status);
        if status == 200 && HeaderName::try_from(format!("x-{sent}")).is_ok() {
            response = response.header(format!("x-{sent}").as_str(), "1");
        }
        response.body(String::new()).unwrap()
    });
    let report = block_on(ProtectedRoute::get("/", "API_TOKEN").check(&client)).unwrap();
    let failure = report.verdict().unwrap_err();
    let text = format!("{report}\n{failure}\n{report:?}");
    assert!(
        text.contains("the name of header `x-[secret:API_TOKEN]`"),
        "{text}"
    );
    assert!(
        !text
            .to_ascii_lowercase()
            .contains(&token().to_ascii_lowercase()),
        "{text}"
    );
}
