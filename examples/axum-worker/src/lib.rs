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

/// Test-only routes beside [`router`]'s (feature `conformance`): never in a real deployment.
#[cfg(feature = "conformance")]
pub mod conformance;

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
