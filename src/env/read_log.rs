//! The read log: which bindings a handler asked for and read, how often, with what outcome.
//!
//! Counters are atomics on each binding, so recording a read costs a few nanoseconds and
//! never blocks a concurrent reader.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use super::kind::BindingKind;

/// Live counters for one binding. Not public: tests see [`ReadLog`] snapshots.
#[derive(Default)]
pub(crate) struct ReadCounters {
    lookups: AtomicU64,
    found: AtomicU64,
    missing: AtomicU64,
    failed: AtomicU64,
}

/// How one `get()` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadOutcome {
    Found,
    Missing,
    Failed,
}

impl ReadCounters {
    pub(crate) fn record_lookup(&self) {
        self.lookups.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn record(&self, outcome: ReadOutcome) {
        let counter = match outcome {
            ReadOutcome::Found => &self.found,
            ReadOutcome::Missing => &self.missing,
            ReadOutcome::Failed => &self.failed,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn reset(&self) {
        for counter in [&self.lookups, &self.found, &self.missing, &self.failed] {
            counter.store(0, Ordering::Relaxed);
        }
    }

    pub(crate) fn snapshot(&self, binding: &str, kind: BindingKind) -> BindingReads {
        BindingReads {
            binding: binding.to_owned(),
            kind,
            lookups: self.lookups.load(Ordering::Relaxed),
            found: self.found.load(Ordering::Relaxed),
            missing: self.missing.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
        }
    }
}

/// What happened to one binding: lookups (`env.secret_store(NAME)`) and reads (`get()`) by
/// outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BindingReads {
    /// The binding name.
    pub binding: String,
    /// What it is: a Secrets Store binding, a classic secret or a var.
    pub kind: BindingKind,
    /// How many times `secret_store(NAME)` handed this binding out (for a classic secret or
    /// a var: how many times `secret`, `var` or `object_var` asked for it).
    pub lookups: u64,
    /// `get()` calls that returned a value.
    pub found: u64,
    /// `get()` calls that failed with `Secret "…" not found` (a classic secret or var: reads
    /// after it was deleted).
    pub missing: u64,
    /// `get()` calls that failed with an injected fault (a classic secret or var: also reads
    /// with the wrong accessor, such as `var()` on a JSON var).
    pub failed: u64,
}

impl BindingReads {
    /// Non-zero outcome counts in a fixed order, e.g. `["2 found", "1 failed"]`.
    pub(crate) fn outcomes(&self) -> Vec<String> {
        [
            (self.found, "found"),
            (self.missing, "missing"),
            (self.failed, "failed"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect()
    }

    /// All `get()` calls, whatever their outcome.
    pub fn reads(&self) -> u64 {
        self.found + self.missing + self.failed
    }
}

/// A snapshot of an env's read log, from [`SecretsEnv::read_log`](crate::SecretsEnv::read_log).
///
/// Its `Display` is stable and value-free, made for snapshots:
///
/// ```text
/// API_TOKEN: 1 lookup, 1 read (1 found)
/// ENVIRONMENT (var): not used
/// GREETING: not used
/// PARTNER_API_KEY (classic secret): 1 lookup, 1 read (1 found)
/// unbound lookups: API_TOKNE ×1
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadLog {
    bindings: Vec<BindingReads>,
    unbound: Vec<(String, u64)>,
}

impl ReadLog {
    pub(crate) fn new(bindings: Vec<BindingReads>, unbound: Vec<(String, u64)>) -> Self {
        Self { bindings, unbound }
    }

    /// Every bound binding of every kind, sorted by name, used or not.
    pub fn bindings(&self) -> &[BindingReads] {
        &self.bindings
    }

    /// The counters of one binding, if it is bound.
    pub fn binding(&self, name: &str) -> Option<&BindingReads> {
        self.bindings.iter().find(|reads| reads.binding == name)
    }

    /// How many times `get()` was called on `binding` (0 for an unbound name).
    pub fn reads_of(&self, binding: &str) -> u64 {
        self.binding(binding).map_or(0, BindingReads::reads)
    }

    /// Names asked for with `secret_store()` that are not bound, with counts, sorted.
    pub fn unbound_lookups(&self) -> &[(String, u64)] {
        &self.unbound
    }

    /// True when no binding was looked up or read, and no unbound name was asked for.
    pub fn is_untouched(&self) -> bool {
        self.unbound.is_empty()
            && self
                .bindings
                .iter()
                .all(|b| b.lookups == 0 && b.reads() == 0)
    }

    /// Names of the bindings that were read at least once.
    pub fn read_bindings(&self) -> Vec<&str> {
        self.bindings
            .iter()
            .filter(|b| b.reads() > 0)
            .map(|b| b.binding.as_str())
            .collect()
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl fmt::Display for ReadLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.bindings {
            match b.kind {
                BindingKind::SecretsStore => write!(f, "{}: ", b.binding)?,
                kind => write!(f, "{} ({}): ", b.binding, kind.describe())?,
            }
            if b.lookups == 0 && b.reads() == 0 {
                writeln!(f, "not used")?;
                continue;
            }
            write!(
                f,
                "{}, {}",
                plural(b.lookups, "lookup", "lookups"),
                plural(b.reads(), "read", "reads")
            )?;
            let outcomes = b.outcomes();
            if outcomes.is_empty() {
                writeln!(f)?;
            } else {
                writeln!(f, " ({})", outcomes.join(", "))?;
            }
        }
        if !self.unbound.is_empty() {
            let names: Vec<String> = self
                .unbound
                .iter()
                .map(|(name, n)| format!("{name} ×{n}"))
                .collect();
            writeln!(f, "unbound lookups: {}", names.join(", "))?;
        }
        Ok(())
    }
}
