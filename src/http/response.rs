//! A captured response: status, headers and the whole body, with the request that produced
//! it, ready for assertions, the leak scan and snapshots.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode};

use crate::env::SecretsEnv;
use crate::redact::Redactor;
use crate::redact::leak::{self, Leak};

/// Headers that change from run to run (or with the body's length) and so stay out of
/// snapshots.
pub(crate) const VOLATILE_HEADERS: &[&str] = &["cf-ray", "content-length", "date"];

/// What a failure message shows of a body, at most.
const BODY_EXCERPT_CHARS: usize = 400;

/// The parts of a request a failure message or snapshot shows.
#[derive(Clone)]
pub(crate) struct RequestSummary {
    pub(crate) method: Method,
    pub(crate) uri: String,
    pub(crate) headers: HeaderMap,
    /// The body, never shown: the valid signatures of it are hidden (feature `webhooks`).
    #[cfg_attr(not(feature = "webhooks"), allow(dead_code))]
    pub(crate) body: Bytes,
    /// What `TestRequest::signed` computed for this request: hidden too.
    #[cfg(feature = "webhooks")]
    pub(crate) signed_with: Vec<std::sync::Arc<str>>,
}

impl RequestSummary {
    pub(crate) fn of(request: &Request<Bytes>) -> Self {
        Self {
            method: request.method().clone(),
            uri: request.uri().to_string(),
            headers: request.headers().clone(),
            body: request.body().clone(),
            #[cfg(feature = "webhooks")]
            signed_with: request
                .extensions()
                .get::<super::request::ComputedSignatures>()
                .map(|computed| computed.0.clone())
                .unwrap_or_default(),
        }
    }
}

/// A handler's response, collected: status, headers and body bytes, plus the request that
/// produced it and the env whose secrets must never appear in it.
///
/// Assert on it with the `assert_*` methods (and [`assert_json!`](crate::assert_json) for a
/// `json!` literal), scan it with [`leaks`](Self::leaks), snapshot it with
/// [`assert_response_snapshot!`](crate::assert_response_snapshot). Its `Debug` and every
/// message it produces are redacted.
#[derive(Clone)]
pub struct CapturedResponse {
    request: RequestSummary,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    env: SecretsEnv,
}

impl CapturedResponse {
    pub(crate) fn new(request: RequestSummary, response: Response<Bytes>, env: SecretsEnv) -> Self {
        let (parts, body) = response.into_parts();
        Self {
            request,
            status: parts.status,
            headers: parts.headers,
            body,
            env,
        }
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Every header.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The first value of header `name` (case-insensitive), if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body bytes.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced by `U+FFFD`).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON, or `None` when it is not JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The request's method.
    pub fn request_method(&self) -> &Method {
        &self.request.method
    }

    /// The request's path and query.
    pub fn request_uri(&self) -> &str {
        &self.request.uri
    }

    /// The env this response is checked against.
    pub fn env(&self) -> &SecretsEnv {
        &self.env
    }

    /// Every fixture secret found in the status, a header name or value, or the body — raw,
    /// base64, URL-encoded, JSON-escaped, … Empty when the response is clean. Scans with the
    /// env's redactor, which the env builds once and keeps until its values change, so
    /// calling this in a loop builds nothing.
    pub fn leaks(&self) -> Vec<Leak> {
        self.leaks_with(&self.env.redactor())
    }

    /// [`leaks`](Self::leaks) with a given [`Redactor`] (one of another env, say).
    pub fn leaks_with(&self, redactor: &Redactor) -> Vec<Leak> {
        leak::scan(redactor, self.status.as_u16(), &self.headers, &self.body)
    }

    /// The request and response as redacted text, for snapshots: every fixture secret as
    /// `[secret:BINDING]`, volatile headers (`date`, `content-length`, `cf-ray`) dropped,
    /// headers sorted, a JSON body pretty-printed.
    pub fn to_snapshot(&self) -> String {
        self.render(Rendering::Snapshot)
    }

    /// The request and response as redacted text for a failure message: all headers, a body
    /// excerpt.
    pub(crate) fn describe(&self) -> String {
        self.render(Rendering::Message)
    }

