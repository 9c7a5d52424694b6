//! The checks a test runs on what a handler did: the protected-route matrix, redacted
//! snapshots and read-log assertions. Redaction and the leak scan they build on are a
//! foundation layer of their own (`crate::redact`).

pub mod matrix;
mod read_log_assert;
pub(crate) mod snapshot;
