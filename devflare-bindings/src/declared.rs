//! Bindings declared in wrangler config, known at compile time, and the values a test gives
//! them — the link between `typed_env!`'s generated fixture and whatever fake env a test
//! builds from it (devflare-test's `SecretsEnv::from_declared`), without this crate
//! depending on the fakes. Secrets Store bindings are [`SecretDeclaration`]s; classic secrets
//! and vars (plain values on `env`) are [`PlainDeclaration`]s.

use std::fmt;

/// One `[[secrets_store_secrets]]` entry as `typed_env!` read it from wrangler config.
///
/// ```
/// use devflare_bindings::SecretDeclaration;
///
/// const API_TOKEN: SecretDeclaration =
///     SecretDeclaration::new("API_TOKEN", "store-123", "api-token", "wrangler.toml", 7, 1);
/// assert_eq!(API_TOKEN.to_string(), "binding `API_TOKEN` → store-123/api-token (wrangler.toml:7:1)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecretDeclaration {
    binding: &'static str,
    store_id: &'static str,
    secret_name: &'static str,
    config: &'static str,
    line: u32,
    column: u32,
}

impl SecretDeclaration {
    /// Binding `binding` → secret `secret_name` in store `store_id`, declared in `config`
    /// (relative to the declaring crate's `CARGO_MANIFEST_DIR`) at 1-based `line`:`column`.
    pub const fn new(
        binding: &'static str,
        store_id: &'static str,
        secret_name: &'static str,
        config: &'static str,
        line: u32,
        column: u32,
    ) -> Self {
        Self {
            binding,
            store_id,
            secret_name,
            config,
            line,
            column,
        }
    }

    /// The name the Worker reads it by.
    pub const fn binding(&self) -> &'static str {
        self.binding
    }

    /// The store the secret lives in.
    pub const fn store_id(&self) -> &'static str {
        self.store_id
    }

    /// The secret's name in its store.
    pub const fn secret_name(&self) -> &'static str {
        self.secret_name
    }

    /// The config file, relative to the declaring crate's `CARGO_MANIFEST_DIR`.
    pub const fn config(&self) -> &'static str {
        self.config
    }

    /// 1-based line of the entry in [`config`](Self::config).
    pub const fn line(&self) -> u32 {
        self.line
    }

    /// 1-based column of the entry, in characters.
    pub const fn column(&self) -> u32 {
        self.column
    }
}

/// `` binding `NAME` → store/secret (file:line:column) ``.
impl fmt::Display for SecretDeclaration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "binding `{}` → {}/{} ({}:{}:{})",
            self.binding, self.store_id, self.secret_name, self.config, self.line, self.column
        )
    }
}

/// What a [`PlainDeclaration`] declares: how the Worker reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PlainKind {
    /// A name of `secrets.required`: a classic secret, read with `env.secret(NAME)`.
    ClassicSecret,
    /// A `vars` entry whose value is a string: `env.var(NAME)`.
    Var,
    /// A `vars` entry whose value is a JSON object: `env.object_var::<T>(NAME)`.
    JsonVar,
}

impl PlainKind {
    /// How messages name it: `classic secret`, `var`, `JSON var`.
    pub const fn describe(self) -> &'static str {
        match self {
            Self::ClassicSecret => "classic secret",
            Self::Var => "var",
            Self::JsonVar => "JSON var",
        }
    }
}

/// A classic secret or var as `typed_env!` read it from wrangler config: a plain value on
/// `env`, as opposed to a Secrets Store binding.
///
/// A var carries its config value (vars are configuration, committed with the config, and
/// production gets exactly that value); a classic secret carries none.
///
/// ```
/// use devflare_bindings::{PlainDeclaration, PlainKind};
///
/// const LIMITS: PlainDeclaration = PlainDeclaration::new(
///     "LIMITS", PlainKind::JsonVar, Some(r#"{"burst":10}"#), "wrangler.toml", 3, 1,
/// );
/// assert_eq!(LIMITS.to_string(), "JSON var `LIMITS` (wrangler.toml:3:1)");
/// assert_eq!(LIMITS.config_value(), Some(r#"{"burst":10}"#));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlainDeclaration {
    name: &'static str,
    kind: PlainKind,
    config_value: Option<&'static str>,
    config: &'static str,
    line: u32,
    column: u32,
}

