//! An env's redaction state: what a test added (values derived from secrets, the opt-in
//! partial-leak setting) with a generation counter ([`Registry`], held by the env's store),
//! and the redactor built for the env, cached until that generation moves on
//! ([`RedactorCache`], held by the env itself: clones share it, while an env made from
//! another over the same store — the matrix's "binding unbound" env — labels values by its
//! own bindings and so has its own).
//!
//! The generation is bumped when a value the store never held is written (`Store::set`; a
//! classic secret's new text through the admin), and here when a derived value is
//! registered or the partial-leak setting changes. Deleting or restoring a value does not
//! bump it: the redactor hides every value ever written, so it has nothing to rebuild. Every reader — the client's
//! failure messages, `leaks()`, snapshots, the matrix — asks the env, so a redactor is built
//! once per change, not once per use.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::Redactor;

/// Values derived from secrets, the shortest run of a value reported as a partial leak, and
/// the generation of what must be hidden.
#[derive(Default)]
pub(crate) struct Registry {
    inner: Mutex<Settings>,
    /// Bumped by every change to what must be hidden.
    generation: AtomicU64,
}

/// The redactor an env built last, with the generation it was built at.
#[derive(Default)]
pub(crate) struct RedactorCache {
    cached: Mutex<Option<(u64, Redactor)>>,
    /// How many redactors were built: what the tests of the cache count.
    #[cfg(test)]
    pub(crate) builds: std::sync::atomic::AtomicUsize,
}

#[derive(Default, Clone)]
pub(crate) struct Settings {
    /// `(binding, value)`, in registration order.
    pub(crate) derived: Vec<(String, Arc<str>)>,
    /// Report runs of at least this many characters of a value; `None`: off.
    pub(crate) partial_min_chars: Option<usize>,
}

impl Registry {
    fn lock(&self) -> MutexGuard<'_, Settings> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What must be hidden has changed: the next redactor asked for is built afresh.
    pub(crate) fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    pub(crate) fn add_derived(&self, binding: &str, value: Arc<str>) {
        let mut settings = self.lock();
        if !settings
            .derived
            .iter()
            .any(|(b, v)| b == binding && *v == value)
        {
            settings.derived.push((binding.to_owned(), value));
            self.changed();
        }
    }

    pub(crate) fn set_partial_min_chars(&self, min_chars: Option<usize>) {
        let mut settings = self.lock();
        if settings.partial_min_chars != min_chars {
            settings.partial_min_chars = min_chars;
            self.changed();
        }
    }

    pub(crate) fn settings(&self) -> Settings {
        self.lock().clone()
    }

    /// The current generation of what must be hidden.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }
}

impl RedactorCache {
    /// The redactor for `generation`: the cached one, or `build()`'s, cached. Read the
    /// generation before building, so that a change made while building leaves the new
    /// redactor marked stale and the next call builds again.
    pub(crate) fn get(&self, generation: u64, build: impl FnOnce() -> Redactor) -> Redactor {
        let mut cached = self.cached.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((built_at, redactor)) = &*cached
            && *built_at == generation
        {
            return redactor.clone();
        }
        let redactor = build();
        #[cfg(test)]
        self.builds.fetch_add(1, Ordering::Relaxed);
        *cached = Some((generation, redactor.clone()));
        redactor
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use crate::env::SecretsEnv;

    use crate::http::{TestClient, TestRequest};

    fn builds(env: &SecretsEnv) -> usize {
        env.inner.redactor.builds.load(Ordering::Relaxed)
    }

    #[test]
    fn two_leak_scans_and_a_failure_message_build_one_redactor() {
        let env = SecretsEnv::builder()
            .secret("API_TOKEN", "cache-canary-5e1f")
            .build()
            .unwrap();
        let client = TestClient::new(&env, async |_, _| {
            http::Response::new(String::from("cache-canary-5e1f"))
        });
        let response = client.send_blocking(TestRequest::get("/"));
        assert_eq!(builds(&env), 0);
        assert_eq!(response.leaks().len(), 1);
        assert_eq!(response.leaks().len(), 1);
        let _ = format!("{response:?}");
        let _ = client.env().clone().redactor();
        assert_eq!(builds(&env), 1);
        // A change to what must be hidden builds once more, then the cache serves again.
        env.admin()
            .rotate("API_TOKEN", "cache-canary-next")
            .unwrap();
        assert_eq!(response.leaks().len(), 1);
        assert_eq!(response.leaks().len(), 1);
        assert_eq!(builds(&env), 2);
    }

    /// The matrix deletes and restores the route's secret on every check, and a classic
    /// secret too when a route reads one: neither may rebuild the redactor (it hides every
    /// value ever written, so nothing changed for it); only a value never held does.
    #[test]
    fn deleting_and_restoring_a_value_keeps_the_redactor() {
        let env = SecretsEnv::builder()
            .secret("API_TOKEN", "cache-canary-5e1f")
            .classic_secret("PARTNER_KEY", "cache-canary-partner")
            .build()
            .unwrap();
        let _ = env.redactor();
        assert_eq!(builds(&env), 1);
        let admin = env.admin();
        admin.delete("API_TOKEN").unwrap();
        admin.set("API_TOKEN", "cache-canary-5e1f").unwrap();
        admin.delete("PARTNER_KEY").unwrap();
        admin.set("PARTNER_KEY", "cache-canary-partner").unwrap();
        let redactor = env.redactor();
        assert_eq!(builds(&env), 1);
        assert_eq!(redactor.redact("cache-canary-5e1f"), "[secret:API_TOKEN]");
        // A value never held rebuilds, and the deleted-then-replaced one stays hidden.
        admin.set("PARTNER_KEY", "cache-canary-partner-2").unwrap();
        let redactor = env.redactor();
        assert_eq!(builds(&env), 2);
        assert_eq!(
            redactor.redact("cache-canary-partner cache-canary-partner-2"),
            "[secret:PARTNER_KEY] [secret:PARTNER_KEY]"
        );
    }
}
