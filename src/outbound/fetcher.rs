//! The fake env's fetcher: what a handler's `env.fetcher().fetch(request)` does in a test.
//! Each hop is scanned against the egress rules and recorded, answered by the first matching
//! route, and redirects are followed as workerd's `fetch` follows them (`redirect: "follow"`):
//! at most 20; 303, and 301/302 after a `POST`, turn into a body-less `GET`; every header goes
//! along to the next hop, `Authorization` included even to another origin — workerd does not
//! drop it as browsers following the Fetch standard do (measured by the conformance run:
//! `bash .ci/conformance`, the billing Worker's cross-origin 302 row), so the egress scan sees
//! every hop a key really reaches. Also the scope in which a [`TestClient`](crate::TestClient)
//! lends the upstream its caller's credentials.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use devflare_bindings::{OutboundEnv, OutboundFetch};
use http::{HeaderMap, Method, Request, Response, header};

use super::egress::{self, Outbound};
use super::error::FetchError;
use super::record::OutboundRequest;
use super::state::{Callers, OutboundState, lock};
use super::url::ParsedUrl;
use crate::env::SecretsEnv;
use crate::redact::{Known, ValueKind};
use crate::redact::{MIN_TOKEN_CHARS, Redactor};

/// The most redirects a fetch follows (the Fetch standard's limit, workerd's too).
const MAX_REDIRECTS: usize = 20;

/// The fetcher a [`SecretsEnv`] hands its handler ([`OutboundEnv::fetcher`]): sends each
/// request to the env's fake upstream ([`SecretsEnv::upstream`]). Cheap to clone.
#[derive(Clone)]
pub struct FakeFetcher {
    env: SecretsEnv,
}

impl fmt::Debug for FakeFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeFetcher").finish_non_exhaustive()
    }
}

impl OutboundEnv for SecretsEnv {
    type Fetcher = FakeFetcher;

    /// The fake upstream's fetcher.
    fn fetcher(&self) -> FakeFetcher {
        FakeFetcher { env: self.clone() }
    }
}

impl OutboundFetch for FakeFetcher {
    type Error = FetchError;

    fn fetch(
        &self,
        request: Request<Bytes>,
    ) -> impl Future<Output = Result<Response<Bytes>, FetchError>> + Send {
        let env = self.env.clone();
        async move { fetch_now(&env, request) }
    }
}

/// One fetch: every hop scanned, recorded, answered; redirects followed.
pub(crate) fn fetch_now(
    env: &SecretsEnv,
    request: Request<Bytes>,
) -> Result<Response<Bytes>, FetchError> {
    let state = &env.inner.store.outbound;
    let config = Arc::clone(&lock(&state.config));
    // The env's own redactor, cached until a value it never hid is written.
    let secrets = Arc::new(env.redactor());
    let callers = state.callers_redactor();
    let redact = |text: &str| {
        let redacted = secrets.redact(text).into_owned();
        match &callers {
            Some(callers) => callers.redact(&redacted).into_owned(),
            None => redacted,
        }
    };
    let (parts, mut body) = request.into_parts();
    let (mut method, mut uri, mut headers) = (parts.method, parts.uri, parts.headers);
    if let Some(normalized) = super::route::normalize_method(method.as_str()) {
        method = normalized;
    }
    let first_url = redact(&uri.to_string());
    let mut previous: Option<(usize, String)> = None;
    let mut hop = 0;
    loop {
        let url = match ParsedUrl::parse(&uri) {
            Ok(url) => url,
            Err(reason) => {
                let error = FetchError::InvalidUrl {
                    url: redact(&uri.to_string()),
                    reason,
                };
                lock(&state.log).errors.push(error.clone());
                return Err(error);
            }
        };
        let route = config
            .routes
            .iter()
            .find(|route| route.matches(&method, &url));
        let mut log = lock(&state.log);
        let index = log.requests.len();
        let violations = egress::scan(
            &config.rules,
            &secrets,
            callers.as_deref(),
            &Outbound {
                method: &method,
                url: &url,
                headers: &headers,
                body: &body,
                index,
                redirected_from: previous.as_ref().map(|(_, url)| url.as_str()),
            },
        );
        log.violations.extend(violations);
        let response = route.map(|route| route.response.response());
        log.requests.push(OutboundRequest {
            index,
            method: method.clone(),
            url: url.text.clone(),
            headers: headers.clone(),
            body: body.clone(),
            redirected_from: previous.as_ref().map(|(index, _)| *index),
            route: route.map(|route| route.label.clone()),
            status: response.as_ref().map(|response| response.status().as_u16()),
            secrets: Arc::clone(&secrets),
            callers: callers.clone(),
        });
        let Some(response) = response else {
            let mut routes: Vec<_> = config.routes.iter().collect();
            routes.sort_by_key(|route| route.distance(&method, &url));
            let error = FetchError::NoRoute {
                method: method.clone(),
                url: redact(&url.text),
                routes: routes.iter().map(|route| route.label.clone()).collect(),
            };
            log.errors.push(error.clone());
            return Err(error);
        };
        let location = match response.status().as_u16() {
            301 | 302 | 303 | 307 | 308 => response.headers().get(header::LOCATION),
            _ => None,
        };
        let Some(location) = location else {
            return Ok(response);
        };
        if hop == MAX_REDIRECTS {
            let error = FetchError::TooManyRedirects { url: first_url };
            log.errors.push(error.clone());
            return Err(error);
        }
        let next = String::from_utf8_lossy(location.as_bytes()).into_owned();
        let next = match url.resolve(&next) {
            Ok(next) => next,
            Err(reason) => {
                let error = FetchError::InvalidUrl {
                    url: redact(&next),
                    reason,
                };
                log.errors.push(error.clone());
                return Err(error);
            }
        };
        drop(log);
        let status = response.status().as_u16();
        if status == 303 && method != Method::HEAD
            || matches!(status, 301 | 302) && method == Method::POST
        {
            method = Method::GET;
            body = Bytes::new();
            drop_body_headers(&mut headers);
        }
        previous = Some((index, redact(&url.text)));
        uri = next;
        hop += 1;
    }
}

