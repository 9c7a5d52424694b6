//! The fake upstream's routes: a method (or `*`) and a URL pattern, answered with a canned
//! [`FakeResponse`]; and the "closest first" order in which an unmatched request lists them.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Response, StatusCode};

use super::error::UpstreamError;
use super::url::ParsedUrl;

/// A canned response of the fake upstream: a status, headers and a body.
///
/// ```
/// use devflare_test::outbound::FakeResponse;
///
/// let ok = FakeResponse::json(200, r#"{"total":3}"#);
/// let moved = FakeResponse::redirect(301, "https://api.partner.example/v2/report");
/// let limited = FakeResponse::new(429).header("retry-after", "1").body("slow down");
/// # let _ = (ok, moved, limited);
/// ```
#[derive(Clone)]
pub struct FakeResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Bytes,
}

impl FakeResponse {
    /// A response with `status` and no body. The status is checked when the route is added.
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// A JSON response: `status`, `content-type: application/json`, `body`.
    pub fn json(status: u16, body: impl Into<Bytes>) -> Self {
        Self::new(status)
            .header("content-type", "application/json")
            .body(body)
    }

    /// A redirect to `location` (absolute or relative to the request's URL): `status` should be
    /// 301, 302, 303, 307 or 308, which the fetcher follows.
    pub fn redirect(status: u16, location: impl Into<String>) -> Self {
        Self::new(status).header("location", location)
    }

    /// Adds a header (appended: a name may repeat). Checked when the route is added.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// The response as `http` types, or what is wrong with it.
    pub(crate) fn build(&self) -> Result<Built, UpstreamError> {
        let status = StatusCode::from_u16(self.status)
            .ok()
            .filter(|status| status.as_u16() >= 200)
            .ok_or_else(|| UpstreamError::InvalidResponse {
                reason: format!(
                    "the status {} is not a final HTTP status (200 to 999)",
                    self.status
                ),
            })?;
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                UpstreamError::InvalidResponse {
                    reason: format!("`{}` is not a header name", name.escape_debug()),
                }
            })?;
            let header_value =
                HeaderValue::from_str(value).map_err(|_| UpstreamError::InvalidResponse {
                    reason: format!("the value of header `{name}` is not a valid header value"),
                })?;
            headers.append(header_name, header_value);
        }
        Ok(Built {
            status,
            headers,
            body: self.body.clone(),
        })
    }
}

impl fmt::Debug for FakeResponse {
    // Header values and the body are the test's own, but may hold a fixture value: never shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("FakeResponse")
            .field("status", &self.status)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A checked [`FakeResponse`], ready to hand out.
#[derive(Clone)]
pub(crate) struct Built {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Built {
    pub(crate) fn response(&self) -> Response<Bytes> {
        let mut response = Response::new(self.body.clone());
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response
    }
}

/// Which URLs a route answers. See [`FakeUpstream::route`](super::FakeUpstream::route).
#[derive(Clone, Debug, PartialEq, Eq)]
enum UrlPattern {
    /// This origin, this path exactly.
    Exact { origin: String, path: String },
    /// This origin, any path starting with `prefix` (`/` for every path of the origin).
    Prefix { origin: String, prefix: String },
}

/// One route: a method (`None` for `*`), a URL pattern and the response.
#[derive(Clone)]
pub(crate) struct Route {
    method: Option<Method>,
    pattern: UrlPattern,
    /// `METHOD pattern` as the test wrote it, normalised: how errors list the route.
    pub(crate) label: String,
    pub(crate) response: Built,
}

impl Route {
    pub(crate) fn new(
        method: &str,
        pattern: &str,
        response: &FakeResponse,
    ) -> Result<Self, UpstreamError> {
        let method = match method {
            "*" => None,
            other => Some(
                normalize_method(other).ok_or_else(|| UpstreamError::InvalidMethod {
                    method: other.escape_debug().to_string(),
                })?,
            ),
        };
        let pattern = parse_pattern(pattern)?;
        let label = format!(
            "{} {}",
            method.as_ref().map_or("*", Method::as_str),
            match &pattern {
                UrlPattern::Exact { origin, path } => format!("{origin}{path}"),
                UrlPattern::Prefix { origin, prefix } => format!("{origin}{prefix}*"),
            }
        );
        Ok(Self {
            method,
            pattern,
            label,
            response: response.build()?,
        })
    }

    pub(crate) fn matches(&self, method: &Method, url: &ParsedUrl) -> bool {
        if self.method.as_ref().is_some_and(|wanted| wanted != method) {
            return false;
        }
        match &self.pattern {
            UrlPattern::Exact { origin, path } => *origin == url.origin && path == url.path(),
            UrlPattern::Prefix { origin, prefix } => {
                *origin == url.origin && url.path().starts_with(prefix.as_str())
            }
        }
    }

