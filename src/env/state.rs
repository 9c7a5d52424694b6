//! The shared state behind an env: what `SecretsEnv`, its bindings and its admin handle all
//! point at. Kept apart so that the env and the admin handle depend on it, not on each other.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::fault::FaultCell;
use super::plain::PlainState;
use super::read_log::ReadCounters;
use super::store::{Slot, Store};
use crate::env::SecretRef;

/// Everything an env's clones, bindings and admin handles share.
pub(crate) struct EnvInner {
    pub(crate) store: Arc<Store>,
    pub(crate) bindings: BTreeMap<Arc<str>, Arc<BindingState>>,
    /// A fault for every binding at once: the whole store failing.
    pub(crate) store_fault: FaultCell,
    /// Lookups of names that are not bound, by name: for the read log.
    pub(crate) unbound_lookups: Mutex<BTreeMap<String, u64>>,
    /// Classic secrets and vars, by name.
    pub(crate) plain: BTreeMap<Arc<str>, Arc<PlainState>>,
    /// What building the env warned about (never a value).
    pub(crate) warnings: Vec<String>,
    /// The env's redactor, rebuilt when the store's redaction generation moves on.
    pub(crate) redactor: crate::redact::RedactorCache,
}

/// One binding: its name, the secret it points at, its slot, fault and read counters.
pub(crate) struct BindingState {
    pub(crate) name: Arc<str>,
    pub(crate) reference: SecretRef,
    pub(crate) slot: Arc<Slot>,
    pub(crate) fault: FaultCell,
    pub(crate) reads: ReadCounters,
}
