//! The scenarios of a signed body: absent, empty or malformed signatures, another secret, a
//! changed body, one character short or long, the wrong case or prefix, timestamps outside
//! the tolerance or changed after signing, GitHub's legacy SHA-1 header, and the right one.
//! Every valid signature of what a scenario sends is computed too, so that the report hides
//! it and the leak scan finds it wherever it turns up. One function per group of scenarios,
//! in report order, sharing what every group needs ([`Signing`]).

use bytes::Bytes;

use super::planned::{Condition, Planned};
use super::planner::Planner;
use super::scenario::{Outcome, Scenario};
use super::signature::{Signature, SignatureEncoding, TakesHeaders};
use crate::http::TestRequest;

impl TakesHeaders for TestRequest {
    fn with_header(self, name: &str, value: String) -> Self {
        self.header(name, value)
    }
}

/// Plans the signature scenarios; returns the request carrying the right signature.
pub(crate) fn plan(sig: &Signature, planner: &Planner<'_>, out: &mut Vec<Planned>) -> TestRequest {
    let signing = Signing::new(sig, planner);
    signing.absent_and_empty(out);
    signing.prefixes(out);
    signing.wrong_signatures(out);
    signing.raw_body(out);
    signing.legacy_sha1(out);
    signing.timestamps(out);
    signing.right_and_empty_key(out)
}

/// What every group of signature scenarios needs.
struct Signing<'a> {
    sig: &'a Signature,
    planner: &'a Planner<'a>,
    secret: &'a [u8],
    now: u64,
    body: Bytes,
    prefix: &'a str,
    /// The signature header, lower case, as rows show it.
    header: String,
    /// The valid signature of the body now, without prefix.
    right_signature: String,
    /// `{prefix}[signature of the body with [secret:BINDING]]`.
    shown_right: String,
}

impl<'a> Signing<'a> {
    fn new(sig: &'a Signature, planner: &'a Planner<'a>) -> Self {
        let route = planner.route;
        let now = route.clock.unix_secs();
        let prefix = sig.prefix_text();
        let secret = planner.secret.as_bytes();
        Self {
            sig,
            planner,
            secret,
            now,
            body: route.body.clone(),
            prefix,
            header: sig.header().to_ascii_lowercase(),
            right_signature: sig.sign(secret, now, &route.body),
            shown_right: format!("{prefix}[signature of the body with {}]", planner.marker),
        }
    }

    fn marker(&self) -> &str {
        &self.planner.marker
    }

    /// The route's request with `body` (still JSON when the route's is).
    fn with_body(&self, body: &Bytes) -> TestRequest {
        let route = self.planner.route;
        let request = route.base_request();
        if route.json {
            request.json(String::from_utf8_lossy(body).into_owned())
        } else {
            request.body(body.clone())
        }
    }

    /// What a row shows of the header: `t=<now>,` first when the timestamp travels in it, as
    /// it is sent.
    fn described(&self, shown: &str, ts: u64) -> String {
        if self.sig.timestamp_in_signature_header() {
            format!("{}: t=<{}>,{shown}", self.header, relative(ts, self.now))
        } else {
            format!("{}: {shown}", self.header)
        }
    }

    /// A scenario sending `signature` as given (prefix included; `None`: no signature header)
    /// over `body` at `ts`. The valid signature of what is sent (its body at its timestamp) is
    /// a credential too: hidden and scanned for.
    fn send(
        &self,
        scenario: Scenario,
        shown: String,
        outcome: Outcome,
        signature: Option<String>,
        ts: u64,
        body: &Bytes,
    ) -> Planned {
        let request = self
            .sig
            .present(self.with_body(body), signature.as_deref(), ts);
        let planned = Planned::new(scenario, self.described(&shown, ts), outcome, request)
            .deriving([self.sig.sign(self.secret, ts, body)]);
        match signature {
            Some(signature) => planned.presenting(signature),
            None => planned,
        }
    }

