//! An example Worker: `GET /internal/stats` answers only callers presenting the API token held
//! in the Secrets Store binding `API_TOKEN`; `GET /public` answers everyone; `POST
//! /hooks/github` ([`webhook`]) accepts GitHub deliveries signed with `WEBHOOK_SECRET`.
//!
//! Two probe routes (`/probe/api-token`, `/probe/unbound`) return the handler's view of the
//! binding errors as text, so the conformance run (`conformance/`) compares the exact messages
//! of workerd and of the fakes; `/broken/stats` is broken on purpose (any bearer token gets in)
//! so the protected-route matrix can be shown to catch it.
//!
//! The handler is written once against the [`SecretsStoreEnv`] seam, so the same code runs on
//! workers-rs in production (built for wasm32, where workers-rs is a dependency) and against
//! devflare-test's in-memory fakes in `cargo test`.
//!
//! Responses mirror what the same route gives under Miniflare (see `docs/javascript-baseline.md`):
//! no header → 401 `missing_authorization`; any other token, including the right one after a
//! lower-case `bearer` → 401 `invalid_token`; the right token → 200; a secret that cannot be
//! read → 500, never 2xx.
//!
//! Bindings are read through [`StatsEnv`], generated from this crate's `wrangler.toml` at
//! compile time: `api_token()` exists because the config declares `API_TOKEN`, and a typo is a
//! compile error, not a 500 in production. Tests build their env from [`StatsEnvFixture`].

use devflare_bindings::{SecretsStoreEnv, SecretsStoreSecret};
use http::{Request, Response, StatusCode, header};
use subtle::ConstantTimeEq;

devflare_bindings::typed_env! {
    /// The stats Worker's bindings, as `wrangler.toml` declares them.
    pub struct StatsEnv from "wrangler.toml";
}

pub mod webhook;

/// The binding that holds the token the internal route expects.
pub const TOKEN_BINDING: &str = "API_TOKEN";

