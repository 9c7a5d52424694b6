//! Egress rules: where each secret may be sent, and the scan of every outbound request
//! against them — URL, header names and values, body, in every encoding the redactor knows —
//! plus the caller's own credentials, which must never be forwarded upstream.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Method};

use super::part::RequestPart;
use super::url::ParsedUrl;
use crate::redact::{Encoding, Redactor, SecretMatch, ValueKind};

/// Why a value in an outbound request breaks the egress rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EgressReason {
    /// No rule lets this secret leave the Worker at all.
    NoRule,
    /// Sent to an origin no rule names for it (another host, or after a redirect).
    OtherOrigin,
    /// Sent over plain `http://` to a host a rule allows over `https://` only.
    PlainHttp,
    /// Sent in the URL (query string, path, user-info), even to an allowed origin: URLs are
    /// logged by proxies, servers and analytics.
    InUrl,
    /// Sent to an allowed origin, but not in the header the rule names.
    OtherPlace,
    /// The inbound request's own credential (`Authorization`, a cookie), forwarded upstream.
    CallerCredential,
}

/// A rule: `secret` may be sent to `origin`, in header `header` (or in any header or the
/// body when `None`), never in the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EgressRule {
    pub(crate) secret: String,
    pub(crate) origin: String,
    pub(crate) header: Option<String>,
}

impl fmt::Display for EgressRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.header {
            Some(header) => write!(f, "{} in header `{header}`", self.origin),
            None => write!(f, "{} in a header or the body", self.origin),
        }
    }
}

impl EgressRule {
    fn allows(&self, origin: &str, part: &RequestPart) -> bool {
        self.origin == origin
            && match (part, &self.header) {
                (RequestPart::Header(name), Some(allowed)) => name == allowed,
                (RequestPart::Header(_) | RequestPart::Body { .. }, None) => true,
                _ => false,
            }
    }
}

/// A secret (or the caller's credential) sent where no egress rule allows it. Names the
/// secret, the destination (redacted) and where in the request it sat — never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EgressViolation {
    /// The secret's binding (or name), or `Authorization` / `Cookie "name"` for a caller's
    /// credential.
    pub secret: String,
    /// Why this is a violation.
    pub reason: EgressReason,
    /// Where in the request the value sat.
    pub part: RequestPart,
    /// The form it was sent in.
    pub encoding: Encoding,
    /// The secret itself, a value derived from it, or a run of either.
    pub kind: ValueKind,
    /// The request's method.
    pub method: Method,
    /// The request's URL, every secret redacted.
    pub destination: String,
    /// The request's index in [`FakeUpstream::requests`](super::FakeUpstream::requests).
    pub request: usize,
    /// When the request was a redirect hop: the URL (redacted) that redirected to it.
    pub redirected_from: Option<String>,
    /// What the rules allow for this secret, for the message.
    pub allowed: Vec<String>,
}

impl fmt::Display for EgressViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (method, destination, part) = (&self.method, &self.destination, &self.part);
        if self.reason == EgressReason::CallerCredential {
            write!(
                f,
                "the caller's `{}` credential was forwarded upstream to {method} {destination} in {part}",
                self.secret
            )?;
        } else {
            match self.kind {
                ValueKind::Derived => write!(f, "a value derived from secret `{}`", self.secret)?,
                ValueKind::Partial => write!(f, "part of secret `{}`", self.secret)?,
                _ => write!(f, "secret `{}`", self.secret)?,
            }
            write!(f, " was sent to {method} {destination} in {part}")?;
        }
        if self.encoding != Encoding::Raw {
            write!(f, " ({})", self.encoding)?;
        }
        if let Some(from) = &self.redirected_from {
            write!(f, ", following a redirect from {from}")?;
        }
        let allowed = if self.allowed.is_empty() {
            String::new()
        } else {
            format!(" (allowed: {})", self.allowed.join("; "))
        };
        match self.reason {
            EgressReason::NoRule => write!(
                f,
                ": no egress rule lets this secret leave the Worker; if it must, state where with `env.upstream().allow_secret(\"{}\", \"https://…\", Some(\"header\"))`",
                self.secret
            ),
            EgressReason::OtherOrigin => write!(f, ": no egress rule allows this origin{allowed}"),
            EgressReason::PlainHttp => write!(
                f,
                ": plain `http://` exposes it on the wire; the rule allows `https://` only{allowed}"
            ),
            EgressReason::InUrl => write!(
                f,
                ": a secret in a URL is logged by proxies and servers; send it in a header{allowed}"
            ),
            EgressReason::OtherPlace => {
                write!(f, ": the rule allows it only elsewhere in the request{allowed}")
            }
            EgressReason::CallerCredential => f.write_str(
                ": a Worker must not pass its caller's credentials on; authenticate upstream with its own secret",
            ),
        }
    }
}

