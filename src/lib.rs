#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod admin;
mod builder;
mod declared;
mod env;
mod error;
mod fault;
mod fixture_file;
mod http;
mod leak;
mod local;
mod macros;
mod matrix;
mod read_log;
mod read_log_assert;
mod redact;
mod reference;
mod runtime;
mod snapshot;
mod store;
mod suggest;
pub mod validate;
mod wrangler_config;

#[cfg(feature = "tower")]
pub use crate::http::ServiceHandler;
pub use crate::http::{
    CapturedResponse, ExpectedStatus, FnHandler, Handler, RequestError, SendError, TestClient,
    TestRequest,
};
pub use admin::SecretsAdmin;
pub use builder::SecretsEnvBuilder;
pub use env::{SecretBinding, SecretsEnv};
pub use error::{Error, Origin, SecretError};
pub use fixture_file::EmbeddedFile;
pub use leak::{Leak, LeakLocation};
pub use matrix::{
    MIN_TOKEN_CHARS, MatrixError, MatrixFailure, MatrixReport, Outcome, ProtectedRoute, Scenario,
    ScenarioResult, StatusExpectation, Verdict,
};
pub use read_log::{BindingReads, ReadLog};
pub use redact::{Encoding, Redactor};
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
        CapturedResponse, ProtectedRoute, Scenario, SecretBinding, SecretError, SecretRef,
        SecretsAdmin, SecretsEnv, SecretsEnvBuilder, SecretsStoreEnv, SecretsStoreSecret,
        TestClient, TestRequest, assert_body, assert_header, assert_json, assert_matrix_snapshot,
        assert_read_log_snapshot, assert_response_snapshot, assert_status, block_on,
        include_fixture, manifest_path, secrets_env,
    };
}

/// Not public API. Referenced by macro-generated code.
#[doc(hidden)]
pub mod __private {
    use crate::{SecretsEnv, SecretsEnvBuilder};

    pub use insta;
    pub use serde_json;

    /// The snapshot macros' renderers.
    pub mod snapshot {
        pub use crate::snapshot::{matrix_text, read_log_text, response_text};
    }

    /// `secrets_env!`'s build step: a duplicate is a bug in the test, so it panics there.
    #[track_caller]
    pub fn build_or_panic(builder: SecretsEnvBuilder) -> SecretsEnv {
        match builder.build() {
            Ok(env) => env,
            Err(error) => panic!("secrets_env!: {error}"),
        }
    }
}
