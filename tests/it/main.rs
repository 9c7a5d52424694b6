//! Integration tests, one binary (see STYLE.md): each concept in its own module.

mod canaries;
mod routes;

mod broken_handlers;
mod http_helpers;
mod leak_scan;
mod matrix;
mod read_log_asserts;
mod snap_files;
mod snapshots;
