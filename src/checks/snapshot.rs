//! insta snapshots of responses, matrix reports and read logs, with every fixture secret
//! redacted to `[secret:BINDING]`.
//!
//! Each macro is a one-line wrapper over one hidden base macro, which renders the value to
//! redacted text *before* insta sees it and hands insta only a local variable: the snapshot
//! file's `expression:` metadata is `redacted`, never the caller's expression (which could
//! hold a literal token). insta is called through this crate's hidden re-export, so users need
//! no direct insta dependency.

use crate::http::CapturedResponse;

use crate::checks::matrix::MatrixReport;

use crate::env::ReadLog;

/// Redacted text of a response snapshot.
#[doc(hidden)]
pub fn response_text(response: &CapturedResponse) -> String {
    response.to_snapshot()
}

/// Redacted text of a matrix report snapshot.
#[doc(hidden)]
pub fn matrix_text(report: &MatrixReport) -> String {
    report.to_string()
}

/// Text of a read log snapshot (a read log never holds a value).
#[doc(hidden)]
pub fn read_log_text(log: &ReadLog) -> String {
    log.to_string()
}

/// Snapshots a [`CapturedResponse`](crate::CapturedResponse): the request line and headers,
/// the status, the headers (sorted; `date`, `content-length`, `cf-ray` dropped) and the body
/// (JSON pretty-printed), every fixture secret as `[secret:BINDING]`.
///
/// Three forms, as insta's: `assert_response_snapshot!(response)` (named after the test),
/// `assert_response_snapshot!("name", response)`, and inline
/// `assert_response_snapshot!(response, @"…")`.
#[macro_export]
macro_rules! assert_response_snapshot {
    ($($args:tt)+) => {
        $crate::__redacted_snapshot!($crate::__private::snapshot::response_text, $($args)+)
    };
}

/// Snapshots a [`MatrixReport`](crate::matrix::MatrixReport) (same three forms as
/// [`assert_response_snapshot!`](crate::assert_response_snapshot)).
#[macro_export]
macro_rules! assert_matrix_snapshot {
    ($($args:tt)+) => {
        $crate::__redacted_snapshot!($crate::__private::snapshot::matrix_text, $($args)+)
    };
}

/// Snapshots a [`ReadLog`](crate::secrets::ReadLog) (same three forms as
/// [`assert_response_snapshot!`](crate::assert_response_snapshot)).
#[macro_export]
macro_rules! assert_read_log_snapshot {
    ($($args:tt)+) => {
        $crate::__redacted_snapshot!($crate::__private::snapshot::read_log_text, $($args)+)
    };
}

/// Not public API: the base of the snapshot macros.
#[cfg(feature = "snapshots")]
#[doc(hidden)]
#[macro_export]
macro_rules! __redacted_snapshot {
    ($render:path, $value:expr, @$snapshot:literal $(,)?) => {{
        let redacted = $render(&$value);
        $crate::__private::insta::assert_snapshot!(redacted, @$snapshot);
    }};
    ($render:path, $name:expr, $value:expr $(,)?) => {{
        let redacted = $render(&$value);
        $crate::__private::insta::assert_snapshot!($name, redacted);
    }};
    ($render:path, $value:expr $(,)?) => {{
        let redacted = $render(&$value);
        $crate::__private::insta::assert_snapshot!(redacted);
    }};
}

/// Not public API: the base of the snapshot macros without the `snapshots` feature (no insta).
#[cfg(not(feature = "snapshots"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __redacted_snapshot {
    ($($args:tt)*) => {
        ::core::compile_error!(
            "the snapshot macros need devflare-test's `snapshots` feature (it compiles insta): \
             in Cargo.toml, write `devflare-test = { version = \"0.1\", features = [\"snapshots\"] }`"
        )
    };
}
