//! Building an `http::Request` in one line: method, path, query, headers, cookies, Basic or
//! bearer credentials, body, and the instant it is sent at.

use std::fmt;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE};
use http::{HeaderName, HeaderValue, Method, Request};

use super::TestClock;
use crate::codec::{base64, percent_encode};

/// A request under construction; turns into an `http::Request<Bytes>`.
///
/// Header errors are kept until [`try_build`](Self::try_build), so a chain never breaks in the
/// middle; [`build`](Self::build) panics with a message naming the header (never its value).
///
/// ```
/// use devflare_test::TestRequest;
///
/// let request = TestRequest::post("/internal/stats?day=1")
///     .bearer("test-token")
///     .header("x-request-id", "42")
///     .json(r#"{"q":1}"#)
///     .build();
/// assert_eq!(request.method(), "POST");
/// assert_eq!(request.uri().path(), "/internal/stats");
/// assert_eq!(request.headers()["authorization"], "Bearer test-token");
/// assert_eq!(request.headers()["content-type"], "application/json");
/// assert_eq!(request.body().as_ref(), br#"{"q":1}"#);
/// ```
#[derive(Clone)]
#[must_use = "a request does nothing until it is built or sent"]
pub struct TestRequest {
    method: Method,
    uri: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    /// `name=value` pairs, percent-encoded, appended to the URI's query when built.
    query: Vec<String>,
    /// `name=value` pairs joined into one `cookie` header when built.
    cookies: Vec<String>,
    body: Bytes,
    clock: Option<TestClock>,
    error: Option<RequestError>,
    /// `signed(signature, key)`: the signature is computed when the request is built, over
    /// its final body at its clock, so the calls may come in any order.
    #[cfg(feature = "webhooks")]
    signing: Option<(crate::matrix::Signature, std::sync::Arc<str>)>,
}

/// The signatures [`TestRequest::signed`] computed, in the built request's extensions: what a
/// response snapshot and a failure message of that request hide (`[signature:…]`).
#[cfg(feature = "webhooks")]
#[derive(Debug, Clone)]
pub(crate) struct ComputedSignatures(pub(crate) Vec<std::sync::Arc<str>>);

/// Why a [`TestRequest`] cannot be built. Names the header or URI, never a header value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// A header name is not a valid HTTP token.
    #[error("invalid header name {name:?}: expected letters, digits and `!#$%&'*+-.^_`|~`")]
    HeaderName {
        /// The rejected name.
        name: String,
    },
    /// A header value has bytes HTTP forbids (control characters other than tab).
    #[error("the value of header `{name}` has a byte HTTP forbids (a control character)")]
    HeaderValue {
        /// The header it was given for.
        name: String,
    },
    /// The method is not a valid HTTP token.
    #[error("invalid HTTP method {method:?}")]
    Method {
        /// The rejected method.
        method: String,
    },
    /// A cookie name or value has a character cookies cannot carry.
    #[error(
        "cookie `{name}` cannot be sent: expected a non-empty name without `=`, and a name and value without spaces, `;`, `,`, `\"`, `\\` or control characters"
    )]
    Cookie {
        /// The cookie's name.
        name: String,
    },
    /// The path and query do not form a valid URI.
    #[error("invalid request URI `{shown}`: {problem}")]
    Uri {
        /// The rejected URI as shown: without its query (which may carry a credential) and
        /// cut to 80 characters.
        shown: String,
        /// What is wrong and what would be valid.
        problem: String,
    },
}

impl TestRequest {
    /// A request with `method` (`"GET"`, `Method::POST`, …) for `uri` (a path, with an
    /// optional query).
    pub fn new(method: impl AsRef<str>, uri: impl Into<String>) -> Self {
        let (method, error) = match Method::from_bytes(method.as_ref().as_bytes()) {
            Ok(method) => (method, None),
            Err(_) => (
                Method::GET,
                Some(RequestError::Method {
                    method: method.as_ref().to_owned(),
                }),
            ),
        };
        Self {
            method,
            uri: uri.into(),
            headers: Vec::new(),
            query: Vec::new(),
            cookies: Vec::new(),
            body: Bytes::new(),
            clock: None,
            error,
            #[cfg(feature = "webhooks")]
            signing: None,
        }
    }

    /// A `GET` request.
    pub fn get(uri: impl Into<String>) -> Self {
        Self::new("GET", uri)
    }

    /// A `POST` request.
    pub fn post(uri: impl Into<String>) -> Self {
        Self::new("POST", uri)
    }

    /// A `PUT` request.
    pub fn put(uri: impl Into<String>) -> Self {
        Self::new("PUT", uri)
    }

    /// A `PATCH` request.
    pub fn patch(uri: impl Into<String>) -> Self {
        Self::new("PATCH", uri)
    }

