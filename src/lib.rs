//! Deterministic in-memory Cloudflare **Secrets Store** bindings for native `cargo test` of Rust
//! Workers — no workerd, Node or Cloudflare account.
//!
//! A handler written once against the seam traits of
//! [`devflare_bindings`](https://docs.rs/devflare-bindings)
//! ([`SecretsStoreEnv`], [`SecretsStoreSecret`]) runs on workers-rs in production and against
//! this crate's fakes in tests:
//!
//! ```
//! use devflare_test::prelude::*;
//!
//! # block_on(async {
//! let env = secrets_env! { API_TOKEN => "test-token" };
//! let token = env.secret_store("API_TOKEN").unwrap().get().await.unwrap();
//! assert_eq!(token.as_deref(), Some("test-token"));
//!
//! // A missing secret is an error with Miniflare's text, as in production.
//! env.admin().delete("API_TOKEN").unwrap();
//! let missing = env.secret_store("API_TOKEN").unwrap().get().await.unwrap_err();
//! assert_eq!(missing.to_string(), r#"Error: Secret "API_TOKEN" not found"#);
//! # });
//! ```
//!
//! # Concepts
//!
//! - **The fake env** — [`SecretsEnv`] hands out read-only [`SecretBinding`]s, exactly as
//!   `worker::Env::secret_store` does; [`SecretsAdmin`] writes, rotates and deletes values and
//!   injects faults from the test side; [`ReadLog`] records which bindings were read.
//! - **Sources** — an env is built from explicit values ([`secrets_env!`],
//!   [`SecretsEnvBuilder`]), fixture files ([`SecretsEnvBuilder::fixture_file`],
//!   [`include_fixture!`]), the project's wrangler config
//!   ([`SecretsEnvBuilder::wrangler_config`]), a `typed_env!` fixture
//!   ([`SecretsEnv::from_declared`]) and local values ([`SecretsEnvBuilder::devflare_local`]).
//!   Precedence: explicit > fixture file > local > fallback. [`validate`] holds production's rules, checked
//!   with [`SecretsEnvBuilder::strict`].
//! - **HTTP** — [`TestRequest`] builds requests, [`TestClient`] runs an async closure (or, with
//!   feature `tower`, an axum `Router`) with the env it owns, [`TestClock`] is the time a
//!   request is sent at, and [`CapturedResponse`] asserts on what
//!   came back, with every failure message redacted.
//! - **Checks** — [`ProtectedRoute`] runs the protected-route [`matrix`] (every way to present
//!   a credential — tokens, Basic, query, cookie, signed webhooks, custom — and the verdict
//!   production needs for each, adversarial probes included); [`Redactor`] and
//!   [`CapturedResponse::leaks`] find secrets in any encoding; the snapshot macros
//!   ([`assert_response_snapshot!`], [`assert_matrix_snapshot!`], [`assert_read_log_snapshot!`])
//!   write insta snapshots with every secret redacted; [`ReadLog`] assertions say what a handler
//!   read.
//!
//! The README walks through each of these with compiled examples.
//!
//! # Features
//!
//! - `tower` — run any `tower::Service` (an axum `Router`) as the handler under test.
//! - `wrangler-state` — read wrangler's local Secrets Store state (compiles a bundled SQLite).
//! - `webhooks` — signed-webhook credentials for the matrix (`Signature`: GitHub, Stripe,
//!   Slack, your own HMAC-SHA256 scheme; compiles RustCrypto `hmac` and `sha2`).
//! - `remote` — `ProtectedRoute::check_remote`: the matrix over HTTP against a running Worker.
//!   It never uses a proxy, sends cleartext `http://` only to loopback unless the route opts
//!   in (`allow_cleartext_to_non_loopback`), times out each request (5 s to connect, 30 s in
//!   all, by default) and asks for `Accept-Encoding: identity`, failing a scenario whose body
//!   comes back encoded.
//!
//! # Guarantees
//!
//! No secret value ever appears in a `Debug` or `Display` output, an error, a panic message, a
//! report or a snapshot. Nothing reads environment variables, the working directory or a
//! clock — except that, with feature `remote`, ureq's default configuration looks up the
//! proxy variables when `check_remote` configures its client, which then replaces that proxy
//! with none: no value from the environment is ever used. Bad input gets an error naming
//! the file, line and column (or the binding), never a panic.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

