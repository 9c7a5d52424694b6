//! The leak scan: does a response carry a fixture secret, in any encoding, anywhere — status,
//! header names and values, body?

use std::collections::HashSet;
use std::fmt;

use http::HeaderMap;

use crate::checks::redact::{Encoding, Redactor, SecretMatch, ValueKind};

/// Where in a response a secret was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum LeakLocation {
    /// The status code (only a secret made of digits can land here).
    Status,
    /// The value of a header, by name (redacted, should the name hold a secret too).
    Header(String),
    /// The name of a header: the name shown redacted (`x-[secret:API_TOKEN]`).
    HeaderName(String),
    /// The body, at this byte offset.
    Body {
        /// Byte offset of the first byte of the match.
        offset: usize,
    },
}

impl fmt::Display for LeakLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status => f.write_str("the status code"),
            Self::Header(name) => write!(f, "header `{name}`"),
            Self::HeaderName(name) => write!(f, "the name of header `{name}`"),
            Self::Body { offset } => write!(f, "the body at byte offset {offset}"),
        }
    }
}

/// A secret found in a response: which binding, which value of it, in which encoding, where —
/// never the value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Leak {
    /// The binding whose value leaked (or `store_id/secret_name` when no binding points at it).
    pub binding: String,
    /// The secret itself, a value derived from it, or a run of either.
    pub kind: ValueKind,
    /// The form it leaked in.
    pub encoding: Encoding,
    /// Where it leaked.
    pub location: LeakLocation,
}

impl fmt::Display for Leak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let binding = &self.binding;
        match self.kind {
            ValueKind::Derived => write!(f, "a value derived from secret `{binding}` leaked")?,
            ValueKind::Partial => write!(f, "part of secret `{binding}` leaked")?,
            _ => write!(f, "secret `{binding}` leaked")?,
        }
        if self.encoding != Encoding::Raw {
            write!(f, " ({})", self.encoding)?;
        }
        write!(f, " in {}", self.location)
    }
}

/// Scans a response's status, every header name and value and the body for every secret the
/// redactor knows, in every encoding (a header name also ignoring ASCII case: HTTP lower-cases
/// names). Hits come in a stable order: status, headers by name (the name, then its values),
/// body (by offset); overlapping values are each reported.
pub(crate) fn scan(
    redactor: &Redactor,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Vec<Leak> {
    let mut leaks = Vec::new();
    // A set beside the list: a body can hold thousands of hits.
    let mut seen = HashSet::new();
    let mut push = |hit: &SecretMatch, location| {
        let leak = Leak {
            binding: hit.label.to_string(),
            kind: hit.kind,
            encoding: hit.encoding,
            location,
        };
        if seen.insert(leak.clone()) {
            leaks.push(leak);
        }
    };
    for hit in redactor.find(status.to_string().as_bytes()) {
        push(&hit, LeakLocation::Status);
    }
    let mut names: Vec<&str> = headers.keys().map(http::HeaderName::as_str).collect();
    names.sort_unstable();
    for name in names {
        // A name is shown redacted: it may hold a secret itself (`x-<secret>: 1`).
        let name_hits = redactor.find_in_header_name(name);
        let shown = if name_hits.is_empty() {
            name.to_owned()
        } else {
            redactor.redact_header_name(name).into_owned()
        };
        for hit in &name_hits {
            push(hit, LeakLocation::HeaderName(shown.clone()));
        }
        for value in headers.get_all(name) {
            for hit in redactor.find(value.as_bytes()) {
                push(&hit, LeakLocation::Header(shown.clone()));
            }
        }
    }
    for hit in redactor.find(body) {
        let offset = hit.range.start;
        push(&hit, LeakLocation::Body { offset });
    }
    leaks
}
