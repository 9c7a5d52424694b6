//! Where in an outbound request a value sat: the place an egress violation names, found by the
//! URL parser (which part of the URL an offset falls in) and the egress scan alike.

use std::fmt;

/// Where in an outbound request a value sat.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum RequestPart {
    /// The URL's user-info (`https://user:password@host/`).
    UrlUserinfo,
    /// The URL's host.
    UrlHost,
    /// The URL's path.
    UrlPath,
    /// The URL's query string (proxies, servers and analytics log it).
    UrlQuery,
    /// The name of a header (the name is not shown: it holds the value).
    HeaderName,
    /// The value of a header, by (lower-case) name.
    Header(String),
    /// The body, at this byte offset.
    Body {
        /// Byte offset of the first byte of the match.
        offset: usize,
    },
}

impl RequestPart {
    pub(crate) fn in_url(&self) -> bool {
        matches!(
            self,
            Self::UrlUserinfo | Self::UrlHost | Self::UrlPath | Self::UrlQuery
        )
    }

    /// The part without its offset, for reporting each place once.
    pub(crate) fn key(&self) -> Self {
        match self {
            Self::Body { .. } => Self::Body { offset: 0 },
            other => other.clone(),
        }
    }
}

impl fmt::Display for RequestPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UrlUserinfo => f.write_str("the URL's user-info"),
            Self::UrlHost => f.write_str("the URL's host"),
            Self::UrlPath => f.write_str("the URL's path"),
            Self::UrlQuery => f.write_str("the URL's query string"),
            Self::HeaderName => f.write_str("a header's name"),
            Self::Header(name) => write!(f, "header `{name}`"),
            Self::Body { offset } => write!(f, "the body at byte offset {offset}"),
        }
    }
}
