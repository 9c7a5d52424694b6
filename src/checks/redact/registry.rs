//! What a test added to an env's redaction: values derived from secrets, and the opt-in
//! partial-leak setting. Held by the env's store, so clones of an env share it.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Values derived from secrets, and the shortest run of a value reported as a partial leak.
#[derive(Default)]
pub(crate) struct Registered {
    inner: Mutex<Settings>,
}

#[derive(Default, Clone)]
pub(crate) struct Settings {
    /// `(binding, value)`, in registration order.
    pub(crate) derived: Vec<(String, Arc<str>)>,
    /// Report runs of at least this many characters of a value; `None`: off.
    pub(crate) partial_min_chars: Option<usize>,
}

impl Registered {
    fn lock(&self) -> MutexGuard<'_, Settings> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn add_derived(&self, binding: &str, value: Arc<str>) {
        let mut settings = self.lock();
        if !settings
            .derived
            .iter()
            .any(|(b, v)| b == binding && *v == value)
        {
            settings.derived.push((binding.to_owned(), value));
        }
    }

    pub(crate) fn set_partial_min_chars(&self, min_chars: Option<usize>) {
        self.lock().partial_min_chars = min_chars;
    }

    pub(crate) fn settings(&self) -> Settings {
        self.lock().clone()
    }
}
