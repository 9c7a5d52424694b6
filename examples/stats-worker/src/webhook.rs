//! `POST /hooks/github`: a GitHub webhook, verified as GitHub documents it — HMAC-SHA256 of the
//! raw body keyed with the secret in the Secrets Store binding `WEBHOOK_SECRET`, sent as
//! `X-Hub-Signature-256: sha256=<lower-case hex>` — and compared in constant time.
//!
//! Fails closed like the stats route: an unbound binding, a missing secret or a failing store
//! is a 500, never a delivery accepted without a key.

use bytes::Bytes;
use devflare_bindings::{SecretsStoreEnv, SecretsStoreSecret};
use hmac::{Hmac, Mac};
use http::{Request, Response, StatusCode};
use sha2::Sha256;

use crate::{StatsEnv, json, server_error};

/// The route's path.
pub const PATH: &str = "/hooks/github";

/// The binding that holds the webhook secret.
pub const WEBHOOK_BINDING: &str = "WEBHOOK_SECRET";

/// Verifies one delivery. The body must be the raw bytes GitHub sent: re-serializing a parsed
/// body changes them, and the signature with them.
pub async fn github(request: &Request<Bytes>, env: &impl SecretsStoreEnv) -> Response<String> {
    let signature = request
        .headers()
        .get("x-hub-signature-256")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("sha256="));
    let Some(signature) = signature else {
        return json(
            StatusCode::UNAUTHORIZED,
            r#"{"ok":false,"error":"missing_signature"}"#,
        );
    };
    let secret = match StatsEnv::new(env).webhook_secret() {
        Ok(binding) => binding.get().await,
        Err(_) => return server_error(),
    };
    let Ok(Some(secret)) = secret else {
        return server_error();
    };
    // An HMAC key may have any length, so this cannot fail; fail closed all the same.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return server_error();
    };
    mac.update(request.body());
    // `verify_slice` compares in constant time; upper-case hex is not what GitHub sends.
    match lower_hex(signature) {
        Some(signature) if mac.verify_slice(&signature).is_ok() => {
            json(StatusCode::OK, r#"{"ok":true}"#)
        }
        _ => json(
            StatusCode::UNAUTHORIZED,
            r#"{"ok":false,"error":"invalid_signature"}"#,
        ),
    }
}

/// The bytes of strict lower-case hex, or `None`.
fn lower_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2)
        || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}
