//! Bindings declared in wrangler config, known at compile time, and the values a test gives
//! them — the link between `typed_env!`'s generated fixture and whatever fake env a test
//! builds from it (devflare-test's `SecretsEnv::from_declared`), without this crate
//! depending on the fakes.

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

/// Declared bindings and the test values set for them so far.
///
/// `typed_env!`'s generated fixture keeps one of these; its setters are the only way to give
/// a value, one per declared binding. `Debug` names each binding as set or unset and never
/// shows a value.
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
}

impl DeclaredValues {
    /// No values yet for `declarations`.
    pub fn new(declarations: &'static [SecretDeclaration]) -> Self {
        Self {
            declarations,
            values: vec![None; declarations.len()],
        }
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

    /// The declared bindings that have no value yet, in config order.
    pub fn unset(&self) -> Vec<&'static str> {
        self.iter()
            .filter(|(_, value)| value.is_none())
            .map(|(declaration, _)| declaration.binding())
            .collect()
    }

    /// Writes `Name { BINDING: set, OTHER: unset }`: for generated fixtures' `Debug`.
    pub fn debug_as(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct State(bool);
        impl fmt::Debug for State {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(if self.0 { "set" } else { "unset" })
            }
        }
        let mut out = f.debug_struct(name);
        for (declaration, value) in self.iter() {
            out.field(declaration.binding(), &State(value.is_some()));
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
}
