//! What a match is, shared by the matcher's files (`mod.rs`, `forms.rs`,
//! `swallowed_prefix.rs`, `leak.rs`) below all of them: the form a value was found in
//! ([`Encoding`]), which value it was ([`ValueKind`]), the marker parts each adds, and the
//! shortest value matched in every form ([`MIN_TOKEN_CHARS`]).

use std::fmt;

/// The shortest value matched in every encoding, and the shortest token the matrix accepts:
/// the base64 or hex of a shorter value is two to five characters that ordinary text is full
/// of, so shorter values are matched raw (and in decoded views) only.
pub const MIN_TOKEN_CHARS: usize = 4;

/// A form in which a secret value can appear in a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// The value itself.
    Raw,
    /// Base64, standard or URL-safe alphabet, padded or not, at any alignment after other
    /// bytes, wrapped at any line length or not.
    Base64,
    /// Percent-encoded: any subset of bytes, either hex case, `+` for spaces in forms.
    UrlEncoded,
    /// Escaped as inside a JSON string (`\"`, `\\`, `\n`, `\u00e9`, `\/`), once or nested.
    JsonEscaped,
    /// Hex of the value's bytes, lower or upper case.
    Hex,
    /// HTML entities: named (`&amp;`), decimal (`&#99;`) or hex (`&#x63;`).
    HtmlEntities,
    /// Escaped as string literals and debug output write them: Rust's `{:?}` of a `String` or
    /// of `bytes::Bytes`, `escape_default`, `escape_ascii`, Python's `repr` — `\xc3\xa9`,
    /// `\u{e9}`, `\U000000e9`, `\'`, `\0`.
    BackslashEscaped,
}

impl Encoding {
    /// The suffix used in redaction markers: `""` for raw, `":base64"` and so on.
    pub(super) fn marker_suffix(self) -> &'static str {
        match self {
            Self::Raw => "",
            Self::Base64 => ":base64",
            Self::UrlEncoded => ":url",
            Self::JsonEscaped => ":json",
            Self::Hex => ":hex",
            Self::HtmlEntities => ":html",
            Self::BackslashEscaped => ":escaped",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Raw => "raw",
            Self::Base64 => "base64",
            Self::UrlEncoded => "URL-encoded",
            Self::JsonEscaped => "JSON-escaped",
            Self::Hex => "hex",
            Self::HtmlEntities => "HTML entities",
            Self::BackslashEscaped => "backslash-escaped",
        })
    }
}

/// Which value was found: a secret, a value a test derived from it, or a piece of either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ValueKind {
    /// The secret's value (or its whitespace-trimmed core).
    Secret,
    /// A value registered with [`SecretsEnv::register_derived`](crate::SecretsEnv::register_derived).
    Derived,
    /// A run of characters of a secret or derived value, reported when the env opted in with
    /// [`SecretsEnv::report_partial_leaks`](crate::SecretsEnv::report_partial_leaks).
    Partial,
    /// A valid signature of a request's body made with the secret as the key (feature
    /// `webhooks`), hidden in response snapshots and request dumps as `[signature:BINDING]`.
    Signature,
    /// A credential as the protected-route matrix sent it (a near miss, a wrong or the right
    /// one), hidden in the handler errors of its report as `[credential as sent]`.
    Sent,
}

impl ValueKind {
    pub(super) fn marker_part(self) -> &'static str {
        match self {
            Self::Secret => "",
            Self::Derived => ":derived",
            Self::Partial => ":partial",
            Self::Signature | Self::Sent => "",
        }
    }
}
