//! The seam between a Cloudflare Worker's handlers and its Secrets Store bindings.
//!
//! Write a handler once against [`SecretsStoreSecret`] (one secret binding) or
//! [`SecretsStoreEnv`] (an env that hands out bindings by name). In production the
//! `worker` feature implements both for workers-rs (`worker::SecretStore`, `worker::Env`);
//! in native tests the `devflare-test` crate implements them with in-memory fakes.
//!
//! This crate has no required dependencies, so it is safe in a Worker's `[dependencies]`.
//!
//! ```
//! use devflare_bindings::SecretsStoreSecret;
//!
//! /// Fails closed: any error reading the secret denies access.
//! async fn is_authorized(token: &impl SecretsStoreSecret, presented: &str) -> bool {
//!     match token.get().await {
//!         Ok(Some(expected)) => expected == presented,
//!         Ok(None) | Err(_) => false,
//!     }
//! }
//! ```
//!
//! The contract, mirroring the platform: `get()` reads the value fresh every time; a secret
//! that does not exist is an `Err` (the runtime rejects; workers-rs never returns `Ok(None)` for
//! it, despite its signature); futures are `Send`, so handlers work inside axum and tower.
#![deny(missing_docs)]

use core::future::Future;

/// One Secrets Store secret binding (`[[secrets_store_secrets]]` in wrangler config),
/// as a handler sees it: read-only, one method.
///
/// Mirrors JavaScript's `SecretsStoreSecret { get(): Promise<string> }` and
/// workers-rs' `worker::SecretStore::get`.
pub trait SecretsStoreSecret: Send + Sync {
    /// What `get()` fails with: `worker::Error` in production.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Reads the secret's current value.
    ///
    /// A missing secret is an `Err` in production (Miniflare: `Secret "<name>" not found`).
    fn get(&self) -> impl Future<Output = Result<Option<String>, Self::Error>> + Send;
}

/// An environment that hands out Secrets Store bindings by binding name.
///
/// Mirrors `worker::Env::secret_store`.
pub trait SecretsStoreEnv: Send + Sync {
    /// The binding type handed out: `worker::SecretStore` in production.
    type Secret: SecretsStoreSecret;
    /// What an unknown binding name fails with: `worker::Error` in production, whose
    /// message is ``Binding `NAME` is undefined.``
    type Error: std::error::Error + Send + Sync + 'static;

    /// Looks up the binding named `binding` (case-sensitive).
    fn secret_store(&self, binding: &str) -> Result<Self::Secret, Self::Error>;
}

impl<T: SecretsStoreSecret + ?Sized> SecretsStoreSecret for &T {
    type Error = T::Error;

    fn get(&self) -> impl Future<Output = Result<Option<String>, Self::Error>> + Send {
        (**self).get()
    }
}

impl<T: SecretsStoreEnv + ?Sized> SecretsStoreEnv for &T {
    type Secret = T::Secret;
    type Error = T::Error;

    fn secret_store(&self, binding: &str) -> Result<Self::Secret, Self::Error> {
        (**self).secret_store(binding)
    }
}

#[cfg(feature = "worker")]
mod workers_rs {
    use super::{SecretsStoreEnv, SecretsStoreSecret};
    use core::future::Future;

    impl SecretsStoreSecret for worker::SecretStore {
        type Error = worker::Error;

        fn get(&self) -> impl Future<Output = Result<Option<String>, Self::Error>> + Send {
            worker::SecretStore::get(self)
        }
    }

    impl SecretsStoreEnv for worker::Env {
        type Secret = worker::SecretStore;
        type Error = worker::Error;

        fn secret_store(&self, binding: &str) -> Result<Self::Secret, Self::Error> {
            worker::Env::secret_store(self, binding)
        }
    }
}
