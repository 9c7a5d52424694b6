//! One recorded outbound request (one hop of a fetch), assertable without ever showing a
//! secret: every text accessor redacts.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Method};

use crate::redact::Redactor;

/// A request the handler sent through its fetcher (each redirect hop is one), as the fake
/// upstream received it. Text accessors ([`url`](Self::url), [`header`](Self::header),
/// [`headers`](Self::headers), [`body_text`](Self::body_text)) redact every secret as
/// `[secret:BINDING]` and the caller's credentials as `[secret:Authorization]`; only
/// [`body`](Self::body) gives raw bytes.
#[derive(Clone)]
pub struct OutboundRequest {
    pub(crate) index: usize,
    pub(crate) method: Method,
    pub(crate) url: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) redirected_from: Option<usize>,
    pub(crate) route: Option<String>,
    pub(crate) status: Option<u16>,
    pub(crate) secrets: Arc<Redactor>,
    pub(crate) callers: Option<Arc<Redactor>>,
}

impl OutboundRequest {
    fn redact(&self, text: &str) -> String {
        let redacted = self.secrets.redact(text);
        match &self.callers {
            Some(callers) => callers.redact(&redacted).into_owned(),
            None => redacted.into_owned(),
        }
    }

    /// Its position in [`FakeUpstream::requests`](super::FakeUpstream::requests).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The method, as sent (after a redirect that turned a `POST` into a `GET`, `GET`).
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The URL, secrets redacted: `https://api.partner.example/v1/report?key=[secret:PARTNER_API_KEY]`.
    pub fn url(&self) -> String {
        self.redact(&self.url)
    }

    /// The first value of header `name` (any case), redacted.
    pub fn header(&self, name: &str) -> Option<String> {
        let value = self.headers.get(name.to_ascii_lowercase().as_str())?;
        Some(self.redact(&String::from_utf8_lossy(value.as_bytes())))
    }

    /// Every header as `(name, value)`, in the order sent, values redacted.
    pub fn headers(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(name, value)| {
                (
                    self.redact(name.as_str()),
                    self.redact(&String::from_utf8_lossy(value.as_bytes())),
                )
            })
            .collect()
    }

    /// The body as text (invalid UTF-8 replaced), redacted.
    pub fn body_text(&self) -> String {
        self.redact(&String::from_utf8_lossy(&self.body))
    }

    /// The raw body bytes. Unredacted: compare them, do not print them.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// For a redirect hop, the index of the request that was redirected here.
    pub fn redirected_from(&self) -> Option<usize> {
        self.redirected_from
    }

    /// The route that answered (`GET https://api.partner.example/v1/report`), or `None`
    /// when no route matched.
    pub fn route(&self) -> Option<&str> {
        self.route.as_deref()
    }

    /// The status the fake answered with, or `None` when no route matched.
    pub fn status(&self) -> Option<u16> {
        self.status
    }
}

impl fmt::Debug for OutboundRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .headers
            .keys()
            .map(|name| self.redact(name.as_str()))
            .collect();
        f.debug_struct("OutboundRequest")
            .field("index", &self.index)
            .field("method", &self.method)
            .field("url", &self.url())
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .field("redirected_from", &self.redirected_from)
            .field("route", &self.route)
            .field("status", &self.status)
            .finish()
    }
}
