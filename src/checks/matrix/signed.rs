//! The scenarios of a signed body: absent, empty or malformed signatures, another secret, a
//! changed body, one character short or long, the wrong case or prefix, timestamps outside
//! the tolerance or changed after signing, GitHub's legacy SHA-1 header, and the right one.
//! Every valid signature of what a scenario sends is computed too, so that the report hides
//! it and the leak scan finds it wherever it turns up.

use bytes::Bytes;

use super::plan::{Condition, Planned, Planner};
use super::scenario::{Outcome, Scenario};
use super::signature::{Signature, SignatureEncoding};
use crate::http::TestRequest;

/// Plans the signature scenarios; returns the request carrying the right signature.
pub(crate) fn plan(sig: &Signature, planner: &Planner<'_>, out: &mut Vec<Planned>) -> TestRequest {
    let route = planner.route;
    let secret = planner.secret.as_bytes();
    let marker = planner.marker.as_str();
    let now = route.clock.unix_secs();
    let body = route.body.clone();
    let prefix = sig.prefix_text();
    let header = sig.header().to_ascii_lowercase();
    let right_signature = sig.sign(secret, now, &body);
    let with_body = |body: &Bytes| {
        let request = route.base_request();
        if route.json {
            request.json(String::from_utf8_lossy(body).into_owned())
        } else {
            request.body(body.clone())
        }
    };
    // What a row shows of the header: `t=<now>,` first when the timestamp travels in it, as
    // it is sent.
    let in_header = sig.timestamp_in_signature_header();
    let described = |shown: &str, ts: u64| {
        if in_header {
            format!("{header}: t=<{}>,{shown}", relative(ts, now))
        } else {
            format!("{header}: {shown}")
        }
    };
    // `signature` is sent as given (prefix included); `None`: no signature header. The valid
    // signature of what is sent (its body at its timestamp) is a credential too: hidden and
    // scanned for.
    let send =
        |scenario, shown: String, outcome, signature: Option<String>, ts: u64, body: &Bytes| {
            let request = sig.present(with_body(body), signature.as_deref(), ts);
            let planned = Planned::send(scenario, described(&shown, ts), outcome, request)
                .deriving(valid(sig, secret, ts, body));
            match signature {
                Some(signature) => planned.presenting(signature),
                None => planned,
            }
        };
    let shown_right = format!("{prefix}[signature of the body with {marker}]");

    out.push(Planned::send(
        Scenario::NoCredentials,
        "(no signature)".to_owned(),
        Outcome::Rejected,
        sig.present(route.base_request(), None, now),
    ));
    // The header present and empty, exactly (the timestamp, if in a header of its own, sent).
    out.push(Planned::send(
        Scenario::EmptyCredential,
        format!("{header}: \"\""),
        Outcome::Rejected,
        sig.present(with_body(&body), None, now)
            .header(sig.header(), ""),
    ));
    if prefix.is_empty() {
        out.push(Planned::skip(
            Scenario::SignaturePrefixOnly,
            "the signature has no prefix",
        ));
        out.push(Planned::skip(
            Scenario::SignatureWithoutPrefix,
            "the signature has no prefix",
        ));
    } else {
        out.push(send(
            Scenario::SignaturePrefixOnly,
            prefix.to_owned(),
            Outcome::Rejected,
            Some(prefix.to_owned()),
            now,
            &body,
        ));
        out.push(send(
            Scenario::SignatureWithoutPrefix,
            format!("[signature of the body with {marker}]"),
            Outcome::Rejected,
            Some(right_signature.clone()),
            now,
            &body,
        ));
    }
    match sig.other_prefix() {
        Some(other) => out.push(send(
            Scenario::SignatureWrongPrefix,
            format!("{other}[signature of the body with {marker}]"),
            Outcome::Rejected,
            Some(format!("{other}{right_signature}")),
            now,
            &body,
        )),
        None => out.push(Planned::skip(
            Scenario::SignatureWrongPrefix,
            "the signature has no prefix",
        )),
    }
    let other_key = planner.wrong_token();
    out.push(send(
        Scenario::SignedWithAnotherSecret,
        format!("{prefix}[signature with a wrong secret of the same length]"),
        Outcome::Rejected,
        Some(format!(
            "{prefix}{}",
            sig.sign(other_key.as_bytes(), now, &body)
        )),
        now,
        &body,
    ));
    out.push(send(
        Scenario::BodyChangedAfterSigning,
        format!("{shown_right}, body changed"),
        Outcome::Rejected,
        Some(format!("{prefix}{right_signature}")),
        now,
        &tampered(&body, route.json),
    ));
    let mut short = right_signature.clone();
    short.pop();
    out.push(send(
        Scenario::SignatureOneCharShort,
        format!("{shown_right}[..-1]"),
        Outcome::Rejected,
        Some(format!("{prefix}{short}")),
        now,
        &body,
    ));
    let extra = match sig.encoding() {
        SignatureEncoding::LowerHex => '0',
        _ => 'A',
    };
    out.push(send(
        Scenario::SignatureOneCharLong,
        format!("{shown_right}+{extra:?}"),
        Outcome::Rejected,
        Some(format!("{prefix}{right_signature}{extra}")),
        now,
        &body,
    ));
    let upper = right_signature.to_ascii_uppercase();
    out.push(if sig.encoding() != SignatureEncoding::LowerHex {
        Planned::skip(
            Scenario::SignatureUpperCaseHex,
            "the signature is not in hex",
        )
    } else if upper == right_signature {
        Planned::skip(
            Scenario::SignatureUpperCaseHex,
            "the signature has no hex letters",
        )
    } else {
        send(
            Scenario::SignatureUpperCaseHex,
            format!("{shown_right} in upper case"),
            Outcome::Rejected,
            Some(format!("{prefix}{upper}")),
            now,
            &body,
        )
    });
    if route.json {
        // Bytes a serializer would not write: only a handler that signs the raw bytes
        // accepts; one that re-serializes the parsed body computes another signature.
        let raw = Bytes::from(format!(" {}\n", String::from_utf8_lossy(&body)));
        out.push(send(
            Scenario::RawBodyNotReserialized,
            format!("{prefix}[signature of the raw body with {marker}], body with spaces"),
            Outcome::Accepted,
            Some(format!("{prefix}{}", sig.sign(secret, now, &raw))),
            now,
            &raw,
        ));
    } else {
        out.push(Planned::skip(
            Scenario::RawBodyNotReserialized,
            "the body is not JSON",
        ));
    }
    match sig.legacy_sha1_header() {
        Some(legacy) => {
            let sha1 = Signature::sign_legacy_sha1(secret, &body);
            out.push(
                Planned::send(
                    Scenario::SignatureLegacySha1,
                    format!("{legacy}: sha1=[HMAC-SHA1 of the body with {marker}]"),
                    Outcome::Rejected,
                    sig.present(with_body(&body), None, now)
                        .header(legacy, format!("sha1={sha1}")),
                )
                .presenting(format!("sha1={sha1}"))
                .deriving([sha1]),
            );
        }
        None => out.push(Planned::skip(
            Scenario::SignatureLegacySha1,
            "not a GitHub-style signature (`X-Hub-Signature-256`)",
        )),
    }
    let tolerance = sig.tolerance();
    if sig.is_timestamped() && sig.signs_timestamp() {
        // Saturating: a tolerance or clock near `u64::MAX` must not overflow.
        let beyond = tolerance.saturating_add(60);
        for (scenario, ts, shown, outcome) in [
            (
                Scenario::TimestampExpired,
                now.saturating_sub(beyond),
                format!("now - {beyond}s"),
                Outcome::Rejected,
            ),
            (
                Scenario::TimestampInTheFuture,
                now.saturating_add(beyond),
                format!("now + {beyond}s"),
                Outcome::Rejected,
            ),
            (
                Scenario::TimestampWithinTolerance,
                now.saturating_sub(tolerance / 2),
                format!("now - {}s", tolerance / 2),
                Outcome::Accepted,
            ),
        ] {
            out.push(send(
                scenario,
                format!("{prefix}[signature at {shown} with {marker}]"),
                outcome,
                Some(format!("{prefix}{}", sig.sign(secret, ts, &body))),
                ts,
                &body,
            ));
        }
        out.push(send(
            Scenario::TimestampChangedAfterSigning,
            format!("{shown_right}, timestamp now - 1s"),
            Outcome::Rejected,
            Some(format!("{prefix}{right_signature}")),
            now.saturating_sub(1),
            &body,
        ));
    } else {
        let why = if sig.is_timestamped() {
            "the signature does not cover its timestamp (see the warning)"
        } else {
            "the signature has no timestamp"
        };
        for scenario in [
            Scenario::TimestampExpired,
            Scenario::TimestampInTheFuture,
            Scenario::TimestampWithinTolerance,
            Scenario::TimestampChangedAfterSigning,
        ] {
            out.push(Planned::skip(scenario, why));
        }
    }

    let right = sig.present(
        with_body(&body),
        Some(&format!("{prefix}{right_signature}")),
        now,
    );
    planner.push_right_and_unreadable(out, &right, described(&shown_right, now));
    if route.adversarial {
        // What gets in when a handler keys its HMAC with an unreadable secret read as "".
        let empty_key = format!("{prefix}{}", sig.sign(b"", now, &body));
        for (scenario, condition, why) in [
            (
                Scenario::EmptyKeyWhileMissing,
                Condition::SecretMissing,
                "secret deleted",
            ),
            (
                Scenario::EmptyKeyWhileFailing,
                Condition::StoreFailing,
                "store failing",
            ),
            (
                Scenario::EmptyKeyWhileUnbound,
                Condition::BindingUnbound,
                "env without the binding",
            ),
        ] {
            out.push(
                send(
                    scenario,
                    format!("{prefix}[signature with the empty key] ({why})"),
                    Outcome::NeverLetIn,
                    Some(empty_key.clone()),
                    now,
                    &body,
                )
                .when(condition),
            );
        }
    }
    right
}

/// The valid signature of `body` at `ts` with the secret, encoded as the scheme sends it.
fn valid(sig: &Signature, secret: &[u8], ts: u64, body: &[u8]) -> [String; 1] {
    [sig.sign(secret, ts, body)]
}

/// `ts` as a row shows it: `now`, `now - 360s`, `now + 360s`.
fn relative(ts: u64, now: u64) -> String {
    match ts.cmp(&now) {
        std::cmp::Ordering::Equal => "now".to_owned(),
        std::cmp::Ordering::Less => format!("now - {}s", now - ts),
        std::cmp::Ordering::Greater => format!("now + {}s", ts - now),
    }
}

/// `body` with its content changed (still JSON when it was).
fn tampered(body: &[u8], json: bool) -> Bytes {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_start();
    if json && trimmed.starts_with('{') {
        let rest = trimmed[1..].trim_start();
        let comma = if rest.starts_with('}') { "" } else { "," };
        Bytes::from(format!("{{\"tampered\":true{comma}{rest}"))
    } else {
        let mut changed = body.to_vec();
        changed.push(b'x');
        Bytes::from(changed)
    }
}
