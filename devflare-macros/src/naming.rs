//! Binding name → accessor name: lower snake case, checked to be a usable Rust method name.

/// Methods the generated types define themselves (or get from derived traits), which an
/// accessor must not shadow.
pub(crate) const GENERATED_METHODS: &[&str] = &[
    "new",
    "inner",
    "into_inner",
    "unset",
    "secret_store",
    "secret",
    "var",
    "object_var",
    "declared_values",
    "clone",
    "fmt",
    "default",
];

/// Strict and reserved keywords of Rust 2024 that can be spelt in lower case: none can name a
/// method without `r#`, which generated accessors do not use.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Why a binding name gives no accessor.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Unusable {
    /// Not a Rust identifier after mapping (empty, leading digit, other characters).
    NotAnIdentifier(String),
    /// A keyword.
    Keyword(String),
    /// A method the generated types already have.
    Generated(String),
}

/// The accessor for `binding`, or why there is none.
pub(crate) fn accessor(binding: &str) -> Result<String, Unusable> {
    let name = snake_case(binding);
    let mut chars = name.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    if !starts_well || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Unusable::NotAnIdentifier(name));
    }
    if KEYWORDS.contains(&name.as_str()) {
        return Err(Unusable::Keyword(name));
    }
    if GENERATED_METHODS.contains(&name.as_str()) {
        return Err(Unusable::Generated(name));
    }
    Ok(name)
}

/// Lower snake case. `-` and `_` separate words (runs of them count once; leading and
/// trailing ones are dropped). In a name with lower-case letters (camelCase, PascalCase), a
/// capital also starts a word after a lower-case letter or a digit, and the last capital of a
/// run does when a lower-case letter follows (`HTTPSKey` → `https_key`). An all-capitals name
/// (`API_TOKEN`, `KEY2B`), wrangler's convention, splits only at `-` and `_`.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mixed_case = chars.iter().any(char::is_ascii_lowercase);
    let mut out = String::with_capacity(name.len() + 4);
    let mut pending_break = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == '-' || c == '_' {
            pending_break = true;
            continue;
        }
        if mixed_case && c.is_ascii_uppercase() && i > 0 {
            let previous = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if previous.is_ascii_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_ascii_uppercase() && next_is_lower)
            {
                pending_break = true;
            }
        }
        if pending_break && !out.is_empty() {
            out.push('_');
        }
        pending_break = false;
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_the_documented_examples() {
        let cases = [
            ("API_TOKEN", "api_token"),
            ("apiToken", "api_token"),
            ("ApiToken", "api_token"),
            ("api_token", "api_token"),
            ("HTTPSKey", "https_key"),
            ("stripe-key", "stripe_key"),
            ("KEY2", "key2"),
            ("KEY2B", "key2b"),
            ("apiV2Key", "api_v2_key"),
            ("__A__B_", "a_b"),
            ("X", "x"),
        ];
        for (binding, expected) in cases {
            assert_eq!(snake_case(binding), expected, "{binding}");
            assert_eq!(accessor(binding).as_deref(), Ok(expected), "{binding}");
        }
    }

    #[test]
    fn rejects_what_cannot_be_a_method_name() {
        assert_eq!(accessor("TYPE"), Err(Unusable::Keyword("type".into())));
        assert_eq!(accessor("Self"), Err(Unusable::Keyword("self".into())));
        assert_eq!(accessor("NEW"), Err(Unusable::Generated("new".into())));
        assert_eq!(
            accessor("INTO-INNER"),
            Err(Unusable::Generated("into_inner".into()))
        );
        for bad in ["2FA", "_", "", "A^B", "A`B", "A[B", "CLÉ"] {
            assert!(
                matches!(accessor(bad), Err(Unusable::NotAnIdentifier(_))),
                "{bad:?} → {:?}",
                accessor(bad)
            );
        }
    }
}
