//! Fake envs from a `typed_env!` fixture: the bindings, vars and classic secrets its config
//! declares, the values the test set through its setters — so a test can only give values to
//! bindings that exist, and a JSON var only a value of its config value's shape.

use std::sync::Arc;

use devflare_bindings::{DeclaredSecrets, PlainDeclaration, PlainKind};
use devflare_config::Location;
use serde_json::Value;

use super::builder::ValueSource;
use super::plain::{PendingPlain, PlainSource};
use crate::env::{BindingKind, PlainValue};
use crate::env::{SecretRef, SecretsEnv};
use crate::error::{Error, Origin};
use crate::sources::SecretsEnvBuilder;

impl SecretsEnv {
    /// An env with exactly the bindings `fixture` declares and the values it sets; bindings
    /// left unset read as a missing secret does in production (an `Err`). Its vars have their
    /// config values unless the test replaced them; its classic secrets (`secrets.required`)
    /// are unbound unless the test set them, as a secret never put is in production.
    ///
    /// `fixture` is usually the `NameFixture` that `devflare_bindings::typed_env!` generates
    /// from wrangler config; any [`DeclaredSecrets`] works:
    ///
    /// ```
    /// use devflare_bindings::{DeclaredValues, SecretDeclaration};
    /// use devflare_test::prelude::*;
    ///
    /// static DECLARED: [SecretDeclaration; 2] = [
    ///     SecretDeclaration::new("API_TOKEN", "store-123", "api-token", "wrangler.toml", 4, 1),
    ///     SecretDeclaration::new("GREETING", "store-123", "greeting", "wrangler.toml", 9, 1),
    /// ];
    /// let mut fixture = DeclaredValues::new(&DECLARED);
    /// fixture.set(0, "test-token".to_owned());
    ///
    /// let env = SecretsEnv::from_declared(&fixture).unwrap();
    /// let token = block_on(env.secret_store("API_TOKEN").unwrap().get()).unwrap();
    /// assert_eq!(token.as_deref(), Some("test-token"));
    /// assert_eq!(env.bindings_without_value(), ["GREETING"]);
    /// ```
    ///
    /// # Errors
    ///
    /// What [`SecretsEnvBuilder::build`] reports, e.g. a binding declared twice, or
    /// [`Error::VarShape`] for a JSON var set to text that is not JSON or not of the config
    /// value's shape.
    pub fn from_declared(fixture: impl DeclaredSecrets) -> Result<SecretsEnv, Error> {
        SecretsEnv::builder().declared(fixture).build()
    }
}

impl SecretsEnvBuilder {
    /// Adds the bindings `fixture` declares (with their config positions, for error messages)
    /// and the values it sets, as explicit values. Combine with [`strict`](Self::strict) to
    /// check them against production's rules.
    ///
    /// As with [`wrangler_config`](Self::wrangler_config), the declared bindings are then the
    /// whole set: [`secret`](Self::secret) for a name they do not include fails `build()` with
    /// [`Error::UnknownBinding`].
    ///
    /// Vars come in as the config's `vars` would (so `.dev_vars(…)` and explicit values still
    /// override them), a var the test set as an explicit value; classic secrets the test set
    /// are explicit values, and the declared ones are the section's `secrets.required` (so
    /// `.dev_vars(…)` loads only those keys, as wrangler does).
    pub fn declared(mut self, fixture: impl DeclaredSecrets) -> Self {
        // The fixture stands for the config it was generated from.
        self = self.config_loaded(std::iter::empty());
        let values = fixture.declared_values();
        let mut required = Vec::new();
        for (declaration, value) in values.iter_plain() {
            let origin = Origin::File(Location::new(
                declaration.config(),
                declaration.line() as usize,
                declaration.column() as usize,
            ));
            if declaration.kind() == PlainKind::ClassicSecret {
                required.push((declaration.name().to_owned(), origin.clone()));
            }
            match plain(declaration, value, origin) {
                Ok(Some(pending)) => self = self.plain_from(pending),
                Ok(None) => {}
                Err(error) => self = self.defer_error(error),
            }
        }
        if !required.is_empty() {
            self = self.required_secrets_from(required);
        }
        for (declaration, value) in values.iter() {
            let reference = SecretRef::new(declaration.store_id(), declaration.secret_name());
            // Located at compile time by devflare-config's engine; only carried here.
            let origin = Origin::File(Location::new(
                declaration.config(),
                declaration.line() as usize,
                declaration.column() as usize,
            ));
            self = self.bind_from(declaration.binding().to_owned(), reference.clone(), origin);
            if let Some(value) = value {
                self = self.value_from(
                    reference,
                    Arc::from(value),
                    ValueSource::Explicit,
                    Origin::Code,
                );
            }
        }
        self
    }
}

