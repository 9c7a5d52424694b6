//! What builds an env: the builder and `secrets_env!` (explicit values in test code), fixture
//! files, wrangler config, typed fixtures from `typed_env!`, and local values — layered by
//! precedence (explicit > fixture file > local).

pub(crate) mod builder;
mod declared;
mod dev_vars;
mod fixture_file;
mod local;
mod macros;
mod plain;
pub mod validate;
mod wrangler_config;

pub use builder::SecretsEnvBuilder;
pub use fixture_file::EmbeddedFile;
