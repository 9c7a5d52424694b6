//! An example Worker that holds every kind of secret a Worker holds, and calls out:
//!
//! - `GET /status` answers everyone with the var `ENVIRONMENT` (`env.var`);
//! - `GET /admin/partner-summary` answers only callers presenting the admin token held in the
//!   Secrets Store binding `ADMIN_TOKEN`. It calls the partner API named by the JSON var
//!   `PARTNER` (`env.object_var`) with the classic secret `PARTNER_API_KEY` (`env.secret`) in
//!   the `x-api-key` header the partner documents, and returns a summary of its answer.
//!
//! The handler is written once against the seam traits — [`SecretsStoreEnv`], [`VarsEnv`],
//! [`OutboundEnv`] — so the same code runs on workers-rs in production (`worker::Env`, built
//! for wasm32) and against devflare-test's fake env and fake upstream in `cargo test`.
//!
//! It fails closed at every step: a token, key or var it cannot read is a 5xx, never a call
//! with an empty key or an open door; a partner that fails is a 502. The caller's own
//! `Authorization` never goes upstream: the partner gets a new request with its own key only.

use bytes::Bytes;
use devflare_bindings::{OutboundEnv, OutboundFetch, SecretsStoreEnv, SecretsStoreSecret, VarsEnv};
use http::{Method, Request, Response, StatusCode, header};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

/// The Secrets Store binding that holds the admin token.
pub const ADMIN_TOKEN: &str = "ADMIN_TOKEN";
/// The classic secret that holds the partner API key.
pub const PARTNER_API_KEY: &str = "PARTNER_API_KEY";
/// The JSON var that says where the partner API is.
pub const PARTNER: &str = "PARTNER";
/// The string var naming the deployment.
pub const ENVIRONMENT: &str = "ENVIRONMENT";
/// The header the partner reads its key from.
pub const PARTNER_KEY_HEADER: &str = "x-api-key";

/// The public route.
pub const STATUS_PATH: &str = "/status";
/// The admin route.
pub const SUMMARY_PATH: &str = "/admin/partner-summary";

#[cfg(feature = "conformance")]
pub mod conformance;

/// The JSON var `PARTNER`: where the partner API lives.
#[derive(Debug, Clone, Deserialize)]
pub struct Partner {
    /// `https://host`, no trailing slash.
    pub origin: String,
    /// The invoice summary's path, from the root.
    pub summary_path: String,
}

impl Partner {
    /// The summary request: the key in the partner's header, nothing of the caller's.
    ///
    /// # Errors
    ///
    /// When the URL or the key cannot go into a request (a malformed var, a key with a line
    /// break): the route answers 500.
    pub fn summary_request(&self, key: &str) -> Result<Request<Bytes>, http::Error> {
        Request::get(format!("{}{}", self.origin, self.summary_path))
            .header(PARTNER_KEY_HEADER, key)
            .header(header::ACCEPT, "application/json")
            .body(Bytes::new())
    }
}

/// What the partner answers.
#[derive(Debug, Clone, Deserialize)]
pub struct PartnerSummary {
    /// Open invoices.
    pub invoices: u64,
    /// Their total, in the currency's minor unit.
    pub total_cents: u64,
    /// ISO 4217 code.
    pub currency: String,
}

/// What the admin route answers.
#[derive(Debug, Clone, Serialize)]
struct Summary<'a> {
    environment: &'a str,
    invoices: u64,
    total_cents: u64,
    currency: &'a str,
}

