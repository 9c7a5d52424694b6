//! The HTTP transport (feature `remote`, [`ProtectedRoute::check_remote`]): each scenario sent
//! to a running Worker — those that need no change to the store, adversarial other-channel
//! probes included. The runner (`run.rs`) plans, scans, hides and judges as in process. It
//! cannot see the Worker's outbound requests (they go to the real network): the per-scenario
//! egress check and the other secrets' scenarios are for the in-process run only.
//!
//! The runner sends real credentials, so it is careful where they go: it never uses a proxy
//! (ureq's default configuration takes one from `HTTP_PROXY` and friends; the runner replaces
//! it with none), sends cleartext `http://` only to loopback unless the route opts in, gives
//! every request a connect and an overall timeout, and asks for `Accept-Encoding: identity`,
//! failing a scenario whose body comes back encoded rather than scanning bytes it cannot read.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::error::MatrixError;
use super::hide::HiddenCache;
use super::planned::Planned;
use super::report::MatrixReport;
use super::route::{CredentialKind, ProtectedRoute};
use super::run::{Sent, Transport, run};
use super::scenario::Scenario;
use crate::env::{ReadLog, SecretsEnv};

impl ProtectedRoute {
    /// How long [`check_remote`](Self::check_remote) waits for the TCP connection of each
    /// scenario (default [`DEFAULT_CONNECT_TIMEOUT`](super::DEFAULT_CONNECT_TIMEOUT), 5 s). A scenario whose connection is not
    /// made in time fails, named in the report.
    pub fn remote_connect_timeout(mut self, timeout: Duration) -> Self {
        self.remote.connect = timeout;
        self
    }

    /// How long one scenario's request may take in all under
    /// [`check_remote`](Self::check_remote) — connecting, sending, and receiving the whole
    /// response, body included (default [`DEFAULT_REMOTE_TIMEOUT`](super::DEFAULT_REMOTE_TIMEOUT), 30 s). A Worker that never
    /// answers, or stalls in the middle of its body, fails that scenario, named in the report,
    /// instead of hanging the test.
    pub fn remote_timeout(mut self, timeout: Duration) -> Self {
        self.remote.overall = timeout;
        self
    }

    /// Lets [`check_remote`](Self::check_remote) send credentials over cleartext `http://` to
    /// a host that is not loopback (`127.0.0.0/8`, `::1`, `localhost`). Without it, such a
    /// base URL is refused before anything is sent: anyone on the path would read the real
    /// secret. Opt in only for a Worker on a network you trust (a container next to the
    /// test, say).
    pub fn allow_cleartext_to_non_loopback(mut self) -> Self {
        self.remote.cleartext_to_non_loopback = true;
        self
    }

