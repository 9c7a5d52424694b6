//! One integration-test binary (once_cell's layout): each module is one concern.

mod classic;
mod concurrency;
mod config;
mod hygiene;
mod local;
mod malformed_corpus;
mod miniflare;
mod panic_locations;
mod semantics;

// Shared by the HTTP modules below: canary values and the handlers under test.
mod canaries;
mod routes;

mod broken_handlers;
mod credential_kinds;
mod http_helpers;
mod leak_encodings;
mod leak_scan;
mod matrix;
mod matrix_judgements;
mod matrix_outbound;
mod matrix_probes;
mod outbound;
mod read_log_asserts;
#[cfg(feature = "remote")]
mod remote;
#[cfg(feature = "webhooks")]
mod signed_snapshots;
mod snap_files;
#[cfg(feature = "snapshots")]
mod snapshots;
