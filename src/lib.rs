//! Deterministic in-memory Cloudflare **Secrets Store** bindings for native `cargo test` of Rust
//! Workers — no workerd, Node or Cloudflare account.
//!
//! A handler written once against the seam traits of
//! [`devflare_bindings`](https://docs.rs/devflare-bindings)
//! ([`SecretsStoreEnv`](prelude::SecretsStoreEnv), [`SecretsStoreSecret`](prelude::SecretsStoreSecret)) runs on workers-rs in production and against
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
//! - **The fake env** — [`SecretsEnv`] hands out read-only [`SecretBinding`](secrets::SecretBinding)s, exactly as
//!   `worker::Env::secret_store` does; [`SecretsAdmin`](secrets::SecretsAdmin) writes, rotates and deletes values and
//!   injects faults from the test side; [`ReadLog`](secrets::ReadLog) records which bindings were read.
//! - **Sources** — an env is built from explicit values ([`secrets_env!`],
//!   [`SecretsEnvBuilder`]), fixture files ([`SecretsEnvBuilder::fixture_file`],
//!   [`include_fixture!`]), the project's wrangler config
//!   ([`SecretsEnvBuilder::wrangler_config`]), a `typed_env!` fixture
//!   ([`SecretsEnv::from_declared`]) and local values ([`SecretsEnvBuilder::devflare_local`]).
//!   Precedence: explicit > fixture file > local > fallback. [`validate`](secrets::validate) holds production's rules, checked
//!   with [`SecretsEnvBuilder::strict`].
//! - **HTTP** — [`TestRequest`] builds requests, [`TestClient`] runs an async closure (or, with
//!   feature `tower`, an axum `Router`) with the env it owns, [`TestClock`](client::TestClock) is the time a
//!   request is sent at, and [`CapturedResponse`] asserts on what
//!   came back, with every failure message redacted.
//! - **Checks** — [`ProtectedRoute`](matrix::ProtectedRoute) runs the protected-route [`matrix`] (every way to present
//!   a credential — tokens, Basic, query, cookie, signed webhooks, custom — and the verdict
//!   production needs for each, adversarial probes included); [`Redactor`](redact::Redactor) and
//!   [`CapturedResponse::leaks`] find secrets in any encoding; the snapshot macros
//!   ([`assert_response_snapshot!`], [`assert_matrix_snapshot!`], [`assert_read_log_snapshot!`])
//!   write insta snapshots with every secret redacted; [`ReadLog`](secrets::ReadLog) assertions say what a handler
//!   read.
//!
//! The README walks through each of these with compiled examples.
//!
//! # The crate's shape
//!
//! The root holds what nearly every test names — 22 names: 8 items ([`SecretsEnv`],
//! [`SecretsEnvBuilder`], [`SecretError`], [`Error`], [`TestClient`], [`TestRequest`],
//! [`CapturedResponse`], [`block_on`]), 7 macros ([`secrets_env!`], [`include_fixture!`],
//! [`manifest_path!`], [`assert_json!`] and the three snapshot macros) and 7 namespaces:
//! [`secrets`] (the admin handle, bindings, references, the read log), [`client`] (the clock,
//! handler traits, sending and its errors), [`matrix`], [`redact`] (the redactor and the leak
//! scan), [`outbound`] (the fake upstream and egress rules), [`config`] (the file readers) and
//! [`prelude`] — 15 names, what nearly every test file needs: `use devflare_test::prelude::*;`.
//! Each item has one public path (the prelude aside).
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
//! # A fast edit loop
//!
//! [`devflare-test-dylib`](https://docs.rs/devflare-test-dylib) is this crate linked as a
//! shared library: depend on it under this crate's name
//! (`devflare-test = { package = "devflare-test-dylib", version = "0.1" }`) and nothing else
//! changes, but a test binary is relinked after an edit without reading this crate's objects
//! and its dependencies' again. The README's quick start sets it up, with the `[lib]` and
//! `[profile.test]` lines that go with it, and measures the edit loop against vitest.
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
pub mod outbound;
pub mod redact;
mod runtime;
mod sources;
mod suggest;

// The root: what nearly every test names (see "The crate's shape" above).
pub use crate::http::{CapturedResponse, TestClient, TestRequest};
pub use env::SecretsEnv;
pub use error::{Error, SecretError};
pub use runtime::block_on;
pub use sources::SecretsEnvBuilder;

/// The protected-route matrix: [`ProtectedRoute`](matrix::ProtectedRoute), credential kinds,
/// scenarios, verdicts and the report.
pub use checks::matrix;

/// The fake store's parts: the admin handle, bindings, references, the read log, where a
/// value came from, embedded fixture files and production's validation rules.
pub mod secrets {
    pub use crate::env::{
        BindingKind, BindingReads, DEFAULT_STORE_ID, ReadLog, SecretBinding, SecretRef,
        SecretsAdmin,
    };
    pub use crate::error::Origin;
    pub use crate::sources::EmbeddedFile;
    pub use crate::sources::validate;
}

/// The test client's parts beyond [`TestClient`], [`TestRequest`] and [`CapturedResponse`]:
/// the clock, the handler traits, sending and its errors.
pub mod client {
    #[cfg(feature = "tower")]
    pub use crate::http::ServiceHandler;
    pub use crate::http::{
        ExpectedStatus, FnHandler, Handler, RequestError, SendError, Sending, TestClock,
    };
}

/// The file readers: wrangler config and fixture files, with positions and precise errors.
pub use devflare_config as config;

/// Everything a test file usually needs: `use devflare_test::prelude::*;` (15 names).
pub mod prelude {
    #[cfg(not(feature = "webhooks"))]
    #[doc(hidden)]
    pub use crate::feature_hints::Signature;
    pub use crate::matrix::ProtectedRoute;
    #[cfg(feature = "webhooks")]
    pub use crate::matrix::Signature;
    pub use crate::outbound::FakeResponse;
    pub use crate::{
        CapturedResponse, SecretsEnv, SecretsEnvBuilder, TestClient, TestRequest, block_on,
        secrets_env,
    };
    /// The seam traits, so tests need no direct dependency on `devflare-bindings`.
    pub use devflare_bindings::{
        OutboundEnv, OutboundFetch, SecretsStoreEnv, SecretsStoreSecret, VarsEnv,
    };
}

/// The README's examples, compiled and run as doctests so the README never lies.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// Not public API. Referenced by macro-generated code.
#[doc(hidden)]
pub mod __private {
    use crate::env::SecretsEnv;
    use crate::sources::SecretsEnvBuilder;

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
