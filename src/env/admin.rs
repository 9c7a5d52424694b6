//! The test-side admin handle: what Miniflare's admin API and vitest's `adminSecretsStore()`
//! do, kept apart from the read-only bindings handlers see.

use std::fmt;
use std::sync::Arc;

use super::plain::{PlainState, PlainValue};
use super::state::EnvInner;
use crate::env::SecretRef;
use crate::error::SecretError;
use crate::suggest::closest;

/// Writes, rotates and deletes values, lists references and injects faults, while handlers
/// hold bindings. Every binding sees a change on its next `get()`.
///
/// Obtained from [`SecretsEnv::admin`](crate::SecretsEnv::admin). Listing never returns values.
///
/// The naming rule, shared with [`SecretsEnvBuilder`](crate::SecretsEnvBuilder): methods whose
/// name ends in `_at` take a [`SecretRef`]; every other method takes a binding name.
///
/// ```
/// use devflare_test::prelude::*;
///
/// let env = secrets_env! { API_TOKEN => "old" };
/// let binding = env.secret_store("API_TOKEN").unwrap();
/// env.admin().rotate("API_TOKEN", "new").unwrap();
/// assert_eq!(block_on(binding.get()).unwrap().as_deref(), Some("new"));
///
/// env.admin().fail("API_TOKEN", "store unavailable").unwrap();
/// assert_eq!(block_on(binding.get()).unwrap_err().to_string(), "store unavailable");
/// ```
#[derive(Clone)]
pub struct SecretsAdmin {
    env: Arc<EnvInner>,
}

impl SecretsAdmin {
    pub(crate) fn new(env: Arc<EnvInner>) -> Self {
        Self { env }
    }

    fn reference_of(&self, binding: &str) -> Result<&SecretRef, SecretError> {
        self.env
            .bindings
            .get(binding)
            .map(|state| &state.reference)
            .ok_or_else(|| self.unbound(binding))
    }

    fn unbound(&self, binding: &str) -> SecretError {
        let names = self.env.bindings.keys().chain(self.env.plain.keys());
        SecretError::Unbound {
            binding: binding.to_owned(),
            closest: closest(binding, names.map(|name| &**name)),
        }
    }

    /// The classic secret or var named `name`, when no Secrets Store binding has that name.
    fn plain(&self, name: &str) -> Option<&PlainState> {
        if self.env.bindings.contains_key(name) {
            return None;
        }
        self.env.plain.get(name).map(|state| &**state)
    }

    /// Creates or replaces the value of the secret `binding` points at — or, for a classic
    /// secret or a var, its value (a var becomes a string var).
    ///
    /// # Errors
    ///
    /// [`SecretError::Unbound`] when `binding` is not bound.
    pub fn set(&self, binding: &str, value: impl Into<Arc<str>>) -> Result<(), SecretError> {
        if let Some(state) = self.plain(binding) {
            if state.write(Some(PlainValue::Text(value.into()))).new_secret {
                self.env.store.redaction.changed();
            }
            return Ok(());
        }
        let reference = self.reference_of(binding)?.clone();
        self.env.store.set(&reference, value.into());
        Ok(())
    }

    /// Replaces the existing value of the secret `binding` points at, or of a classic secret
    /// (`wrangler secret put` over an existing one). Handlers see it on their next read; the
    /// old value stays known to the redactor and the leak scan.
    ///
    /// # Errors
    ///
    /// [`SecretError::Unbound`] when `binding` is not bound (or is a deleted classic secret);
    /// [`SecretError::NotFound`] when its Secrets Store secret has no value to rotate (use
    /// [`set`](Self::set) to create one).
    pub fn rotate(&self, binding: &str, value: impl Into<Arc<str>>) -> Result<(), SecretError> {
        if let Some(state) = self.plain(binding) {
            if state.value().is_none() {
                return Err(self.unbound(binding));
            }
            if state.write(Some(PlainValue::Text(value.into()))).new_secret {
                self.env.store.redaction.changed();
            }
            return Ok(());
        }
        let reference = self.reference_of(binding)?.clone();
        if !self.env.store.contains(&reference) {
            return Err(SecretError::NotFound {
                binding: binding.to_owned(),
                closest: None,
                store_id: reference.store_id().to_owned(),
                secret_name: reference.secret_name().to_owned(),
            });
        }
        self.env.store.set(&reference, value.into());
        Ok(())
    }

