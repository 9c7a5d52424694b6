//! Errors: [`SecretError`] is what a handler sees at run time (and must match production's
//! text); [`Error`] is what building an env from code, files or config can fail with.
//!
//! Neither ever contains a secret value: only binding names, store ids, secret names and
//! file positions.

use std::fmt;

use devflare_config::Location;

/// What reading a fake binding fails with — the same messages the platform gives.
///
/// The `Display` text is exactly production's, so handlers that log or match on it behave the
/// same in tests; the variants carry more (binding, store, closest name) for assertions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// `env.secret_store(NAME)` for a name that is not bound (workers-rs' text).
    #[error("Binding `{binding}` is undefined.")]
    Unbound {
        /// The name asked for.
        binding: String,
        /// The closest bound name, if one looks like a typo of it.
        closest: Option<String>,
    },
    /// `get()` on a binding whose secret has no value. It names the secret, not the binding; an
    /// unknown store gives this too. The runtime rejects with Miniflare's message
    /// `Secret "<name>" not found`, and workers-rs 0.8 displays the JavaScript error as
    /// `<name of the error>: <message>`, so a handler sees `Error: Secret "<name>" not found` —
    /// checked against workerd by the conformance run (`conformance/`).
    #[error("Error: Secret \"{secret_name}\" not found")]
    NotFound {
        /// The binding that was read.
        binding: String,
        /// The store it points at.
        store_id: String,
        /// The secret it points at.
        secret_name: String,
        /// The closest name that does have a value in that store, if one looks like a typo.
        closest: Option<String>,
    },
    /// A binding read with an accessor for another type: `env.secret(NAME)` on a Secrets
    /// Store binding (`Binding cannot be cast to the type String from Fetcher`),
    /// `env.secret_store(NAME)` on a classic secret (`... to the type Fetcher from String`),
    /// `env.var(NAME)` on a JSON var (`... to the type String from Object`),
    /// `env.object_var(NAME)` on a string var (`... to the type Object from String`) —
    /// workers-rs' `EnvBinding::get` text, naming JavaScript constructors.
    #[error("Binding cannot be cast to the type {wanted} from {found}")]
    WrongType {
        /// The name read.
        binding: String,
        /// The type the accessor wants (`String`, `Object`, `Fetcher`).
        wanted: &'static str,
        /// The constructor of what is bound (`String`, `Object`, `Fetcher`, `Number`, …).
        found: &'static str,
    },
    /// `env.object_var::<T>(NAME)` on a JSON object that `T` does not accept: serde-wasm-bindgen's
    /// message (about the var's JSON, which is configuration, never a secret), prefixed as
    /// workers-rs displays a JavaScript error (``Error: invalid type: floating point `1.0`,
    /// expected a string``), or `TypeError: ...` where JavaScript itself threw.
    #[error("{error_name}: {message}")]
    Deserialize {
        /// The var read.
        binding: String,
        /// The JavaScript error's name: `Error` for serde's messages, `TypeError` for a
        /// sequence or map read from a string, number, boolean or null.
        error_name: &'static str,
        /// What the deserializer said.
        message: String,
    },
    /// `get()` failed because a test injected a fault
    /// ([`SecretsAdmin::fail`](crate::secrets::SecretsAdmin::fail) or
    /// [`SecretsAdmin::fail_all`](crate::secrets::SecretsAdmin::fail_all)).
    #[error("{message}")]
    Injected {
        /// The binding that was read.
        binding: String,
        /// The message the test chose.
        message: String,
    },
}

impl SecretError {
    /// The binding this error is about.
    pub fn binding(&self) -> &str {
        match self {
            Self::Unbound { binding, .. }
            | Self::NotFound { binding, .. }
            | Self::Injected { binding, .. }
            | Self::WrongType { binding, .. }
            | Self::Deserialize { binding, .. } => binding,
        }
    }

    /// A closest valid name, when the error looks like a typo (`"did you mean …"`).
    pub fn closest(&self) -> Option<&str> {
        match self {
            Self::Unbound { closest, .. } | Self::NotFound { closest, .. } => closest.as_deref(),
            Self::Injected { .. } | Self::WrongType { .. } | Self::Deserialize { .. } => None,
        }
    }
}

/// Where a binding or value was declared, so errors can name both places of a duplicate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A builder call or macro in test code.
    Code,
    /// A position in a file: the workspace's one file:line:column type, computed by
    /// [`devflare_config::LineIndex`].
    File(Location),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Code => f.write_str("test code"),
            Self::File(location) => location.fmt(f),
        }
    }
}

impl From<&Location> for Origin {
    fn from(location: &Location) -> Self {
        Self::File(location.clone())
    }
}

/// What building a [`SecretsEnv`](crate::SecretsEnv) can fail with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The same binding name was declared twice.
    #[error("binding `{binding}` is declared twice: first at {first}, again at {second}")]
    DuplicateBinding {
        /// The binding name.
        binding: String,
        /// Where it was first declared.
        first: Origin,
        /// Where it was declared again.
        second: Origin,
    },
    /// A value was given for a binding name that nothing declares.
    #[error("a value is given for binding `{binding}` at {origin}, but no such binding is declared{}", did_you_mean(closest.as_deref()))]
    UnknownBinding {
        /// The name the value was given for.
        binding: String,
        /// Where the value was given.
        origin: Origin,
        /// The closest declared binding name.
        closest: Option<String>,
    },
    /// A wrangler config or fixture file could not be read: the error names the file, line
    /// and column, what was expected, and the closest valid name.
    #[error(transparent)]
    Config(#[from] devflare_config::ConfigError),
    /// Strict validation found something production would reject.
    #[error("strict validation: {subject} (declared at {origin}) {problem}")]
    Strict {
        /// What is wrong: a binding, secret or store id — never a value.
        subject: String,
        /// Where it was declared.
        origin: Origin,
        /// What production requires.
        problem: String,
    },
    /// A value test code gave a declared JSON var (a `typed_env!` fixture's setter) is not
    /// JSON, or does not have the shape of the var's config value: production only ever sees
    /// the config's value, so a test of another shape tests a Worker that is never deployed.
    #[error("JSON var `{var}` (declared at {origin}): the value set in test code {problem}")]
    VarShape {
        /// The var's name.
        var: String,
        /// Where the config declares it.
        origin: Origin,
        /// What is wrong, with the JSON path (`LIMITS.tiers[0].burst`).
        problem: String,
    },
    /// A local values source — Devflare's `.devflare/secrets.local.json` or wrangler's
    /// `.wrangler/state` — is missing, unreadable or malformed. It names the file (with line
    /// and column when the problem has one), never a value; when an I/O error caused it, that
    /// error is the [`source`](std::error::Error::source).
    #[error(transparent)]
    LocalValues(#[from] devflare_config::devflare_local::LocalValuesError),
}

// The one "did you mean" clause, shared with the file readers and the CLI.
pub(crate) use devflare_config::did_you_mean;
