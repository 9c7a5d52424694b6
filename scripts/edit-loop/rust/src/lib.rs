//! The stats Worker of the JavaScript anchor (`../vitest/worker.js`), in Rust against the seam:
//! `GET /public` answers everyone, `GET /internal/stats` only a caller presenting the token in
//! Secrets Store binding `API_TOKEN`.

use devflare_bindings::{SecretsStoreEnv, SecretsStoreSecret};
use http::{Request, Response, StatusCode};

/// Routes one request.
pub async fn handle<B>(request: &Request<B>, env: &impl SecretsStoreEnv) -> Response<String> {
    match (request.method().as_str(), request.uri().path()) {
        ("GET", "/public") => json(StatusCode::OK, r#"{"ok":true,"route":"public"}"#),
        ("GET", "/internal/stats") => internal_stats(request, env).await,
        _ => json(StatusCode::NOT_FOUND, r#"{"ok":false,"error":"not_found"}"#),
    }
}

async fn internal_stats<B>(request: &Request<B>, env: &impl SecretsStoreEnv) -> Response<String> {
    let expected = match env.secret_store("API_TOKEN") {
        Ok(binding) => binding.get().await,
        Err(_) => return json(StatusCode::INTERNAL_SERVER_ERROR, r#"{"ok":false,"error":"secret_unavailable"}"#),
    };
    let Ok(Some(expected)) = expected else {
        return json(StatusCode::INTERNAL_SERVER_ERROR, r#"{"ok":false,"error":"secret_unavailable"}"#);
    };
    let Some(header) = request.headers().get("authorization") else {
        return json(StatusCode::UNAUTHORIZED, r#"{"ok":false,"error":"missing_authorization"}"#);
    };
    match header.to_str().ok().and_then(|value| value.strip_prefix("Bearer ")) {
        Some(token) if token == expected => json(StatusCode::OK, r#"{"ok":true}"#),
        _ => json(StatusCode::UNAUTHORIZED, r#"{"ok":false,"error":"invalid_token"}"#),
    }
}

fn json(status: StatusCode, body: &str) -> Response<String> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .expect("a static response")
}
