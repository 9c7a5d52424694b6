//! The fake binding a handler reads: one `SecretBinding` per `env.secret_store(NAME)`.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use devflare_bindings::SecretsStoreSecret;

use super::read_log::ReadOutcome;
use super::state::{BindingState, EnvInner};
use crate::env::SecretRef;
use crate::error::SecretError;
use crate::suggest::closest;

/// One fake Secrets Store binding, as handed to a handler: read-only, like production's.
///
/// Each [`get`](Self::get) reads the current value, so a rotation through
/// [`SecretsAdmin`](crate::secrets::SecretsAdmin) is seen by bindings handlers already hold.
#[derive(Clone)]
pub struct SecretBinding {
    pub(super) env: Arc<EnvInner>,
    pub(super) state: Arc<BindingState>,
}

impl SecretBinding {
    /// The binding's name.
    pub fn name(&self) -> &str {
        &self.state.name
    }

    /// The secret this binding points at.
    pub fn reference(&self) -> &SecretRef {
        &self.state.reference
    }

    /// Reads the secret's current value, like `worker::SecretStore::get`.
    ///
    /// # Errors
    ///
    /// - [`SecretError::NotFound`] (`Error: Secret "<secret_name>" not found`) when the secret has no
    ///   value: never set, deleted, or in an unknown store. Never `Ok(None)`, as in production.
    /// - [`SecretError::Injected`] when a test made this binding or the store fail.
    pub async fn get(&self) -> Result<Option<String>, SecretError> {
        self.read_now()
    }

    fn read_now(&self) -> Result<Option<String>, SecretError> {
        let state = &self.state;
        let fault = state
            .fault
            .current()
            .or_else(|| self.env.store_fault.current());
        if let Some(message) = fault {
            state.reads.record(ReadOutcome::Failed);
            return Err(SecretError::Injected {
                binding: state.name.to_string(),
                message,
            });
        }
        match state.slot.read() {
            Some(value) => {
                state.reads.record(ReadOutcome::Found);
                Ok(Some(value))
            }
            None => {
                state.reads.record(ReadOutcome::Missing);
                let reference = &state.reference;
                let others = self.env.store.names_in(reference.store_id());
                Err(SecretError::NotFound {
                    binding: state.name.to_string(),
                    store_id: reference.store_id().to_owned(),
                    secret_name: reference.secret_name().to_owned(),
                    closest: closest(reference.secret_name(), others.iter().map(String::as_str)),
                })
            }
        }
    }
}

impl fmt::Debug for SecretBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecretBinding({} -> {})",
            self.state.name, self.state.reference
        )
    }
}

impl SecretsStoreSecret for SecretBinding {
    type Error = SecretError;

    fn get(&self) -> impl Future<Output = Result<Option<String>, SecretError>> + Send {
        SecretBinding::get(self)
    }
}