    /// Sends the scenarios that need no change to the store to a running Worker at
    /// `base_url` (`http://127.0.0.1:8787`, no TLS), with `secret` the value the Worker's
    /// binding holds (feature `remote`). The scenarios that delete the secret, fail the
    /// store or unbind the binding are reported *not applicable*: a deployed store cannot be
    /// changed from here — so are those of the other secrets the route reads
    /// ([`also_reads`](Self::also_reads); the read log that finds the others is not seen
    /// either). The Worker's outbound requests are not seen (they go to the real network, not
    /// to a fake upstream): the egress rules are checked in process only, by
    /// [`check`](Self::check). The Worker keeps its own clock: for timestamped signatures, set
    /// [`now`](Self::now) to the current time.
    ///
    /// What it does and refuses, since it sends real credentials:
    /// - it connects to `base_url` itself, never through a proxy: `HTTP_PROXY`,
    ///   `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` are not used;
    /// - it refuses an `http://` URL whose host is not loopback (`127.0.0.0/8`, `::1`,
    ///   `localhost`) unless the route opts in with
    ///   [`allow_cleartext_to_non_loopback`](Self::allow_cleartext_to_non_loopback); it has no
    ///   TLS, so `https://` is refused too;
    /// - each request has a connect timeout ([`remote_connect_timeout`](Self::remote_connect_timeout),
    ///   5 s by default) and an overall one ([`remote_timeout`](Self::remote_timeout), 30 s,
    ///   the whole body included); a scenario that runs out of time fails, named;
    /// - it sends `Accept-Encoding: identity`; a response with any other `Content-Encoding`
    ///   cannot be leak-scanned, so that scenario fails rather than pass unscanned;
    /// - it follows no redirect, and sends each request's headers as the matrix built them
    ///   (edge spaces included).
    ///
    /// # Errors
    ///
    /// As [`check`](Self::check): the route, the names or the secret cannot make a matrix.
    /// [`MatrixError::InvalidBaseUrl`] for a base URL that is not `http://host[:port]`,
    /// [`MatrixError::CleartextToNonLoopback`] for a host that is not loopback (see above),
    /// both before anything is sent. A Worker that cannot be reached, or answers too late,
    /// fails each scenario instead, with a value-free message.
    pub fn check_remote(&self, base_url: &str, secret: &str) -> Result<MatrixReport, MatrixError> {
        let base = self.checked_base_url(base_url)?;
        // An env holding just this binding: the same preflight and redactor as in process.
        let env = SecretsEnv::builder()
            .secret(self.binding.clone(), secret)
            .build()
            .map_err(|error| MatrixError::RemoteEnv {
                binding: self.binding.clone(),
                reason: error.to_string(),
            })?;
        let agent = ureq::Agent::config_builder()
            // ureq's default configuration takes a proxy from the environment: real
            // credentials would go to whatever `HTTP_PROXY` names. Never use one.
            .proxy(None)
            .http_status_as_error(false)
            .max_redirects(0)
            // An encoded body cannot be scanned for leaks: ask for none (and check below).
            .accept_encoding("identity")
            .timeout_connect(Some(self.remote.connect))
            .timeout_global(Some(self.remote.overall))
            .build()
            .new_agent();
        let transport = Remote {
            route: self,
            agent,
            base,
        };
        // The transport blocks in `send`: the runner's future is ready at every step.
        let redactor = || env.redactor();
        crate::runtime::block_on(run(
            self,
            &env,
            &HiddenCache::default(),
            redactor,
            &transport,
        ))
    }

    /// `base_url` without its trailing `/`, once it is known to be `http://` to a host the
    /// route may send cleartext credentials to.
    fn checked_base_url(&self, base_url: &str) -> Result<String, MatrixError> {
        let invalid = |problem: &str| MatrixError::InvalidBaseUrl {
            problem: problem.to_owned(),
        };
        let uri: http::Uri = base_url.parse().map_err(|_| {
            invalid("expected `http://host[:port]`, such as `http://127.0.0.1:8787`")
        })?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => {
                return Err(invalid(
                    "`https://` is not supported (the `remote` runner has no TLS): run the \
                     Worker locally and use `http://127.0.0.1:<port>`",
                ));
            }
            _ => {
                return Err(invalid(
                    "expected an `http://` URL, such as `http://127.0.0.1:8787`",
                ));
            }
        }
        let Some(host) = uri.host() else {
            return Err(invalid("it names no host"));
        };
        if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
            return Err(invalid(
                "it holds user information (`user@`): give the credential to the route instead",
            ));
        }
        if uri.query().is_some() {
            return Err(invalid(
                "it has a query: the route's URI is appended to it, so give the query there",
            ));
        }
        if !is_loopback(host) && !self.remote.cleartext_to_non_loopback {
            return Err(MatrixError::CleartextToNonLoopback {
                host: host.to_owned(),
            });
        }
        Ok(base_url.trim_end_matches('/').to_owned())
    }

    /// A transport error, with the timeout that ran out named and how to change it.
    fn transport_error(&self, error: &ureq::Error) -> String {
        let timed_out = match error {
            ureq::Error::Timeout(ureq::Timeout::Connect) => {
                Some(("connecting", self.remote.connect, "remote_connect_timeout"))
            }
            ureq::Error::Timeout(_) => {
                Some(("the whole exchange", self.remote.overall, "remote_timeout"))
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                Some(("the whole exchange", self.remote.overall, "remote_timeout"))
            }
            _ => None,
        };
        match timed_out {
            Some((what, limit, setting)) => format!(
                "timed out: {what} took longer than {limit:?} (raise it with \
                 `ProtectedRoute::{setting}`)"
            ),
            None => error.to_string(),
        }
    }
}