    /// A scenario sending `signature` over the route's body, now, that must be rejected.
    fn reject(&self, scenario: Scenario, shown: String, signature: String) -> Planned {
        self.send(
            scenario,
            shown,
            Outcome::Rejected,
            Some(signature),
            self.now,
            &self.body,
        )
    }

    /// No signature header; the header present and empty, exactly (the timestamp, if in a
    /// header of its own, sent).
    fn absent_and_empty(&self, out: &mut Vec<Planned>) {
        out.push(Planned::new(
            Scenario::NoCredentials,
            "(no signature)".to_owned(),
            Outcome::Rejected,
            self.sig
                .present(self.planner.route.base_request(), None, self.now),
        ));
        out.push(Planned::new(
            Scenario::EmptyCredential,
            format!("{}: \"\"", self.header),
            Outcome::Rejected,
            self.sig
                .present(self.with_body(&self.body), None, self.now)
                .header(self.sig.header(), ""),
        ));
    }

    /// The prefix alone, the signature without it, and behind the wrong one.
    fn prefixes(&self, out: &mut Vec<Planned>) {
        let (prefix, marker) = (self.prefix, self.marker());
        if prefix.is_empty() {
            for scenario in [
                Scenario::SignaturePrefixOnly,
                Scenario::SignatureWithoutPrefix,
            ] {
                out.push(Planned::skip(scenario, "the signature has no prefix"));
            }
        } else {
            out.push(self.reject(
                Scenario::SignaturePrefixOnly,
                prefix.to_owned(),
                prefix.to_owned(),
            ));
            out.push(self.reject(
                Scenario::SignatureWithoutPrefix,
                format!("[signature of the body with {marker}]"),
                self.right_signature.clone(),
            ));
        }
        out.push(match self.sig.other_prefix() {
            Some(other) => self.reject(
                Scenario::SignatureWrongPrefix,
                format!("{other}[signature of the body with {marker}]"),
                format!("{other}{}", self.right_signature),
            ),
            None => Planned::skip(
                Scenario::SignatureWrongPrefix,
                "the signature has no prefix",
            ),
        });
    }

    /// Signatures that are wrong: with another secret, of another body, one character short
    /// or long, in upper-case hex.
    fn wrong_signatures(&self, out: &mut Vec<Planned>) {
        let (prefix, right, shown_right) = (self.prefix, &self.right_signature, &self.shown_right);
        let other_key = self.planner.wrong_token();
        out.push(self.reject(
            Scenario::SignedWithAnotherSecret,
            format!("{prefix}[signature with a wrong secret of the same length]"),
            format!(
                "{prefix}{}",
                self.sig.sign(other_key.as_bytes(), self.now, &self.body)
            ),
        ));
        out.push(self.send(
            Scenario::BodyChangedAfterSigning,
            format!("{shown_right}, body changed"),
            Outcome::Rejected,
            Some(format!("{prefix}{right}")),
            self.now,
            &tampered(&self.body, self.planner.route.json),
        ));
        let mut short = right.clone();
        short.pop();
        out.push(self.reject(
            Scenario::SignatureOneCharShort,
            format!("{shown_right}[..-1]"),
            format!("{prefix}{short}"),
        ));
        let extra = match self.sig.encoding() {
            SignatureEncoding::LowerHex => '0',
            _ => 'A',
        };
        out.push(self.reject(
            Scenario::SignatureOneCharLong,
            format!("{shown_right}+{extra:?}"),
            format!("{prefix}{right}{extra}"),
        ));
        let upper = right.to_ascii_uppercase();
        out.push(if self.sig.encoding() != SignatureEncoding::LowerHex {
            Planned::skip(
                Scenario::SignatureUpperCaseHex,
                "the signature is not in hex",
            )
        } else if upper == *right {
            Planned::skip(
                Scenario::SignatureUpperCaseHex,
                "the signature has no hex letters",
            )
        } else {
            self.reject(
                Scenario::SignatureUpperCaseHex,
                format!("{shown_right} in upper case"),
                format!("{prefix}{upper}"),
            )
        });
    }