impl PlainDeclaration {
    /// `name` of kind `kind`, declared in `config` (relative to the declaring crate's
    /// `CARGO_MANIFEST_DIR`) at 1-based `line`:`column`. `config_value` is a var's value in
    /// the config: its text for a [`PlainKind::Var`], JSON text for a [`PlainKind::JsonVar`];
    /// `None` for a classic secret.
    pub const fn new(
        name: &'static str,
        kind: PlainKind,
        config_value: Option<&'static str>,
        config: &'static str,
        line: u32,
        column: u32,
    ) -> Self {
        Self {
            name,
            kind,
            config_value,
            config,
            line,
            column,
        }
    }

    /// The name the Worker reads it by.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Classic secret, string var or JSON var.
    pub const fn kind(&self) -> PlainKind {
        self.kind
    }

    /// A var's value in the config (text, or JSON text); `None` for a classic secret.
    pub const fn config_value(&self) -> Option<&'static str> {
        self.config_value
    }

    /// The config file, relative to the declaring crate's `CARGO_MANIFEST_DIR`.
    pub const fn config(&self) -> &'static str {
        self.config
    }

    /// 1-based line of the name in [`config`](Self::config).
    pub const fn line(&self) -> u32 {
        self.line
    }

    /// 1-based column of the name, in characters.
    pub const fn column(&self) -> u32 {
        self.column
    }
}

/// `` kind `NAME` (file:line:column) ``; never a value.
impl fmt::Display for PlainDeclaration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} `{}` ({}:{}:{})",
            self.kind.describe(),
            self.name,
            self.config,
            self.line,
            self.column
        )
    }
}

/// Declared bindings and the test values set for them so far.
///
/// `typed_env!`'s generated fixture keeps one of these; its setters are the only way to give
/// a value, one per declared binding. `Debug` names each binding as set or unset and never
/// shows a value. Classic secrets and vars ([`with_plain`](Self::with_plain)) sit beside the
/// Secrets Store bindings: a classic secret is unset until a test sets it, a var has its
/// config value (shown as `config`) until a test replaces it.
///
/// ```
/// use devflare_bindings::{DeclaredValues, SecretDeclaration};
///
/// static DECLARED: [SecretDeclaration; 2] = [
///     SecretDeclaration::new("API_TOKEN", "store-123", "api-token", "wrangler.toml", 1, 1),
///     SecretDeclaration::new("GREETING", "store-123", "greeting", "wrangler.toml", 6, 1),
/// ];
/// let mut values = DeclaredValues::new(&DECLARED);
/// values.set(0, "canary-value".to_owned());
/// assert_eq!(values.unset(), ["GREETING"]);
/// assert_eq!(format!("{values:?}"), "DeclaredValues { API_TOKEN: set, GREETING: unset }");
/// ```
#[derive(Clone)]
pub struct DeclaredValues {
    declarations: &'static [SecretDeclaration],
    /// Parallel to `declarations`.
    values: Vec<Option<String>>,
    plain: &'static [PlainDeclaration],
    /// Parallel to `plain`: what the test set, not the config's value.
    plain_values: Vec<Option<String>>,
}

impl DeclaredValues {
    /// No values yet for `declarations`.
    pub fn new(declarations: &'static [SecretDeclaration]) -> Self {
        Self {
            declarations,
            values: vec![None; declarations.len()],
            plain: &[],
            plain_values: Vec::new(),
        }
    }

