//! Classic secrets and vars in the fake env: the string and JSON values a Worker reads with
//! `env.secret(NAME)`, `env.var(NAME)` and `env.object_var::<T>(NAME)` — and what each read
//! gives, error texts included, as workers-rs 0.8 gives it.
//!
//! Texts taken from workers-rs' source (`Env::get_binding`, `EnvBinding::get`); the ones marked
//! "unconfirmed" still need a workerd row in the conformance table:
//!
//! - unbound name, every accessor: ``Binding `NAME` is undefined.``
//! - `secret()`/`var()` on a Secrets Store binding:
//!   `Binding cannot be cast to the type String from Fetcher` (confirmation pending)
//! - `secret_store()` on a classic secret or string var:
//!   `Binding cannot be cast to the type Fetcher from String` (unconfirmed)
//! - `var()`/`secret()` on a JSON object var: `... to the type String from Object`
//!   (unconfirmed; `Array`, `Number`, `Boolean` for other JSON)
//! - `object_var()` on a string: `Binding cannot be cast to the type Object from String`
//!   (unconfirmed); on JSON that `T` rejects: serde-wasm-bindgen's text as a JavaScript error,
//!   `Error: invalid type: JsValue(Object({...})), expected u64` (`js_value.rs`)
//! - a JSON `null` var makes workers-rs' constructor lookup throw in JavaScript; the fake
//!   answers `... from null` instead (not reproducible as a `Result`).

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use devflare_bindings::VarsEnv;
use serde::de::DeserializeOwned;

use super::fault::FaultCell;
use super::kind::BindingKind;
use super::read_log::{ReadCounters, ReadOutcome};
use crate::env::SecretsEnv;
use crate::error::SecretError;
use crate::suggest::closest;

/// A plain binding's value: a string, or JSON (a var whose config value is not a string).
#[derive(Clone, PartialEq)]
pub(crate) enum PlainValue {
    Text(Arc<str>),
    Json(Arc<serde_json::Value>),
}

impl PlainValue {
    /// The JavaScript constructor name workers-rs' cast check sees.
    pub(crate) fn constructor(&self) -> &'static str {
        match self {
            Self::Text(_) => "String",
            Self::Json(json) => match &**json {
                serde_json::Value::String(_) => "String",
                serde_json::Value::Object(_) => "Object",
                serde_json::Value::Array(_) => "Array",
                serde_json::Value::Number(_) => "Number",
                serde_json::Value::Bool(_) => "Boolean",
                serde_json::Value::Null => "null",
            },
        }
    }

    /// The text a string read gives, if this is a string.
    fn text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            Self::Json(json) => json.as_str(),
        }
    }
}

/// One classic secret or var: its value (replaceable through the admin handle), every value
/// it has held (for leak scans), its fault and read counters.
pub(crate) struct PlainState {
    pub(crate) name: Arc<str>,
    pub(crate) kind: BindingKind,
    value: RwLock<Option<PlainValue>>,
    written: Mutex<Vec<Arc<str>>>,
    pub(crate) fault: FaultCell,
    pub(crate) reads: ReadCounters,
}

impl PlainState {
    pub(crate) fn new(name: Arc<str>, kind: BindingKind, value: PlainValue) -> Self {
        let state = Self {
            name,
            kind,
            value: RwLock::default(),
            written: Mutex::default(),
            fault: FaultCell::default(),
            reads: ReadCounters::default(),
        };
        state.set(Some(value));
        state
    }

