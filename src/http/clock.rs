//! The time a request is sent at, as the test decides: never the wall clock.

use http::Request;

/// The instant a request is sent at, in Unix seconds, chosen by the test (or the matrix) —
/// never read from the wall clock, so timestamp checks are deterministic.
///
/// The matrix puts one in every request's extensions (and [`TestRequest::at`] does for a
/// single request). A handler that checks webhook timestamps takes "now" as a parameter; in
/// tests the client closure passes [`TestClock::of`] the request, in production the entry
/// point passes the platform's clock (`worker::Date::now()`):
///
/// ```
/// use devflare_test::prelude::*;
/// use devflare_test::client::TestClock;
///
/// async fn handle(request: &http::Request<bytes::Bytes>, now: u64) -> http::Response<String> {
///     http::Response::new(now.to_string())
/// }
///
/// let env = secrets_env! { API_TOKEN => "test-token" };
/// let client = TestClient::new(&env, async |request, _env| {
///     handle(&request, TestClock::of(&request).unix_secs()).await
/// });
/// client
///     .send_blocking(TestRequest::get("/").at(TestClock::at(1_700_000_000)))
///     .assert_body("1700000000");
/// ```
///
/// [`TestRequest::at`]: crate::TestRequest::at
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TestClock(u64);

impl TestClock {
    /// What [`of`](Self::of) gives for a request that carries no clock:
    /// 2026-01-01T00:00:00Z.
    pub const DEFAULT: TestClock = TestClock(1_767_225_600);

    /// The instant `unix_secs` seconds after 1970-01-01T00:00:00Z.
    pub const fn at(unix_secs: u64) -> Self {
        Self(unix_secs)
    }

    /// Seconds since the Unix epoch.
    pub const fn unix_secs(self) -> u64 {
        self.0
    }

    /// The clock a request carries in its extensions, or [`DEFAULT`](Self::DEFAULT).
    pub fn of<B>(request: &Request<B>) -> Self {
        request
            .extensions()
            .get::<TestClock>()
            .copied()
            .unwrap_or(Self::DEFAULT)
    }
}

impl Default for TestClock {
    fn default() -> Self {
        Self::DEFAULT
    }
}