    /// Also declares the classic secrets and vars `plain`, without test values yet.
    ///
    /// ```
    /// use devflare_bindings::{DeclaredValues, PlainDeclaration, PlainKind};
    ///
    /// static PLAIN: [PlainDeclaration; 2] = [
    ///     PlainDeclaration::new("ENVIRONMENT", PlainKind::Var, Some("production"), "wrangler.toml", 2, 1),
    ///     PlainDeclaration::new("PARTNER_API_KEY", PlainKind::ClassicSecret, None, "wrangler.toml", 5, 13),
    /// ];
    /// let mut values = DeclaredValues::new(&[]).with_plain(&PLAIN);
    /// assert_eq!(values.unset(), ["PARTNER_API_KEY"]); // a var always has its config value
    /// values.set_plain(1, "pk-canary".to_owned());
    /// assert_eq!(
    ///     format!("{values:?}"),
    ///     "DeclaredValues { ENVIRONMENT: config, PARTNER_API_KEY: set }"
    /// );
    /// ```
    #[must_use]
    pub fn with_plain(mut self, plain: &'static [PlainDeclaration]) -> Self {
        self.plain = plain;
        self.plain_values = vec![None; plain.len()];
        self
    }

    /// Sets the value of `plain[index]` (see [`with_plain`](Self::with_plain)): a classic
    /// secret's value, a var's text or a JSON var's JSON text. The last value set wins; an
    /// index out of range is ignored.
    pub fn set_plain(&mut self, index: usize, value: String) {
        if let Some(slot) = self.plain_values.get_mut(index) {
            *slot = Some(value);
        }
    }

    /// The classic secrets and vars, in config order (vars first).
    pub fn plain_declarations(&self) -> &'static [PlainDeclaration] {
        self.plain
    }

    /// Each classic secret and var with the value a test set, if any (`None` for a var means
    /// its config value, [`PlainDeclaration::config_value`]), in config order.
    pub fn iter_plain(
        &self,
    ) -> impl Iterator<Item = (&'static PlainDeclaration, Option<&str>)> + '_ {
        self.plain
            .iter()
            .zip(self.plain_values.iter().map(Option::as_deref))
    }

    /// Sets the value of `declarations[index]`; the last value set wins. An index out of
    /// range is ignored: generated code only passes indices of its own declarations.
    pub fn set(&mut self, index: usize, value: String) {
        if let Some(slot) = self.values.get_mut(index) {
            *slot = Some(value);
        }
    }

    /// The declarations, in config order.
    pub fn declarations(&self) -> &'static [SecretDeclaration] {
        self.declarations
    }

    /// Each declaration with its value, if one was set, in config order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static SecretDeclaration, Option<&str>)> + '_ {
        self.declarations
            .iter()
            .zip(self.values.iter().map(Option::as_deref))
    }

    /// The declared Secrets Store bindings, then classic secrets, that have no value yet, in
    /// config order. Vars are never unset: they have their config value.
    pub fn unset(&self) -> Vec<&'static str> {
        let bindings = self
            .iter()
            .filter(|(_, value)| value.is_none())
            .map(|(declaration, _)| declaration.binding());
        let secrets = self
            .iter_plain()
            .filter(|(declaration, value)| {
                value.is_none() && declaration.kind() == PlainKind::ClassicSecret
            })
            .map(|(declaration, _)| declaration.name());
        bindings.chain(secrets).collect()
    }

    /// Writes `Name { BINDING: set, OTHER: unset, VAR: config }`: for generated fixtures'
    /// `Debug`. `config` is a var left with its config value.
    pub fn debug_as(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct State(&'static str);
        impl fmt::Debug for State {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
        }
        let state = |set: bool| State(if set { "set" } else { "unset" });
        let mut out = f.debug_struct(name);
        for (declaration, value) in self.iter() {
            out.field(declaration.binding(), &state(value.is_some()));
        }
        for (declaration, value) in self.iter_plain() {
            let shown = match (value, declaration.kind()) {
                (None, PlainKind::Var | PlainKind::JsonVar) => State("config"),
                (value, _) => state(value.is_some()),
            };
            out.field(declaration.name(), &shown);
        }
        out.finish()
    }
}