/// One outbound request, as the scan sees it.
pub(crate) struct Outbound<'a> {
    pub(crate) method: &'a Method,
    pub(crate) url: &'a ParsedUrl,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a Bytes,
    pub(crate) index: usize,
    pub(crate) redirected_from: Option<&'a str>,
}

/// Every place a value the redactor knows sits in `request`, each (value, part) once.
fn find_all(redactor: &Redactor, request: &Outbound<'_>) -> Vec<(SecretMatch, RequestPart)> {
    let mut found = Vec::new();
    let mut seen: HashSet<(Arc<str>, RequestPart)> = HashSet::new();
    let mut push = |hit: SecretMatch, part: RequestPart| {
        if seen.insert((Arc::clone(&hit.label), part.key())) {
            found.push((hit, part));
        }
    };
    for hit in redactor.find(request.url.text.as_bytes()) {
        let part = request.url.part_at(hit.range.start);
        push(hit, part);
    }
    for (name, value) in request.headers {
        for hit in redactor.find(name.as_str().as_bytes()) {
            push(hit, RequestPart::HeaderName);
        }
        for hit in redactor.find(value.as_bytes()) {
            push(hit, RequestPart::Header(name.as_str().to_owned()));
        }
    }
    for hit in redactor.find(request.body) {
        let offset = hit.range.start;
        push(hit, RequestPart::Body { offset });
    }
    found
}

/// The violations in `request`: secrets the rules do not allow where they sit, and any
/// caller credential (`callers`) at all.
pub(crate) fn scan(
    rules: &[EgressRule],
    secrets: &Redactor,
    callers: Option<&Redactor>,
    request: &Outbound<'_>,
) -> Vec<EgressViolation> {
    let mut violations = Vec::new();
    let mut destination: Option<String> = None;
    let mut violation = |hit: &SecretMatch, part: RequestPart, reason, allowed: Vec<String>| {
        let destination = destination
            .get_or_insert_with(|| {
                let redacted = secrets.redact(&request.url.text).into_owned();
                match callers {
                    Some(callers) => callers.redact(&redacted).into_owned(),
                    None => redacted,
                }
            })
            .clone();
        EgressViolation {
            secret: hit.label.to_string(),
            reason,
            part,
            encoding: hit.encoding,
            kind: hit.kind,
            method: request.method.clone(),
            destination,
            request: request.index,
            redirected_from: request.redirected_from.map(str::to_owned),
            allowed,
        }
    };
    let origin = &request.url.origin;
    for (hit, part) in find_all(secrets, request) {
        let own: Vec<&EgressRule> = rules
            .iter()
            .filter(|rule| *rule.secret == *hit.label)
            .collect();
        if own.iter().any(|rule| rule.allows(origin, &part)) {
            continue;
        }
        let https_twin = format!("https://{}", request.url.host_port);
        let reason = if own.is_empty() {
            EgressReason::NoRule
        } else if request.url.scheme == "http" && own.iter().any(|rule| rule.origin == https_twin) {
            EgressReason::PlainHttp
        } else if !own.iter().any(|rule| rule.origin == *origin) {
            EgressReason::OtherOrigin
        } else if part.in_url() {
            EgressReason::InUrl
        } else {
            EgressReason::OtherPlace
        };
        let allowed = own.iter().map(ToString::to_string).collect();
        violations.push(violation(&hit, part, reason, allowed));
    }
    if let Some(callers) = callers {
        for (hit, part) in find_all(callers, request) {
            violations.push(violation(
                &hit,
                part,
                EgressReason::CallerCredential,
                Vec::new(),
            ));
        }
    }
    violations
}
