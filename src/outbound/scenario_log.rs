//! What the protected-route matrix asks of the fake upstream for each scenario it runs in
//! process: where the log stood before the scenario ([`LogMark`]), what was recorded since
//! ([`Recorded`]: egress violations, failed fetches and, when asked, the requests), and which
//! of those requests went where a secret may go — a call made while that secret could not be
//! read carries an empty or stale key instead of failing closed.
//!
//! Cheap when nothing was recorded: one lock and three lengths before, the same after.

use http::Uri;

use super::state::lock;
use super::url::ParsedUrl;
use super::{EgressViolation, FetchError, OutboundRequest};
use crate::env::SecretsEnv;

/// Where an env's upstream log stood: how many requests, violations and failed fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LogMark {
    requests: usize,
    violations: usize,
    errors: usize,
}

/// What the upstream recorded between a [`LogMark`] and now.
#[derive(Debug, Clone, Default)]
pub(crate) struct Recorded {
    /// The requests, when asked for (see [`recorded_since`]).
    pub(crate) requests: Vec<OutboundRequest>,
    pub(crate) violations: Vec<EgressViolation>,
    pub(crate) errors: Vec<FetchError>,
}

/// Where `env`'s upstream log stands now.
pub(crate) fn log_mark(env: &SecretsEnv) -> LogMark {
    let log = lock(&env.inner.store.outbound.log);
    LogMark {
        requests: log.requests.len(),
        violations: log.violations.len(),
        errors: log.errors.len(),
    }
}

/// What `env`'s upstream recorded since `mark` (the requests too when `with_requests`). A log
/// reset in between gives everything recorded since the reset.
pub(crate) fn recorded_since(env: &SecretsEnv, mark: LogMark, with_requests: bool) -> Recorded {
    let log = lock(&env.inner.store.outbound.log);
    if log.requests.len() == mark.requests
        && log.violations.len() == mark.violations
        && log.errors.len() == mark.errors
    {
        return Recorded::default();
    }
    let tail = |len: usize, from: usize| from.min(len);
    Recorded {
        requests: if with_requests {
            log.requests[tail(log.requests.len(), mark.requests)..].to_vec()
        } else {
            Vec::new()
        },
        violations: log.violations[tail(log.violations.len(), mark.violations)..].to_vec(),
        errors: log.errors[tail(log.errors.len(), mark.errors)..].to_vec(),
    }
}

/// Of `requests`, those sent where an egress rule lets `secret` go — its origin, carrying the
/// rule's header when the rule names one — each as `METHOD URL` (redacted). While `secret`
/// cannot be read, such a request carries an empty or stale key.
pub(crate) fn sent_where_allowed(
    env: &SecretsEnv,
    secret: &str,
    requests: &[OutboundRequest],
) -> Vec<String> {
    let config = std::sync::Arc::clone(&lock(&env.inner.store.outbound.config));
    let rules: Vec<_> = config.rules.iter().filter(|r| r.secret == secret).collect();
    if rules.is_empty() {
        return Vec::new();
    }
    requests
        .iter()
        .filter(|request| {
            let Some(url) = request
                .url
                .parse::<Uri>()
                .ok()
                .and_then(|uri| ParsedUrl::parse(&uri).ok())
            else {
                return false;
            };
            rules.iter().any(|rule| {
                rule.origin == url.origin
                    && rule
                        .header
                        .as_ref()
                        .is_none_or(|header| request.headers.contains_key(header.as_str()))
            })
        })
        .map(|request| format!("{} {}", request.method, request.url()))
        .collect()
}