/// Routes one request.
pub async fn handle<B, E>(request: &Request<B>, env: &E) -> Response<String>
where
    E: SecretsStoreEnv + VarsEnv + OutboundEnv,
{
    match (request.method(), request.uri().path()) {
        (&Method::GET, STATUS_PATH) => status(env),
        (&Method::GET, SUMMARY_PATH) => partner_summary(request, env).await,
        #[cfg(feature = "conformance")]
        (&Method::GET, path) if path.starts_with(conformance::PREFIX) => {
            conformance::handle(path, env).await
        }
        _ => json(StatusCode::NOT_FOUND, r#"{"ok":false,"error":"not_found"}"#),
    }
}

/// `GET /status`: the deployment's name, from a var. Reads no secret.
fn status(env: &impl VarsEnv) -> Response<String> {
    let Ok(environment) = env.var(ENVIRONMENT) else {
        return server_error();
    };
    let body = serde_json::json!({ "ok": true, "environment": environment });
    json(StatusCode::OK, &body.to_string())
}

/// `GET /admin/partner-summary`: admin only; calls the partner with its key.
pub async fn partner_summary<B, E>(request: &Request<B>, env: &E) -> Response<String>
where
    E: SecretsStoreEnv + VarsEnv + OutboundEnv,
{
    if let Err(denied) = authorize_admin(request, env).await {
        return denied;
    }
    let (Ok(partner), Ok(environment)) = (env.object_var::<Partner>(PARTNER), env.var(ENVIRONMENT))
    else {
        return server_error();
    };
    // Fail closed: no key (unbound, deleted, unreadable, empty) means no call at all.
    let Some(key) = partner_key(env) else {
        return server_error();
    };
    let Ok(outbound) = partner.summary_request(&key) else {
        return server_error();
    };
    let answer = match env.fetcher().fetch(outbound).await {
        Ok(answer) if answer.status().is_success() => answer,
        _ => return bad_gateway(),
    };
    let Ok(summary) = serde_json::from_slice::<PartnerSummary>(answer.body()) else {
        return bad_gateway();
    };
    summary_response(&environment, &summary)
}

/// The admin check: `Ok` for `Authorization: Bearer <ADMIN_TOKEN>`; otherwise the response
/// to send — 401 for a missing or wrong token, 500 when the token cannot be read.
pub async fn authorize_admin<B>(
    request: &Request<B>,
    env: &impl SecretsStoreEnv,
) -> Result<(), Response<String>> {
    let Some(authorization) = request.headers().get(header::AUTHORIZATION) else {
        return Err(unauthorized());
    };
    // Fail closed: an unbound binding, a missing secret or a failing store all deny access.
    let expected = match env.secret_store(ADMIN_TOKEN) {
        Ok(binding) => binding.get().await,
        Err(_) => return Err(server_error()),
    };
    let Ok(Some(expected)) = expected else {
        return Err(server_error());
    };
    let presented = authorization
        .to_str()
        .ok()
        .and_then(|value| value.strip_prefix("Bearer "));
    match presented {
        // Constant time: how long a wrong guess takes does not reveal how much was right.
        Some(token) if bool::from(token.as_bytes().ct_eq(expected.as_bytes())) => Ok(()),
        _ => Err(unauthorized()),
    }
}

/// The partner key, or `None` when it cannot be used: unbound, unreadable or empty.
pub fn partner_key(env: &impl VarsEnv) -> Option<String> {
    env.secret(PARTNER_API_KEY)
        .ok()
        .filter(|key| !key.is_empty())
}

/// 200 with the summary; never the partner's raw answer.
pub fn summary_response(environment: &str, summary: &PartnerSummary) -> Response<String> {
    let body = Summary {
        environment,
        invoices: summary.invoices,
        total_cents: summary.total_cents,
        currency: &summary.currency,
    };
    match serde_json::to_string(&body) {
        Ok(body) => json(StatusCode::OK, &body),
        Err(_) => server_error(),
    }
}

/// 401 `unauthorized`.
pub fn unauthorized() -> Response<String> {
    json(
        StatusCode::UNAUTHORIZED,
        r#"{"ok":false,"error":"unauthorized"}"#,
    )
}

/// 500 `internal_error`.
pub fn server_error() -> Response<String> {
    json(
        StatusCode::INTERNAL_SERVER_ERROR,
        r#"{"ok":false,"error":"internal_error"}"#,
    )
}

/// 502 `partner_unavailable`.
pub fn bad_gateway() -> Response<String> {
    json(
        StatusCode::BAD_GATEWAY,
        r#"{"ok":false,"error":"partner_unavailable"}"#,
    )
}

fn json(status: StatusCode, body: &str) -> Response<String> {
    respond(status, "application/json", body)
}

/// A response with `status`, `content_type` and `body`.
fn respond(status: StatusCode, content_type: &'static str, body: &str) -> Response<String> {
    let mut response = Response::new(body.to_owned());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(content_type),
    );
    response
}

/// The workers-rs entry point: the same handler, with production's `worker::Env` (which is
/// all three seam envs with devflare-bindings' `worker` feature).
#[cfg(target_arch = "wasm32")]
mod entry {
    use worker::{Context, Env, HttpRequest, event};

    #[event(fetch)]
    async fn fetch(
        request: HttpRequest,
        env: Env,
        _ctx: Context,
    ) -> worker::Result<http::Response<String>> {
        Ok(super::handle(&request, &env).await)
    }
}
