//! Classic secrets and vars on their way into an env: where each came from, and how the ones
//! given for one name resolve — wrangler's precedence, `secrets.required`, names shared with a
//! Secrets Store binding, and strict mode's warnings about a var that looks like a secret.
//! Below the builder and every source that feeds it.

use std::sync::Arc;

use crate::env::{BindingKind, PlainValue};
use crate::error::{Error, Origin};

/// Where a classic secret or var came from. The highest wins, as in `wrangler dev`: a key of
/// `.dev.vars` / `.env` overrides the config's var of the same name (and makes it a secret),
/// and a value given in test code overrides both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PlainSource {
    /// `vars` of the wrangler config.
    ConfigVars,
    /// `.dev.vars`, `.dev.vars.<env>` or `.env` files.
    LocalDev,
    /// Builder calls in test code.
    Explicit,
}

#[derive(Clone)]
pub(crate) struct PendingPlain {
    pub(crate) name: Arc<str>,
    pub(crate) kind: BindingKind,
    pub(crate) value: PlainValue,
    pub(crate) source: PlainSource,
    pub(crate) origin: Origin,
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
    let mut pending = pending;
    if let Some(required) = required {
        pending.retain(|entry| {
            let excluded = entry.source == PlainSource::LocalDev
                && !required.iter().any(|(name, _)| **name == *entry.name);
            if excluded {
                warnings.push(format!(
                    "`{}` at {} is not listed in `secrets.required`: excluded, as wrangler excludes it",
                    entry.name, entry.origin
                ));
            }
            !excluded
        });
    }
    // Highest source wins; within a source, the last given. A stable sort by name, then
    // source, puts each name's winner last in its run — no map, no moving values twice.
    pending.sort_by(|a, b| a.name.cmp(&b.name).then(a.source.cmp(&b.source)));
    let mut chosen: Vec<PendingPlain> = Vec::with_capacity(pending.len());
    for entry in pending {
        match chosen.last_mut() {
            Some(last) if last.name == entry.name => *last = entry,
            _ => chosen.push(entry),
        }
    }
    let mut duplicate = None;
    chosen.retain(|entry| {
        let Some(first) = duplicate
            .is_none()
            .then(|| secrets_store_origin(&entry.name))
            .flatten()
        else {
            return true;
        };
        // A config var sharing a Secrets Store binding's name is the config's problem,
        // rejected by strict mode (names are unique across kinds) and otherwise left to the
        // Secrets Store binding, as before vars were read; from any other source it is a
        // mistake in the test.
        if entry.source == PlainSource::ConfigVars && !strict {
            warnings.push(format!(
                "var `{}` at {} has the name of the Secrets Store binding at {first}: the binding is kept",
                entry.name, entry.origin
            ));
            return false;
        }
        duplicate = Some(Error::DuplicateBinding {
            binding: entry.name.to_string(),
            first,
            second: entry.origin.clone(),
        });
        true
    });
    if let Some(error) = duplicate {
        return Err(error);
    }
    for (name, origin) in required.unwrap_or_default() {
        if chosen
            .binary_search_by(|entry| (*entry.name).cmp(name.as_str()))
            .is_err()
        {
            warnings.push(format!(
                "secret `{name}` is listed in `secrets.required` at {origin}, but nothing gives it a value (.dev.vars, .env or test code): reads of it fail as unbound"
            ));
        }
    }
    if strict {
        for entry in chosen.iter().filter(|e| e.kind == BindingKind::Var) {
            if let Some(reason) = looks_secret(&entry.name, &entry.value) {
                warnings.push(format!(
                    "var `{}` at {} {reason}: vars are committed with the wrangler config; keep secrets in `.dev.vars` and `wrangler secret put` (a classic secret) or Secrets Store",
                    entry.name, entry.origin
                ));
            }
        }
    }
    Ok((chosen, warnings))
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
