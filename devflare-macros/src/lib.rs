//! The procedural macro behind `devflare_bindings::typed_env!`. Not meant to be used directly:
//! depend on `devflare-bindings` with the `typed-env` feature, whose `typed_env!` passes its
//! own path in, so the generated code names the seam traits wherever the crate is.
//!
//! Expansion is plain functions over `proc_macro2` (module `expand`), so it is unit-tested
//! without a compiler in the loop; the compile-time behaviour (errors, rebuilds) is tested with
//! trybuild and a scratch crate in `tests/`.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

mod config;
mod expand;
mod input;
mod naming;

use std::path::PathBuf;

use proc_macro::TokenStream;

/// `typed_env! { [path::to::devflare_bindings] pub struct Name from "wrangler.toml"; … }`;
/// see `devflare_bindings::typed_env!` for the user-facing syntax and what it generates.
#[proc_macro]
pub fn typed_env(input: TokenStream) -> TokenStream {
    // Cargo sets this for every crate it compiles; the config path is relative to it, so
    // results do not depend on the working directory.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    expand::expand(input.into(), manifest_dir.as_deref()).into()
}
