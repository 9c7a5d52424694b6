//! Building an env: bindings (name → reference) and values (reference → value), from code,
//! files and config, layered by precedence.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use super::plain::{self, PendingPlain, PlainSource};
use super::validate::{self, OtherBinding};
use crate::env::{BindingKind, PlainState, PlainValue, Store};
use crate::env::{SecretRef, SecretsEnv};
use crate::error::{Error, Origin};

/// Where a value came from. When several sources give a value for the same secret, the
/// highest wins: explicit values in test code, then fixture files, then local values, then
/// fallbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ValueSource {
    /// [`SecretsEnvBuilder::fallback`]: used only when no other source gives a value.
    Fallback,
    /// Local values (Devflare's `.devflare/secrets.local.json`, wrangler's `.wrangler/state`).
    Local,
    /// A fixture file's `[stores."<id>"]` tables.
    FixtureFile,
    /// Builder calls and `secrets_env!` in test code.
    Explicit,
}

/// What a value is for: a secret directly, or whatever secret a binding ends up pointing at.
#[derive(Clone)]
enum Target {
    Secret(SecretRef),
    Binding(Arc<str>),
}

#[derive(Clone)]
struct PendingValue {
    target: Target,
    value: Arc<str>,
    source: ValueSource,
    origin: Origin,
}

#[derive(Clone)]
struct PendingBinding {
    name: Arc<str>,
    reference: SecretRef,
    origin: Origin,
}

/// Builds a [`SecretsEnv`] from bindings and values.
///
/// Bindings map a binding name to a (store id, secret name) reference, as
/// `[[secrets_store_secrets]]` does in wrangler config; values belong to references, so two
/// bindings to the same reference share one value. Calls may come in any order: values are
/// matched to bindings in [`build`](Self::build).
///
/// ```
/// use devflare_test::prelude::*;
/// use devflare_test::secrets::SecretRef;
///
/// let api_token = SecretRef::new("store-123", "api-token");
/// let env = SecretsEnv::builder()
///     .bind("API_TOKEN", api_token.clone())
///     .bind("SAME_TOKEN", api_token.clone())
///     .secret_at(api_token, "test-token") // by reference: `_at` takes a SecretRef
///     .secret("GREETING", "hello") // by binding: declared as DEFAULT_STORE_ID/GREETING
///     .build()
///     .unwrap();
/// let read = |name| block_on(env.secret_store(name).unwrap().get()).unwrap();
/// assert_eq!(read("SAME_TOKEN").as_deref(), Some("test-token"));
/// assert_eq!(read("GREETING").as_deref(), Some("hello"));
/// ```
#[derive(Clone, Default)]
#[must_use = "a builder does nothing until `build()`"]
pub struct SecretsEnvBuilder {
    bindings: Vec<PendingBinding>,
    values: Vec<PendingValue>,
    strict: bool,
    /// Errors of sources added in a chain (e.g. a missing local values file), reported by
    /// `build()` so chains stay fluent.
    deferred_errors: Vec<Error>,
    /// Optional sources (`*_if_present`) whose file was absent, shown by `Debug` so a test
    /// that got no local values can see why.
    skipped_sources: Vec<String>,
    other_bindings: Vec<OtherBinding>,
    /// Set once a wrangler config is loaded: its bindings are then the whole set, and a
    /// value for any other name is a typo rather than a new binding.
    config_declares_bindings: bool,
    /// Classic secrets and vars, in the order given; resolved by source in `build()`.
    plain: Vec<PendingPlain>,
    /// `secrets.required` of the loaded config section, if it has one.
    required_secrets: Option<Vec<(String, Origin)>>,
}

// Here rather than beside `SecretsEnv`: the env is the lower layer and knows nothing of how
// it is built.
impl SecretsEnv {
    /// Starts building an env from bindings and values. See [`SecretsEnvBuilder`].
    pub fn builder() -> SecretsEnvBuilder {
        SecretsEnvBuilder::new()
    }
}