    pub(crate) fn value(&self) -> Option<PlainValue> {
        self.value
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces the value (`None`: deleted, so the name is unbound); returns whether there was
    /// one. A secret's text is remembered for leak scans.
    pub(crate) fn set(&self, value: Option<PlainValue>) -> bool {
        self.write(value).had_value
    }

    /// Writes `value` and says what changed: whether there was a value before, and whether
    /// this is a classic secret's text never held before — the only write after which the
    /// env's redactor must be rebuilt (a deleted or restored value is still known to it).
    pub(crate) fn write(&self, value: Option<PlainValue>) -> PlainWrite {
        let mut new_secret = false;
        if let (BindingKind::ClassicSecret, Some(PlainValue::Text(text))) = (self.kind, &value) {
            let mut written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
            if !written.contains(text) {
                written.push(Arc::clone(text));
                new_secret = true;
            }
        }
        let mut slot = self.value.write().unwrap_or_else(PoisonError::into_inner);
        PlainWrite {
            had_value: std::mem::replace(&mut *slot, value).is_some(),
            new_secret,
        }
    }

    /// Every text this classic secret has held (empty for a var).
    pub(crate) fn written(&self) -> Vec<Arc<str>> {
        self.written
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// What [`PlainState::write`] changed.
pub(crate) struct PlainWrite {
    pub(crate) had_value: bool,
    pub(crate) new_secret: bool,
}

impl SecretsEnv {
    /// Every bound name of every kind, sorted: for "did you mean" suggestions.
    fn all_names(&self) -> impl Iterator<Item = &str> {
        let mut names: Vec<&str> = self
            .binding_names()
            .chain(self.inner.plain.keys().map(|name| &**name))
            .collect();
        names.sort_unstable();
        names.into_iter()
    }

    pub(crate) fn unbound_error(&self, name: &str) -> SecretError {
        SecretError::Unbound {
            binding: name.to_owned(),
            closest: closest(name, self.all_names()),
        }
    }

    fn record_unbound(&self, name: &str) {
        *self
            .inner
            .unbound_lookups
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(name.to_owned())
            .or_default() += 1;
    }

    /// Looks `name` up as workers-rs' `get_binding` does, for a plain accessor wanting
    /// JavaScript type `wanted`; a fault or a deleted value is recorded and returned as an
    /// error here.
    fn plain_lookup(
        &self,
        name: &str,
        wanted: &'static str,
    ) -> Result<(&PlainState, PlainValue), SecretError> {
        let Some(state) = self.inner.plain.get(name) else {
            if self.inner.bindings.contains_key(name) {
                return Err(SecretError::WrongType {
                    binding: name.to_owned(),
                    wanted,
                    found: "Fetcher",
                });
            }
            self.record_unbound(name);
            return Err(self.unbound_error(name));
        };
        state.reads.record_lookup();
        if let Some(message) = state.fault.current() {
            state.reads.record(ReadOutcome::Failed);
            return Err(SecretError::Injected {
                binding: name.to_owned(),
                message,
            });
        }
        match state.value() {
            Some(value) => Ok((state, value)),
            None => {
                // A deleted classic secret is no longer on `env` at all.
                state.reads.record(ReadOutcome::Missing);
                Err(self.unbound_error(name))
            }
        }
    }

    fn read_text(&self, name: &str) -> Result<String, SecretError> {
        let (state, value) = self.plain_lookup(name, "String")?;
        match value.text() {
            Some(text) if matches!(value, PlainValue::Text(_)) => {
                state.reads.record(ReadOutcome::Found);
                Ok(text.to_owned())
            }
            _ => {
                state.reads.record(ReadOutcome::Failed);
                Err(SecretError::WrongType {
                    binding: name.to_owned(),
                    wanted: "String",
                    found: value.constructor(),
                })
            }
        }
    }

    /// A classic secret's value, like `env.secret(NAME)?.to_string()` in workers-rs. It also
    /// reads a string var (both are strings on `env`).
    ///
    /// ```
    /// use devflare_test::prelude::*;
    ///
    /// let env = SecretsEnv::builder()
    ///     .classic_secret("PARTNER_API_KEY", "pk-test")
    ///     .var("ENVIRONMENT", "test")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(env.secret("PARTNER_API_KEY").unwrap(), "pk-test");
    /// assert_eq!(
    ///     env.secret("PARTNER_API_KY").unwrap_err().to_string(),
    ///     "Binding `PARTNER_API_KY` is undefined."
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// [`SecretError::Unbound`] for a name nothing binds (or a deleted secret),
    /// [`SecretError::WrongType`] for a Secrets Store binding or a JSON var,
    /// [`SecretError::Injected`] when a test made it fail.
    pub fn secret(&self, name: &str) -> Result<String, SecretError> {
        self.read_text(name)
    }

    /// A string var's value, like `env.var(NAME)?.to_string()`. It also reads a classic
    /// secret, as production does.
    ///
    /// # Errors
    ///
    /// As [`secret`](Self::secret).
    pub fn var(&self, name: &str) -> Result<String, SecretError> {
        self.read_text(name)
    }

    /// A JSON object var, deserialized, like `env.object_var::<T>(NAME)`.
    ///
    /// ```
    /// use devflare_test::prelude::*;
    ///
    /// #[derive(Debug, serde::Deserialize)]
    /// struct Limits { burst: u32 }
    ///
    /// let env = SecretsEnv::builder()
    ///     .json_var("LIMITS", serde_json::json!({ "burst": 10 }))
    ///     .var("ENVIRONMENT", "test")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(env.object_var::<Limits>("LIMITS").unwrap().burst, 10);
    /// assert_eq!(
    ///     env.object_var::<Limits>("ENVIRONMENT").unwrap_err().to_string(),
    ///     "Binding cannot be cast to the type Object from String"
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// [`SecretError::Unbound`], [`SecretError::WrongType`] for anything but a JSON object,
    /// [`SecretError::Deserialize`] when `T` rejects the JSON, [`SecretError::Injected`].
    pub fn object_var<T: DeserializeOwned>(&self, name: &str) -> Result<T, SecretError> {
        let (state, value) = self.plain_lookup(name, "Object")?;
        let PlainValue::Json(json) = &value else {
            state.reads.record(ReadOutcome::Failed);
            return Err(SecretError::WrongType {
                binding: name.to_owned(),
                wanted: "Object",
                found: value.constructor(),
            });
        };
        if !json.is_object() {
            state.reads.record(ReadOutcome::Failed);
            return Err(SecretError::WrongType {
                binding: name.to_owned(),
                wanted: "Object",
                found: value.constructor(),
            });
        }
        match super::js_value::from_json::<T>(json) {
            Ok(parsed) => {
                state.reads.record(ReadOutcome::Found);
                Ok(parsed)
            }
            Err(error) => {
                state.reads.record(ReadOutcome::Failed);
                Err(SecretError::Deserialize {
                    binding: name.to_owned(),
                    error_name: error.name,
                    message: error.message,
                })
            }
        }
    }

    /// The kind of binding `name` is, if anything binds it.
    pub fn binding_kind(&self, name: &str) -> Option<BindingKind> {
        if self.inner.bindings.contains_key(name) {
            return Some(BindingKind::SecretsStore);
        }
        self.inner.plain.get(name).map(|state| state.kind)
    }

    /// Classic secret names, sorted.
    pub fn classic_secret_names(&self) -> impl Iterator<Item = &str> {
        self.plain_names(BindingKind::ClassicSecret)
    }

    /// Var names, sorted.
    pub fn var_names(&self) -> impl Iterator<Item = &str> {
        self.plain_names(BindingKind::Var)
    }

    fn plain_names(&self, kind: BindingKind) -> impl Iterator<Item = &str> {
        self.inner
            .plain
            .values()
            .filter(move |state| state.kind == kind)
            .map(|state| &*state.name)
    }

    /// What building this env warned about, in order: a required secret without a value
    /// (`secrets.required`), and — with [`strict`](crate::SecretsEnvBuilder::strict) — a var
    /// whose name or value looks like a secret. Each is also printed to stderr, which
    /// `cargo test` shows for a failing test. Never contains a value.
    pub fn warnings(&self) -> &[String] {
        &self.inner.warnings
    }
}

/// The workers-rs accessors, for handlers written against
/// [`VarsEnv`](devflare_bindings::VarsEnv).
impl VarsEnv for SecretsEnv {
    type Error = SecretError;

    fn secret(&self, name: &str) -> Result<String, SecretError> {
        SecretsEnv::secret(self, name)
    }

    fn var(&self, name: &str) -> Result<String, SecretError> {
        SecretsEnv::var(self, name)
    }

    fn object_var<T: DeserializeOwned>(&self, name: &str) -> Result<T, SecretError> {
        SecretsEnv::object_var(self, name)
    }
}
