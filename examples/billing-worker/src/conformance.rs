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
//! - `probe_*`: `env.object_var::<T>(NAME)` with one of the [`probe`] types, for the
//!   conformance-only var `PROBE_LIMITS` the run gives both sides: 200 with `T`'s `Debug`, or
//!   serde-wasm-bindgen's text for JSON that `T` rejects (a number where `T` wants a string, a
//!   fraction, a negative or an unsafe integer, a missing field, an object or array where `T`
//!   wants a number, a string where `T` wants a list, a field only inherited from
//!   `Object.prototype`);
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
        kind if kind.starts_with("probe_") => match probe::read(kind, name, env) {
            Some(read) => read,
            None => return text(StatusCode::NOT_FOUND, "no such probe kind"),
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
    super::respond(status, "text/plain; charset=utf-8", body)
}

/// The types the `probe_*` kinds read a JSON var into; each names the rule it probes.
pub mod probe {
    use std::fmt::Debug;

    use devflare_bindings::VarsEnv;
    use serde::Deserialize;
    use serde::de::DeserializeOwned;

    /// Every field of `PROBE_LIMITS` in a type that accepts it.
    #[derive(Debug, Deserialize)]
    pub struct Limits {
        /// `1`.
        pub burst: u8,
        /// `0.5`.
        pub ratio: f64,
        /// `-1`.
        pub floor: i8,
        /// Absent from the JSON: `None`.
        pub note: Option<String>,
        /// An array of mixed values.
        pub list: Vec<serde_json::Value>,
    }

    /// `burst` (a JSON number) as a string: every JavaScript number is a float.
    #[derive(Debug, Deserialize)]
    pub struct BurstAsText {
        /// Wants a string.
        pub burst: String,
    }

    /// `ratio` (`0.5`) as an integer.
    #[derive(Debug, Deserialize)]
    pub struct RatioAsInteger {
        /// Wants an integer.
        pub ratio: u32,
    }

    /// `floor` (`-1`) as an unsigned integer.
    #[derive(Debug, Deserialize)]
    pub struct FloorAsUnsigned {
        /// Wants an unsigned integer.
        pub floor: u32,
    }

    /// `big` (beyond 2^53) as an integer.
    #[derive(Debug, Deserialize)]
    pub struct BigAsInteger {
        /// Wants an integer.
        pub big: u64,
    }

    /// A field the JSON does not have.
    #[derive(Debug, Deserialize)]
    pub struct MissingField {
        /// Present.
        pub burst: u8,
        /// Absent.
        pub ceiling: u8,
    }

    /// `nested` (an object) as a number.
    #[derive(Debug, Deserialize)]
    pub struct NestedAsNumber {
        /// Wants a number.
        pub nested: u64,
    }

    /// `list` (an array) as a number.
    #[derive(Debug, Deserialize)]
    pub struct ListAsNumber {
        /// Wants a number.
        pub list: u64,
    }

    /// `tags` (a string) as a list.
    #[derive(Debug, Deserialize)]
    pub struct TagsAsList {
        /// Wants a list.
        pub tags: Vec<String>,
    }

    /// A field the JSON lacks but every JavaScript object inherits (`Object.prototype`).
    #[derive(Debug, Deserialize)]
    pub struct Inherited {
        /// Wants an optional string; inherits a function.
        pub constructor: Option<String>,
    }

    /// The probe kinds, each with the type it reads.
    pub const KINDS: [&str; 10] = [
        "probe_inherited",
        "probe_limits",
        "probe_burst_as_text",
        "probe_ratio_as_integer",
        "probe_floor_as_unsigned",
        "probe_big_as_integer",
        "probe_missing_field",
        "probe_nested_as_number",
        "probe_list_as_number",
        "probe_tags_as_list",
    ];

    /// Reads `name` as the type of `kind`; `None` for an unknown kind.
    pub fn read<E: VarsEnv>(kind: &str, name: &str, env: &E) -> Option<Result<String, String>> {
        fn typed<T: DeserializeOwned + Debug, E: VarsEnv>(
            env: &E,
            name: &str,
        ) -> Result<String, String> {
            env.object_var::<T>(name)
                .map(|value| format!("{value:?}"))
                .map_err(|e| e.to_string())
        }
        Some(match kind {
            "probe_limits" => typed::<Limits, E>(env, name),
            "probe_inherited" => typed::<Inherited, E>(env, name),
            "probe_burst_as_text" => typed::<BurstAsText, E>(env, name),
            "probe_ratio_as_integer" => typed::<RatioAsInteger, E>(env, name),
            "probe_floor_as_unsigned" => typed::<FloorAsUnsigned, E>(env, name),
            "probe_big_as_integer" => typed::<BigAsInteger, E>(env, name),
            "probe_missing_field" => typed::<MissingField, E>(env, name),
            "probe_nested_as_number" => typed::<NestedAsNumber, E>(env, name),
            "probe_list_as_number" => typed::<ListAsNumber, E>(env, name),
            "probe_tags_as_list" => typed::<TagsAsList, E>(env, name),
            _ => return None,
        })
    }
}
