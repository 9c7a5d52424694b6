//! The checks run on what a handler produced: redaction, the leak scan and redacted snapshots.

pub(crate) mod leak;
pub(crate) mod redact;
pub(crate) mod snapshot;

pub(crate) use redact::Registered;