impl SecretsEnvBuilder {
    /// An empty builder; same as [`SecretsEnv::builder`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares binding `binding` → the secret `reference` points at.
    ///
    /// The naming rule, shared with [`SecretsAdmin`](crate::secrets::SecretsAdmin): methods whose name
    /// ends in `_at` take a [`SecretRef`]; every other method takes a binding name.
    pub fn bind(mut self, binding: impl Into<String>, reference: SecretRef) -> Self {
        self.bindings.push(PendingBinding {
            name: Arc::from(binding.into()),
            reference,
            origin: Origin::Code,
        });
        self
    }

    /// Gives the secret `reference` points at a value, bound or not.
    pub fn secret_at(mut self, reference: SecretRef, value: impl Into<Arc<str>>) -> Self {
        self.values.push(PendingValue {
            target: Target::Secret(reference),
            value: value.into(),
            source: ValueSource::Explicit,
            origin: Origin::Code,
        });
        self
    }

    /// Gives binding `binding` a value: the value of whatever secret it is bound to (by
    /// [`bind`](Self::bind), a fixture file or wrangler config). A binding nothing declares is
    /// declared as `DEFAULT_STORE_ID` / `binding` — unless a wrangler config was loaded: its
    /// bindings are then the whole set, as in production, and [`build`](Self::build) fails
    /// with [`Error::UnknownBinding`] naming the closest declared binding (declare extra ones
    /// with [`bind`](Self::bind)).
    ///
    /// This is Devflare's `createOfflineEnv(config, { secretsStore: { API_TOKEN: 'test-token' } })`.
    pub fn secret(mut self, binding: impl Into<String>, value: impl Into<Arc<str>>) -> Self {
        self.values.push(PendingValue {
            target: Target::Binding(Arc::from(binding.into())),
            value: value.into(),
            source: ValueSource::Explicit,
            origin: Origin::Code,
        });
        self
    }

    /// Gives the Worker a string var (`env.var(name)`), as `[vars]` in wrangler config would.
    /// A value given here wins over the config's `vars` and over `.dev.vars` / `.env`; between
    /// two explicit values for one name, the last wins. Vars are configuration: not redacted.
    pub fn var(self, name: impl Into<String>, value: impl Into<Arc<str>>) -> Self {
        self.explicit_plain(
            name.into(),
            BindingKind::Var,
            PlainValue::Text(value.into()),
        )
    }

    /// Gives the Worker a JSON var (`env.object_var::<T>(name)`), as a non-string `vars` value
    /// in wrangler config would. Precedence as [`var`](Self::var).
    pub fn json_var(self, name: impl Into<String>, value: serde_json::Value) -> Self {
        self.explicit_plain(
            name.into(),
            BindingKind::Var,
            PlainValue::Json(Arc::new(value)),
        )
    }

    /// Gives the Worker a classic secret (`env.secret(name)`), as `wrangler secret put` or
    /// `.dev.vars` would. It is a secret: redacted as `[secret:NAME]`, found by the leak scan,
    /// recorded in the read log, rotatable and fault-injectable through
    /// [`SecretsAdmin`](crate::secrets::SecretsAdmin). Precedence as [`var`](Self::var).
    ///
    /// ```
    /// use devflare_test::prelude::*;
    ///
    /// let env = SecretsEnv::builder()
    ///     .classic_secret("PARTNER_API_KEY", "pk-canary-7f3a")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(env.secret("PARTNER_API_KEY").unwrap(), "pk-canary-7f3a");
    /// assert_eq!(env.redactor().redact("key=pk-canary-7f3a"), "key=[secret:PARTNER_API_KEY]");
    /// env.admin().rotate("PARTNER_API_KEY", "pk-new").unwrap();
    /// assert_eq!(env.secret("PARTNER_API_KEY").unwrap(), "pk-new");
    /// ```
    pub fn classic_secret(self, name: impl Into<String>, value: impl Into<Arc<str>>) -> Self {
        self.explicit_plain(
            name.into(),
            BindingKind::ClassicSecret,
            PlainValue::Text(value.into()),
        )
    }

    fn explicit_plain(self, name: impl Into<String>, kind: BindingKind, value: PlainValue) -> Self {
        self.plain_from(PendingPlain {
            name: Arc::from(name.into()),
            kind,
            value,
            source: PlainSource::Explicit,
            origin: Origin::Code,
        })
    }

