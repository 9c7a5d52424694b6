//! The in-memory store: one slot per (store id, secret name), shared by every binding that
//! points at it.
//!
//! Bindings resolve their slot once, when the env is built, so `get()` is a read lock and a
//! copy — no map lookup. A write replaces the whole value under the slot's lock, so a
//! concurrent reader sees the old value or the new one, never a mix.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use crate::env::SecretRef;

/// The value cell of one secret. `None`: no value (never set, or deleted).
#[derive(Default)]
pub(crate) struct Slot {
    value: RwLock<Option<Arc<str>>>,
}

impl Slot {
    /// A fresh copy of the current value.
    pub(crate) fn read(&self) -> Option<String> {
        let value = self.value.read().unwrap_or_else(PoisonError::into_inner);
        value.as_deref().map(str::to_owned)
    }

    pub(crate) fn has_value(&self) -> bool {
        self.value
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    /// Replaces the value; returns whether there was one.
    fn write(&self, value: Option<Arc<str>>) -> bool {
        let mut slot = self.value.write().unwrap_or_else(PoisonError::into_inner);
        std::mem::replace(&mut *slot, value).is_some()
    }
}

/// Every secret of every store an env knows, plus every value ever written (for leak scans,
/// which must also catch a value that has since been rotated away).
#[derive(Default)]
pub(crate) struct Store {
    slots: Mutex<BTreeMap<SecretRef, Arc<Slot>>>,
    written: Mutex<BTreeSet<(SecretRef, Arc<str>)>>,
    /// Derived values and settings the redactor adds to the written values, and the env's
    /// redactor, rebuilt after a write or delete here (`changed`).
    pub(crate) redaction: crate::redact::Registry,
    /// The fake upstream: routes, egress rules, recorded outbound requests.
    pub(crate) outbound: crate::outbound::OutboundState,
}

impl Store {
    fn slots(&self) -> MutexGuard<'_, BTreeMap<SecretRef, Arc<Slot>>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A store holding `values` (distinct references, as the builder resolves them), built
    /// in one pass instead of one [`set`](Self::set) each.
    pub(crate) fn with_values(values: Vec<(SecretRef, Arc<str>)>) -> Self {
        let slots = values
            .iter()
            .map(|(reference, value)| {
                let slot = Slot {
                    value: RwLock::new(Some(Arc::clone(value))),
                };
                (reference.clone(), Arc::new(slot))
            })
            .collect();
        Self {
            slots: Mutex::new(slots),
            written: Mutex::new(values.into_iter().collect()),
            ..Self::default()
        }
    }

    /// The slot for `reference`, created empty if the store has none yet.
    pub(crate) fn slot(&self, reference: &SecretRef) -> Arc<Slot> {
        let mut slots = self.slots();
        if let Some(slot) = slots.get(reference) {
            return Arc::clone(slot);
        }
        Arc::clone(slots.entry(reference.clone()).or_default())
    }

    /// Creates or replaces a value (Miniflare's admin `create` upserts).
    pub(crate) fn set(&self, reference: &SecretRef, value: Arc<str>) {
        let new_value = self
            .written
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert((reference.clone(), Arc::clone(&value)));
        self.slot(reference).write(Some(value));
        // The redactor hides every value ever written: only a value it has never seen
        // rebuilds it (the matrix deletes and restores a value on every check).
        if new_value {
            self.redaction.changed();
        }
    }

    /// Removes a value; returns whether there was one.
    pub(crate) fn delete(&self, reference: &SecretRef) -> bool {
        let slot = self.slots().get(reference).cloned();
        // A deleted value stays known to the redactor: nothing to rebuild.
        slot.is_some_and(|slot| slot.write(None))
    }

    /// Whether `reference` currently has a value.
    pub(crate) fn contains(&self, reference: &SecretRef) -> bool {
        self.slots()
            .get(reference)
            .is_some_and(|slot| slot.has_value())
    }

    /// References that currently have a value, sorted by store id then name, byte order.
    pub(crate) fn references(&self) -> Vec<SecretRef> {
        self.slots()
            .iter()
            .filter(|(_, slot)| slot.has_value())
            .map(|(reference, _)| reference.clone())
            .collect()
    }

    /// Names with a value in one store, sorted in byte order.
    pub(crate) fn names_in(&self, store_id: &str) -> Vec<String> {
        self.references()
            .into_iter()
            .filter(|r| r.store_id() == store_id)
            .map(|r| r.secret_name().to_owned())
            .collect()
    }

    /// Every value ever written, with the reference it was written to, sorted.
    pub(crate) fn written_values(&self) -> Vec<(SecretRef, Arc<str>)> {
        let written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
        written.iter().cloned().collect()
    }
}
