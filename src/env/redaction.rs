//! What a test calls on [`SecretsEnv`] for redaction: the env's redactor (cached, see
//! `redact/registry.rs`), register derived values, opt in to partial leaks. Here, in `env/`,
//! so that the env depends on redaction and redaction not on the env.

use std::sync::Arc;

use crate::env::SecretsEnv;
use crate::error::SecretError;
use crate::redact::MIN_TOKEN_CHARS;
use crate::suggest::closest;

use crate::redact::{Known, Redactor, RedactorError, ValueKind};

impl SecretsEnv {
    /// A [`Redactor`] for every value this env's store has ever held, every value registered
    /// with [`register_derived`](Self::register_derived), and — after
    /// [`report_partial_leaks`](Self::report_partial_leaks) — every run of them.
    ///
    /// Built once and shared by every clone of the env until what it hides changes (a value
    /// the store never held written, a derived value registered, the partial-leak setting
    /// changed — a deleted or restored value is still hidden), so calling this again is cheap:
    /// the client's failure messages, `leaks()`, snapshots and the matrix all use it.
    ///
    /// If the matcher cannot be built (see [`try_redactor`](Self::try_redactor)), the redactor
    /// fails closed: it redacts every text whole and finds a leak in every response.
    pub fn redactor(&self) -> Redactor {
        let generation = self.inner.store.redaction.generation();
        self.inner.redactor.get(generation, || {
            self.try_redactor()
                .unwrap_or_else(|error| Redactor::failed(&error))
        })
    }

    /// [`redactor`](Self::redactor), built afresh, with the reason when its matcher cannot be
    /// built.
    ///
    /// # Errors
    ///
    /// [`RedactorError`] when the automaton exceeds its size limits (gigabytes of values).
    pub fn try_redactor(&self) -> Result<Redactor, RedactorError> {
        Redactor::new(&self.redaction_values())
    }

    /// Registers `value`, derived from `binding`'s secret (a signature, a hash, a session
    /// token), so that redaction and the leak scan treat it like the secret itself, in every
    /// encoding. Its marker is `[secret:BINDING:derived]`; a leak of it has
    /// [`ValueKind::Derived`] and reads "a value derived from secret `BINDING` leaked …".
    ///
    /// ```
    /// use devflare_test::prelude::*;
    ///
    /// let env = secrets_env! { API_TOKEN => "test-token" };
    /// env.register_derived("API_TOKEN", "sig-3f9a1c").unwrap();
    /// assert_eq!(env.redactor().redact("x-sig: sig-3f9a1c"), "x-sig: [secret:API_TOKEN:derived]");
    /// assert!(env.register_derived("API_TOKNE", "v").is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// [`SecretError::Unbound`] when no binding has that name (with the closest one).
    pub fn register_derived(
        &self,
        binding: &str,
        value: impl Into<String>,
    ) -> Result<(), SecretError> {
        if self.reference(binding).is_none() {
            return Err(SecretError::Unbound {
                binding: binding.to_owned(),
                closest: closest(binding, self.binding_names()),
            });
        }
        let value: String = value.into();
        self.inner
            .store
            .redaction
            .add_derived(binding, Arc::from(value));
        Ok(())
    }

    /// Opts in to partial leaks: from now on, any run of at least `min_chars` characters of a
    /// value (prefix, suffix or middle), in any encoding, is a leak of [`ValueKind::Partial`]
    /// and is redacted as `[secret:BINDING:partial]` — for teams that treat a token prefix in
    /// a log as a leak. `min_chars` below [`MIN_TOKEN_CHARS`] is raised to it (shorter runs
    /// are everywhere in ordinary text); `None` turns the setting off.
    ///
    /// ```
    /// use devflare_test::prelude::*;
    ///
    /// let env = secrets_env! { API_TOKEN => "sk_live_9fK3qL7wZ" };
    /// assert_eq!(env.redactor().redact("key sk_live_9fK3…"), "key sk_live_9fK3…");
    /// env.report_partial_leaks(Some(8));
    /// assert_eq!(env.redactor().redact("key sk_live_9fK3…"), "key [secret:API_TOKEN:partial]…");
    /// ```
    pub fn report_partial_leaks(&self, min_chars: Option<usize>) {
        self.inner
            .store
            .redaction
            .set_partial_min_chars(min_chars.map(|n| n.max(MIN_TOKEN_CHARS)));
    }

    /// Every value to redact, longest first (so a value that contains another labels the
    /// forms they share), then the runs of each when partial leaks are on.
    fn redaction_values(&self) -> Vec<Known> {
        let settings = self.inner.store.redaction.settings();
        let secrets = self
            .known_values()
            .into_iter()
            .map(|(label, value)| (label, value, ValueKind::Secret));
        let derived = settings
            .derived
            .into_iter()
            .map(|(label, value)| (label, value, ValueKind::Derived));
        let mut known: Vec<Known> = Vec::new();
        for (label, value, kind) in secrets.chain(derived) {
            // A value with whitespace at its ends (a TOML `"""` string) is often echoed trimmed.
            let core = value.trim();
            if core.len() != value.len() && !core.is_empty() {
                known.push(Known {
                    label: label.clone(),
                    value: Arc::from(core),
                    kind,
                });
            }
            known.push(Known { label, value, kind });
        }
        known.sort_by_key(|entry| std::cmp::Reverse(entry.value.len()));
        if let Some(min_chars) = settings.partial_min_chars {
            let mut runs = Vec::new();
            for entry in &known {
                let chars: Vec<(usize, char)> = entry.value.char_indices().collect();
                // Every run of `min_chars` characters: any longer run contains one.
                for window in chars.windows(min_chars).filter(|_| chars.len() > min_chars) {
                    let start = window[0].0;
                    let (last, c) = window[min_chars - 1];
                    runs.push(Known {
                        label: entry.label.clone(),
                        value: Arc::from(&entry.value[start..last + c.len_utf8()]),
                        kind: ValueKind::Partial,
                    });
                }
            }
            known.extend(runs);
        }
        known
    }
}
