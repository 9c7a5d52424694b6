//! The test's handle on an env's fake upstream: routes, egress rules, and what the handler
//! sent (requests, violations, failed fetches), with a check that fails with every problem
//! named and no value shown.

use std::fmt;
use std::sync::Arc;

use http::HeaderName;

use super::egress::EgressRule;
use super::egress::EgressViolation;
use super::error::{FetchError, UpstreamError, UpstreamFailure};
use super::record::OutboundRequest;
use super::route::{FakeResponse, Route};
use super::state::{Config, lock};
use super::url::ParsedUrl;
use crate::env::SecretsEnv;
use crate::suggest::closest;

impl SecretsEnv {
    /// This env's fake upstream: where the handler's outbound requests
    /// ([`OutboundEnv::fetcher`](devflare_bindings::OutboundEnv::fetcher)) go in a test. Every
    /// clone of the env shares it. It starts with no routes (every request fails with a
    /// [`FetchError::NoRoute`]) and no egress rules (no secret may leave the Worker).
    pub fn upstream(&self) -> FakeUpstream {
        FakeUpstream { env: self.clone() }
    }
}

/// The fake upstream of an env ([`SecretsEnv::upstream`]): answers the handler's outbound
/// requests from routes, records each one, and checks where each secret goes.
///
/// ```
/// use devflare_test::prelude::*;
/// use devflare_test::outbound::FakeResponse;
///
/// let env = secrets_env! { PARTNER_API_KEY => "partner-key-123" };
/// let upstream = env.upstream();
/// upstream
///     .route("GET", "https://api.partner.example/v1/report", FakeResponse::json(200, "{}"))
///     .unwrap()
///     .allow_secret("PARTNER_API_KEY", "https://api.partner.example", Some("x-api-key"))
///     .unwrap();
///
/// // What a handler does with `env.fetcher()`:
/// let request = http::Request::get("https://api.partner.example/v1/report?key=partner-key-123")
///     .body(bytes::Bytes::new())
///     .unwrap();
/// block_on(env.fetcher().fetch(request)).unwrap();
///
/// assert_eq!(upstream.requests()[0].url(), "https://api.partner.example/v1/report?key=[secret:PARTNER_API_KEY]");
/// let failure = upstream.check().unwrap_err().to_string();
/// assert!(failure.contains("secret `PARTNER_API_KEY` was sent to GET"));
/// assert!(failure.contains("in the URL's query string"));
/// ```
#[derive(Clone)]
pub struct FakeUpstream {
    env: SecretsEnv,
}

impl fmt::Debug for FakeUpstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = Arc::clone(&lock(&self.env.inner.store.outbound.config));
        let routes: Vec<&str> = config.routes.iter().map(|r| r.label.as_str()).collect();
        let rules: Vec<String> = config
            .rules
            .iter()
            .map(|rule| format!("{}: {rule}", rule.secret))
            .collect();
        f.debug_struct("FakeUpstream")
            .field("routes", &routes)
            .field("egress_rules", &rules)
            .field("requests", &self.requests().len())
            .finish()
    }
}

impl FakeUpstream {
    fn update(&self, change: impl FnOnce(&mut Config)) {
        let mut config = lock(&self.env.inner.store.outbound.config);
        let mut next = Config::clone(&config);
        change(&mut next);
        *config = Arc::new(next);
    }

    /// Answers `method` requests (`"GET"`, `"POST"`, …, or `"*"` for any) to URLs matching
    /// `pattern` with `response`. Routes are tried in the order they were added; the first
    /// that matches answers. Patterns:
    ///
    /// - `https://api.example/v1/report` — that origin and exactly that path;
    /// - `https://api.example/v1/*` — that origin and every path starting with `/v1/`;
    /// - `https://api.example/*` or `https://api.example` — every path of that origin.
    ///
    /// The origin is the scheme, host and port (`http://` and `https://` are different
    /// origins; the default port may be written or not). The query string is never matched:
    /// a pattern may not contain one (the egress rules look at it instead).
    ///
    /// # Errors
    ///
    /// [`UpstreamError`] for a method, pattern, status or header that cannot be used.
    pub fn route(
        &self,
        method: &str,
        pattern: &str,
        response: FakeResponse,
    ) -> Result<&Self, UpstreamError> {
        let route = Route::new(method, pattern, &response)?;
        self.update(|config| config.routes.push(route));
        Ok(self)
    }