/// Names each binding as set or unset; never shows a value.
impl fmt::Debug for DeclaredValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.debug_as("DeclaredValues", f)
    }
}

/// Something that carries declared bindings and their test values: the fixture `typed_env!`
/// generates. A fake env is built from it (devflare-test: `SecretsEnv::from_declared`), so
/// a test can only give values to bindings the config declares.
pub trait DeclaredSecrets {
    /// The declarations and the values set for them.
    fn declared_values(&self) -> &DeclaredValues;
}

impl DeclaredSecrets for DeclaredValues {
    fn declared_values(&self) -> &DeclaredValues {
        self
    }
}

impl<T: DeclaredSecrets + ?Sized> DeclaredSecrets for &T {
    fn declared_values(&self) -> &DeclaredValues {
        (**self).declared_values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static DECLARED: [SecretDeclaration; 2] = [
        SecretDeclaration::new("API_TOKEN", "s", "api-token", "wrangler.toml", 1, 1),
        SecretDeclaration::new("GREETING", "s", "greeting", "wrangler.toml", 6, 1),
    ];

    #[test]
    fn values_are_kept_per_declaration_and_never_shown() {
        let mut values = DeclaredValues::new(&DECLARED);
        values.set(1, "canary-3c1f".to_owned());
        values.set(1, "canary-9e2a".to_owned());
        values.set(7, "ignored".to_owned());
        let pairs: Vec<_> = values.iter().map(|(d, v)| (d.binding(), v)).collect();
        assert_eq!(
            pairs,
            [("API_TOKEN", None), ("GREETING", Some("canary-9e2a"))]
        );
        assert_eq!(values.unset(), ["API_TOKEN"]);
        let debug = format!("{values:?} {values:#?}");
        assert!(!debug.contains("canary"), "{debug}");
        assert!(debug.contains("GREETING: set"), "{debug}");
    }

    static PLAIN: [PlainDeclaration; 3] = [
        PlainDeclaration::new("ENVIRONMENT", PlainKind::Var, Some("dev"), "w.toml", 2, 1),
        PlainDeclaration::new("LIMITS", PlainKind::JsonVar, Some("{}"), "w.toml", 3, 1),
        PlainDeclaration::new(
            "PARTNER_KEY",
            PlainKind::ClassicSecret,
            None,
            "w.toml",
            6,
            14,
        ),
    ];

    #[test]
    fn classic_secrets_are_unset_until_set_and_vars_keep_their_config_value() {
        let mut values = DeclaredValues::new(&DECLARED).with_plain(&PLAIN);
        values.set(0, "canary-1".to_owned());
        assert_eq!(values.unset(), ["GREETING", "PARTNER_KEY"]);
        values.set_plain(2, "canary-2".to_owned());
        values.set_plain(1, r#"{"burst":1}"#.to_owned());
        values.set_plain(9, "ignored".to_owned());
        assert_eq!(values.unset(), ["GREETING"]);
        let set: Vec<_> = values.iter_plain().map(|(d, v)| (d.name(), v)).collect();
        assert_eq!(
            set,
            [
                ("ENVIRONMENT", None),
                ("LIMITS", Some(r#"{"burst":1}"#)),
                ("PARTNER_KEY", Some("canary-2"))
            ]
        );
        let debug = format!("{values:?}");
        assert_eq!(
            debug,
            "DeclaredValues { API_TOKEN: set, GREETING: unset, ENVIRONMENT: config, LIMITS: set, PARTNER_KEY: set }"
        );
        assert!(!format!("{values:#?}").contains("canary"));
        assert_eq!(
            PLAIN[2].to_string(),
            "classic secret `PARTNER_KEY` (w.toml:6:14)"
        );
    }
}
