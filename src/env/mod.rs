//! The fake env: an in-memory stand-in for `worker::Env`'s Secrets Store bindings, with its
//! store, the bindings it hands out, the test-side admin handle, injected faults and the read
//! log.

mod admin;
mod binding;
mod fault;
mod js_value;
mod kind;
mod plain;
mod read_log;
mod redaction;
mod reference;
mod state;
mod store;

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use devflare_bindings::SecretsStoreEnv;

pub use admin::SecretsAdmin;
pub use binding::SecretBinding;
pub use kind::BindingKind;
pub(crate) use plain::{PlainState, PlainValue};
pub use read_log::{BindingReads, ReadLog};
pub use reference::{DEFAULT_STORE_ID, SecretRef};
pub(crate) use state::{BindingState, EnvInner};
pub(crate) use store::Store;

use crate::error::SecretError;
use fault::FaultCell;
use read_log::ReadCounters;

/// An in-memory stand-in for `worker::Env`, holding Secrets Store bindings only.
///
/// Cheap to clone (one `Arc`), `Send + Sync`, and usable from a `static LazyLock`. Clones share
/// bindings, values, faults and the read log. Build one with [`secrets_env!`](crate::secrets_env)
/// or [`SecretsEnv::builder`].
///
/// ```
/// # tokio_test_block_on(async {
/// use devflare_test::prelude::*;
///
/// let env = secrets_env! { API_TOKEN => "test-token" };
/// let token = env.secret_store("API_TOKEN").unwrap().get().await.unwrap();
/// assert_eq!(token.as_deref(), Some("test-token"));
///
/// let unbound = env.secret_store("API_TOKNE").unwrap_err();
/// assert_eq!(unbound.to_string(), "Binding `API_TOKNE` is undefined.");
/// assert_eq!(unbound.closest(), Some("API_TOKEN"));
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output { devflare_test::block_on(f) }
/// ```
#[derive(Clone)]
pub struct SecretsEnv {
    pub(crate) inner: Arc<EnvInner>,
}

impl SecretsEnv {
    /// Assembles an env; bindings must be unique and already validated.
    pub(crate) fn from_parts(
        store: Arc<Store>,
        bindings: Vec<(Arc<str>, SecretRef)>,
        plain: Vec<Arc<PlainState>>,
        warnings: Vec<String>,
    ) -> Self {
        let bindings = bindings
            .into_iter()
            .map(|(name, reference)| {
                let state = BindingState {
                    slot: store.slot(&reference),
                    name: Arc::clone(&name),
                    reference,
                    fault: FaultCell::default(),
                    reads: ReadCounters::default(),
                };
                (name, Arc::new(state))
            })
            .collect();
        Self {
            inner: Arc::new(EnvInner {
                store,
                bindings,
                store_fault: FaultCell::default(),
                unbound_lookups: Mutex::default(),
                plain: plain
                    .into_iter()
                    .map(|state| (Arc::clone(&state.name), state))
                    .collect(),
                warnings,
                redactor: Default::default(),
            }),
        }
    }

    /// The binding named `binding`, like `worker::Env::secret_store`.
    ///
    /// # Errors
    ///
    /// [`SecretError::Unbound`] (``Binding `NAME` is undefined.``) when no binding has that
    /// exact, case-sensitive name; it offers the closest bound name.
    /// [`SecretError::WrongType`] when `binding` is a classic secret or a var
    /// (`Binding cannot be cast to the type Fetcher from String`, workers-rs' text).
    pub fn secret_store(&self, binding: &str) -> Result<SecretBinding, SecretError> {
        if let Some(value) = self.inner.plain.get(binding).and_then(|s| s.value()) {
            return Err(SecretError::WrongType {
                binding: binding.to_owned(),
                wanted: "Fetcher",
                found: value.constructor(),
            });
        }
        match self.inner.bindings.get(binding) {
            Some(state) => {
                state.reads.record_lookup();
                Ok(SecretBinding {
                    env: Arc::clone(&self.inner),
                    state: Arc::clone(state),
                })
            }
            None => {
                *self
                    .inner
                    .unbound_lookups
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .entry(binding.to_owned())
                    .or_default() += 1;
                Err(self.unbound_error(binding))
            }
        }
    }

    /// The test-side handle that writes, rotates and deletes values and injects faults. Handlers
    /// never see it; bindings they hold see its writes on their next `get()`.
    pub fn admin(&self) -> SecretsAdmin {
        SecretsAdmin::new(Arc::clone(&self.inner))
    }

    /// Bound names, sorted.
    pub fn binding_names(&self) -> impl Iterator<Item = &str> {
        self.inner.bindings.keys().map(|name| &**name)
    }

    /// The secret `binding` points at, if it is bound.
    pub fn reference(&self, binding: &str) -> Option<&SecretRef> {
        self.inner
            .bindings
            .get(binding)
            .map(|state| &state.reference)
    }

    /// Bound names whose secret has no value right now: what a test forgot to set.
    pub fn bindings_without_value(&self) -> Vec<&str> {
        self.inner
            .bindings
            .values()
            .filter(|state| !state.slot.has_value())
            .map(|state| &*state.name)
            .collect()
    }

