//! Fault injection: make `get()` fail, to test that handlers fail closed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{PoisonError, RwLock};

/// An optional injected failure. The flag keeps the healthy path to one atomic load.
#[derive(Default)]
pub(crate) struct FaultCell {
    active: AtomicBool,
    message: RwLock<Option<String>>,
}

impl FaultCell {
    /// The injected message, if a fault is active.
    pub(crate) fn current(&self) -> Option<String> {
        if !self.active.load(Ordering::Acquire) {
            return None;
        }
        self.message
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn set(&self, message: Option<String>) {
        let mut current = self.message.write().unwrap_or_else(PoisonError::into_inner);
        self.active.store(message.is_some(), Ordering::Release);
        *current = message;
    }

    pub(crate) fn is_active(&self) -> bool {
        self.active.load(Ordering::Acquire)
    }
}
