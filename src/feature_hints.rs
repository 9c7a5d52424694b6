//! Compile errors that name the missing feature.
//!
//! Without a feature, its items do not exist, and rustc says only "no method named `signed`"
//! or "cannot find type `Signature`". So each feature-gated entry point has a hidden stand-in
//! when its feature is off: same name, generic over what the user passes, bounded by a trait
//! that nothing implements and whose `#[diagnostic::on_unimplemented]` message says which
//! feature to enable and how. The stand-ins never run: a call to one does not compile.
//! Checked by the compile-fail cases in `ui-tests/tests/features/`.

/// Implemented by nothing: a bound that fails with "needs the `webhooks` feature".
#[diagnostic::on_unimplemented(
    message = "this needs devflare-test's `webhooks` feature (signed-webhook credentials: `Signature`, `ProtectedRoute::signed`, `TestRequest::signed`)",
    label = "needs feature `webhooks`",
    note = "enable it in Cargo.toml: devflare-test = {{ version = \"0.1\", features = [\"webhooks\"] }}"
)]
pub trait NeedsWebhooksFeature {}

/// Implemented by nothing: a bound that fails with "needs the `tower` feature".
#[diagnostic::on_unimplemented(
    message = "this needs devflare-test's `tower` feature (`TestClient::service` runs a `tower::Service` such as an axum `Router`)",
    label = "needs feature `tower`",
    note = "enable it in Cargo.toml: devflare-test = {{ version = \"0.1\", features = [\"tower\"] }}",
    note = "or run an async closure instead: `TestClient::new(&env, async |request, env| handle(&request, env).await)`"
)]
pub trait NeedsTowerFeature {}

/// Implemented by nothing: a bound that fails with "needs the `remote` feature".
#[diagnostic::on_unimplemented(
    message = "this needs devflare-test's `remote` feature (`ProtectedRoute::check_remote` sends the matrix over HTTP)",
    label = "needs feature `remote`",
    note = "enable it in Cargo.toml: devflare-test = {{ version = \"0.1\", features = [\"remote\"] }}"
)]
pub trait NeedsRemoteFeature {}

/// Implemented by nothing: a bound that fails with "needs the `wrangler-state` feature".
#[diagnostic::on_unimplemented(
    message = "this needs devflare-test's `wrangler-state` feature (reading wrangler's local Secrets Store state)",
    label = "needs feature `wrangler-state`",
    note = "enable it in Cargo.toml: devflare-test = {{ version = \"0.1\", features = [\"wrangler-state\"] }}"
)]
pub trait NeedsWranglerStateFeature {}

/// `Signature` when feature `webhooks` is off: its constructors exist so that the error
/// comes where it is used, with the feature's name.
#[cfg(not(feature = "webhooks"))]
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Signature(());

#[cfg(not(feature = "webhooks"))]
#[doc(hidden)]
#[allow(missing_docs)]
impl Signature {
    pub fn github() -> Self {
        Self(())
    }
    pub fn stripe() -> Self {
        Self(())
    }
    pub fn slack() -> Self {
        Self(())
    }
    pub fn hmac_sha256(_header: impl Into<String>) -> Self {
        Self(())
    }
}

#[cfg(not(feature = "webhooks"))]
#[doc(hidden)]
impl crate::checks::matrix::ProtectedRoute {
    /// Stand-in: see the module docs.
    pub fn signed<S: NeedsWebhooksFeature>(self, _signature: S) -> Self {
        self
    }
}

#[cfg(not(feature = "webhooks"))]
#[doc(hidden)]
impl crate::http::TestRequest {
    /// Stand-in: see the module docs.
    pub fn signed<S: NeedsWebhooksFeature, K>(self, _signature: S, _key: K) -> Self {
        self
    }
}

#[cfg(not(feature = "remote"))]
#[doc(hidden)]
impl crate::checks::matrix::ProtectedRoute {
    /// Stand-in: see the module docs.
    pub fn check_remote<U: NeedsRemoteFeature>(
        &self,
        _base_url: U,
        _secret: &str,
    ) -> Result<crate::checks::matrix::MatrixReport, crate::checks::matrix::MatrixError> {
        unreachable!("a bound that nothing implements")
    }
}

#[cfg(not(feature = "wrangler-state"))]
#[doc(hidden)]
impl crate::sources::SecretsEnvBuilder {
    /// Stand-in: see the module docs.
    pub fn wrangler_state<P: NeedsWranglerStateFeature>(self, _project_dir: P) -> Self {
        self
    }

    /// Stand-in: see the module docs.
    pub fn wrangler_state_if_present<P: NeedsWranglerStateFeature>(self, _project_dir: P) -> Self {
        self
    }
}

/// The handler type of [`TestClient::service`](crate::TestClient)'s stand-in: never built.
#[cfg(not(feature = "tower"))]
#[doc(hidden)]
#[derive(Debug)]
pub enum NoTower {}

#[cfg(not(feature = "tower"))]
#[doc(hidden)]
impl crate::http::TestClient<crate::http::FnHandler<NoTower>> {
    /// Stand-in: see the module docs.
    pub fn service<M: NeedsTowerFeature>(_env: &crate::env::SecretsEnv, _make: M) -> Self {
        unreachable!("a bound that nothing implements")
    }
}
