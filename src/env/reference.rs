//! Which secret a binding points at: a (store id, secret name) pair.

use std::fmt;
use std::sync::{Arc, LazyLock};

/// The store id used when a binding is declared without one (`secrets_env! { API_TOKEN => "…" }`
/// or [`SecretsEnvBuilder::secret`](crate::SecretsEnvBuilder::secret)).
///
/// It is 32 lowercase hex digits, like a production store id, so it passes strict validation.
pub const DEFAULT_STORE_ID: &str = "00000000000000000000000000000000";

/// [`DEFAULT_STORE_ID`], allocated once and shared by every reference into it.
static DEFAULT_STORE: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from(DEFAULT_STORE_ID));

/// A reference to one secret: the store it lives in and its name there.
///
/// Two bindings with equal references share one value; the same name in another store is a
/// different secret. Both parts are compared case-sensitively, byte for byte.
///
/// Cheap to clone: both parts are shared strings, so the env, its store and its bindings hold
/// one copy of each.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SecretRef {
    store_id: Arc<str>,
    secret_name: Arc<str>,
}

impl SecretRef {
    /// A reference to `secret_name` in the store `store_id`.
    pub fn new(store_id: impl Into<String>, secret_name: impl Into<String>) -> Self {
        let store_id: String = store_id.into();
        let store_id = if store_id == DEFAULT_STORE_ID {
            Arc::clone(&DEFAULT_STORE)
        } else {
            Arc::from(store_id)
        };
        Self {
            store_id,
            secret_name: Arc::from(secret_name.into()),
        }
    }

    /// `secret_name` in [`DEFAULT_STORE_ID`], sharing the name's allocation: what a binding
    /// declared by its value alone points at.
    pub(crate) fn in_default_store(secret_name: Arc<str>) -> Self {
        Self {
            store_id: Arc::clone(&DEFAULT_STORE),
            secret_name,
        }
    }

    /// The store's id (`store_id` in wrangler config).
    pub fn store_id(&self) -> &str {
        &self.store_id
    }

    /// The secret's name within its store (`secret_name` in wrangler config).
    pub fn secret_name(&self) -> &str {
        &self.secret_name
    }
}

/// `store_id/secret_name`, the form the CLI lists.
impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.store_id, self.secret_name)
    }
}

impl fmt::Debug for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretRef({self})")
    }
}