/// Routes one request.
pub async fn handle<B>(request: &Request<B>, env: &impl SecretsStoreEnv) -> Response<String> {
    match request.uri().path() {
        "/public" => json(StatusCode::OK, r#"{"ok":true}"#),
        "/internal/stats" => internal_stats(request, env).await,
        PROBE_SECRET_PATH => probe_secret(env).await,
        PROBE_UNBOUND_PATH => probe_unbound(env),
        BROKEN_STATS_PATH => broken_stats(request),
        #[cfg(feature = "conformance")]
        conformance::ECHO_PATH => conformance::echo(request),
        #[cfg(feature = "conformance")]
        conformance::BUILT_FROM_PATH => text(StatusCode::OK, conformance::BUILT_FROM),
        _ => json(StatusCode::NOT_FOUND, r#"{"ok":false,"error":"not_found"}"#),
    }
}

async fn internal_stats<B>(request: &Request<B>, env: &impl SecretsStoreEnv) -> Response<String> {
    let Some(authorization) = request.headers().get(header::AUTHORIZATION) else {
        return json(
            StatusCode::UNAUTHORIZED,
            r#"{"ok":false,"error":"missing_authorization"}"#,
        );
    };
    // Fail closed: an unbound binding, a missing secret or a failing store all deny access.
    let expected = match StatsEnv::new(env).api_token() {
        Ok(binding) => binding.get().await,
        Err(_) => return server_error(),
    };
    let Ok(Some(expected)) = expected else {
        return server_error();
    };
    let presented = authorization
        .to_str()
        .ok()
        .and_then(|value| value.strip_prefix("Bearer "));
    match presented {
        // Constant time: how long a wrong guess takes does not reveal how much was right.
        Some(token) if bool::from(token.as_bytes().ct_eq(expected.as_bytes())) => {
            json(StatusCode::OK, r#"{"ok":true}"#)
        }
        _ => json(
            StatusCode::UNAUTHORIZED,
            r#"{"ok":false,"error":"invalid_token"}"#,
        ),
    }
}

pub(crate) fn server_error() -> Response<String> {
    json(
        StatusCode::INTERNAL_SERVER_ERROR,
        r#"{"ok":false,"error":"internal_error"}"#,
    )
}

pub(crate) fn json(status: StatusCode, body: &str) -> Response<String> {
    let mut response = Response::new(body.to_owned());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

/// Conformance probe: the handler's own view of reading `API_TOKEN`, so a run against workerd
/// can compare the exact error text with the fakes'.
pub const PROBE_SECRET_PATH: &str = "/probe/api-token";

/// Conformance probe: the handler's view of asking for a binding the config never declares.
pub const PROBE_UNBOUND_PATH: &str = "/probe/unbound";

/// The binding name [`PROBE_UNBOUND_PATH`] asks for; wrangler.toml must never declare it.
pub const UNBOUND_BINDING: &str = "NOT_BOUND";

/// A deliberately broken copy of `/internal/stats`: it lets in any bearer token. It exists so
/// the protected-route matrix can be shown to catch it; never copy it.
pub const BROKEN_STATS_PATH: &str = "/broken/stats";

/// 200 `present` when the secret reads, 500 with the error's `Display` when it fails. Only the
/// error text ever goes out (it names the secret, never holds its value).
async fn probe_secret(env: &impl SecretsStoreEnv) -> Response<String> {
    let read = match StatsEnv::new(env).api_token() {
        Ok(binding) => binding.get().await.map_err(|error| error.to_string()),
        Err(error) => Err(error.to_string()),
    };
    match read {
        Ok(Some(_)) => text(StatusCode::OK, "present"),
        Ok(None) => text(StatusCode::OK, "absent"),
        Err(message) => text(StatusCode::INTERNAL_SERVER_ERROR, &message),
    }
}

/// 500 with the `Display` of the unbound-binding error (200 `bound` would mean the config
/// declared [`UNBOUND_BINDING`] after all).
fn probe_unbound(env: &impl SecretsStoreEnv) -> Response<String> {
    match env.secret_store(UNBOUND_BINDING) {
        Ok(_) => text(StatusCode::OK, "bound"),
        Err(error) => text(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()),
    }
}

/// BROKEN ON PURPOSE: checks that a bearer token is present, never that it is the right one.
fn broken_stats<B>(request: &Request<B>) -> Response<String> {
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("Bearer "));
    if bearer {
        json(StatusCode::OK, r#"{"ok":true}"#)
    } else {
        json(
            StatusCode::UNAUTHORIZED,
            r#"{"ok":false,"error":"missing_authorization"}"#,
        )
    }
}

/// Routes only the conformance build has (feature `conformance`, which `.ci/conformance` and
/// the conformance driver turn on): never in a Worker that holds a real secret.
#[cfg(feature = "conformance")]
pub mod conformance {
    use http::{Request, Response, StatusCode, header};

    /// Answers the `Authorization` header exactly as the handler received it (200, the bytes
    /// as text), or 404 `(none)` without one — so the conformance run can show that what it
    /// wrote on the wire reached the Worker unchanged. It echoes a credential: test builds only.
    pub const ECHO_PATH: &str = "/__conformance/authorization";

    /// Answers [`BUILT_FROM`]: which checkout the running Worker was compiled from.
    pub const BUILT_FROM_PATH: &str = "/__conformance/built-from";

    /// This crate's directory at compile time; the conformance run checks that the Worker in
    /// workerd reports its own checkout's, not another working copy's.
    pub const BUILT_FROM: &str = env!("CARGO_MANIFEST_DIR");

    pub(super) fn echo<B>(request: &Request<B>) -> Response<String> {
        match request.headers().get(header::AUTHORIZATION) {
            Some(value) => super::text(StatusCode::OK, &String::from_utf8_lossy(value.as_bytes())),
            None => super::text(StatusCode::NOT_FOUND, "(none)"),
        }
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

/// The workers-rs entry point: the same handler, with production's `worker::Env`.
#[cfg(target_arch = "wasm32")]
mod entry {
    use worker::{Context, Env, HttpRequest, event};

    #[event(fetch)]
    async fn fetch(
        request: HttpRequest,
        env: Env,
        _ctx: Context,
    ) -> worker::Result<http::Response<String>> {
        if request.uri().path() == super::webhook::PATH && request.method() == http::Method::POST {
            // The signature covers the raw bytes: collect them as sent.
            let (parts, body) = request.into_parts();
            let body = http_body_util::BodyExt::collect(body)
                .await
                .map_err(|_| worker::Error::RustError("cannot read the request body".into()))?
                .to_bytes();
            let request = http::Request::from_parts(parts, body);
            return Ok(super::webhook::github(&request, &env).await);
        }
        Ok(super::handle(&request, &env).await)
    }
}