/// A declared classic secret or var as a pending value: `None` for a classic secret the test
/// left unset.
fn plain(
    declaration: &PlainDeclaration,
    value: Option<&str>,
    origin: Origin,
) -> Result<Option<PendingPlain>, Error> {
    let name = declaration.name().to_owned();
    let declared_at = origin.clone();
    let (kind, source, origin) = match (declaration.kind(), value) {
        (PlainKind::ClassicSecret, None) => return Ok(None),
        (PlainKind::ClassicSecret, Some(_)) => (
            BindingKind::ClassicSecret,
            PlainSource::Explicit,
            Origin::Code,
        ),
        (_, Some(_)) => (BindingKind::Var, PlainSource::Explicit, Origin::Code),
        (_, None) => (BindingKind::Var, PlainSource::ConfigVars, origin.clone()),
    };
    let text = value.or(declaration.config_value()).unwrap_or_default();
    let value = if declaration.kind() == PlainKind::JsonVar {
        let shape_error = |problem: String| Error::VarShape {
            var: name.clone(),
            origin: declared_at.clone(),
            problem,
        };
        let parsed: Value = serde_json::from_str(text)
            .map_err(|error| shape_error(format!("is not JSON: {error}")))?;
        // The config's value was written by the macro from parsed JSON; a test value is
        // checked against it.
        if value.is_some()
            && let Some(config) = declaration
                .config_value()
                .and_then(|text| serde_json::from_str::<Value>(text).ok())
            && let Some(problem) = shape_mismatch(&config, &parsed, declaration.name())
        {
            return Err(shape_error(format!(
                "does not have the shape of the config's value: {problem}"
            )));
        }
        PlainValue::Json(Arc::new(parsed))
    } else {
        PlainValue::Text(Arc::from(text))
    };
    Ok(Some(PendingPlain {
        name: Arc::from(name),
        kind,
        value,
        source,
        origin,
    }))
}

/// Where `test` differs in shape from `config`, the config's value of a JSON var: another
/// JSON type, a key the config's object lacks or has more of. A `null` in the config accepts
/// anything; an item of a test array must have the shape of some item of the config's array.
fn shape_mismatch(config: &Value, test: &Value, path: &str) -> Option<String> {
    fn type_name(value: &Value) -> &'static str {
        match value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
    match (config, test) {
        (Value::Null, _) => None,
        (Value::Object(config), Value::Object(test)) => {
            if let Some(key) = test.keys().find(|key| !config.contains_key(*key)) {
                return Some(format!(
                    "`{path}.{key}` is not in the config's value{}",
                    crate::error::did_you_mean(
                        crate::suggest::closest(key, config.keys().map(String::as_str)).as_deref()
                    )
                ));
            }
            if let Some(key) = config.keys().find(|key| !test.contains_key(*key)) {
                return Some(format!(
                    "`{path}.{key}` is missing (the config's value has it)"
                ));
            }
            config.iter().find_map(|(key, value)| {
                shape_mismatch(value, &test[key], &format!("{path}.{key}"))
            })
        }
        (Value::Array(config), Value::Array(test)) if !config.is_empty() => {
            test.iter().enumerate().find_map(|(at, item)| {
                let path = format!("{path}[{at}]");
                let mut problems = config.iter().map(|c| shape_mismatch(c, item, &path));
                // The first problem, unless some config item fits.
                let first = problems.next().flatten()?;
                problems.all(|p| p.is_some()).then_some(first)
            })
        }
        (Value::Array(_), Value::Array(_)) => None,
        _ if std::mem::discriminant(config) == std::mem::discriminant(test) => None,
        _ => Some(format!(
            "`{path}` is {}, {} in the config",
            type_name(test),
            type_name(config)
        )),
    }
}

