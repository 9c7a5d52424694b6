//! Why a matrix cannot run ([`MatrixError`]); the checks that find out are in `preflight.rs`.

use super::scenario::Scenario;

/// Why the matrix could not run at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MatrixError {
    /// The binding is not bound in the client's env.
    #[error("binding `{binding}` is not bound in the env{}", crate::error::did_you_mean(closest.as_deref()))]
    Unbound {
        /// The binding named.
        binding: String,
        /// The closest bound name.
        closest: Option<String>,
    },
    /// The binding's secret has no value, so there is no right token to present.
    #[error(
        "binding `{binding}` has no value: give it one (e.g. `secrets_env! {{ {binding} => \"…\" }}`)"
    )]
    NoValue {
        /// The binding.
        binding: String,
    },
    /// The binding's value is empty, so near misses cannot be built.
    #[error("binding `{binding}` holds an empty value; the matrix needs a non-empty token")]
    EmptyValue {
        /// The binding.
        binding: String,
    },
    /// The binding's value has bytes a header cannot carry (control characters).
    #[error(
        "the value of binding `{binding}` cannot be sent in a header (it has a control character)"
    )]
    NotHeaderSafe {
        /// The binding.
        binding: String,
    },
    /// The credential header name is not a valid HTTP header name.
    #[error("invalid credential header name {header:?}")]
    InvalidHeaderName {
        /// The name given.
        header: String,
    },
    /// A fault was already injected; the matrix needs a healthy store to start from.
    #[error(
        "a fault is injected in the env of binding `{binding}`; heal it before running the matrix"
    )]
    FaultsActive {
        /// The binding.
        binding: String,
    },
    /// The route's method or URI cannot form a request.
    #[error("the route cannot be requested: {0}")]
    InvalidRequest(#[from] crate::http::RequestError),
    /// The scheme is empty or not an HTTP token (`Bearer`, `Token`, …).
    #[error(
        "invalid credential scheme {scheme:?}: expected a word such as `Bearer` (or `.no_scheme()` for a bare token)"
    )]
    InvalidScheme {
        /// The scheme given.
        scheme: String,
    },
    /// The Basic user has a `:` or a control character.
    #[error("invalid Basic user {user:?}: expected a name without `:` or control characters")]
    InvalidBasicUser {
        /// The user given.
        user: String,
    },
    /// A query parameter or cookie name cannot carry the credential.
    #[error(
        "invalid {what} name {name:?}: expected a non-empty name without `=`, spaces, `;`, `,`, quotes or control characters"
    )]
    InvalidCredentialName {
        /// `"query parameter"` or `"cookie"`.
        what: &'static str,
        /// The name given.
        name: String,
    },
    /// The binding's value cannot be a cookie value (a space, `;`, `,`, `"`, `\`).
    #[error(
        "the value of binding `{binding}` cannot be sent in a cookie (it has a space, `;`, `,`, a quote, a backslash or a control character)"
    )]
    NotCookieSafe {
        /// The binding.
        binding: String,
    },
    /// The signature description cannot be sent.
    #[error("invalid signature: {problem}")]
    InvalidSignature {
        /// What is wrong.
        problem: String,
    },
    /// The value is so short that the leak scan would find it in any response.
    #[error(
        "binding `{binding}` holds a value of {chars} character(s); the matrix needs at least {MIN_TOKEN_CHARS} so its leak scan means something: use a distinctive fixture value"
    )]
    TokenTooShort {
        /// The binding.
        binding: String,
        /// The value's length in characters.
        chars: usize,
    },
    /// `check_remote`'s base URL is not `http://host[:port]`.
    #[error("invalid base URL for `check_remote`: {problem}")]
    InvalidBaseUrl {
        /// What is wrong and what would be valid.
        problem: String,
    },
    /// `check_remote` was given an `http://` URL whose host is not loopback: the real
    /// credentials would cross the network in clear. Nothing was sent.
    #[error(
        "refusing to send credentials over cleartext `http://` to `{host}`, which is not loopback (127.0.0.0/8, ::1, localhost); nothing was sent: run the Worker on this machine, or opt in with `ProtectedRoute::allow_cleartext_to_non_loopback()` for a network you trust"
    )]
    CleartextToNonLoopback {
        /// The host named by the base URL.
        host: String,
    },
    /// A scenario was waived with an empty reason: a waiver must say why the failure is
    /// accepted, for whoever reads the report next.
    #[error(
        "the waiver of scenario `{scenario}` has an empty reason: say why its failure is accepted, e.g. `.allow({}, \"the legacy client needs it until …\")`",
        scenario.rust_path()
    )]
    EmptyWaiverReason {
        /// The scenario waived.
        scenario: Scenario,
    },
    /// A secret the route declares it reads
    /// ([`also_reads`](super::ProtectedRoute::also_reads)) is not a Secrets Store binding or
    /// classic secret of the env.
    #[error("the route reads `{secret}`, which the env does not bind{}", other_secret_hint(*is_var, closest.as_deref()))]
    OtherSecretUnbound {
        /// The name declared.
        secret: String,
        /// The closest secret name the env binds.
        closest: Option<String>,
        /// Whether the name is a var (configuration, which the matrix does not probe).
        is_var: bool,
    },
    /// `check_remote` could not build the env holding the binding's value.
    #[error("cannot build an env holding binding `{binding}` for `check_remote`: {reason}")]
    RemoteEnv {
        /// The binding.
        binding: String,
        /// Why (value-free).
        reason: String,
    },
}

fn other_secret_hint(is_var: bool, closest: Option<&str>) -> String {
    if is_var {
        " as a secret: it is a var (configuration, not probed by the matrix); remove it from \
         `.also_reads(…)`"
            .to_owned()
    } else {
        crate::error::did_you_mean(closest)
    }
}

/// The shortest token the matrix accepts: the redactor's own minimum (shorter values occur by
/// chance in ordinary text, and every response would count as a leak), defined once there.
pub use crate::redact::MIN_TOKEN_CHARS;
