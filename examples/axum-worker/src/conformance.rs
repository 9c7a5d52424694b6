//! Routes only the conformance build has (feature `conformance`, which `.ci/conformance` and
//! the conformance driver turn on), merged beside [`crate::router`]'s, which stay as they are:
//! never in a Worker that holds a real secret.

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

/// [`crate::router`] with the two conformance routes beside its own.
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
