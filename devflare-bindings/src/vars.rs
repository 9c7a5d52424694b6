//! Classic Worker secrets (`wrangler secret put`, `.dev.vars`) and vars (`[vars]` in wrangler
//! config): the string and JSON bindings workers-rs reads with `env.secret(name)`,
//! `env.var(name)` and `env.object_var::<T>(name)`.

use serde::de::DeserializeOwned;

/// An environment that hands out classic secrets and vars by name, like `worker::Env`.
///
/// In production these are plain values on the Worker's `env` object: a classic secret and a
/// string var are both JavaScript strings (so `secret()` and `var()` read either one), a var
/// whose config value is not a string is a JSON binding, read with `object_var()`.
///
/// The errors, as workers-rs 0.8 words them (its `Env::get_binding` and `EnvBinding::get`):
///
/// - a name nothing binds: ``Binding `NAME` is undefined.``;
/// - `secret()` / `var()` on a binding that is not a string:
///   `Binding cannot be cast to the type String from {constructor}` — `Fetcher` for a Secrets
///   Store binding, `Object` for a JSON object var (`Number`, `Boolean`, `Array` for other JSON);
/// - `object_var()` on a string: `Binding cannot be cast to the type Object from String`;
/// - `object_var()` whose JSON does not fit `T`: the deserializer's message.
///
/// ```
/// use devflare_bindings::VarsEnv;
///
/// /// Reads the partner key; any error denies the call (fails closed).
/// fn partner_key(env: &impl VarsEnv) -> Option<String> {
///     env.secret("PARTNER_API_KEY").ok().filter(|key| !key.is_empty())
/// }
/// ```
pub trait VarsEnv: Send + Sync {
    /// What a read fails with: `worker::Error` in production.
    type Error: std::error::Error + Send + Sync + 'static;

    /// A classic secret's value (`env.secret(name)?.to_string()` in workers-rs).
    ///
    /// # Errors
    ///
    /// An unbound name, or a binding that is not a string (see the trait's documentation).
    fn secret(&self, name: &str) -> Result<String, Self::Error>;

    /// A string var's value (`env.var(name)?.to_string()` in workers-rs). Like production, it
    /// also reads a classic secret: both are strings on `env`.
    ///
    /// # Errors
    ///
    /// As [`secret`](Self::secret).
    fn var(&self, name: &str) -> Result<String, Self::Error>;

    /// A JSON object var, deserialized (`env.object_var::<T>(name)` in workers-rs).
    ///
    /// # Errors
    ///
    /// An unbound name, a binding that is not a JSON object, or JSON that `T` rejects.
    fn object_var<T: DeserializeOwned>(&self, name: &str) -> Result<T, Self::Error>;
}

impl<E: VarsEnv + ?Sized> VarsEnv for &E {
    type Error = E::Error;

    fn secret(&self, name: &str) -> Result<String, Self::Error> {
        (**self).secret(name)
    }

    fn var(&self, name: &str) -> Result<String, Self::Error> {
        (**self).var(name)
    }

    fn object_var<T: DeserializeOwned>(&self, name: &str) -> Result<T, Self::Error> {
        (**self).object_var(name)
    }
}