    /// How close this route is to a request it did not match: lower is closer. Same origin
    /// first, then the longest shared path prefix, then the same method.
    pub(crate) fn distance(&self, method: &Method, url: &ParsedUrl) -> (bool, usize, bool) {
        let (origin, path) = match &self.pattern {
            UrlPattern::Exact { origin, path } => (origin, path),
            UrlPattern::Prefix { origin, prefix } => (origin, prefix),
        };
        let shared = path
            .bytes()
            .zip(url.path().bytes())
            .take_while(|(a, b)| a == b)
            .count();
        (
            *origin != url.origin,
            usize::MAX - shared,
            self.method.as_ref().is_some_and(|wanted| wanted != method),
        )
    }
}

/// Fetch normalises these six methods' case (`get` → `GET`); others are sent as written.
pub(crate) fn normalize_method(method: &str) -> Option<Method> {
    const NORMALISED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    let upper = method.to_ascii_uppercase();
    let name = if NORMALISED.contains(&upper.as_str()) {
        upper.as_str()
    } else {
        method
    };
    Method::from_bytes(name.as_bytes()).ok()
}

fn parse_pattern(pattern: &str) -> Result<UrlPattern, UpstreamError> {
    let invalid = |reason: &str| UpstreamError::InvalidPattern {
        pattern: pattern.escape_debug().to_string(),
        reason: reason.to_owned(),
    };
    if pattern.contains(['?', '#']) {
        return Err(invalid(
            "a pattern matches the origin and path only; the query string is not matched (the egress rules look at it)",
        ));
    }
    let (text, wildcard) = match pattern.strip_suffix('*') {
        Some(text) => (text, true),
        None => (pattern, false),
    };
    if text.contains('*') {
        return Err(invalid("`*` may only end a pattern"));
    }
    let uri: http::Uri = text.parse().map_err(|_| {
        invalid("not an absolute URL: write `https://host/path`, `https://host/prefix/*` or `https://host/*`")
    })?;
    let url = ParsedUrl::parse(&uri).map_err(|reason| invalid(&reason))?;
    let origin = url.origin.clone();
    // `https://host` (with `*` or without) is the whole origin; `https://host/` its root.
    let explicit_path = text.ends_with('/') || !matches!(uri.path(), "" | "/");
    Ok(if !explicit_path {
        UrlPattern::Prefix {
            origin,
            prefix: "/".to_owned(),
        }
    } else if wildcard {
        UrlPattern::Prefix {
            origin,
            prefix: url.path().to_owned(),
        }
    } else {
        UrlPattern::Exact {
            origin,
            path: url.path().to_owned(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &str, pattern: &str) -> Route {
        Route::new(method, pattern, &FakeResponse::new(200)).unwrap()
    }

    fn hits(route: &Route, method: Method, url: &str) -> bool {
        route.matches(&method, &ParsedUrl::parse(&url.parse().unwrap()).unwrap())
    }

    #[test]
    fn exact_urls_match_that_path_whatever_the_query() {
        let r = route("GET", "https://api.example/v1/report");
        assert!(hits(&r, Method::GET, "https://api.example/v1/report"));
        assert!(hits(
            &r,
            Method::GET,
            "https://API.example:443/v1/report?x=1"
        ));
        assert!(!hits(&r, Method::GET, "https://api.example/v1/report/2"));
        assert!(!hits(&r, Method::POST, "https://api.example/v1/report"));
        assert!(!hits(&r, Method::GET, "http://api.example/v1/report"));
        assert_eq!(r.label, "GET https://api.example/v1/report");
    }

    #[test]
    fn prefixes_and_whole_origins() {
        let prefix = route("*", "https://api.example/v1/*");
        assert!(hits(&prefix, Method::POST, "https://api.example/v1/a/b"));
        assert!(!hits(&prefix, Method::GET, "https://api.example/v2/a"));
        for pattern in [
            "https://api.example/*",
            "https://api.example",
            "https://api.example*",
        ] {
            let any = route("get", pattern);
            assert!(hits(&any, Method::GET, "https://api.example/"), "{pattern}");
            assert!(
                hits(&any, Method::GET, "https://api.example/x/y"),
                "{pattern}"
            );
            assert!(
                !hits(&any, Method::GET, "https://other.example/"),
                "{pattern}"
            );
            assert_eq!(any.label, "GET https://api.example/*");
        }
    }

    #[test]
    fn bad_patterns_say_why() {
        let err = |method: &str, pattern: &str| {
            Route::new(method, pattern, &FakeResponse::new(200))
                .err()
                .unwrap()
                .to_string()
        };
        assert!(err("GET", "/v1/report").contains("not an absolute URL"));
        assert!(err("GET", "https://a.example/?k=v").contains("query string"));
        assert!(err("GET", "https://a.example/*/x").contains("`*` may only end"));
        assert!(err("G T", "https://a.example/").contains("method"));
        let status = Route::new("GET", "https://a.example/", &FakeResponse::new(99));
        assert!(status.err().unwrap().to_string().contains("status 99"));
    }
}