    pub(crate) fn plain_from(mut self, pending: PendingPlain) -> Self {
        self.plain.push(pending);
        self
    }

    pub(crate) fn required_secrets_from(mut self, names: Vec<(String, Origin)>) -> Self {
        self.required_secrets = Some(names);
        self
    }

    /// Gives binding `binding` a value used only when no other source gives one — no explicit
    /// value, fixture file or local value: a default below every source, e.g. for CI where
    /// the local values file a developer keeps is absent.
    ///
    /// ```
    /// use devflare_test::prelude::*;
    ///
    /// let read = |env: &SecretsEnv| block_on(env.secret_store("API_TOKEN").unwrap().get()).unwrap();
    /// let fallback_only = SecretsEnv::builder().fallback("API_TOKEN", "ci-fallback").build().unwrap();
    /// assert_eq!(read(&fallback_only).as_deref(), Some("ci-fallback"));
    ///
    /// // Any other source wins, in whatever order the calls come.
    /// let both = SecretsEnv::builder()
    ///     .fallback("API_TOKEN", "ci-fallback")
    ///     .secret("API_TOKEN", "explicit")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(read(&both).as_deref(), Some("explicit"));
    /// ```
    pub fn fallback(mut self, binding: impl Into<String>, value: impl Into<Arc<str>>) -> Self {
        self.values.push(PendingValue {
            target: Target::Binding(Arc::from(binding.into())),
            value: value.into(),
            source: ValueSource::Fallback,
            origin: Origin::Code,
        });
        self
    }

    /// As [`fallback`](Self::fallback), for the secret `reference` points at.
    pub fn fallback_at(mut self, reference: SecretRef, value: impl Into<Arc<str>>) -> Self {
        self.values.push(PendingValue {
            target: Target::Secret(reference),
            value: value.into(),
            source: ValueSource::Fallback,
            origin: Origin::Code,
        });
        self
    }

    /// Checks what production would reject: secret and binding names against wrangler's rule,
    /// values against the 64 KiB cap, store ids as 32 lowercase hex digits. It also warns
    /// (see [`SecretsEnv::warnings`]) about a var whose name or value looks like a secret:
    /// `vars` are committed with the config, so a secret belongs in a classic secret.
    pub fn strict(mut self) -> Self {
        self.strict = true;
        self
    }

    /// Whether [`strict`](Self::strict) is on.
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    pub(crate) fn bind_from(
        mut self,
        binding: String,
        reference: SecretRef,
        origin: Origin,
    ) -> Self {
        self.bindings.push(PendingBinding {
            name: Arc::from(binding),
            reference,
            origin,
        });
        self
    }

    pub(crate) fn value_from(
        mut self,
        reference: SecretRef,
        value: Arc<str>,
        source: ValueSource,
        origin: Origin,
    ) -> Self {
        self.values.push(PendingValue {
            target: Target::Secret(reference),
            value,
            source,
            origin,
        });
        self
    }

    /// Records the other binding kinds of a loaded wrangler config.
    pub(crate) fn config_loaded(mut self, others: impl IntoIterator<Item = OtherBinding>) -> Self {
        self.config_declares_bindings = true;
        self.other_bindings.extend(others);
        self
    }

    /// Records an error of a source added mid-chain; `build()` returns the first one.
    pub(crate) fn defer_error(mut self, error: Error) -> Self {
        self.deferred_errors.push(error);
        self
    }

    /// Records an optional source that was skipped (its file is absent).
    pub(crate) fn skip_source(mut self, description: String) -> Self {
        self.skipped_sources.push(description);
        self
    }

