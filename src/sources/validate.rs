//! Strict validation: what wrangler or production would reject, checked only when asked
//! ([`SecretsEnvBuilder::strict`](crate::SecretsEnvBuilder::strict)), because local
//! development accepts any string.

use crate::env::SecretRef;
use crate::error::{Error, Origin};

/// A binding of another kind (KV, R2, a var, …) from wrangler config: strict mode checks that
/// no Secrets Store binding reuses its name.
#[derive(Clone)]
pub(crate) struct OtherBinding {
    pub(crate) name: String,
    pub(crate) kind: &'static str,
    pub(crate) origin: Origin,
}

/// Production's cap on a secret value, in bytes of UTF-8 (wrangler ≥ 4.95).
pub const MAX_VALUE_BYTES: usize = 65_536;

/// Wrangler's name rule, `/^[A-z0-9-_]+$/`. Note that `A-z` also admits the six ASCII
/// characters between `Z` and `a`: ``[ \ ] ^ _ ` ``.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| (b'A'..=b'z').contains(&b) || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Production store ids are 32 lowercase hex digits.
pub fn is_valid_store_id(store_id: &str) -> bool {
    store_id.len() == 32
        && store_id
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub(crate) fn check<'a>(
    bindings: impl Iterator<Item = (&'a str, &'a SecretRef, &'a Origin)>,
    values: impl Iterator<Item = (&'a SecretRef, &'a str, &'a Origin)>,
) -> Result<(), Error> {
    let violation = |subject: String, origin: &Origin, problem: &str| Error::Strict {
        subject,
        origin: origin.clone(),
        problem: problem.to_owned(),
    };
    for (name, reference, origin) in bindings {
        if !is_valid_name(name) {
            return Err(violation(
                format!("binding name `{name}`"),
                origin,
                "must match wrangler's rule /^[A-z0-9-_]+$/",
            ));
        }
        if !is_valid_name(reference.secret_name()) {
            return Err(violation(
                format!(
                    "secret name `{}` of binding `{name}`",
                    reference.secret_name()
                ),
                origin,
                "must match wrangler's rule /^[A-z0-9-_]+$/",
            ));
        }
        if !is_valid_store_id(reference.store_id()) {
            return Err(violation(
                format!("store id `{}` of binding `{name}`", reference.store_id()),
                origin,
                "must be 32 lowercase hex digits, as production store ids are",
            ));
        }
    }
    for (reference, value, origin) in values {
        if value.len() > MAX_VALUE_BYTES {
            return Err(Error::Strict {
                subject: format!("the value of secret `{reference}`"),
                origin: origin.clone(),
                problem: format!(
                    "is {} bytes of UTF-8; production allows at most {MAX_VALUE_BYTES}",
                    value.len()
                ),
            });
        }
    }
    Ok(())
}

/// Binding names are unique across all binding kinds of a Worker: a Secrets Store binding
/// may not share its name with a KV namespace, a var, … of the same wrangler config section.
pub(crate) fn check_unique_across_kinds<'a>(
    secrets: impl Iterator<Item = (&'a str, &'a Origin)>,
    others: &[OtherBinding],
) -> Result<(), Error> {
    for (name, origin) in secrets {
        if let Some(other) = others.iter().find(|other| other.name == name) {
            return Err(Error::Strict {
                subject: format!("binding name `{name}`"),
                origin: origin.clone(),
                problem: format!(
                    "is also the name of a `{}` binding at {}; binding names must be unique across all binding kinds",
                    other.kind, other.origin
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_wranglers_regex_including_its_quirk() {
        assert!(is_valid_name("API_TOKEN"));
        assert!(is_valid_name("api-token-2"));
        assert!(is_valid_name("a^b`c[d]"), "A-z admits [ \\ ] ^ _ `");
        assert!(!is_valid_name(""));
        assert!(!is_valid_name("api token"));
        assert!(!is_valid_name("api.token"));
        assert!(!is_valid_name("tökén"));
    }

    #[test]
    fn store_ids_are_32_lowercase_hex() {
        assert!(is_valid_store_id("0123456789abcdef0123456789abcdef"));
        assert!(!is_valid_store_id("0123456789ABCDEF0123456789ABCDEF"));
        assert!(!is_valid_store_id("store-123"));
        assert!(!is_valid_store_id("0123456789abcdef0123456789abcde"));
    }
}
