#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod admin;
mod builder;
mod cli;
mod declared;
mod env;
mod error;
mod fault;
mod fixture_file;
mod local;
mod macros;
mod read_log;
mod reference;
mod runtime;
mod store;
mod suggest;
pub mod validate;
mod wrangler_config;

pub use admin::SecretsAdmin;
pub use builder::SecretsEnvBuilder;
pub use env::{SecretBinding, SecretsEnv};
pub use error::{Error, Origin, SecretError};
pub use fixture_file::EmbeddedFile;
pub use read_log::{BindingReads, ReadLog};
pub use reference::{DEFAULT_STORE_ID, SecretRef};
pub use runtime::block_on;

/// The file readers: wrangler config and fixture files, with positions and precise errors.
pub use devflare_config as config;
pub use devflare_config::{ConfigError, ConfigErrorKind};

/// The seam traits, re-exported so tests need no direct dependency on `devflare-bindings`.
pub use devflare_bindings::{SecretsStoreEnv, SecretsStoreSecret};

/// Everything a test usually needs: `use devflare_test::prelude::*;`.
pub mod prelude {
    pub use crate::{
        SecretBinding, SecretError, SecretRef, SecretsAdmin, SecretsEnv, SecretsEnvBuilder,
        SecretsStoreEnv, SecretsStoreSecret, block_on, include_fixture, manifest_path, secrets_env,
    };
}

/// Not public API. The `devflare-secrets` binary's implementation.
#[doc(hidden)]
pub mod __cli {
    pub use crate::cli::main;
}

/// Not public API. Referenced by macro-generated code.
#[doc(hidden)]
pub mod __private {
    use crate::{SecretsEnv, SecretsEnvBuilder};

    /// `secrets_env!`'s build step: a duplicate is a bug in the test, so it panics there.
    #[track_caller]
    pub fn build_or_panic(builder: SecretsEnvBuilder) -> SecretsEnv {
        match builder.build() {
            Ok(env) => env,
            Err(error) => panic!("secrets_env!: {error}"),
        }
    }
}