    /// The redactor for what this response shows: the env's (built once per change of its
    /// values, shared with `leaks()` and the client), and (feature `webhooks`) before it one
    /// for every valid signature of the request's body made with a fixture value, as the
    /// known webhook schemes send it — `[signature:BINDING]`.
    pub(crate) fn redactor(&self) -> ResponseRedactor {
        ResponseRedactor {
            #[cfg(feature = "webhooks")]
            signatures: {
                let known = self.env.known_values();
                let mut signatures = crate::redact::signatures::signatures(
                    &known,
                    &self.request.headers,
                    &self.request.body,
                );
                signatures.extend(crate::redact::signatures::computed(
                    &self.request.signed_with,
                ));
                signatures.sort_by_key(|entry| std::cmp::Reverse(entry.value.len()));
                (!signatures.is_empty()).then(|| {
                    Redactor::new(&signatures).unwrap_or_else(|error| Redactor::failed(&error))
                })
            },
            env: self.env.redactor(),
        }
    }

    fn render(&self, rendering: Rendering) -> String {
        let redactor = self.redactor();
        let mut out = String::new();
        let _ = writeln!(out, "request:");
        let _ = writeln!(out, "  {} {}", self.request.method, self.request.uri);
        write_headers(&mut out, &self.request.headers, rendering, &redactor);
        let _ = writeln!(out, "response:");
        let _ = writeln!(out, "  {}", status_line(self.status));
        write_headers(&mut out, &self.headers, rendering, &redactor);
        match rendering {
            Rendering::Snapshot => {
                let body = match self.json() {
                    Some(json) if !self.body.is_empty() => {
                        serde_json::to_string_pretty(&json).unwrap_or_else(|_| self.text())
                    }
                    _ => self.text(),
                };
                if !body.is_empty() {
                    let _ = writeln!(out);
                    let _ = writeln!(out, "{body}");
                }
            }
            Rendering::Message => {
                // Redact the whole body before cutting it: a value straddling the cut would no
                // longer match whole, and its first part would be shown in clear.
                let text = redactor.redact(&self.text()).into_owned();
                let excerpt: String = text.chars().take(BODY_EXCERPT_CHARS).collect();
                let more = if excerpt.len() < text.len() {
                    " …"
                } else {
                    ""
                };
                let _ = writeln!(out, "  body ({} bytes): {excerpt}{more}", self.body.len());
            }
        }
        redactor.redact(&out).into_owned()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Rendering {
    Snapshot,
    Message,
}

pub(crate) fn status_line(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

fn write_headers(
    out: &mut String,
    headers: &HeaderMap,
    rendering: Rendering,
    redactor: &ResponseRedactor,
) {
    let mut lines: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| {
            rendering == Rendering::Message || !VOLATILE_HEADERS.contains(&name.as_str())
        })
        .map(|(name, value)| {
            (
                // HTTP lower-cases names: a value in one is matched ignoring ASCII case.
                redactor.redact_header_name(name.as_str()).into_owned(),
                // Redact before quoting, so escaping cannot hide a value from the redactor.
                redactor
                    .redact(&String::from_utf8_lossy(value.as_bytes()))
                    .into_owned(),
            )
        })
        .collect();
    lines.sort();
    for (name, value) in lines {
        let _ = writeln!(out, "  {name}: {value:?}");
    }
}

/// What a response's texts are redacted with: the valid signatures of its request's body
/// first (a signature is hex or base64 a short fixture value could match a piece of), then
/// the env's values.
pub(crate) struct ResponseRedactor {
    #[cfg(feature = "webhooks")]
    signatures: Option<Redactor>,
    env: Redactor,
}

impl ResponseRedactor {
    pub(crate) fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        #[cfg(feature = "webhooks")]
        if let Some(signatures) = &self.signatures {
            return match signatures.redact(text) {
                Cow::Borrowed(text) => self.env.redact(text),
                Cow::Owned(text) => Cow::Owned(self.env.redact(&text).into_owned()),
            };
        }
        self.env.redact(text)
    }

    fn redact_header_name<'a>(&self, name: &'a str) -> Cow<'a, str> {
        #[cfg(feature = "webhooks")]
        if let Some(signatures) = &self.signatures {
            return match signatures.redact_header_name(name) {
                Cow::Borrowed(name) => self.env.redact_header_name(name),
                Cow::Owned(name) => Cow::Owned(self.env.redact_header_name(&name).into_owned()),
            };
        }
        self.env.redact_header_name(name)
    }
}

/// The redacted request and response, as in failure messages.
impl fmt::Debug for CapturedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}
