//! The checks made before a matrix runs (route, names, the binding and its value). The cookie
//! rule they apply is the client's (`http/request.rs`).

use std::sync::Arc;

use http::{HeaderName, HeaderValue};

use super::error::{MIN_TOKEN_CHARS, MatrixError};
use super::route::{CredentialKind, ProtectedRoute};
use crate::env::SecretsEnv;
use crate::http::{cookie_name_ok, cookie_safe};
use crate::suggest::closest;

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
        CredentialKind::Header { name, scheme } => {
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
        CredentialKind::Basic { user } => {
            if user.contains(':') || user.contains(|c: char| c.is_control()) {
                return Err(MatrixError::InvalidBasicUser { user: user.clone() });
            }
        }
        CredentialKind::Query { param } => {
            if param.is_empty() {
                return Err(MatrixError::InvalidCredentialName {
                    what: "query parameter",
                    name: param.clone(),
                });
            }
        }
        CredentialKind::Cookie { name } => {
            if !cookie_name_ok(name) {
                return Err(MatrixError::InvalidCredentialName {
                    what: "cookie",
                    name: name.clone(),
                });
            }
        }
        #[cfg(feature = "webhooks")]
        CredentialKind::Signed(signature) => {
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
        CredentialKind::Custom(_) => {}
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
        CredentialKind::Header { scheme, .. } => {
            let value = match scheme {
                Some(scheme) => format!("{scheme} {secret}"),
                None => secret.to_string(),
            };
            if HeaderValue::from_str(&value).is_err() {
                return Err(MatrixError::NotHeaderSafe { binding: binding() });
            }
        }
        CredentialKind::Cookie { .. } if !cookie_safe(&secret) => {
            return Err(MatrixError::NotCookieSafe { binding: binding() });
        }
        _ => {}
    }
    Ok(secret)
}
