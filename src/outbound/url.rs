//! URLs as the fake upstream needs them: an absolute `http::Uri` split into origin, path and
//! query with the byte ranges of each part (so a secret found in the URL can be placed), and
//! a redirect's `Location` resolved against the URL it came from.
//!
//! Hand-written rather than the `url` crate: the fake needs origin comparison and RFC 3986
//! reference resolution only, and `url` would add IDNA and Unicode tables to every test build.

use std::ops::Range;

use http::Uri;

use super::part::RequestPart;

/// An absolute URL, written out once, with where each part sits in the text.
#[derive(Debug, Clone)]
pub(crate) struct ParsedUrl {
    /// `scheme://authority/path?query`, as sent.
    pub(crate) text: String,
    /// Lower-case scheme: `https`.
    pub(crate) scheme: String,
    /// `scheme://host[:port]`, lower case, the default port left out: what rules compare.
    pub(crate) origin: String,
    /// `host[:port]` as in `origin`.
    pub(crate) host_port: String,
    userinfo: Range<usize>,
    host: Range<usize>,
    path: Range<usize>,
    query: Range<usize>,
}

impl ParsedUrl {
    /// Parses an absolute `http:` or `https:` URI; the error says what is wrong with it.
    pub(crate) fn parse(uri: &Uri) -> Result<Self, String> {
        let scheme = uri
            .scheme_str()
            .ok_or("not an absolute URL: fetch needs `https://host/path`")?
            .to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(format!(
                "the scheme `{scheme}` is not fetched: use `https://` (or `http://`)"
            ));
        }
        let authority = uri.authority().ok_or("the URL has no host")?;
        let host = authority.host().to_ascii_lowercase();
        if host.is_empty() {
            return Err("the URL has no host".to_owned());
        }
        let default_port = if scheme == "https" { 443 } else { 80 };
        let host_port = match authority.port_u16() {
            Some(port) if port != default_port => format!("{host}:{port}"),
            _ => host.clone(),
        };
        let origin = format!("{scheme}://{host_port}");

        let mut text = format!("{scheme}://");
        let authority_start = text.len();
        text.push_str(authority.as_str());
        let (userinfo, host_range) = match authority.as_str().rfind('@') {
            Some(at) => (
                authority_start..authority_start + at,
                authority_start + at + 1..text.len(),
            ),
            None => (
                authority_start..authority_start,
                authority_start..text.len(),
            ),
        };
        let path_start = text.len();
        text.push_str(if uri.path().is_empty() {
            "/"
        } else {
            uri.path()
        });
        let path = path_start..text.len();
        let query = match uri.query() {
            Some(query) => {
                text.push('?');
                let start = text.len();
                text.push_str(query);
                start..text.len()
            }
            None => text.len()..text.len(),
        };
        Ok(Self {
            text,
            scheme,
            origin,
            host_port,
            userinfo,
            host: host_range,
            path,
            query,
        })
    }

    /// The path, `/` at least.
    pub(crate) fn path(&self) -> &str {
        &self.text[self.path.clone()]
    }

    /// Which part of the URL the byte at `offset` of `text` belongs to.
    pub(crate) fn part_at(&self, offset: usize) -> RequestPart {
        if self.query.start > self.path.end && offset >= self.query.start - 1 {
            RequestPart::UrlQuery
        } else if offset >= self.path.start {
            RequestPart::UrlPath
        } else if offset >= self.host.start {
            RequestPart::UrlHost
        } else if !self.userinfo.is_empty() && offset >= self.userinfo.start {
            RequestPart::UrlUserinfo
        } else {
            RequestPart::UrlHost
        }
    }

    /// `location` (a redirect's `Location` header) resolved against this URL, as RFC 3986
    /// section 5.2 resolves a reference; any fragment is dropped.
    pub(crate) fn resolve(&self, location: &str) -> Result<Uri, String> {
        let location = location.split('#').next().unwrap_or_default().trim();
        let has_scheme = location
            .split_once(':')
            .is_some_and(|(scheme, _)| is_scheme(scheme));
        let absolute = if has_scheme {
            location.to_owned()
        } else if let Some(rest) = location.strip_prefix("//") {
            format!("{}://{rest}", self.scheme)
        } else if location.starts_with('/') {
            let (path, query) = split_query(location);
            format!("{}{}{}", self.origin, remove_dot_segments(path), query)
        } else if location.is_empty() {
            self.text.clone()
        } else if location.starts_with('?') {
            format!("{}{}{location}", self.origin, self.path())
        } else {
            let base = self.path();
            let directory = &base[..=base.rfind('/').unwrap_or(0)];
            let (path, query) = split_query(location);
            let merged = format!("{directory}{path}");
            format!("{}{}{}", self.origin, remove_dot_segments(&merged), query)
        };
        absolute
            .parse::<Uri>()
            .map_err(|error| format!("the redirect's `Location` is not a valid URL: {error}"))
    }
}