    /// Bytes a serializer would not write: only a handler that signs the raw bytes accepts;
    /// one that re-serializes the parsed body computes another signature.
    fn raw_body(&self, out: &mut Vec<Planned>) {
        if !self.planner.route.json {
            out.push(Planned::skip(
                Scenario::RawBodyNotReserialized,
                "the body is not JSON",
            ));
            return;
        }
        let raw = Bytes::from(format!(" {}\n", String::from_utf8_lossy(&self.body)));
        out.push(self.send(
            Scenario::RawBodyNotReserialized,
            format!(
                "{}[signature of the raw body with {}], body with spaces",
                self.prefix,
                self.marker()
            ),
            Outcome::Accepted,
            Some(format!(
                "{}{}",
                self.prefix,
                self.sig.sign(self.secret, self.now, &raw)
            )),
            self.now,
            &raw,
        ));
    }

    /// GitHub's legacy `X-Hub-Signature: sha1=<HMAC-SHA1>`, on a GitHub-style route.
    fn legacy_sha1(&self, out: &mut Vec<Planned>) {
        let Some(legacy) = self.sig.legacy_sha1_header() else {
            out.push(Planned::skip(
                Scenario::SignatureLegacySha1,
                "not a GitHub-style signature (`X-Hub-Signature-256`)",
            ));
            return;
        };
        let sha1 = Signature::sign_legacy_sha1(self.secret, &self.body);
        out.push(
            Planned::new(
                Scenario::SignatureLegacySha1,
                format!(
                    "{legacy}: sha1=[HMAC-SHA1 of the body with {}]",
                    self.marker()
                ),
                Outcome::Rejected,
                self.sig
                    .present(self.with_body(&self.body), None, self.now)
                    .header(legacy, format!("sha1={sha1}")),
            )
            .presenting(format!("sha1={sha1}"))
            .deriving([sha1]),
        );
    }

    /// Timestamps outside the tolerance (either side), inside it, and changed after signing:
    /// not applicable when the timestamp is absent or not signed.
    fn timestamps(&self, out: &mut Vec<Planned>) {
        let (sig, prefix, now) = (self.sig, self.prefix, self.now);
        if !(sig.is_timestamped() && sig.signs_timestamp()) {
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
            return;
        }
        let tolerance = sig.tolerance();
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
            out.push(self.send(
                scenario,
                format!("{prefix}[signature at {shown} with {}]", self.marker()),
                outcome,
                Some(format!("{prefix}{}", sig.sign(self.secret, ts, &self.body))),
                ts,
                &self.body,
            ));
        }
        out.push(self.send(
            Scenario::TimestampChangedAfterSigning,
            format!("{}, timestamp now - 1s", self.shown_right),
            Outcome::Rejected,
            Some(format!("{prefix}{}", self.right_signature)),
            now.saturating_sub(1),
            &self.body,
        ));
    }

    /// The right signature (readable, missing, failing) and, adversarially, a signature keyed
    /// with `""` while the secret cannot be read.
    fn right_and_empty_key(&self, out: &mut Vec<Planned>) -> TestRequest {
        let (prefix, now) = (self.prefix, self.now);
        let right = self.sig.present(
            self.with_body(&self.body),
            Some(&format!("{prefix}{}", self.right_signature)),
            now,
        );
        self.planner
            .push_right_and_unreadable(out, &right, self.described(&self.shown_right, now));
        if self.planner.route.adversarial {
            // What gets in when a handler keys its HMAC with an unreadable secret read as "".
            let empty_key = format!("{prefix}{}", self.sig.sign(b"", now, &self.body));
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
                    self.send(
                        scenario,
                        format!("{prefix}[signature with the empty key] ({why})"),
                        Outcome::NeverLetIn,
                        Some(empty_key.clone()),
                        now,
                        &self.body,
                    )
                    .when(condition),
                );
            }
        }
        right
    }
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
