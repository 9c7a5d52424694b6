//! Reads Cloudflare Secrets Store bindings from wrangler config and from devflare-test
//! fixture files, keeping the file position of every binding and value.
//!
//! This crate parses and locates; it holds no secrets store. `devflare-test` builds its fake
//! env from it, and a compile-time reader of wrangler config can reuse the same parser.
//!
//! - [`WranglerConfig`]: `secrets_store_secrets` from `wrangler.toml`, `wrangler.json` or
//!   `wrangler.jsonc` (comments and trailing commas allowed), top level or one `[env.NAME]`
//!   section (not inherited, as in wrangler); other keys are ignored; unknown keys inside a
//!   binding entry are [warnings](WranglerConfig::warnings), as wrangler only warns.
//! - [`FixtureFile`]: the same `[[secrets_store_secrets]]` entries plus values under
//!   `[stores."<store_id>"]`; unknown keys are errors.
//! - [`WranglerConfig::vars`] and [`WranglerConfig::required_secrets`]: `vars` (text or JSON)
//!   and `secrets.required`, per section, with positions.
//! - [`dotenv`]: `.dev.vars` and `.env` files, parsed as wrangler's `dotenv` does.
//! - [`devflare_local`]: Devflare's local values file `.devflare/secrets.local.json` — parse,
//!   locate and render it (and, with the `write` feature, write it under a lock, atomically).
//! - [`ConfigError`]: every error names the file, line and column, says what was expected
//!   and suggests the closest valid name; it never quotes a value from the file.
//!
//! Run-time paths must be absolute: a relative one would depend on the working directory,
//! which differs between `cargo test`, nextest and IDEs. Join it to `CARGO_MANIFEST_DIR`.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

mod bindings;
pub mod devflare_local;
mod document;
pub mod dotenv;
mod error;
mod fixture;
mod jsonc;
mod location;
mod repeat;
mod suggest;
mod toml_tree;
mod tree;
mod vars;
mod wrangler;

pub use bindings::BindingDecl;
pub use dotenv::{DotenvEntry, DotenvFile};
pub use error::{ConfigError, ConfigErrorKind, Warning};
pub use fixture::{FixtureFile, FixtureValue};
pub use location::{LineIndex, Location};
pub use suggest::{closest, did_you_mean};
pub use tree::Format;
pub use vars::{RequiredSecret, VarDecl, VarValue};
pub use wrangler::{OtherBinding, WranglerConfig};