/// The Fetch standard's request-body-header names, removed when a redirect drops the body.
fn drop_body_headers(headers: &mut HeaderMap) {
    for name in [
        header::CONTENT_ENCODING,
        header::CONTENT_LANGUAGE,
        header::CONTENT_LOCATION,
        header::CONTENT_TYPE,
        header::CONTENT_LENGTH,
    ] {
        headers.remove(name);
    }
}

impl OutboundState {
    /// A redactor for the credentials of the inbound requests being handled, if any.
    fn callers_redactor(&self) -> Option<Arc<Redactor>> {
        let mut callers = lock(&self.callers);
        let Callers { active, built, .. } = &mut *callers;
        let values: Vec<(String, Arc<str>)> = active
            .iter()
            .flat_map(|(_, values)| values.iter().cloned())
            .collect();
        if values.is_empty() {
            return None;
        }
        if let Some((built_for, redactor)) = built
            && *built_for == values
        {
            return Some(Arc::clone(redactor));
        }
        let mut known: Vec<Known> = values
            .iter()
            .map(|(label, value)| Known {
                label: label.clone(),
                value: Arc::clone(value),
                kind: ValueKind::Secret,
            })
            .collect();
        known.sort_by_key(|entry| std::cmp::Reverse(entry.value.len()));
        // A matcher that cannot be built fails closed: every non-empty text is a hit.
        let redactor =
            Arc::new(Redactor::new(&known).unwrap_or_else(|error| Redactor::failed(&error)));
        *built = Some((values, Arc::clone(&redactor)));
        Some(redactor)
    }
}

/// While alive, the inbound request's credentials (`Authorization`, its token, each cookie's
/// value) count as the caller's: any outbound request that carries one is a violation.
pub(crate) struct CallerScope<'a> {
    state: &'a OutboundState,
    id: u64,
}

impl<'a> CallerScope<'a> {
    /// Lends `headers`' credentials to `env`'s upstream; `None` when there are none.
    pub(crate) fn enter(env: &'a SecretsEnv, headers: &HeaderMap) -> Option<Self> {
        let values = caller_credentials(headers);
        if values.is_empty() {
            return None;
        }
        let state = &env.inner.store.outbound;
        let mut callers = lock(&state.callers);
        let id = callers.next_id;
        callers.next_id += 1;
        callers.active.push((id, values));
        Some(Self { state, id })
    }
}

impl Drop for CallerScope<'_> {
    fn drop(&mut self) {
        lock(&self.state.callers)
            .active
            .retain(|(id, _)| *id != self.id);
    }
}

/// The values in an inbound request that identify its caller, labelled for messages.
fn caller_credentials(headers: &HeaderMap) -> Vec<(String, Arc<str>)> {
    let mut values = Vec::new();
    for value in headers.get_all(header::AUTHORIZATION) {
        let Ok(text) = value.to_str() else { continue };
        let text = text.trim();
        if text.len() >= MIN_TOKEN_CHARS {
            values.push(("Authorization".to_owned(), Arc::from(text)));
        }
        // The credential without its scheme (`Bearer`, `Basic`): forwarded alone, still theirs.
        if let Some((_, token)) = text.split_once(' ') {
            let token = token.trim();
            if token.len() >= MIN_TOKEN_CHARS {
                values.push(("Authorization".to_owned(), Arc::from(token)));
            }
        }
    }
    for value in headers.get_all(header::COOKIE) {
        let Ok(text) = value.to_str() else { continue };
        for pair in text.split(';') {
            if let Some((name, value)) = pair.split_once('=') {
                let value = value.trim();
                if value.len() >= MIN_TOKEN_CHARS {
                    values.push((format!("Cookie {}", name.trim()), Arc::from(value)));
                }
            }
        }
    }
    values
}
