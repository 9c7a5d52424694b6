//! What status a scenario expects: a class, an exact code, or "anything but success".

use std::fmt;

use http::StatusCode;

/// A status expectation: a class (`4xx`), an exact code, or anything but a 2xx.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusExpectation {
    /// Any 2xx.
    Success,
    /// Any 4xx.
    ClientError,
    /// Any 5xx.
    ServerError,
    /// Anything but a 2xx.
    NotSuccess,
    /// Exactly this code.
    Exactly(StatusCode),
}

impl StatusExpectation {
    /// Whether `status` meets the expectation.
    pub fn matches(self, status: StatusCode) -> bool {
        match self {
            Self::Success => status.is_success(),
            Self::ClientError => status.is_client_error(),
            Self::ServerError => status.is_server_error(),
            Self::NotSuccess => !status.is_success(),
            Self::Exactly(expected) => status == expected,
        }
    }
}

impl fmt::Display for StatusExpectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Success => f.write_str("2xx"),
            Self::ClientError => f.write_str("4xx"),
            Self::ServerError => f.write_str("5xx"),
            Self::NotSuccess => f.write_str("not 2xx"),
            Self::Exactly(status) => write!(f, "{}", status.as_u16()),
        }
    }
}