    /// A snapshot of which bindings were looked up and read, and how each read ended.
    pub fn read_log(&self) -> ReadLog {
        let bindings = self
            .inner
            .bindings
            .values()
            .map(|state| state.reads.snapshot(&state.name, BindingKind::SecretsStore))
            .chain(
                self.inner
                    .plain
                    .values()
                    .map(|state| state.reads.snapshot(&state.name, state.kind)),
            )
            .collect::<Vec<_>>();
        let mut bindings = bindings;
        bindings.sort_by(|a, b| a.binding.cmp(&b.binding));
        let unbound = self
            .inner
            .unbound_lookups
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(name, n)| (name.clone(), *n))
            .collect();
        ReadLog::new(bindings, unbound)
    }

    /// Sets every read-log counter back to zero.
    pub fn reset_read_log(&self) {
        for state in self.inner.bindings.values() {
            state.reads.reset();
        }
        for state in self.inner.plain.values() {
            state.reads.reset();
        }
        self.inner
            .unbound_lookups
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// Whether `other` is this env or a clone of it (they share bindings and read log).
    #[cfg_attr(not(feature = "tower"), allow(dead_code))] // `TestClient::service` only
    pub(crate) fn same_env(&self, other: &SecretsEnv) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// An env over the same store with every binding but `binding`: a deployment that forgot
    /// to bind it (the matrix's "binding unbound" scenario). Its read log is its own. Classic
    /// secrets and vars are shared with this env (the same values, faults and counters), but
    /// one named `binding` is left out too.
    pub(crate) fn without_binding(&self, binding: &str) -> SecretsEnv {
        let bindings = self
            .inner
            .bindings
            .values()
            .filter(|state| &*state.name != binding)
            .map(|state| (Arc::clone(&state.name), state.reference.clone()))
            .collect();
        let plain = self
            .inner
            .plain
            .values()
            .filter(|state| &*state.name != binding)
            .cloned()
            .collect();
        SecretsEnv::from_parts(
            Arc::clone(&self.inner.store),
            bindings,
            plain,
            self.inner.warnings.clone(),
        )
    }

    /// The current value of `binding`'s secret, without recording a read (for the matrix,
    /// which must restore what it deletes).
    pub(crate) fn current_value(&self, binding: &str) -> Option<Arc<str>> {
        if let Some(state) = self.inner.plain.get(binding) {
            return match state.value()? {
                PlainValue::Text(text) => Some(text),
                PlainValue::Json(json) => Some(Arc::from(json.to_string())),
            };
        }
        let state = self.inner.bindings.get(binding)?;
        state.slot.read().map(Arc::from)
    }

    /// Every value this env's store has ever held, labelled with the binding that points at it
    /// (or `store_id/secret_name` when none does), for redaction and leak scans. Longest value
    /// first, so a value that contains another is replaced whole.
    pub(crate) fn known_values(&self) -> Vec<(String, Arc<str>)> {
        // Bindings by reference (a stable sort: the first name wins when two share one), so
        // each value finds its label by binary search. Called on every outbound request to
        // check the cached redactor, so no quadratic search and no formatting.
        let mut by_reference: Vec<&BindingState> =
            self.inner.bindings.values().map(|s| &**s).collect();
        by_reference.sort_by(|a, b| a.reference.cmp(&b.reference));
        let mut labelled: Vec<(String, Arc<str>)> = self
            .inner
            .store
            .written_values()
            .into_iter()
            .map(|(reference, value)| {
                let at = by_reference.partition_point(|state| state.reference < reference);
                let label = match by_reference.get(at) {
                    Some(state) if state.reference == reference => String::from(&*state.name),
                    _ => reference.to_string(),
                };
                (label, value)
            })
            .collect();
        // Classic secrets are secrets: labelled by name, redacted as `[secret:NAME]`.
        for state in self.inner.plain.values() {
            for value in state.written() {
                labelled.push((String::from(&*state.name), value));
            }
        }
        labelled.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.cmp(b)));
        labelled.dedup_by(|a, b| a.1 == b.1);
        labelled
    }
}

/// Lists bindings and references, and whether each has a value — never the value.
impl fmt::Debug for SecretsEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Entry<'a>(&'a BindingState);
        impl fmt::Debug for Entry<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let state = if self.0.slot.has_value() {
                    "set"
                } else {
                    "missing"
                };
                write!(f, "{} ({state})", self.0.reference)
            }
        }
        struct Plain<'a>(&'a PlainState);
        impl fmt::Debug for Plain<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let state = match self.0.value() {
                    None => "deleted",
                    Some(PlainValue::Text(_)) => "text",
                    Some(PlainValue::Json(_)) => "JSON",
                };
                write!(f, "{} ({state})", self.0.kind.describe())
            }
        }
        let mut map = f.debug_map();
        for (name, state) in &self.inner.bindings {
            map.entry(name, &Entry(state));
        }
        for (name, state) in &self.inner.plain {
            map.entry(name, &Plain(state));
        }
        map.finish()
    }
}

impl SecretsStoreEnv for SecretsEnv {
    type Secret = SecretBinding;
    type Error = SecretError;

    fn secret_store(&self, binding: &str) -> Result<SecretBinding, SecretError> {
        SecretsEnv::secret_store(self, binding)
    }
}

// Losing `Send + Sync` would break axum handlers and `static` envs: make it a build error.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SecretsEnv>();
    assert_send_sync::<SecretBinding>();
    assert_send_sync::<SecretsAdmin>();
    assert_send_sync::<SecretError>();
};
