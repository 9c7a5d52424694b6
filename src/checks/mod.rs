//! The checks a test runs on what a handler did: read-log assertions (and, beside them,
//! redaction, the leak scan, snapshots and the protected-route matrix).

mod read_log_assert;