fn is_scheme(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn split_query(reference: &str) -> (&str, &str) {
    match reference.find('?') {
        Some(at) => reference.split_at(at),
        None => (reference, ""),
    }
}

/// RFC 3986 section 5.2.4, on a path that starts with `/`.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    let mut trailing_slash = false;
    for (index, segment) in segments.iter().enumerate() {
        match *segment {
            "." => trailing_slash = index == last,
            ".." => {
                out.pop();
                trailing_slash = index == last;
            }
            other => {
                out.push(other);
                trailing_slash = false;
            }
        }
    }
    let mut resolved = format!("/{}", out.join("/"));
    if trailing_slash && !resolved.ends_with('/') {
        resolved.push('/');
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> ParsedUrl {
        ParsedUrl::parse(&text.parse().unwrap()).unwrap()
    }

    #[test]
    fn origins_leave_out_the_default_port_and_ignore_case() {
        assert_eq!(
            url("HTTPS://API.Example:443/x").origin,
            "https://api.example"
        );
        assert_eq!(url("http://a.example:8080").origin, "http://a.example:8080");
        assert_eq!(url("https://a.example").path(), "/");
    }

    #[test]
    fn places_each_part() {
        let parsed = url("https://user:pw@a.example/p/q?key=v");
        let at = |needle: &str| parsed.part_at(parsed.text.find(needle).unwrap());
        assert_eq!(at("user"), RequestPart::UrlUserinfo);
        assert_eq!(at("a.example"), RequestPart::UrlHost);
        assert_eq!(at("/p/q"), RequestPart::UrlPath);
        assert_eq!(at("key"), RequestPart::UrlQuery);
        assert_eq!(at("?key"), RequestPart::UrlQuery);
    }

    #[test]
    fn resolves_references_as_rfc_3986_does() {
        let base = url("https://a.example/b/c/d?q");
        let resolve = |reference: &str| base.resolve(reference).unwrap().to_string();
        assert_eq!(
            resolve("https://other.example/x"),
            "https://other.example/x"
        );
        assert_eq!(resolve("//other.example/x"), "https://other.example/x");
        assert_eq!(resolve("/x?y=1"), "https://a.example/x?y=1");
        assert_eq!(resolve("g"), "https://a.example/b/c/g");
        assert_eq!(resolve("../g"), "https://a.example/b/g");
        assert_eq!(resolve("./"), "https://a.example/b/c/");
        assert_eq!(resolve("?y"), "https://a.example/b/c/d?y");
        assert_eq!(resolve("g#frag"), "https://a.example/b/c/g");
        assert!(base.resolve("https://bad host/").is_err());
    }

    #[test]
    fn refuses_what_fetch_cannot_load() {
        assert!(ParsedUrl::parse(&"/relative".parse().unwrap()).is_err());
        assert!(ParsedUrl::parse(&"ftp://a.example/".parse().unwrap()).is_err());
    }
}
