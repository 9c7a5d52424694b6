//! The seam between a Cloudflare Worker's handlers and its Secrets Store bindings.
//!
//! Write a handler once against [`SecretsStoreSecret`] (one secret binding) or
//! [`SecretsStoreEnv`] (an env that hands out bindings by name), and [`VarsEnv`] for classic
//! secrets and vars (`env.secret`, `env.var`, `env.object_var`). In production the
//! `worker` feature implements both for workers-rs (`worker::SecretStore`, `worker::Env`);
//! in native tests the `devflare-test` crate implements them with in-memory fakes.
//!
//! Its only required dependency is `serde` without default features (for
//! [`VarsEnv::object_var`]'s `DeserializeOwned` bound), so it is safe in a Worker's
//! `[dependencies]`.
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
//!
//! With the `fetch` feature, [`OutboundFetch`] and [`OutboundEnv`] are the seam for the Worker's
//! outbound requests: the runtime's global `fetch` in production (`GlobalFetch`, feature
//! `worker`), a fake upstream in tests that records every request and checks where each
//! secret is sent.
//!
//! With the `typed-env` feature, [`typed_env!`] reads the project's wrangler config at compile
//! time and generates a typed view over any [`SecretsStoreEnv`] and [`VarsEnv`]: one accessor
//! per declared binding, var and classic secret, so a misspelt name is a compile error rather
//! than a production 500, and a test fixture with one setter per name ([`DeclaredSecrets`]).
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

use core::future::Future;

mod declared;
#[cfg(feature = "fetch")]
mod fetch;
mod time;
mod vars;

pub use declared::{
    DeclaredSecrets, DeclaredValues, PlainDeclaration, PlainKind, SecretDeclaration,
};
#[cfg(all(feature = "worker", target_arch = "wasm32"))]
pub use fetch::GlobalFetch;
#[cfg(feature = "fetch")]
pub use fetch::{OutboundEnv, OutboundFetch};
pub use time::RequestTime;
pub use vars::VarsEnv;

/// One Secrets Store secret binding (`[[secrets_store_secrets]]` in wrangler config),
/// as a handler sees it: read-only, one method.
///
/// Mirrors JavaScript's `SecretsStoreSecret { get(): Promise<string> }` and
/// workers-rs' `worker::SecretStore::get`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Secrets Store secret binding (`SecretsStoreSecret`)",
    label = "not a `SecretsStoreSecret`",
    note = "`worker::SecretStore` implements it only on wasm32 with devflare-bindings' `worker` feature: add `devflare-bindings = {{ version = \"0.1\", features = [\"worker\"] }}` under `[target.'cfg(target_arch = \"wasm32\")'.dependencies]` (README: \"Write the handler once, against the seam\")",
    note = "in native tests, devflare-test's `SecretBinding` implements it (from `SecretsEnv::secret_store`)"
)]
pub trait SecretsStoreSecret: Send + Sync {
    /// What `get()` fails with: `worker::Error` in production.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Reads the secret's current value.
    ///
    /// A missing secret is an `Err` in production (Miniflare's message `Secret "<name>" not found`; workers-rs
    /// displays it as `Error: Secret "<name>" not found`).
    fn get(&self) -> impl Future<Output = Result<Option<String>, Self::Error>> + Send;
}

/// An environment that hands out Secrets Store bindings by binding name.
///
/// Mirrors `worker::Env::secret_store`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Secrets Store env (`SecretsStoreEnv`)",
    label = "not a `SecretsStoreEnv`",
    note = "`worker::Env` implements it only on wasm32 with devflare-bindings' `worker` feature: add `devflare-bindings = {{ version = \"0.1\", features = [\"worker\"] }}` under `[target.'cfg(target_arch = \"wasm32\")'.dependencies]`, and build the Worker with `--target wasm32-unknown-unknown` (README: \"Write the handler once, against the seam\")",
    note = "in native tests, pass devflare-test's `SecretsEnv` (or a `typed_env!` view of one)"
)]
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

#[cfg(all(feature = "worker", target_arch = "wasm32"))]
mod workers_rs {
    use super::{SecretsStoreEnv, SecretsStoreSecret, VarsEnv};
    use core::future::Future;
    use serde::de::DeserializeOwned;

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

    /// `worker::Secret` and `worker::Var` (workers-rs' `StringBinding`) display their value.
    impl VarsEnv for worker::Env {
        type Error = worker::Error;

        fn secret(&self, name: &str) -> Result<String, Self::Error> {
            worker::Env::secret(self, name).map(|secret| secret.to_string())
        }

        fn var(&self, name: &str) -> Result<String, Self::Error> {
            worker::Env::var(self, name).map(|var| var.to_string())
        }

        fn object_var<T: DeserializeOwned>(&self, name: &str) -> Result<T, Self::Error> {
            worker::Env::object_var(self, name)
        }
    }
}

