//! Fixture files: bindings in wrangler's `[[secrets_store_secrets]]` shape and values under
//! `[stores."<store_id>"]`, read at run time from an absolute path or embedded at compile time
//! relative to `CARGO_MANIFEST_DIR` — never relative to the working directory.

use std::path::Path;
use std::sync::Arc;

use devflare_config::FixtureFile;

use super::builder::{SecretsEnvBuilder, ValueSource};
use crate::env::SecretRef;
use crate::error::Origin;

/// A file's text embedded at compile time, with its path kept for error messages. Made by
/// [`include_fixture!`](crate::include_fixture).
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct EmbeddedFile {
    /// The absolute path the text was read from at compile time.
    pub path: &'static str,
    /// The file's text.
    pub text: &'static str,
}

impl EmbeddedFile {
    /// Not public API: what [`include_fixture!`](crate::include_fixture) expands to.
    #[doc(hidden)]
    pub const fn __new(path: &'static str, text: &'static str) -> Self {
        Self { path, text }
    }
}

/// The path only: the text may hold secret values.
impl std::fmt::Debug for EmbeddedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EmbeddedFile({})", self.path)
    }
}

impl SecretsEnvBuilder {
    /// Adds the bindings and values of the fixture file at `path`, read now. The path must
    /// be absolute — see [`manifest_path!`](crate::manifest_path); errors surface in
    /// [`build`](Self::build).
    ///
    /// Values rank between explicit values (which override them) and local values.
    pub fn fixture_file(self, path: impl AsRef<Path>) -> Self {
        match FixtureFile::load(path) {
            Ok(fixture) => self.fixture(&fixture),
            Err(error) => self.defer_error(error.into()),
        }
    }

    /// Adds a fixture file's bindings and values from its text; `label` names it in errors.
    pub fn fixture_str(self, label: impl AsRef<Path>, text: &str) -> Self {
        match FixtureFile::parse(text, label) {
            Ok(fixture) => self.fixture(&fixture),
            Err(error) => self.defer_error(error.into()),
        }
    }

    /// Adds a fixture file embedded at compile time with
    /// [`include_fixture!`](crate::include_fixture).
    pub fn embedded_fixture(self, file: EmbeddedFile) -> Self {
        self.fixture_str(file.path, file.text)
    }

    /// Adds the bindings and values of an already parsed fixture file.
    pub fn fixture(mut self, fixture: &FixtureFile) -> Self {
        for decl in fixture.bindings() {
            self = self.bind_from(
                decl.binding().to_owned(),
                SecretRef::new(decl.store_id(), decl.secret_name()),
                Origin::from(decl.location()),
            );
        }
        for value in fixture.values() {
            self = self.value_from(
                SecretRef::new(value.store_id(), value.secret_name()),
                Arc::from(value.expose_value()),
                ValueSource::FixtureFile,
                Origin::from(value.location()),
            );
        }
        self
    }
}

/// Embeds a file at compile time, by a path relative to the calling crate's
/// `CARGO_MANIFEST_DIR`, keeping its absolute path for error messages. Give it to
/// [`SecretsEnvBuilder::embedded_fixture`].
///
/// ```
/// use devflare_test::prelude::*;
///
/// let env = SecretsEnv::builder()
///     .embedded_fixture(devflare_test::include_fixture!("fixtures/secrets.toml"))
///     .build()
///     .unwrap();
/// assert!(env.reference("API_TOKEN").is_some());
/// ```
#[macro_export]
macro_rules! include_fixture {
    ($path:literal) => {
        $crate::secrets::EmbeddedFile::__new(
            ::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/", $path),
            ::core::include_str!(::core::concat!(
                ::core::env!("CARGO_MANIFEST_DIR"),
                "/",
                $path
            )),
        )
    };
}

/// The absolute path of a file given relative to the calling crate's `CARGO_MANIFEST_DIR`,
/// as a `&'static Path`: run-time file sources take absolute paths only, so a test gives the
/// same result from any working directory.
///
/// ```
/// let path = devflare_test::manifest_path!("fixtures/wrangler.toml");
/// assert!(path.is_absolute());
/// assert!(path.ends_with("fixtures/wrangler.toml"));
/// ```
#[macro_export]
macro_rules! manifest_path {
    ($path:literal) => {
        ::std::path::Path::new(::core::concat!(
            ::core::env!("CARGO_MANIFEST_DIR"),
            "/",
            $path
        ))
    };
}