    /// A `DELETE` request.
    pub fn delete(uri: impl Into<String>) -> Self {
        Self::new("DELETE", uri)
    }

    /// Adds `name=value` to the query, both percent-encoded (after any query the URI has).
    pub fn query(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.query.push(format!(
            "{}={}",
            percent_encode(name.as_ref()),
            percent_encode(value.as_ref())
        ));
        self
    }

    /// Adds a cookie; all cookies go in one `cookie: a=1; b=2` header, in order. The value is
    /// sent as given (cookie values cannot hold spaces, `;`, `,` or `"`: a value with those
    /// makes [`try_build`](Self::try_build) fail, naming the cookie).
    pub fn cookie(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let (name, value) = (name.as_ref(), value.as_ref());
        if !cookie_name_ok(name) || !cookie_safe(value) {
            self.error.get_or_insert(RequestError::Cookie {
                name: name.to_owned(),
            });
        } else {
            self.cookies.push(format!("{name}={value}"));
        }
        self
    }

    /// `Authorization: Basic base64(user:password)`.
    pub fn basic(self, user: impl AsRef<str>, password: impl AsRef<str>) -> Self {
        let pair = format!("{}:{}", user.as_ref(), password.as_ref());
        self.header(
            AUTHORIZATION.as_str(),
            format!("Basic {}", base64(pair.as_bytes())),
        )
    }

    /// The instant the request is sent at, for handlers that check timestamps (see
    /// [`TestClock`]); put in the request's extensions.
    pub fn at(mut self, clock: TestClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Adds a header; repeated names are kept in order (use several for multi-valued headers).
    /// Values may hold any bytes HTTP allows, including leading or trailing spaces.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<[u8]>) -> Self {
        let name = name.as_ref();
        let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
            self.error.get_or_insert(RequestError::HeaderName {
                name: name.to_owned(),
            });
            return self;
        };
        match HeaderValue::from_bytes(value.as_ref()) {
            Ok(value) => self.headers.push((header, value)),
            Err(_) => {
                self.error.get_or_insert(RequestError::HeaderValue {
                    name: header.to_string(),
                });
            }
        }
        self
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer(self, token: impl AsRef<str>) -> Self {
        let value = format!("Bearer {}", token.as_ref());
        self.header(AUTHORIZATION.as_str(), value)
    }

    /// The body, as given.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// A JSON body (given as text, sent byte for byte) with `content-type: application/json`.
    pub fn json(self, json: impl Into<String>) -> Self {
        self.header(CONTENT_TYPE.as_str(), "application/json")
            .body(json.into())
    }

    /// A JSON body serialized from `value` (`serde_json::json!({ … })`), with
    /// `content-type: application/json`.
    pub fn json_value(self, value: &serde_json::Value) -> Self {
        self.json(value.to_string())
    }

    /// The URI as it will be sent, with the query pairs added.
    pub(crate) fn full_uri(&self) -> String {
        if self.query.is_empty() {
            return self.uri.clone();
        }
        let joiner = if self.uri.contains('?') { '&' } else { '?' };
        format!("{}{joiner}{}", self.uri, self.query.join("&"))
    }

