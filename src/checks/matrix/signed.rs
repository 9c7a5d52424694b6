//! The scenarios of a signed body: absent, empty or malformed signatures, another secret, a
//! changed body, one character short or long, the wrong case or prefix, timestamps outside
//! the tolerance or changed after signing, and the right one.

use bytes::Bytes;

use super::plan::{Planned, Planner};
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
    // `signature` is sent as given (prefix included); `None`: no signature header.
    let send =
        |scenario, shown: String, outcome, signature: Option<String>, ts: u64, body: &Bytes| {
            let request = sig.present(with_body(body), signature.as_deref(), ts);
            let planned = Planned::send(scenario, format!("{header}: {shown}"), outcome, request);
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
    out.push(send(
        Scenario::EmptyCredential,
        "\"\"".to_owned(),
        Outcome::Rejected,
        Some(String::new()),
        now,
        &body,
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
        let why = "the signature has no timestamp";
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
    planner.push_right_and_unreadable(out, &right, format!("{header}: {shown_right}"));
    if route.adversarial {
        out.push(
            send(
                Scenario::EmptyKeyWhileMissing,
                format!("{prefix}[signature with the empty key] (secret deleted)"),
                Outcome::NeverLetIn,
                Some(format!("{prefix}{}", sig.sign(b"", now, &body))),
                now,
                &body,
            )
            .when_secret_missing(),
        );
    }
    right
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
