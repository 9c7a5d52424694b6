//! The leak scan: does a response carry a fixture secret, in any encoding, anywhere — status,
//! header names and values, body?

use std::collections::HashSet;
use std::fmt;

use http::HeaderMap;

use super::{Encoding, Redactor, SecretMatch, ValueKind};

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
    // The status's digits written in place: no allocation per response.
    let mut digits = [0u8; 5];
    let mut start = digits.len();
    let mut rest = status;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for hit in redactor.find(&digits[start..]) {
        push(&hit, LeakLocation::Status);
    }
    let mut names: Vec<&str> = Vec::with_capacity(headers.keys_len());
    names.extend(headers.keys().map(http::HeaderName::as_str));
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::redact::Known;

    fn redactor(value: &str) -> Redactor {
        Redactor::new(&[Known {
            label: "CODE".to_owned(),
            value: Arc::from(value),
            kind: ValueKind::Secret,
        }])
        .unwrap()
    }

    fn status_leaks(value: &str, status: u16) -> usize {
        scan(&redactor(value), status, &HeaderMap::new(), b"")
            .iter()
            .filter(|leak| leak.location == LeakLocation::Status)
            .count()
    }

    #[test]
    fn a_secret_made_of_digits_is_found_in_the_status_code() {
        assert_eq!(status_leaks("401", 401), 1);
        assert_eq!(status_leaks("01", 401), 1);
        assert_eq!(status_leaks("0", 200), 1);
        assert_eq!(status_leaks("7", 200), 0);
        // A value longer than any status: no status holds it.
        assert_eq!(status_leaks("4010", 401), 0);
    }
}
