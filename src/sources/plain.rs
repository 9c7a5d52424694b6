//! Classic secrets and vars from their sources — test code, wrangler config `vars`, and the
//! files `wrangler dev` reads beside the config (`.dev.vars`, `.dev.vars.<env>`, `.env*`) —
//! resolved with wrangler's precedence, `secrets.required` and strict mode's warnings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use devflare_config::DotenvFile;
use devflare_config::devflare_local::LocalValuesError;

use super::builder::{PendingPlain, PlainSource};
use crate::SecretsEnvBuilder;
use crate::env::{BindingKind, PlainValue};
use crate::error::{Error, Origin};

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
        name: key.to_owned(),
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

/// Picks one value per name (highest source, then last given), applies `secrets.required`
/// and collects warnings. `secrets_store_origin` says where a Secrets Store binding of that
/// name is declared, if one is: names are unique across binding kinds.
pub(crate) fn resolve(
    pending: Vec<PendingPlain>,
    required: Option<&[(String, Origin)]>,
    strict: bool,
    secrets_store_origin: impl Fn(&str) -> Option<Origin>,
) -> Result<(Vec<PendingPlain>, Vec<String>), Error> {
    let mut warnings = Vec::new();
    let mut chosen: BTreeMap<String, PendingPlain> = BTreeMap::new();
    for entry in pending {
        if let (Some(required), PlainSource::LocalDev) = (required, entry.source)
            && !required.iter().any(|(name, _)| *name == entry.name)
        {
            warnings.push(format!(
                "`{}` at {} is not listed in `secrets.required`: excluded, as wrangler excludes it",
                entry.name, entry.origin
            ));
            continue;
        }
        match chosen.get(&entry.name) {
            Some(current) if current.source > entry.source => {}
            _ => {
                chosen.insert(entry.name.clone(), entry);
            }
        }
    }
    let mut shadowed = Vec::new();
    for entry in chosen.values() {
        if let Some(first) = secrets_store_origin(&entry.name) {
            // A config var sharing a Secrets Store binding's name is the config's problem,
            // rejected by strict mode (names are unique across kinds) and otherwise left to
            // the Secrets Store binding, as before vars were read; from any other source it
            // is a mistake in the test.
            if entry.source == PlainSource::ConfigVars && !strict {
                warnings.push(format!(
                    "var `{}` at {} has the name of the Secrets Store binding at {first}: the binding is kept",
                    entry.name, entry.origin
                ));
                shadowed.push(entry.name.clone());
                continue;
            }
            return Err(Error::DuplicateBinding {
                binding: entry.name.clone(),
                first,
                second: entry.origin.clone(),
            });
        }
    }
    for name in shadowed {
        chosen.remove(&name);
    }
    for (name, origin) in required.unwrap_or_default() {
        if !chosen.contains_key(name) {
            warnings.push(format!(
                "secret `{name}` is listed in `secrets.required` at {origin}, but nothing gives it a value (.dev.vars, .env or test code): reads of it fail as unbound"
            ));
        }
    }
    if strict {
        for entry in chosen.values().filter(|e| e.kind == BindingKind::Var) {
            if let Some(reason) = looks_secret(&entry.name, &entry.value) {
                warnings.push(format!(
                    "var `{}` at {} {reason}: vars are committed with the wrangler config; keep secrets in `.dev.vars` and `wrangler secret put` (a classic secret) or Secrets Store",
                    entry.name, entry.origin
                ));
            }
        }
    }
    Ok((chosen.into_values().collect(), warnings))
}

/// Words that, ending a var's name (or anywhere, for the last group), say it holds a secret.
const SECRET_NAME_ENDINGS: &[&str] = &[
    "KEY",
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PWD",
    "CREDENTIAL",
    "CREDENTIALS",
    "APIKEY",
    "PASS",
    "PRIVATEKEY",
];
const SECRET_NAME_WORDS: &[&str] = &["SECRET", "PASSWORD", "PASSWD", "PRIVATE"];
/// Prefixes of well-known credential formats.
const SECRET_VALUE_PREFIXES: &[&str] = &[
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "whsec_",
    "ghp_",
    "gho_",
    "ghs_",
    "github_pat_",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "AKIA",
    "-----BEGIN",
    "glpat-",
    "sk-",
];

/// Why a var looks like a secret, if it does: by its name or by its value. Never quotes the
/// value.
pub(crate) fn looks_secret(name: &str, value: &PlainValue) -> Option<String> {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words
        .last()
        .is_some_and(|w| SECRET_NAME_ENDINGS.contains(w))
        || words.iter().any(|w| SECRET_NAME_WORDS.contains(w))
    {
        return Some("has a name that says it is a secret".to_owned());
    }
    let PlainValue::Text(text) = value else {
        return None;
    };
    if SECRET_VALUE_PREFIXES.iter().any(|p| text.starts_with(p)) {
        return Some("has a value in a known credential format".to_owned());
    }
    if is_jwt(text) {
        return Some("has a value that is a JSON Web Token".to_owned());
    }
    if looks_random(text) {
        return Some("has a value that looks like a random key".to_owned());
    }
    None
}

fn is_jwt(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && text.starts_with("eyJ")
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// At least 20 characters of letters and digits (plus `-_+/=`), with both, no spaces, and
/// high entropy: what generated keys look like, and words, URLs, versions and ids don't.
fn looks_random(text: &str) -> bool {
    if text.len() < 20
        || !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_+/=".contains(&b))
        || !text.bytes().any(|b| b.is_ascii_digit())
        || !text.bytes().any(|b| b.is_ascii_alphabetic())
        || text.contains("//")
    {
        return false;
    }
    let mut counts = [0usize; 256];
    for b in text.bytes() {
        counts[usize::from(b)] += 1;
    }
    let len = text.len() as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = n as f64 / len;
            -p * p.log2()
        })
        .sum();
    entropy >= 3.5
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> PlainValue {
        PlainValue::Text(Arc::from(value))
    }

    #[test]
    fn names_that_say_secret_are_flagged() {
        for name in [
            "STRIPE_KEY",
            "API_TOKEN",
            "WEBHOOK_SECRET",
            "PASSWORD",
            "db-password",
            "SECRET_SAUCE",
            "PRIVATE_PEM",
        ] {
            assert!(looks_secret(name, &text("x")).is_some(), "{name}");
        }
        for name in [
            "ENVIRONMENT",
            "KEY_PREFIX",
            "TOKEN_TTL_SECONDS",
            "API_HOST",
            "LOG_LEVEL",
        ] {
            assert!(looks_secret(name, &text("x")).is_none(), "{name}");
        }
    }

    #[test]
    fn values_that_look_like_credentials_are_flagged_and_quoted_nowhere() {
        let canary = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
        let reason = looks_secret("STRIPE", &text(canary)).unwrap();
        assert!(!reason.contains(canary));
        assert!(
            looks_secret(
                "SESSION",
                &text("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc_DEF-123")
            )
            .is_some()
        );
        assert!(looks_secret("OPAQUE", &text("q8Zr2LmX9vT4kP7wN3bY6cJ1")).is_some());
        for value in [
            "https://api.example.com/v1",
            "production",
            "0123456789",
            "v1.2.3",
            "aaaaaaaaaaaaaaaaaaaaaaaa1",
            "2024-01-01T00:00:00Z",
        ] {
            assert!(looks_secret("SETTING", &text(value)).is_none(), "{value}");
        }
        let json = PlainValue::Json(Arc::new(serde_json::json!({"a": 1})));
        assert!(looks_secret("LIMITS", &json).is_none());
    }
}
