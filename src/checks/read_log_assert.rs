//! Assertions over a [`ReadLog`]: which bindings a handler read, how often, with what outcome.

use crate::env::BindingReads;
use crate::env::ReadLog;

impl ReadLog {
    /// The reads that happened after `earlier` (a log of the same env) was taken.
    ///
    /// ```
    /// use devflare_test::prelude::*;
    ///
    /// let env = secrets_env! { API_TOKEN => "t" };
    /// let _ = block_on(env.secret_store("API_TOKEN").unwrap().get());
    /// let before = env.read_log();
    /// let _ = block_on(env.secret_store("API_TOKEN").unwrap().get());
    /// assert_eq!(env.read_log().since(&before).reads_of("API_TOKEN"), 1);
    /// ```
    pub fn since(&self, earlier: &ReadLog) -> ReadLog {
        let bindings = self
            .bindings()
            .iter()
            .map(|now| {
                let then = earlier.binding(&now.binding);
                let minus = |now: u64, pick: fn(&BindingReads) -> u64| {
                    now.saturating_sub(then.map_or(0, pick))
                };
                BindingReads {
                    binding: now.binding.clone(),
                    kind: now.kind,
                    lookups: minus(now.lookups, |b| b.lookups),
                    found: minus(now.found, |b| b.found),
                    missing: minus(now.missing, |b| b.missing),
                    failed: minus(now.failed, |b| b.failed),
                }
            })
            .collect();
        let unbound = self
            .unbound_lookups()
            .iter()
            .filter_map(|(name, n)| {
                let then = earlier
                    .unbound_lookups()
                    .iter()
                    .find(|(other, _)| other == name)
                    .map_or(0, |(_, n)| *n);
                (*n > then).then(|| (name.clone(), n - then))
            })
            .collect();
        ReadLog::new(bindings, unbound)
    }

    #[track_caller]
    fn fail(&self, what: String) -> ! {
        panic!("read log: {what}\nread log:\n{self}")
    }

    /// Asserts that `binding` was never read (`get()`), e.g. by a public route.
    ///
    /// ```
    /// use devflare_test::prelude::*;
    ///
    /// let env = secrets_env! { API_TOKEN => "t" };
    /// env.read_log().assert_not_read("API_TOKEN").assert_untouched();
    /// ```
    #[track_caller]
    pub fn assert_not_read(&self, binding: &str) -> &Self {
        self.require_bound(binding);
        let n = self.reads_of(binding);
        if n > 0 {
            self.fail(format!(
                "expected `{binding}` not to be read, but it was read {n} time(s)"
            ));
        }
        self
    }

    /// Asserts that `binding` was read exactly `times` times, whatever the outcome.
    #[track_caller]
    pub fn assert_reads(&self, binding: &str, times: u64) -> &Self {
        self.require_bound(binding);
        let n = self.reads_of(binding);
        if n != times {
            self.fail(format!(
                "expected `{binding}` to be read {times} time(s), but it was read {n} time(s)"
            ));
        }
        self
    }

    /// Asserts that `binding` was read at least once and every read found a value.
    #[track_caller]
    pub fn assert_read_found(&self, binding: &str) -> &Self {
        let reads = self.require_bound(binding);
        if reads.found == 0 || reads.found != reads.reads() {
            self.fail(format!(
                "expected every read of `{binding}` to find a value: {} found, {} missing, {} failed",
                reads.found, reads.missing, reads.failed
            ));
        }
        self
    }

    /// Asserts that no secret was looked up or read, and no unbound name was asked for.
    #[track_caller]
    pub fn assert_untouched(&self) -> &Self {
        if !self.is_untouched() {
            self.fail("expected no binding to be looked up or read".to_owned());
        }
        self
    }

    /// Asserts that no unbound name was asked for (a typo in the handler).
    #[track_caller]
    pub fn assert_no_unbound_lookups(&self) -> &Self {
        if let Some((name, n)) = self.unbound_lookups().first() {
            let hint =
                crate::suggest::closest(name, self.bindings().iter().map(|b| b.binding.as_str()))
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
            self.fail(format!(
                "the handler asked for unbound `{name}` {n} time(s){hint}"
            ));
        }
        self
    }

    #[track_caller]
    fn require_bound(&self, binding: &str) -> &BindingReads {
        match self.binding(binding) {
            Some(reads) => reads,
            None => {
                let closest = crate::suggest::closest(
                    binding,
                    self.bindings().iter().map(|b| b.binding.as_str()),
                );
                let hint = crate::error::did_you_mean(closest.as_deref());
                self.fail(format!("`{binding}` is not a bound binding{hint}"))
            }
        }
    }
}
