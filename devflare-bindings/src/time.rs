//! The time a request is handled at, as a request extension: how a handler that checks
//! timestamps (webhook signatures, token expiry) reads "now" without a wall clock of its own.

/// The instant a request is handled at, in Unix seconds, carried in the request's extensions.
///
/// In production the Worker's entry point inserts it from the platform's clock
/// (`worker::Date::now()`); in tests devflare-test's client inserts the request's
/// `TestClock`, so the same handler sees the time the test chose. In an axum `Router`, read it
/// with the `Extension<RequestTime>` extractor:
///
/// ```
/// use devflare_bindings::RequestTime;
///
/// // Production entry point (wasm32), before handing the request to the router:
/// // request.extensions_mut().insert(RequestTime::from_unix_millis(worker::Date::now().as_millis()));
/// assert_eq!(RequestTime::from_unix_millis(1_700_000_000_999).unix_secs(), 1_700_000_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestTime(u64);

impl RequestTime {
    /// The instant `unix_secs` seconds after 1970-01-01T00:00:00Z.
    pub const fn at(unix_secs: u64) -> Self {
        Self(unix_secs)
    }

    /// From milliseconds since the Unix epoch (what `worker::Date::now().as_millis()` gives).
    pub const fn from_unix_millis(millis: u64) -> Self {
        Self(millis / 1000)
    }

    /// Seconds since the Unix epoch.
    pub const fn unix_secs(self) -> u64 {
        self.0
    }
}
