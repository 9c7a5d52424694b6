//! Classic secrets from the files `wrangler dev` reads beside the config (`.dev.vars`,
//! `.dev.vars.<env>`, `.env*`), with wrangler's rules for which files are read; how they
//! resolve against vars and test code is `plain.rs`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use devflare_config::DotenvFile;
use devflare_config::devflare_local::LocalValuesError;

use super::plain::{PendingPlain, PlainSource};
use crate::env::{BindingKind, PlainValue};
use crate::error::{Error, Origin};
use crate::sources::SecretsEnvBuilder;

impl SecretsEnvBuilder {
    /// Adds the classic secrets `wrangler dev` reads from the files beside the wrangler config
    /// in `config_dir` (absolute), for environment `env` (`None`: the top level), with
    /// wrangler's rules:
    ///
    /// - with `env`, `.dev.vars.<env>` if it exists, *instead of* `.dev.vars` (not merged);
    /// - else `.dev.vars` if it exists — and then no `.env` file is read at all;
    /// - else every `.env` file that exists, merged in wrangler's load order, a later file
    ///   overriding an earlier one: `.env`, `.env.local`, `.env.<env>`, `.env.<env>.local`;
    ///   then `${NAME}` references are expanded (wrangler's `dotenv-expand`; never in
    ///   `.dev.vars`);
    /// - files are parsed as wrangler's `dotenv` parses them ([`devflare_config::dotenv`]).
    ///
    /// Every key becomes a classic secret (`env.secret(NAME)`): a key that is also a config
    /// var overrides it and is a secret from then on, as in wrangler. A value given in test
    /// code ([`classic_secret`](Self::classic_secret), [`var`](Self::var)) wins over both.
    /// When the config section declares `secrets.required`, keys not listed are excluded and
    /// listed keys without a value are [warnings](crate::SecretsEnv::warnings).
    ///
    /// No file at all is not an error (CI has none: they are git-ignored): the source is
    /// skipped and the builder's `Debug` says so. An unreadable file fails
    /// [`build`](Self::build) with its path.
    ///
    /// ```
    /// use devflare_test::prelude::*;
    ///
    /// let project = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/classic");
    /// let env = SecretsEnv::builder()
    ///     .wrangler_config(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/classic/wrangler.toml"))
    ///     .dev_vars(project, None)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(env.var("ENVIRONMENT").unwrap(), "development");
    /// assert_eq!(env.secret("PARTNER_API_KEY").unwrap(), "pk-dev-vars-canary");
    /// ```
    pub fn dev_vars(self, config_dir: impl AsRef<Path>, env: Option<&str>) -> Self {
        let dir = config_dir.as_ref();
        if !dir.is_absolute() {
            return self.defer_error(relative(dir, "dev_vars"));
        }
        match read_dev_vars(dir, env) {
            Ok(Some(loaded)) => loaded.into_iter().fold(self, SecretsEnvBuilder::plain_from),
            Ok(None) => {
                let env_files = match env {
                    Some(env) => format!(".env, .env.local, .env.{env}, .env.{env}.local"),
                    None => ".env, .env.local".to_owned(),
                };
                let dev_vars = match env {
                    Some(env) => format!(".dev.vars.{env}, .dev.vars"),
                    None => ".dev.vars".to_owned(),
                };
                self.skip_source(format!(
                    "dev_vars: none of {dev_vars}, {env_files} in {}",
                    dir.display()
                ))
            }
            Err(error) => self.defer_error(error),
        }
    }

    /// Adds every key of one dotenv file (absolute `path`) as a classic secret, like one
    /// `.dev.vars` file: no `${NAME}` expansion. The file must exist.
    pub fn dev_vars_file(self, path: impl AsRef<Path>) -> Self {
        match DotenvFile::load(path.as_ref()) {
            Ok(file) => secrets_of(&file)
                .into_iter()
                .fold(self, SecretsEnvBuilder::plain_from),
            Err(error) => self.defer_error(error.into()),
        }
    }
}

fn relative(path: &Path, method: &str) -> Error {
    LocalValuesError::new(
        path,
        format!(
            "`{method}` needs an absolute folder, e.g. `concat!(env!(\"CARGO_MANIFEST_DIR\"), \
             \"/…\")`, so tests do not depend on the working directory"
        ),
    )
    .into()
}

fn secret(key: &str, value: &str, origin: Origin) -> PendingPlain {
    PendingPlain {
        name: Arc::from(key),
        kind: BindingKind::ClassicSecret,
        value: PlainValue::Text(Arc::from(value)),
        source: PlainSource::LocalDev,
        origin,
    }
}

fn secrets_of(file: &DotenvFile) -> Vec<PendingPlain> {
    file.entries()
        .iter()
        .map(|e| secret(e.key(), e.value(), Origin::from(e.location())))
        .collect()
}

/// What `wrangler dev` loads from `dir`; `None` when no file exists.
fn read_dev_vars(dir: &Path, env: Option<&str>) -> Result<Option<Vec<PendingPlain>>, Error> {
    let mut dev_vars: Vec<PathBuf> = Vec::new();
    if let Some(env) = env {
        dev_vars.push(dir.join(format!(".dev.vars.{env}")));
    }
    dev_vars.push(dir.join(".dev.vars"));
    for path in dev_vars {
        if let Some(file) = DotenvFile::load_if_present(&path)? {
            return Ok(Some(secrets_of(&file)));
        }
    }
    let mut names = vec![".env".to_owned(), ".env.local".to_owned()];
    if let Some(env) = env {
        names.push(format!(".env.{env}"));
        names.push(format!(".env.{env}.local"));
    }
    // Merged in load order, a later file overriding; each key keeps the position that won.
    let mut merged: Vec<(String, String, Origin)> = Vec::new();
    let mut any = false;
    for name in names {
        let Some(file) = DotenvFile::load_if_present(dir.join(name))? else {
            continue;
        };
        any = true;
        for entry in file.entries() {
            let origin = Origin::from(entry.location());
            match merged.iter_mut().find(|(k, ..)| k == entry.key()) {
                Some(slot) => *slot = (entry.key().to_owned(), entry.value().to_owned(), origin),
                None => merged.push((entry.key().to_owned(), entry.value().to_owned(), origin)),
            }
        }
    }
    if !any {
        return Ok(None);
    }
    let pairs = merged
        .iter()
        .map(|(k, v, _)| (k.clone(), v.clone()))
        .collect();
    let expanded = devflare_config::dotenv::expand(pairs);
    Ok(Some(
        expanded
            .into_iter()
            .zip(merged)
            .map(|((key, value), (_, _, origin))| secret(&key, &value, origin))
            .collect(),
    ))
}
