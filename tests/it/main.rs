//! One integration-test binary (once_cell's layout): each module is one concern.

mod concurrency;
mod config;
mod hygiene;
mod local;
mod miniflare;
mod semantics;