/// A running Worker at `base`, over HTTP, reached with `agent` (no proxy, timeouts, identity
/// encoding).
struct Remote<'a> {
    route: &'a ProtectedRoute,
    agent: ureq::Agent,
    base: String,
}

impl Transport for Remote<'_> {
    /// A scenario that changes the store (a deployed store cannot be changed from here), or a
    /// near miss the Worker cannot possibly see: spaces before a bare header value are
    /// optional whitespace in HTTP/1.1's grammar (RFC 9112, section 5), which every server
    /// drops before the Worker reads the header. (Spaces after a value, and inside one as in
    /// `Bearer  <token>`, go on the wire as built and reach the Worker as sent; those
    /// scenarios are sent and judged.)
    fn not_offered(&self, planned: &Planned) -> Option<String> {
        if planned.condition.changes_the_store() {
            return Some(
                "it changes the store, which a running Worker's is not: run it in process"
                    .to_owned(),
            );
        }
        let bare_header = matches!(self.route.kind, CredentialKind::Header { scheme: None, .. });
        (bare_header && planned.scenario == Scenario::LeadingWhitespace).then(|| {
            "spaces before a header value are optional whitespace in HTTP/1.1 (RFC 9112 §5): \
             every server drops them before the Worker sees the value; run it in process"
                .to_owned()
        })
    }

    fn sees_reads(&self) -> bool {
        false
    }

    async fn send(&self, _: &Planned, request: http::Request<Bytes>, _: &Arc<str>) -> Sent {
        Sent {
            answer: self.exchange(request),
            reads: ReadLog::new(Vec::new(), Vec::new()),
            read_elsewhere: false,
            // A running Worker's outbound requests go to the real network: not seen here.
            outbound: crate::outbound::Recorded::default(),
        }
    }
}

impl Remote<'_> {
    /// The Worker's response to `request` (its URI made absolute), body read whole and
    /// unencoded; or why there is none to scan.
    fn exchange(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, String> {
        let (mut parts, body) = request.into_parts();
        parts.uri = format!("{}{}", self.base, parts.uri)
            .parse()
            .map_err(|_| "the base URL and the route do not form a URL".to_owned())?;
        let request = http::Request::from_parts(parts, body.to_vec());
        let response = self.agent.run(request).map_err(|error| {
            format!(
                "the Worker could not be reached: {}",
                self.route.transport_error(&error)
            )
        })?;
        let (parts, mut body) = response.into_parts();
        // A body in an encoding the scan cannot read would be scanned as noise and pass: fail
        // the scenario instead.
        if let Some(encoding) = parts
            .headers
            .get_all(http::header::CONTENT_ENCODING)
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .find(|value| !is_identity(value))
        {
            return Err(format!(
                "the response body is encoded (`content-encoding: {encoding}`) although \
                 `accept-encoding: identity` was asked for; it cannot be scanned for leaks"
            ));
        }
        // An unread body (too large, cut off, too slow) cannot be scanned for leaks: the
        // scenario fails rather than passing unscanned.
        let body = body.read_to_vec().map_err(|error| {
            format!(
                "the response body could not be read for the leak scan: {}",
                self.route.transport_error(&error)
            )
        })?;
        Ok(http::Response::from_parts(parts, Bytes::from(body)))
    }
}

/// Whether `host` (as a URI shows it: `[::1]` in brackets) is this machine's loopback.
fn is_loopback(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if bare.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(IpAddr::V6(v6)) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

/// Whether a `content-encoding` value leaves the body as it is.
fn is_identity(value: &str) -> bool {
    value
        .split(',')
        .all(|coding| matches!(coding.trim().to_ascii_lowercase().as_str(), "" | "identity"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_127_slash_8_and_ipv6_1_and_localhost_only() {
        for host in ["127.0.0.1", "127.3.2.1", "[::1]", "localhost", "LOCALHOST"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "192.0.2.1",
            "10.0.0.1",
            "[::2]",
            "localhost.example",
            "example.com",
            "0.0.0.0",
            "128.0.0.1",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn identity_is_the_only_encoding_scanned() {
        assert!(is_identity("identity"));
        assert!(is_identity(" Identity "));
        assert!(!is_identity("gzip"));
        assert!(!is_identity("identity, br"));
    }
}
