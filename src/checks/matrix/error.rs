//! Why a matrix cannot run, and the checks made before it does.

use std::sync::Arc;

use http::{HeaderName, HeaderValue};

use super::plan::cookie_safe;
use super::route::{Kind, ProtectedRoute};
use super::scenario::Scenario;
use crate::SecretsEnv;
use crate::suggest::closest;

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
    /// `check_remote` could not build the env holding the binding's value.
    #[error("cannot build an env holding binding `{binding}` for `check_remote`: {reason}")]
    RemoteEnv {
        /// The binding.
        binding: String,
        /// Why (value-free).
        reason: String,
    },
}

pub use crate::redact::MIN_TOKEN_CHARS;

/// Checks what the matrix needs and returns the binding's current value.
pub(crate) fn preflight(route: &ProtectedRoute, env: &SecretsEnv) -> Result<Arc<str>, MatrixError> {
    if let Some((scenario, _)) = route
        .waivers
        .iter()
        .find(|(_, reason)| reason.trim().is_empty())
    {
        return Err(MatrixError::EmptyWaiverReason {
            scenario: *scenario,
        });
    }
    route.base_request().try_build()?;
    let header_name = |name: &str| {
        HeaderName::from_bytes(name.as_bytes())
            .map(|_| ())
            .map_err(|_| MatrixError::InvalidHeaderName {
                header: name.to_owned(),
            })
    };
    match &route.kind {
        Kind::Header { name, scheme } => {
            header_name(name)?;
            if let Some(scheme) = scheme {
                // A scheme is an HTTP token: a valid header name has exactly that grammar.
                if HeaderName::from_bytes(scheme.as_bytes()).is_err() {
                    return Err(MatrixError::InvalidScheme {
                        scheme: scheme.clone(),
                    });
                }
            }
        }
        Kind::Basic { user } => {
            if user.contains(':') || user.contains(|c: char| c.is_control()) {
                return Err(MatrixError::InvalidBasicUser { user: user.clone() });
            }
        }
        Kind::Query { param } => {
            if param.is_empty() {
                return Err(MatrixError::InvalidCredentialName {
                    what: "query parameter",
                    name: param.clone(),
                });
            }
        }
        Kind::Cookie { name } => {
            if name.is_empty() || name.contains('=') || !cookie_safe(name) {
                return Err(MatrixError::InvalidCredentialName {
                    what: "cookie",
                    name: name.clone(),
                });
            }
        }
        #[cfg(feature = "webhooks")]
        Kind::Signed(signature) => {
            header_name(signature.header())?;
            if let Some(name) = signature.timestamp_header_name() {
                header_name(name)?;
            }
            if signature.signs_timestamp() && !signature.is_timestamped() {
                return Err(MatrixError::InvalidSignature {
                    problem: "it signs a timestamp but sends none: add `.timestamp_header(…)`"
                        .to_owned(),
                });
            }
            if HeaderValue::from_str(signature.prefix_text()).is_err() {
                return Err(MatrixError::InvalidSignature {
                    problem: "its prefix has a character a header cannot carry".to_owned(),
                });
            }
        }
        Kind::Custom(_) => {}
    }
    if env.reference(&route.binding).is_none() {
        return Err(MatrixError::Unbound {
            binding: route.binding.clone(),
            closest: closest(&route.binding, env.binding_names()),
        });
    }
    if env.admin().has_faults() {
        return Err(MatrixError::FaultsActive {
            binding: route.binding.clone(),
        });
    }
    let binding = || route.binding.clone();
    let secret = env
        .current_value(&route.binding)
        .ok_or_else(|| MatrixError::NoValue { binding: binding() })?;
    if secret.is_empty() {
        return Err(MatrixError::EmptyValue { binding: binding() });
    }
    let chars = secret.chars().count();
    if chars < MIN_TOKEN_CHARS {
        return Err(MatrixError::TokenTooShort {
            binding: binding(),
            chars,
        });
    }
    match &route.kind {
        Kind::Header { scheme, .. } => {
            let value = match scheme {
                Some(scheme) => format!("{scheme} {secret}"),
                None => secret.to_string(),
            };
            if HeaderValue::from_str(&value).is_err() {
                return Err(MatrixError::NotHeaderSafe { binding: binding() });
            }
        }
        Kind::Cookie { .. } if !cookie_safe(&secret) => {
            return Err(MatrixError::NotCookieSafe { binding: binding() });
        }
        _ => {}
    }
    Ok(secret)
}
