//! The checks a test runs on what a handler did: redaction, the leak scan, redacted snapshots
//! and read-log assertions.

pub(crate) mod leak;
pub mod matrix;
mod read_log_assert;
pub(crate) mod redact;
#[cfg(feature = "webhooks")]
pub(crate) mod signed_requests;
pub(crate) mod snapshot;

pub(crate) use redact::Registered;
