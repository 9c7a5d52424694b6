//! Bindings from wrangler config (`wrangler.toml`, `wrangler.json`, `wrangler.jsonc`), top
//! level or one `[env.NAME]` section, onto which fixture files and test code layer values.

use std::path::Path;

use devflare_config::{VarValue, WranglerConfig};

use std::sync::Arc;

use super::builder::SecretsEnvBuilder;
use super::plain::{PendingPlain, PlainSource};
use super::validate::OtherBinding;
use crate::env::SecretRef;
use crate::env::{BindingKind, PlainValue};
use crate::error::Origin;

impl SecretsEnvBuilder {
    /// Declares the top-level `secrets_store_secrets` of the wrangler config at `path`
    /// (format from the extension). The path must be absolute — see
    /// [`manifest_path!`](crate::manifest_path); errors surface in [`build`](Self::build).
    ///
    /// Once a config is loaded its bindings are the whole set: [`secret`](Self::secret) for
    /// another name fails with [`Error::UnknownBinding`](crate::Error::UnknownBinding).
    pub fn wrangler_config(self, path: impl AsRef<Path>) -> Self {
        self.wrangler_config_section(path.as_ref(), None)
    }

    /// Declares the `secrets_store_secrets` of `[env.NAME]` in the wrangler config at `path`.
    /// As in wrangler, an env section does not inherit top-level bindings.
    pub fn wrangler_config_env(self, path: impl AsRef<Path>, env: &str) -> Self {
        self.wrangler_config_section(path.as_ref(), Some(env))
    }

    /// Declares the Secrets Store bindings of an already parsed config: the top level
    /// (`env: None`) or `[env.NAME]`. Use it for config text from a string or `include_str!`.
    ///
    /// ```
    /// use devflare_test::config::{Format, WranglerConfig};
    /// use devflare_test::prelude::*;
    ///
    /// let text = r#"{
    ///   // comments and trailing commas, as wrangler allows
    ///   "secrets_store_secrets": [
    ///     { "binding": "API_TOKEN", "store_id": "store-1", "secret_name": "api-token" },
    ///   ],
    /// }"#;
    /// let config = WranglerConfig::parse(text, "wrangler.jsonc", Format::Jsonc).unwrap();
    /// let env = SecretsEnv::builder()
    ///     .wrangler(&config, None)
    ///     .secret("API_TOKEN", "test-token")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(env.reference("API_TOKEN").unwrap().to_string(), "store-1/api-token");
    /// ```
    pub fn wrangler(self, config: &WranglerConfig, env: Option<&str>) -> Self {
        let section = config.secrets_store_secrets(env).and_then(|secrets| {
            Ok((
                (secrets, config.other_bindings(env)?),
                (config.vars(env)?, config.required_secrets(env)?),
            ))
        });
        let ((secrets, others), (vars, required)) = match section {
            Ok(section) => section,
            Err(error) => return self.defer_error(error.into()),
        };
        let others = others.iter().map(|other| OtherBinding {
            name: other.name().to_owned(),
            kind: other.kind(),
            origin: Origin::from(other.location()),
        });
        let mut builder = self.config_loaded(others);
        for var in vars {
            let value = match var.value() {
                VarValue::Text(text) => PlainValue::Text(Arc::from(text.as_str())),
                VarValue::Json(json) => PlainValue::Json(Arc::new(json.clone())),
            };
            builder = builder.plain_from(PendingPlain {
                name: Arc::from(var.name()),
                kind: BindingKind::Var,
                value,
                source: PlainSource::ConfigVars,
                origin: Origin::from(var.location()),
            });
        }
        if let Some(required) = required {
            builder = builder.required_secrets_from(
                required
                    .iter()
                    .map(|r| (r.name().to_owned(), Origin::from(r.location())))
                    .collect(),
            );
        }
        for decl in secrets {
            builder = builder.bind_from(
                decl.binding().to_owned(),
                SecretRef::new(decl.store_id(), decl.secret_name()),
                Origin::from(decl.location()),
            );
        }
        builder
    }

    fn wrangler_config_section(self, path: &Path, env: Option<&str>) -> Self {
        match WranglerConfig::load(path) {
            Ok(config) => self.wrangler(&config, env),
            Err(error) => self.defer_error(error.into()),
        }
    }
}