mod checks;
mod codec;
mod env;
mod error;
mod feature_hints;
mod http;
mod outbound;
mod redact;
mod runtime;
mod sources;
mod suggest;

#[cfg(feature = "tower")]
pub use crate::http::ServiceHandler;
pub use crate::http::{
    CapturedResponse, ExpectedStatus, FnHandler, Handler, RequestError, SendError, Sending,
    TestClient, TestClock, TestRequest,
};
/// The protected-route matrix: credential kinds, scenarios, verdicts and the report.
pub use checks::matrix;
#[cfg(feature = "webhooks")]
pub use checks::matrix::Signature;
pub use checks::matrix::{
    MatrixError, MatrixFailure, MatrixReport, ProtectedRoute, Scenario, ScenarioResult,
};
pub use env::{
    BindingKind, BindingReads, DEFAULT_STORE_ID, ReadLog, SecretBinding, SecretRef, SecretsAdmin,
    SecretsEnv,
};
pub use error::{Error, Origin, SecretError};
#[cfg(not(feature = "webhooks"))]
#[doc(hidden)]
pub use feature_hints::Signature;
pub use outbound::{
    EgressReason, EgressViolation, FakeFetcher, FakeResponse, FakeUpstream, FetchError,
    OutboundRequest, RequestPart, UpstreamError, UpstreamFailure,
};
pub use redact::leak::{Leak, LeakLocation};
pub use redact::{Encoding, MIN_TOKEN_CHARS, Redactor, RedactorError, ValueKind};
pub use runtime::block_on;
pub use sources::validate;
pub use sources::{EmbeddedFile, SecretsEnvBuilder};

/// The file readers: wrangler config and fixture files, with positions and precise errors.
pub use devflare_config as config;
pub use devflare_config::{ConfigError, ConfigErrorKind};

/// The seam traits, re-exported so tests need no direct dependency on `devflare-bindings`.
pub use devflare_bindings::{
    OutboundEnv, OutboundFetch, SecretsStoreEnv, SecretsStoreSecret, VarsEnv,
};

/// Everything a test usually needs: `use devflare_test::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "webhooks")]
    pub use crate::Signature;
    #[cfg(not(feature = "webhooks"))]
    #[doc(hidden)]
    pub use crate::feature_hints::Signature;
    pub use crate::{
        CapturedResponse, ProtectedRoute, Scenario, SecretBinding, SecretError, SecretRef,
        SecretsAdmin, SecretsEnv, SecretsEnvBuilder, SecretsStoreEnv, SecretsStoreSecret,
        TestClient, TestClock, TestRequest, VarsEnv, assert_body, assert_header, assert_json,
        assert_matrix_snapshot, assert_read_log_snapshot, assert_response_snapshot, assert_status,
        block_on, include_fixture, manifest_path, secrets_env,
    };
    pub use crate::{FakeResponse, OutboundEnv, OutboundFetch};
}

/// The README's examples, compiled and run as doctests so the README never lies.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// Not public API. Referenced by macro-generated code.
#[doc(hidden)]
pub mod __private {
    use crate::{SecretsEnv, SecretsEnvBuilder};

    #[cfg(feature = "snapshots")]
    pub use insta;
    pub use serde_json;

    /// The bounds of the feature-gated items' stand-ins (`feature_hints`).
    pub use crate::feature_hints::{
        NeedsRemoteFeature, NeedsTowerFeature, NeedsWebhooksFeature, NeedsWranglerStateFeature,
    };

    /// The snapshot macros' renderers.
    pub mod snapshot {
        pub use crate::checks::snapshot::{matrix_text, read_log_text, response_text};
    }

    /// Every supported encoding of a value, for tests and the redactor's fuzz target.
    pub use crate::redact::every_encoding;

    /// `secrets_env!`'s build step: a duplicate is a bug in the test, so it panics there.
    #[track_caller]
    pub fn build_or_panic(builder: SecretsEnvBuilder) -> SecretsEnv {
        match builder.build() {
            Ok(env) => env,
            Err(error) => panic!("secrets_env!: {error}"),
        }
    }
}
