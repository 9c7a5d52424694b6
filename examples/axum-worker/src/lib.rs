//! An example Worker built on an axum [`Router`]: `GET /health` answers everyone, `GET /admin`
//! only callers presenting the token held in the Secrets Store binding `ADMIN_TOKEN`.
//!
//! The router is generic over the [`SecretsStoreEnv`] seam, so the same code serves
//! `worker::Env` in production (the entry point below, compiled only for wasm32) and
//! devflare-test's in-memory env in native tests (`tests/admin.rs`).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::get;
use axum::{Json, Router};
use devflare_bindings::{SecretsStoreEnv, SecretsStoreSecret};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

/// The binding that holds the admin token.
pub const ADMIN_TOKEN: &str = "ADMIN_TOKEN";

/// The Worker's routes over any env that hands out Secrets Store bindings.
pub fn router<E>(env: E) -> Router
where
    E: SecretsStoreEnv + Clone + 'static,
{
    Router::new()
        .route("/health", get(health))
        .route("/admin", get(admin::<E>))
        .with_state(env)
}

async fn health() -> Json<Value> {
    Json(json!({ "ok": true }))
}

async fn admin<E: SecretsStoreEnv>(
    State(env): State<E>,
    headers: HeaderMap,
) -> (StatusCode, Json<Value>) {
    let Some(presented) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
    else {
        return (StatusCode::UNAUTHORIZED, Json(json!({ "ok": false })));
    };
    // Fail closed: an unbound binding, a missing secret or a failing store all deny access.
    let expected = match env.secret_store(ADMIN_TOKEN) {
        Ok(binding) => binding.get().await,
        Err(_) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({ "ok": false })),
            );
        }
    };
    let Ok(Some(expected)) = expected else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "ok": false })),
        );
    };
    // Constant time: how long a wrong guess takes does not reveal how much of it was right.
    if bool::from(presented.as_bytes().ct_eq(expected.as_bytes())) {
        (StatusCode::OK, Json(json!({ "ok": true, "admin": true })))
    } else {
        (StatusCode::UNAUTHORIZED, Json(json!({ "ok": false })))
    }
}

/// Routes only the conformance build has (feature `conformance`, which `.ci/conformance` and
/// the conformance driver turn on), merged beside [`router`]'s, which stay as they are: never
/// in a Worker that holds a real secret.
#[cfg(feature = "conformance")]
pub mod conformance {
    use axum::Router;
    use axum::http::{HeaderMap, StatusCode, header};
    use axum::routing::get;
    use devflare_bindings::SecretsStoreEnv;

    /// Answers the `Authorization` header exactly as the router received it (200, the bytes as
    /// text), or 404 `(none)` without one — so the conformance run can show that what it wrote
    /// on the wire reached the axum handlers unchanged through workers-rs' `http` conversion.
    /// It echoes a credential: test builds only.
    pub const ECHO_PATH: &str = "/__conformance/authorization";

    /// Answers [`BUILT_FROM`]: which checkout the running Worker was compiled from.
    pub const BUILT_FROM_PATH: &str = "/__conformance/built-from";

    /// This crate's directory at compile time; the conformance run checks that the Worker in
    /// workerd reports its own checkout's, not another working copy's.
    pub const BUILT_FROM: &str = env!("CARGO_MANIFEST_DIR");

    /// [`super::router`] with the two conformance routes beside its own.
    pub fn router<E>(env: E) -> Router
    where
        E: SecretsStoreEnv + Clone + 'static,
    {
        super::router(env)
            .route(BUILT_FROM_PATH, get(|| async { BUILT_FROM }))
            .route(ECHO_PATH, get(echo))
    }

    async fn echo(headers: HeaderMap) -> (StatusCode, String) {
        match headers.get(header::AUTHORIZATION) {
            Some(value) => (
                StatusCode::OK,
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            ),
            None => (StatusCode::NOT_FOUND, "(none)".to_owned()),
        }
    }
}

/// The workers-rs entry point: the same router, over production's `worker::Env` (with the
/// conformance routes beside it in the conformance build).
#[cfg(target_arch = "wasm32")]
mod entry {
    use tower_service::Service;
    use worker::{Context, Env, HttpRequest, event};

    #[event(fetch)]
    async fn fetch(
        request: HttpRequest,
        env: Env,
        _ctx: Context,
    ) -> worker::Result<axum::http::Response<axum::body::Body>> {
        #[cfg(not(feature = "conformance"))]
        let mut router = super::router(env);
        #[cfg(feature = "conformance")]
        let mut router = super::conformance::router(env);
        Ok(router.call(request).await?)
    }
}