    /// Every header as it will be sent, cookies included.
    pub(crate) fn all_headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        let mut headers = self.headers.clone();
        // Names and values were checked when added, so the joined header is valid.
        if !self.cookies.is_empty()
            && let Ok(value) = HeaderValue::from_str(&self.cookies.join("; "))
        {
            headers.push((COOKIE, value));
        }
        headers
    }

    /// Signs the request as `signature`'s scheme does (GitHub, Stripe, Slack or your own
    /// `Signature::hmac_sha256`), keyed with `key`, over the request's final body at its
    /// [`TestClock`] (set with [`at`](Self::at); [`TestClock::DEFAULT`] without one) — the
    /// signature header, and the timestamp where the scheme puts it, are added when the
    /// request is built, so `.signed(…)` may come before or after `.body(…)` and `.at(…)`.
    /// Feature `webhooks`.
    ///
    /// Response snapshots and failure messages of the request hide the signature, whatever
    /// key made it (`[signature:…]`).
    ///
    /// ```
    /// use devflare_test::prelude::*;
    /// use devflare_test::client::TestClock;
    ///
    /// let request = TestRequest::post("/hooks/stripe")
    ///     .json(r#"{"type":"invoice.paid"}"#)
    ///     .at(TestClock::at(1_700_000_000))
    ///     .signed(Signature::stripe(), "whsec_test")
    ///     .build();
    /// let header = request.headers()["stripe-signature"].to_str().unwrap();
    /// assert!(header.starts_with("t=1700000000,v1="));
    /// ```
    #[cfg(feature = "webhooks")]
    pub fn signed(mut self, signature: crate::matrix::Signature, key: impl AsRef<str>) -> Self {
        self.signing = Some((signature, std::sync::Arc::from(key.as_ref())));
        self
    }

    /// The request.
    ///
    /// # Errors
    ///
    /// The first invalid method, header name, header value or URI, named — never a header value.
    pub fn try_build(self) -> Result<Request<Bytes>, RequestError> {
        self.try_build_ref()
    }

    /// [`try_build`](Self::try_build) keeping this request (the matrix keeps it to blank its
    /// credentials out of a handler error).
    pub(crate) fn try_build_ref(&self) -> Result<Request<Bytes>, RequestError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        #[cfg(feature = "webhooks")]
        if let Some((signature, key)) = &self.signing {
            let now = self.clock.unwrap_or_default().unix_secs();
            let computed = signature.sign(key.as_bytes(), now, &self.body);
            let sent = format!("{}{computed}", signature.prefix_text());
            let mut unsigned = self.clone();
            unsigned.signing = None;
            let mut request = signature
                .present(unsigned, Some(&sent), now)
                .try_build_ref()?;
            request
                .extensions_mut()
                .insert(ComputedSignatures(vec![std::sync::Arc::from(computed)]));
            return Ok(request);
        }
        if !(self.uri.starts_with('/') || self.uri == "*" || self.uri.contains("://")) {
            // `health` would parse as an authority and reach the handler with an empty path.
            let problem = format!(
                "expected a path starting with `/`; did you mean `/{}`?",
                shown_uri(&self.uri)
            );
            return Err(RequestError::Uri {
                shown: shown_uri(&self.uri),
                problem,
            });
        }
        let uri = self.full_uri();
        let parsed = http::Uri::try_from(uri.as_str()).map_err(|_| RequestError::Uri {
            shown: shown_uri(&uri),
            problem: if uri.len() >= u16::MAX as usize {
                format!("it is {} bytes long; the limit is 65,534", uri.len())
            } else {
                "expected a path and optional query such as `/internal/stats?x=1`, with \
                 characters a URI allows"
                    .to_owned()
            },
        })?;
        // Filled in place: `Request::builder` moves its parts at every call, which shows in a
        // matrix that builds dozens of requests.
        let mut request = Request::new(self.body.clone());
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = parsed;
        let headers = request.headers_mut();
        headers.reserve(self.headers.len() + 1);
        for (name, value) in self.all_headers() {
            headers.append(name, value);
        }
        if let Some(clock) = self.clock {
            request.extensions_mut().insert(clock);
        }
        Ok(request)
    }

    /// The request.
    ///
    /// # Panics
    ///
    /// On what [`try_build`](Self::try_build) rejects, at the caller's line.
    #[track_caller]
    pub fn build(self) -> Request<Bytes> {
        match self.try_build() {
            Ok(request) => request,
            Err(error) => panic!("TestRequest: {error}"),
        }
    }
}

/// The URI as errors and `Debug` show it: its first path segment, at most 80 characters.
/// Later segments and the query may carry a credential (`/callback/<token>`), and a request
/// knows no env to redact with. The matrix's `ProtectedRoute` shows its URI with it too.
pub(crate) fn shown_uri(uri: &str) -> String {
    let path = uri.split('?').next().unwrap_or_default();
    let first_end = path
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == '/')
        .map_or(path.len(), |(i, _)| i);
    let first = &path[..first_end];
    let mut shown: String = first.chars().take(80).collect();
    if shown.len() < first.len() {
        shown.push('…');
    }
    if first_end < path.len() {
        shown.push_str("/…");
    }
    if path.len() < uri.len() {
        shown.push_str("?…");
    }
    shown
}

/// Method, path and header names only: header values and the query may hold credentials.
impl fmt::Debug for TestRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("TestRequest")
            .field("method", &self.method)
            .field("uri", &shown_uri(&self.full_uri()))
            .field("headers", &names)
            .field("cookies", &self.cookies.len())
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl From<TestRequest> for Request<Bytes> {
    #[track_caller]
    fn from(request: TestRequest) -> Self {
        request.build()
    }
}

/// Whether a cookie value can carry `value` as it is: no control character, space, `;`, `,`,
/// quote or backslash. The one cookie rule: [`TestRequest::cookie`] applies it, and so does the
/// matrix (`checks/matrix/preflight.rs`, `plan.rs`) before putting a secret in a cookie.
pub(crate) fn cookie_safe(value: &str) -> bool {
    !value.contains(|c: char| c.is_ascii_control() || matches!(c, ' ' | ';' | ',' | '"' | '\\'))
}

/// Whether `name` can name a cookie: not empty, no `=`, and [`cookie_safe`].
pub(crate) fn cookie_name_ok(name: &str) -> bool {
    !name.is_empty() && !name.contains('=') && cookie_safe(name)
}