    /// Resolves bindings and values into an env.
    ///
    /// # Errors
    ///
    /// - [`Error::Config`] when a wrangler config or fixture file could not be read (the
    ///   first such error, with file, line and column);
    /// - [`Error::DuplicateBinding`] when a binding name is declared twice (naming both places);
    /// - [`Error::UnknownBinding`] when a wrangler config was loaded and
    ///   [`secret`](Self::secret) names a binding nothing declares;
    /// - [`Error::LocalValues`] when a local values source added with
    ///   [`devflare_local`](Self::devflare_local) (or `wrangler_state`) is missing or malformed;
    /// - with [`strict`](Self::strict), the first rule production would reject, including a
    ///   Secrets Store binding named like another binding kind in the wrangler config.
    pub fn build(self) -> Result<SecretsEnv, Error> {
        if let Some(error) = self.deferred_errors.into_iter().next() {
            return Err(error);
        }
        let mut declared: BTreeMap<Arc<str>, PendingBinding> = BTreeMap::new();
        for binding in self.bindings {
            if let Some(first) = declared.get(&binding.name) {
                return Err(Error::DuplicateBinding {
                    binding: binding.name.to_string(),
                    first: first.origin.clone(),
                    second: binding.origin,
                });
            }
            declared.insert(Arc::clone(&binding.name), binding);
        }

        // A value for an undeclared binding declares it with the defaults — unless wrangler
        // config declared the bindings, where an unknown name is a typo.
        for value in &self.values {
            if let Target::Binding(name) = &value.target {
                if self.config_declares_bindings && !declared.contains_key(name) {
                    return Err(Error::UnknownBinding {
                        binding: name.to_string(),
                        origin: value.origin.clone(),
                        closest: crate::suggest::closest(name, declared.keys().map(|k| &**k)),
                    });
                }
                declared
                    .entry(Arc::clone(name))
                    .or_insert_with(|| PendingBinding {
                        name: Arc::clone(name),
                        reference: SecretRef::in_default_store(Arc::clone(name)),
                        origin: value.origin.clone(),
                    });
            }
        }

        // Highest source wins; within a source, the last value given wins.
        let mut resolved: BTreeMap<SecretRef, (ValueSource, Arc<str>, Origin)> = BTreeMap::new();
        for value in self.values {
            let reference = match value.target {
                Target::Secret(reference) => reference,
                Target::Binding(name) => declared[&name].reference.clone(),
            };
            match resolved.get(&reference) {
                Some((source, ..)) if *source > value.source => {}
                _ => {
                    resolved.insert(reference, (value.source, value.value, value.origin));
                }
            }
        }

        if self.strict {
            validate::check(
                declared
                    .values()
                    .map(|b| (&*b.name, &b.reference, &b.origin)),
                resolved
                    .iter()
                    .map(|(reference, (_, value, origin))| (reference, &**value, origin)),
            )?;
            validate::check_unique_across_kinds(
                declared.values().map(|b| (&*b.name, &b.origin)),
                &self.other_bindings,
            )?;
        }

        let (plain, warnings) = plain::resolve(
            self.plain,
            self.required_secrets.as_deref(),
            self.strict,
            |name| declared.get(name).map(|b| b.origin.clone()),
        )?;
        for warning in &warnings {
            eprintln!("devflare-test warning: {warning}");
        }

        let store = Arc::new(Store::with_values(
            resolved
                .into_iter()
                .map(|(reference, (_, value, _))| (reference, value))
                .collect(),
        ));
        let bindings = declared
            .into_values()
            .map(|binding| (binding.name, binding.reference))
            .collect();
        let plain = plain
            .into_iter()
            .map(|p| Arc::new(PlainState::new(p.name, p.kind, p.value)))
            .collect();
        Ok(SecretsEnv::from_parts(store, bindings, plain, warnings))
    }
}

/// Lists bindings and how many values are pending — never the values.
impl fmt::Debug for SecretsEnvBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bindings: BTreeMap<&str, String> = self
            .bindings
            .iter()
            .map(|b| (&*b.name, b.reference.to_string()))
            .collect();
        f.debug_struct("SecretsEnvBuilder")
            .field("bindings", &bindings)
            .field("values", &self.values.len())
            .field(
                "classic_secrets_and_vars",
                &self.plain.iter().map(|p| &*p.name).collect::<Vec<_>>(),
            )
            .field("strict", &self.strict)
            .field("deferred_errors", &self.deferred_errors.len())
            .field("skipped_sources", &self.skipped_sources)
            .finish()
    }
}
