//! [devflare-test](https://docs.rs/devflare-test), linked as a shared library (`dylib`).
//!
//! Depend on it under devflare-test's name and nothing else changes — the same items, paths,
//! macros and features:
//!
//! ```toml
//! [dev-dependencies]
//! devflare-test = { package = "devflare-test-dylib", version = "0.1" }
//! ```
//!
//! # Why
//!
//! A test binary that links devflare-test statically makes the linker read devflare-test's
//! objects and those of its dependencies (tens of megabytes) on every edit. Linked
//! against this shared library instead, relinking after a change to a test file or to the
//! handler reads only the test binary's own objects and the library's symbol table
//! (devflare-test's README has the edit loop measured both ways, by `scripts/edit-loop/run`).
//! The library itself is linked once, when a dependency changes.
//!
//! # Contract
//!
//! - Exactly devflare-test's public API: everything is re-exported from it, and its macros
//!   still expand to paths in `devflare_test`, which this library contains.
//! - devflare-test's features are forwarded one for one (`tower`, `webhooks`, `snapshots`,
//!   `remote`, `wrangler-state`).
//! - Rust's standard library is linked dynamically too (a dylib requires it). `cargo test` and
//!   `cargo nextest run` put the toolchain's library folder on the loader's path; a test
//!   binary started by hand needs it there (`LD_LIBRARY_PATH`, `DYLD_FALLBACK_LIBRARY_PATH`).
//! - Not for a crate that links another Rust shared library built from the same
//!   dependencies: rustc refuses to link one crate twice. Depend on devflare-test there.

#[doc(no_inline)]
pub use devflare_test::*;