#[cfg(test)]
mod tests {
    use devflare_bindings::{DeclaredValues, PlainDeclaration, PlainKind, SecretDeclaration};

    use crate::env::SecretRef;
    use crate::prelude::*;
    use crate::runtime::block_on;

    static DECLARED: [SecretDeclaration; 3] = [
        SecretDeclaration::new("API_TOKEN", "store-a", "token", "wrangler.toml", 2, 1),
        SecretDeclaration::new("SAME_TOKEN", "store-a", "token", "wrangler.toml", 7, 1),
        SecretDeclaration::new("GREETING", "store-a", "greeting", "wrangler.toml", 12, 1),
    ];

    #[test]
    fn binds_every_declaration_and_sets_only_the_given_values() {
        let mut fixture = DeclaredValues::new(&DECLARED);
        fixture.set(0, "canary-51d0".to_owned());
        let env = SecretsEnv::from_declared(&fixture).unwrap();
        let read = |name| block_on(env.secret_store(name).unwrap().get());
        assert_eq!(read("SAME_TOKEN").unwrap().as_deref(), Some("canary-51d0"));
        assert!(read("GREETING").is_err(), "unset reads as a missing secret");
        assert_eq!(
            env.reference("GREETING").unwrap().to_string(),
            "store-a/greeting"
        );
        assert_eq!(env.bindings_without_value(), ["GREETING"]);
        assert!(!format!("{env:?} {fixture:?}").contains("canary"));
    }

    #[test]
    fn a_value_for_an_undeclared_binding_is_a_typo() {
        let error = SecretsEnv::builder()
            .declared(DeclaredValues::new(&DECLARED))
            .secret("GREETNG", "canary-0b7c")
            .build()
            .unwrap_err();
        assert!(
            error.to_string().ends_with("did you mean `GREETING`?"),
            "{error}"
        );
        assert!(!error.to_string().contains("canary"));
    }

    static PLAIN: [PlainDeclaration; 3] = [
        PlainDeclaration::new("ENVIRONMENT", PlainKind::Var, Some("dev"), "w.toml", 2, 1),
        PlainDeclaration::new(
            "PARTNER_API_KEY",
            PlainKind::ClassicSecret,
            None,
            "w.toml",
            5,
            13,
        ),
        PlainDeclaration::new(
            "WEBHOOK_SECRET",
            PlainKind::ClassicSecret,
            None,
            "w.toml",
            5,
            32,
        ),
    ];

    #[test]
    fn declared_classic_secrets_are_the_required_set_for_dev_vars() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/classic");
        let mut fixture = DeclaredValues::new(&[]).with_plain(&PLAIN);
        fixture.set_plain(2, "canary-explicit-4d1a".to_owned());
        let env = SecretsEnv::builder()
            .declared(&fixture)
            .dev_vars(dir, None)
            .build()
            .unwrap();
        assert_eq!(env.secret("PARTNER_API_KEY").unwrap(), "pk-dev-vars-canary");
        // Test code wins over the file, as for any explicit value.
        assert_eq!(
            env.secret("WEBHOOK_SECRET").unwrap(),
            "canary-explicit-4d1a"
        );
        // Only the declared secrets are loaded from the file, as wrangler does.
        assert!(env.secret("NOT_REQUIRED").is_err());
        assert_eq!(env.var("ENVIRONMENT").unwrap(), "dev");
        assert_eq!(
            env.binding_kind("ENVIRONMENT"),
            Some(crate::env::BindingKind::Var)
        );
    }

    #[test]
    fn a_binding_also_declared_in_code_names_the_config_position() {
        let error = SecretsEnv::builder()
            .declared(DeclaredValues::new(&DECLARED))
            .bind("GREETING", SecretRef::new("store-b", "greeting"))
            .build()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "binding `GREETING` is declared twice: first at wrangler.toml:12:1, again at test code"
        );
    }
}
