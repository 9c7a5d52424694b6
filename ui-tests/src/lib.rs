//! Compile-fail tests only: see `tests/ui.rs`. This crate is not published.
