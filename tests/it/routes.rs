//! Handlers for the tests: one correct guarded route and the broken ones the matrix and the
//! leak scan must catch.

use bytes::Bytes;
use devflare_test::prelude::*;
use http::{Request, Response};

/// Which way a handler is wrong (or not).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flaw {
    None,
    AcceptsAnyToken,
    OkWhenSecretMissing,
    AcceptsPrefix,
    EchoesTokenInHeader,
    Base64TokenInBody,
}

pub fn respond(status: u16, body: &str) -> Response<String> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("date", "Sat, 07 Jun 2025 12:00:00 GMT")
        .body(body.to_owned())
        .unwrap()
}

/// `GET /internal/stats` guarded by `binding` in `header` (with `scheme`, if any);
/// `GET /public` reads nothing.
pub async fn guarded(
    request: &Request<Bytes>,
    env: &impl SecretsStoreEnv,
    binding: &str,
    header: &str,
    scheme: Option<&str>,
    flaw: Flaw,
) -> Response<String> {
    if request.uri().path() == "/public" {
        return respond(200, r#"{"ok":true}"#);
    }
    let Some(presented) = request.headers().get(header) else {
        return respond(401, r#"{"error":"missing_credentials"}"#);
    };
    let expected = match env.secret_store(binding) {
        Ok(secret) => secret.get().await,
        Err(_) => return respond(500, r#"{"error":"internal"}"#),
    };
    let expected = match expected {
        Ok(Some(value)) => value,
        _ if flaw == Flaw::OkWhenSecretMissing => return respond(200, r#"{"ok":true}"#),
        _ => return respond(500, r#"{"error":"internal"}"#),
    };
    let presented = presented.to_str().unwrap_or("");
    let token = match scheme {
        Some(scheme) => presented
            .strip_prefix(scheme)
            .and_then(|rest| rest.strip_prefix(' ')),
        None => Some(presented),
    };
    let accepted = match (flaw, token) {
        (Flaw::AcceptsAnyToken, _) => true,
        (Flaw::AcceptsPrefix, Some(token)) => expected.starts_with(token),
        (_, Some(token)) => token == expected,
        (_, None) => false,
    };
    if !accepted {
        return respond(401, r#"{"error":"invalid_token"}"#);
    }
    let mut response = respond(200, r#"{"ok":true}"#);
    match flaw {
        Flaw::EchoesTokenInHeader => {
            response
                .headers_mut()
                .insert("x-debug-token", expected.parse().unwrap());
        }
        Flaw::Base64TokenInBody => {
            *response.body_mut() = format!(r#"{{"ok":true,"session":"{}"}}"#, base64(&expected));
        }
        _ => {}
    }
    response
}

/// Standard padded base64, as a careless handler would emit it.
pub fn base64(value: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in value.as_bytes().chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A client for the bearer-guarded route with `flaw`, over `env`.
pub fn bearer_client(env: &SecretsEnv, flaw: Flaw) -> TestClient<impl devflare_test::Handler + '_> {
    TestClient::new(env, async move |request, env| {
        guarded(
            &request,
            env,
            "API_TOKEN",
            "authorization",
            Some("Bearer"),
            flaw,
        )
        .await
    })
}
