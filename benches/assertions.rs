//! The protected-route matrix, the leak scan and a 4-test protected-route suite.
//!
//! `cargo bench --bench assertions` — quote medians. The JavaScript figures these are compared
//! with (shared/peer-results.md): 287 ms for a seeded Miniflare cold start, 3.0 s for the same
//! 4-test suite under vitest-pool-workers.

use std::hint::black_box;

use bytes::Bytes;
use devflare_test::prelude::*;
use http::{Request, Response};

fn main() {
    divan::main();
}

/// The smallest correct guard: Bearer token from `API_TOKEN`, fail closed.
async fn trivial_handler(request: &Request<Bytes>, env: &SecretsEnv) -> Response<String> {
    let reply = |status: u16, body: &str| {
        Response::builder()
            .status(status)
            .body(body.to_owned())
            .unwrap()
    };
    if request.uri().path() == "/public" {
        return reply(200, r#"{"ok":true}"#);
    }
    let Some(header) = request.headers().get("authorization") else {
        return reply(401, r#"{"ok":false,"error":"missing_authorization"}"#);
    };
    let Ok(binding) = env.secret_store("API_TOKEN") else {
        return reply(500, "");
    };
    let Ok(Some(expected)) = binding.get().await else {
        return reply(500, "");
    };
    match header.to_str().ok().and_then(|h| h.strip_prefix("Bearer ")) {
        Some(token) if token == expected => reply(200, r#"{"ok":true}"#),
        _ => reply(401, r#"{"ok":false,"error":"invalid_token"}"#),
    }
}

/// The full matrix (every scenario, verdicts and leak scan) on the trivial handler.
#[divan::bench]
fn matrix_on_a_trivial_handler(bencher: divan::Bencher) {
    let env = secrets_env! { API_TOKEN => "bench-token-0123456789" };
    let client = TestClient::new(&env, async |request, env| {
        trivial_handler(&request, env).await
    });
    let route = ProtectedRoute::get("/internal/stats", "API_TOKEN");
    block_on(route.check(&client)).unwrap().assert_passed();
    bencher.bench(|| {
        let report = block_on(route.check(&client)).unwrap();
        black_box(report.verdict().is_ok())
    });
}

/// The baseline for the matrix: one request to the trivial handler, captured and
/// leak-scanned (the matrix sends 25 of these, plus planning, store changes and judging).
#[divan::bench]
fn one_request_sent_and_scanned(bencher: divan::Bencher) {
    let env = secrets_env! { API_TOKEN => "bench-token-0123456789" };
    let client = TestClient::new(&env, async |request, env| {
        trivial_handler(&request, env).await
    });
    let redactor = env.redactor();
    bencher.bench(|| {
        let request = TestRequest::get("/internal/stats").bearer("bench-token-0123456789");
        black_box(client.send_blocking(request).leaks_with(&redactor))
    });
}

/// The bearer matrix as a test runs it once: a new env and client, then the check (the
/// client's redactor cache is cold).
#[divan::bench]
fn matrix_first_run_on_a_new_env() {
    let env = secrets_env! { API_TOKEN => "bench-token-0123456789" };
    let client = TestClient::new(&env, async |request, env| {
        trivial_handler(&request, env).await
    });
    let route = ProtectedRoute::get("/internal/stats", "API_TOKEN");
    let report = block_on(route.check(&client)).unwrap();
    black_box(report.verdict().is_ok());
}

#[cfg(feature = "webhooks")]
/// A GitHub-style webhook: `X-Hub-Signature-256: sha256=<hex>` over the raw body, verified
/// in constant time.
async fn trivial_webhook(request: &Request<Bytes>, env: &SecretsEnv) -> Response<String> {
    use hmac::{Hmac, Mac};
    let reply = |status: u16| {
        Response::builder()
            .status(status)
            .body(String::new())
            .unwrap()
    };
    let Some(signature) = request
        .headers()
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("sha256="))
    else {
        return reply(401);
    };
    let Ok(binding) = env.secret_store("WEBHOOK_SECRET") else {
        return reply(500);
    };
    let Ok(Some(secret)) = binding.get().await else {
        return reply(500);
    };
    let Some(signature) = lower_hex(signature) else {
        return reply(401);
    };
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(request.body());
    if mac.verify_slice(&signature).is_ok() {
        reply(204)
    } else {
        reply(401)
    }
}

#[cfg(feature = "webhooks")]
fn lower_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2)
        || text
            .bytes()
            .any(|b| !matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(feature = "webhooks")]
/// The signed-webhook matrix (GitHub style: every signature scenario and the adversarial
/// ones) on the trivial webhook.
#[divan::bench]
fn signed_webhook_matrix(bencher: divan::Bencher) {
    let env = secrets_env! { WEBHOOK_SECRET => "bench-webhook-secret-0123" };
    let client = TestClient::new(&env, async |request, env| {
        trivial_webhook(&request, env).await
    });
    let route = ProtectedRoute::post("/hooks/github", "WEBHOOK_SECRET")
        .json(r#"{"action":"opened","number":1}"#)
        .signed(Signature::github());
    block_on(route.check(&client)).unwrap().assert_passed();
    bencher.bench(|| {
        let report = block_on(route.check(&client)).unwrap();
        black_box(report.verdict().is_ok())
    });
}

/// The same four tests as the vitest suite in peer-results.md, from building the env on:
/// no header → 401, wrong token → 401, right token → 200, public → 200.
#[divan::bench]
fn four_test_protected_route_suite() {
    let env = secrets_env! { API_TOKEN => "bench-token-0123456789" };
    let client = TestClient::new(&env, async |request, env| {
        trivial_handler(&request, env).await
    });
    client
        .send_blocking(TestRequest::get("/internal/stats"))
        .assert_status(401);
    client
        .send_blocking(TestRequest::get("/internal/stats").bearer("wrong"))
        .assert_status(401);
    client
        .send_blocking(TestRequest::get("/internal/stats").bearer("bench-token-0123456789"))
        .assert_status(200);
    client
        .send_blocking(TestRequest::get("/public"))
        .assert_status(200);
}

fn hundred_secrets() -> SecretsEnv {
    let mut builder = SecretsEnv::builder();
    for i in 0..100 {
        builder = builder.secret(
            format!("SECRET_{i:03}"),
            format!("sk_live_{i:03}_Zq8vR2mX4tL9wK7p"),
        );
    }
    builder.build().unwrap()
}

/// 64 KiB of JSON-ish text that contains no secret.
fn body_64k() -> String {
    let line = r#"{"id":12345,"name":"widget","tags":["a","b","c"],"price":19.99,"ok":true}"#;
    let mut body = String::with_capacity(65_536);
    while body.len() + line.len() < 65_536 {
        body.push_str(line);
        body.push('\n');
    }
    body
}

/// Building the matcher for 100 secrets × every encoding (done once per matrix run).
#[divan::bench]
fn redactor_for_100_secrets(bencher: divan::Bencher) {
    let env = hundred_secrets();
    bencher.bench(|| black_box(env.redactor()));
}

/// Scanning a 64 KiB response against 100 secrets × every encoding, matcher built once.
#[divan::bench]
fn leak_scan_64k_body_100_secrets(bencher: divan::Bencher) {
    let env = hundred_secrets();
    let body = body_64k();
    let client = TestClient::new(&env, async |_, _| Response::new(body.clone()));
    let response = client.send_blocking(TestRequest::get("/"));
    let redactor = env.redactor();
    bencher.bench(|| black_box(response.leaks_with(&redactor)));
}

/// The same scan over a body full of near misses (every line starts like a secret), where the
/// matcher cannot skip ahead: the worst case for the leak scan.
#[divan::bench]
fn leak_scan_64k_near_misses_100_secrets(bencher: divan::Bencher) {
    let env = hundred_secrets();
    let line = r#"{"key":"sk_live_042_Zq8vR2mX4tL9wK7q","note":"sk_live_ rotated"}"#;
    let mut body = String::with_capacity(65_536);
    while body.len() + line.len() < 65_536 {
        body.push_str(line);
        body.push('\n');
    }
    let client = TestClient::new(&env, async |_, _| Response::new(body.clone()));
    let response = client.send_blocking(TestRequest::get("/"));
    assert!(response.leaks().is_empty(), "near misses must not be leaks");
    let redactor = env.redactor();
    bencher.bench(|| black_box(response.leaks_with(&redactor)));
}