/// Generates a typed env from the project's wrangler config, read at compile time.
///
/// Usually the config sits next to `Cargo.toml` (`from "wrangler.toml"`); this crate's
/// example reads its test config:
///
/// ```
/// devflare_bindings::typed_env! {
///     /// The stats Worker's bindings.
///     pub struct StatsEnv from "tests/wrangler.toml";
///     /// Staging's bindings: `[env.staging]` only (bindings are not inherited).
///     pub struct StagingEnv from "tests/wrangler.toml", env = "staging";
/// }
///
/// use devflare_bindings::{SecretsStoreEnv, SecretsStoreSecret};
///
/// async fn is_authorized(env: &impl SecretsStoreEnv, presented: &str) -> bool {
///     // `api_token()` is `env.secret_store("API_TOKEN")`, checked against the config.
///     match StatsEnv::new(env).api_token() {
///         Ok(binding) => matches!(binding.get().await, Ok(Some(token)) if token == presented),
///         Err(_) => false,
///     }
/// }
///
/// use devflare_bindings::VarsEnv;
///
/// #[derive(serde::Deserialize)]
/// struct Limits { burst: u32 }
///
/// /// Vars and classic secrets: `environment()` is `env.var("ENVIRONMENT")`,
/// /// `limits::<T>()` is `env.object_var::<T>("LIMITS")`, `partner_api_key()` is
/// /// `env.secret("PARTNER_API_KEY")` (declared in `secrets.required`).
/// fn partner_call(env: &impl VarsEnv) -> Option<(String, u32, String)> {
///     let env = StatsEnv::new(env);
///     let limits: Limits = env.limits().ok()?; // any `T: DeserializeOwned`
///     Some((env.environment().ok()?, limits.burst, env.partner_api_key().ok()?))
/// }
///
/// // Each struct also gets a fixture for tests, with one setter per declared binding, var
/// // and classic secret.
/// let fixture = StatsEnvFixture::new().api_token("test-token");
/// assert_eq!(fixture.unset(), ["GREETING", "PARTNER_API_KEY"]);
/// assert_eq!(
///     format!("{fixture:?}"),
///     "StatsEnvFixture { API_TOKEN: set, GREETING: unset, ENVIRONMENT: config, LIMITS: config, PARTNER_API_KEY: unset }"
/// );
/// ```
///
/// # Syntax
///
/// One or more declarations, each `[attributes] [visibility] struct Name from "path"[, env =
/// "NAME"];`. `path` is relative to the invoking crate's `CARGO_MANIFEST_DIR`, ends in `.toml`,
/// `.json` or `.jsonc`, and is read as wrangler reads it: top-level `secrets_store_secrets`,
/// `vars` and `secrets.required`, or those of one `[env.NAME]` section (which inherits none
/// of them). The expansion includes the file with `include_bytes!`, so editing the config
/// rebuilds the crate.
///
/// # What it generates
///
/// For `struct Name`:
///
/// - `Name<E>`, wrapping any `E`: `new(env)`, `inner()`, `into_inner()`; for
///   `E: SecretsStoreEnv`, one accessor per binding returning
///   `Result<E::Secret, E::Error>` (what `env.secret_store("BINDING")` returns), and
///   `SecretsStoreEnv` itself, so it still goes where an untyped env does.
/// - For `E: VarsEnv`: per string var, `name() -> Result<String, E::Error>`
///   (`env.var("NAME")`); per JSON object var, `name::<T: DeserializeOwned>() -> Result<T,
///   E::Error>` (`env.object_var::<T>("NAME")`; its docs show the config's value); per classic
///   secret of `secrets.required`, `name() -> Result<String, E::Error>` (`env.secret("NAME")`);
///   and `VarsEnv` itself. A name in both `vars` and `secrets.required` is a classic secret,
///   as in `wrangler dev`.
/// - `NameFixture`: `new()` (also `Default`), one setter per binding, var and classic secret
///   taking `impl Into<String>` (a JSON var's setter takes JSON text, checked against the
///   config value's shape when the fake env is built), `unset()` (the bindings and classic
///   secrets still without a value; a var keeps its config value until set), the associated
///   consts `DECLARATIONS: &[SecretDeclaration]` and `PLAIN: &[PlainDeclaration]`,
///   [`DeclaredSecrets`], and a `Debug` that names each as set/unset/config, never showing a
///   value.
///
/// Classic secrets come only from the config's `secrets.required` — wrangler's own
/// declaration, which also makes `wrangler dev` load only those keys from `.dev.vars` — never
/// from `.dev.vars` itself: that file is git-ignored, so reading it would give accessors on one
/// machine and compile errors on another (and in CI).
///
/// # Accessor names
///
/// A binding's accessor is its name in lower snake case: `-` and `_` separate words, a capital
/// letter after a lower-case letter or digit starts a word, and so does the last capital of a
/// run followed by a lower-case letter. So `API_TOKEN` → `api_token`, `apiToken` →
/// `api_token`, `HTTPSKey` → `https_key`, `stripe-key` → `stripe_key`, `KEY2` → `key2`.
///
/// Vars and classic secrets are named the same way. These are compile errors, naming the
/// bindings and their positions in the config: a name that maps to something that is not a
/// Rust identifier (empty, starting with a digit, containing characters other than letters,
/// digits, `-` and `_`), a Rust keyword (`TYPE` → `type`), one of the generated methods
/// (`new`, `inner`, `into_inner`, `unset`, `secret_store`, `secret`, `var`, `object_var`,
/// `declared_values`, `clone`, `fmt`, `default`), or the same accessor as another binding, var
/// or classic secret (`API_TOKEN` and `apiToken`). So are a var that is neither a string nor
/// an object (workers-rs cannot read a number, boolean, array or `null` var), a missing or
/// unreadable file, a malformed config (with its file, line and column) and an unknown `env`.
#[cfg(feature = "typed-env")]
#[macro_export]
macro_rules! typed_env {
    ($($declarations:tt)*) => {
        $crate::__private::typed_env! { [$crate] $($declarations)* }
    };
}

/// Not public API. Referenced by macro-generated code.
#[cfg(feature = "typed-env")]
#[doc(hidden)]
pub mod __private {
    pub use devflare_macros::typed_env;
    pub use serde::de::DeserializeOwned;
}
