//! The outbound wing's public errors, below the files that return them: a fake fetch that
//! failed ([`FetchError`]), a route or egress rule written wrong ([`UpstreamError`]), and what
//! [`FakeUpstream::check`](super::FakeUpstream::check) found ([`UpstreamFailure`]).

use http::Method;

use super::egress::EgressViolation;

/// A fake fetch failed, as the runtime's `fetch` would reject (a network error). URLs are
/// redacted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// No route of the fake upstream matches the request.
    #[error("{}", no_route_message(method, url, routes))]
    NoRoute {
        /// The request's method.
        method: Method,
        /// The request's URL, redacted.
        url: String,
        /// The routes that exist, closest first (same origin, then the longest shared path).
        routes: Vec<String>,
    },
    /// The request's URL cannot be fetched (relative, another scheme, no host).
    #[error("fetch of `{url}` failed: {reason}")]
    InvalidUrl {
        /// The URL, redacted.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// More than 20 redirects.
    #[error("fetch of `{url}` failed: more than 20 redirects (workerd's `fetch` stops there too)")]
    TooManyRedirects {
        /// The first request's URL, redacted.
        url: String,
    },
}

fn no_route_message(method: &Method, url: &str, routes: &[String]) -> String {
    let mut message = format!("the fake upstream has no route for {method} {url}");
    if routes.is_empty() {
        message.push_str("; it has no routes at all");
    } else {
        message.push_str("; its routes, closest first: ");
        let listed: Vec<String> = routes.iter().map(|route| format!("`{route}`")).collect();
        message.push_str(&listed.join(", "));
    }
    message.push_str(&format!(
        ". Add one with `env.upstream().route(\"{method}\", \"<URL or prefix/*>\", FakeResponse::new(200))`"
    ));
    message
}

/// A route or egress rule the test wrote is malformed, or names a secret the env lacks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UpstreamError {
    /// The method is neither `*` nor an HTTP method.
    #[error("`{method}` is not an HTTP method: write `GET`, `POST`, … or `*` for any")]
    InvalidMethod {
        /// The method as written (escaped).
        method: String,
    },
    /// The URL pattern cannot be read.
    #[error("route pattern `{pattern}`: {reason}")]
    InvalidPattern {
        /// The pattern as written (escaped).
        pattern: String,
        /// What is wrong.
        reason: String,
    },
    /// The canned response is malformed.
    #[error("fake response: {reason}")]
    InvalidResponse {
        /// What is wrong.
        reason: String,
    },
    /// An egress rule names a secret the env does not know.
    #[error("egress rule for `{name}`: the env has no such secret{}", devflare_config::did_you_mean(closest.as_deref()))]
    UnknownSecret {
        /// The name as written.
        name: String,
        /// The closest known name.
        closest: Option<String>,
    },
    /// An egress rule's origin is not `https://host[:port]`.
    #[error("egress rule origin `{origin}`: {reason}")]
    InvalidOrigin {
        /// The origin as written (escaped).
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// An egress rule's header is not a header name.
    #[error("egress rule header `{header}` is not a header name")]
    InvalidHeader {
        /// The header as written (escaped).
        header: String,
    },
}

/// What [`FakeUpstream::check`](super::FakeUpstream::check) found: egress violations and
/// failed fetches.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the Worker's outbound requests: {} egress violation(s), {} failed fetch(es){}",
    violations.len(),
    errors.len(),
    failure_list(violations, errors)
)]
pub struct UpstreamFailure {
    pub(super) violations: Vec<EgressViolation>,
    pub(super) errors: Vec<FetchError>,
}

impl UpstreamFailure {
    /// The egress violations.
    pub fn violations(&self) -> &[EgressViolation] {
        &self.violations
    }

    /// The failed fetches.
    pub fn fetch_errors(&self) -> &[FetchError] {
        &self.errors
    }
}

/// One line a violation or failed fetch, each after a line break.
fn failure_list(violations: &[EgressViolation], errors: &[FetchError]) -> String {
    let mut out = String::new();
    for violation in violations {
        out.push_str(&format!("\n- request #{}: {violation}", violation.request));
    }
    for error in errors {
        out.push_str(&format!("\n- {error}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbound::{EgressReason, RequestPart};
    use crate::redact::{Encoding, ValueKind};

    /// The text `FakeUpstream::check` fails with (and `assert_clean` panics with), whole: a
    /// count line, then one line a violation and one a failed fetch, in that order.
    #[test]
    fn an_upstream_failure_lists_each_violation_then_each_failed_fetch() {
        let violation = EgressViolation {
            secret: "API_KEY".to_owned(),
            reason: EgressReason::NoRule,
            part: RequestPart::Header("x-key".to_owned()),
            encoding: Encoding::Raw,
            kind: ValueKind::Secret,
            method: Method::GET,
            destination: "https://api.example/v1".to_owned(),
            request: 2,
            redirected_from: None,
            allowed: Vec::new(),
        };
        let error = FetchError::TooManyRedirects {
            url: "https://a.example/".to_owned(),
        };
        let failure = UpstreamFailure {
            violations: vec![violation.clone()],
            errors: vec![error.clone()],
        };
        assert_eq!(
            failure.to_string(),
            format!(
                "the Worker's outbound requests: 1 egress violation(s), 1 failed fetch(es)\n\
                 - request #2: {violation}\n\
                 - {error}"
            )
        );
        let empty = UpstreamFailure {
            violations: Vec::new(),
            errors: Vec::new(),
        };
        assert_eq!(
            empty.to_string(),
            "the Worker's outbound requests: 0 egress violation(s), 0 failed fetch(es)"
        );
        let as_error: &dyn std::error::Error = &failure;
        assert!(as_error.source().is_none());
    }
}
