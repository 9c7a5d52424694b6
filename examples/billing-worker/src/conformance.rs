//! Probe routes for the conformance run only (feature `conformance`, turned on by
//! `.ci/conformance` and the conformance driver): each answers one read of the env as text, so
//! the run compares workerd's values and error texts with the fakes' byte for byte.
//!
//! `GET /__conformance/read/<kind>/<NAME>`, `kind` one of:
//!
//! - `secret`, `var`: `env.secret(NAME)` / `env.var(NAME)`; 200 with the value;
//! - `object_var`: `env.object_var::<serde_json::Value>(NAME)`; 200 with the JSON;
//! - `object_var_u64`: `env.object_var::<u64>(NAME)`, JSON that the type rejects;
//! - `partner`: `env.object_var::<Partner>(NAME)`; 200 with its fields;
//! - `secret_store`: `env.secret_store(NAME)`; 200 `bound` (it never reads the secret);
//! - `secret_store_get`: `env.secret_store(NAME)?.get()`; 200 `present` / `absent`.
//!
//! `GET /__conformance/outbound/<path>` sends `GET <PARTNER.origin>/<path>` with the partner
//! key both as `x-api-key` and as `Authorization: Bearer <key>`, so the run sees which of them
//! survive a redirect the upstream answers with; 200 `<status> <body>` of the last hop.
//!
//! Any `Err` is 500 with the error's `Display`. These routes answer a classic secret's value:
//! test builds only, never in a Worker that holds a real secret.

use devflare_bindings::{OutboundEnv, OutboundFetch, SecretsStoreEnv, SecretsStoreSecret, VarsEnv};
use http::{Response, StatusCode, header};

use crate::Partner;

/// Every probe route starts with this.
pub const PREFIX: &str = "/__conformance/";

/// The read probe's prefix: `/__conformance/read/<kind>/<NAME>`.
pub const READ_PREFIX: &str = "/__conformance/read/";

/// The outbound probe's prefix: `/__conformance/outbound/<path>`.
pub const OUTBOUND_PREFIX: &str = "/__conformance/outbound/";

/// Answers [`BUILT_FROM`]: which checkout the running Worker was compiled from.
pub const BUILT_FROM_PATH: &str = "/__conformance/built-from";

/// This crate's directory at compile time; the run checks that the Worker in workerd was
/// built from its own checkout.
pub const BUILT_FROM: &str = env!("CARGO_MANIFEST_DIR");

/// Routes one probe.
pub async fn handle<E>(path: &str, env: &E) -> Response<String>
where
    E: SecretsStoreEnv + VarsEnv + OutboundEnv,
{
    if path == BUILT_FROM_PATH {
        return text(StatusCode::OK, BUILT_FROM);
    }
    if let Some(rest) = path.strip_prefix(OUTBOUND_PREFIX) {
        return outbound(rest, env).await;
    }
    let Some((kind, name)) = path
        .strip_prefix(READ_PREFIX)
        .and_then(|rest| rest.split_once('/'))
    else {
        return text(StatusCode::NOT_FOUND, "no such probe");
    };
    let read: Result<String, String> = match kind {
        "secret" => env.secret(name).map_err(|e| e.to_string()),
        "var" => env.var(name).map_err(|e| e.to_string()),
        "object_var" => env
            .object_var::<serde_json::Value>(name)
            .map(|value| value.to_string())
            .map_err(|e| e.to_string()),
        "object_var_u64" => env
            .object_var::<u64>(name)
            .map(|value| value.to_string())
            .map_err(|e| e.to_string()),
        "partner" => env
            .object_var::<Partner>(name)
            .map(|partner| format!("{} {}", partner.origin, partner.summary_path))
            .map_err(|e| e.to_string()),
        "secret_store" => env
            .secret_store(name)
            .map(|_| "bound".to_owned())
            .map_err(|e| e.to_string()),
        "secret_store_get" => match env.secret_store(name) {
            Ok(binding) => match binding.get().await {
                Ok(Some(_)) => Ok("present".to_owned()),
                Ok(None) => Ok("absent".to_owned()),
                Err(error) => Err(error.to_string()),
            },
            Err(error) => Err(error.to_string()),
        },
        _ => return text(StatusCode::NOT_FOUND, "no such probe kind"),
    };
    match read {
        Ok(value) => text(StatusCode::OK, &value),
        Err(message) => text(StatusCode::INTERNAL_SERVER_ERROR, &message),
    }
}

/// The outbound probe: the key in a custom header and in `Authorization`, to a path of the
/// partner's origin.
async fn outbound<E: VarsEnv + OutboundEnv>(rest: &str, env: &E) -> Response<String> {
    let (Ok(partner), Ok(key)) = (
        env.object_var::<Partner>(crate::PARTNER),
        env.secret(crate::PARTNER_API_KEY),
    ) else {
        return text(StatusCode::INTERNAL_SERVER_ERROR, "no partner or key");
    };
    let request = http::Request::get(format!("{}/{rest}", partner.origin))
        .header(crate::PARTNER_KEY_HEADER, &key)
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .body(bytes::Bytes::new());
    let Ok(request) = request else {
        return text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request cannot be built",
        );
    };
    match env.fetcher().fetch(request).await {
        Ok(answer) => text(
            StatusCode::OK,
            &format!(
                "{} {}",
                answer.status().as_u16(),
                String::from_utf8_lossy(answer.body())
            ),
        ),
        Err(error) => text(StatusCode::BAD_GATEWAY, &error.to_string()),
    }
}

fn text(status: StatusCode, body: &str) -> Response<String> {
    let mut response = Response::new(body.to_owned());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