    /// States that secret `secret` (a binding name) may be sent to `origin`
    /// (`https://host[:port]`), in header `header` — or, with `None`, in any header or the
    /// body. Never in the URL: a secret in a query string is a violation even at this origin.
    /// A secret no rule names may not leave the Worker at all. Rules add up: call it once for
    /// each place a secret may go.
    ///
    /// # Errors
    ///
    /// [`UpstreamError`] when the env has no such secret, the origin is not
    /// `https://host[:port]` (plain `http://` only for `localhost`, `127.0.0.1` and `[::1]`),
    /// or the header is not a header name.
    pub fn allow_secret(
        &self,
        secret: &str,
        origin: &str,
        header: Option<&str>,
    ) -> Result<&Self, UpstreamError> {
        let mut names: Vec<String> = self.env.binding_names().map(str::to_owned).collect();
        names.extend(self.env.known_values().into_iter().map(|(label, _)| label));
        if !names.iter().any(|name| name == secret) {
            return Err(UpstreamError::UnknownSecret {
                name: secret.to_owned(),
                closest: closest(secret, names.iter().map(String::as_str)),
            });
        }
        let origin = parse_origin(origin)?;
        let header = header
            .map(|header| {
                HeaderName::from_bytes(header.as_bytes())
                    .map(|name| name.as_str().to_owned())
                    .map_err(|_| UpstreamError::InvalidHeader {
                        header: header.escape_debug().to_string(),
                    })
            })
            .transpose()?;
        let rule = EgressRule {
            secret: secret.to_owned(),
            origin,
            header,
        };
        self.update(|config| config.rules.push(rule));
        Ok(self)
    }

    /// Every request sent so far, in order; each redirect hop is one.
    pub fn requests(&self) -> Vec<OutboundRequest> {
        lock(&self.env.inner.store.outbound.log).requests.clone()
    }

    /// Every egress violation so far, in the order the requests were sent.
    pub fn violations(&self) -> Vec<EgressViolation> {
        lock(&self.env.inner.store.outbound.log).violations.clone()
    }

    /// Every fetch that failed so far (no route, bad URL, too many redirects).
    pub fn fetch_errors(&self) -> Vec<FetchError> {
        lock(&self.env.inner.store.outbound.log).errors.clone()
    }

    /// Forgets what was recorded (requests, violations, errors); routes and rules stay.
    pub fn reset(&self) {
        let mut log = lock(&self.env.inner.store.outbound.log);
        log.requests.clear();
        log.violations.clear();
        log.errors.clear();
    }

    /// `Ok` when no request broke an egress rule and every fetch was answered.
    ///
    /// # Errors
    ///
    /// [`UpstreamFailure`], listing every violation and failed fetch (redacted).
    pub fn check(&self) -> Result<(), UpstreamFailure> {
        let log = lock(&self.env.inner.store.outbound.log);
        if log.violations.is_empty() && log.errors.is_empty() {
            return Ok(());
        }
        Err(UpstreamFailure {
            violations: log.violations.clone(),
            errors: log.errors.clone(),
        })
    }

    /// [`check`](Self::check), panicking with the failure.
    ///
    /// # Panics
    ///
    /// When a request broke an egress rule or a fetch failed; the message names each secret,
    /// destination and place, never a value.
    #[track_caller]
    pub fn assert_clean(&self) {
        if let Err(failure) = self.check() {
            panic!("{failure}");
        }
    }
}

fn parse_origin(origin: &str) -> Result<String, UpstreamError> {
    let invalid = |reason: &str| UpstreamError::InvalidOrigin {
        origin: origin.escape_debug().to_string(),
        reason: reason.to_owned(),
    };
    let uri: http::Uri = origin
        .parse()
        .map_err(|_| invalid("not an origin: write `https://host` or `https://host:port`"))?;
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err(invalid(
            "an origin has no path or query: write `https://host` (rules match the whole origin)",
        ));
    }
    if uri
        .authority()
        .is_some_and(|authority| authority.as_str().contains('@'))
    {
        return Err(invalid("an origin has no user-info"));
    }
    let url = ParsedUrl::parse(&uri).map_err(|reason| invalid(&reason))?;
    let host = url
        .host_port
        .rsplit_once(':')
        .map_or(url.host_port.as_str(), |(host, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                host
            } else {
                url.host_port.as_str()
            }
        });
    let loopback = host == "localhost" || host == "[::1]" || host.starts_with("127.");
    if url.scheme == "http" && !loopback {
        return Err(invalid(
            "secrets may only be allowed over `https://` (plain `http://` only to localhost)",
        ));
    }
    Ok(url.origin)
}
