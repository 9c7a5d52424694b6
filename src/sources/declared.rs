//! Fake envs from a `typed_env!` fixture: the bindings its config declares, the values the test
//! set through its setters — so a test can only give values to bindings that exist.

use std::sync::Arc;

use devflare_bindings::DeclaredSecrets;
use devflare_config::Location;

use super::builder::ValueSource;
use crate::{Error, Origin, SecretRef, SecretsEnv, SecretsEnvBuilder};

impl SecretsEnv {
    /// An env with exactly the bindings `fixture` declares and the values it sets; bindings
    /// left unset read as a missing secret does in production (an `Err`).
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
    /// What [`SecretsEnvBuilder::build`] reports, e.g. a binding declared twice.
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
    pub fn declared(mut self, fixture: impl DeclaredSecrets) -> Self {
        // The fixture stands for the config it was generated from.
        self = self.config_loaded(std::iter::empty());
        for (declaration, value) in fixture.declared_values().iter() {
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

#[cfg(test)]
mod tests {
    use devflare_bindings::{DeclaredValues, SecretDeclaration};

    use crate::block_on;
    use crate::prelude::*;

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