    /// Deletes the value of the secret `binding` points at; returns whether it had one.
    /// Afterwards `get()` fails with `Error: Secret "<name>" not found`. A deleted classic
    /// secret or var is gone from `env`, as after `wrangler secret delete`: reads fail with
    /// ``Binding `NAME` is undefined.``
    ///
    /// # Errors
    ///
    /// [`SecretError::Unbound`] when `binding` is not bound.
    pub fn delete(&self, binding: &str) -> Result<bool, SecretError> {
        if let Some(state) = self.plain(binding) {
            // The redactor keeps hiding a deleted value: nothing for it to rebuild.
            return Ok(state.set(None));
        }
        let reference = self.reference_of(binding)?.clone();
        Ok(self.env.store.delete(&reference))
    }

    /// Creates or replaces the value of the secret `reference` points at, bound or not
    /// (Miniflare's admin `create`).
    pub fn set_at(&self, reference: &SecretRef, value: impl Into<Arc<str>>) {
        self.env.store.set(reference, value.into());
    }

    /// Deletes the value of the secret `reference` points at; returns whether it had one.
    pub fn delete_at(&self, reference: &SecretRef) -> bool {
        self.env.store.delete(reference)
    }

    /// Names with a value in one store, sorted by byte order. Never values.
    pub fn list(&self, store_id: &str) -> Vec<String> {
        self.env.store.names_in(store_id)
    }

    /// Every reference with a value, in every store, sorted. Never values.
    pub fn list_all(&self) -> Vec<SecretRef> {
        self.env.store.references()
    }

    /// Makes `get()` on `binding` fail with `message` until [`heal`](Self::heal); for a
    /// classic secret or var, every `secret`/`var`/`object_var` read of it.
    ///
    /// # Errors
    ///
    /// [`SecretError::Unbound`] when `binding` is not bound.
    pub fn fail(&self, binding: &str, message: impl Into<String>) -> Result<(), SecretError> {
        if let Some(state) = self.plain(binding) {
            state.fault.set(Some(message.into()));
            return Ok(());
        }
        let state = self
            .env
            .bindings
            .get(binding)
            .ok_or_else(|| self.unbound(binding))?;
        state.fault.set(Some(message.into()));
        Ok(())
    }

    /// Makes `get()` on every Secrets Store binding fail with `message`: the store is down.
    /// Classic secrets and vars are not in a store and are not affected.
    pub fn fail_all(&self, message: impl Into<String>) {
        self.env.store_fault.set(Some(message.into()));
    }

    /// Removes a fault injected on `binding` with [`fail`](Self::fail).
    ///
    /// # Errors
    ///
    /// [`SecretError::Unbound`] when `binding` is not bound.
    pub fn heal(&self, binding: &str) -> Result<(), SecretError> {
        if let Some(state) = self.plain(binding) {
            state.fault.set(None);
            return Ok(());
        }
        let state = self
            .env
            .bindings
            .get(binding)
            .ok_or_else(|| self.unbound(binding))?;
        state.fault.set(None);
        Ok(())
    }

    /// Removes every injected fault, per binding and store-wide.
    pub fn heal_all(&self) {
        self.env.store_fault.set(None);
        for state in self.env.bindings.values() {
            state.fault.set(None);
        }
        for state in self.env.plain.values() {
            state.fault.set(None);
        }
    }

    /// Whether any fault is injected right now.
    pub fn has_faults(&self) -> bool {
        self.env.store_fault.is_active()
            || self.env.bindings.values().any(|s| s.fault.is_active())
            || self.env.plain.values().any(|s| s.fault.is_active())
    }
}

impl fmt::Debug for SecretsAdmin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretsAdmin")
            .field("secrets", &self.list_all())
            .finish()
    }
}
