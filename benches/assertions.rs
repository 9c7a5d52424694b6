//! The protected-route matrix, the leak scan and a 4-test protected-route suite.
//!
//! `cargo bench --bench assertions` — quote medians. The JavaScript figures these are compared
//! with (docs/javascript-baseline.md): 287 ms for a seeded Miniflare cold start, 3.0 s for the same
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
    let client = TestClient::new(&env, async |request: Request<Bytes>| {
        trivial_handler(&request, &env).await
    });
    let route = ProtectedRoute::get("/internal/stats", "API_TOKEN");
    bencher.bench(|| {
        let report = block_on(route.check(&client)).unwrap();
        black_box(report.verdict().is_ok())
    });
}

/// The same four tests as the vitest suite in docs/javascript-baseline.md, from building the env on:
/// no header → 401, wrong token → 401, right token → 200, public → 200.
#[divan::bench]
fn four_test_protected_route_suite() {
    let env = secrets_env! { API_TOKEN => "bench-token-0123456789" };
    let client = TestClient::new(&env, async |request: Request<Bytes>| {
        trivial_handler(&request, &env).await
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
    let client = TestClient::new(&env, async |_: Request<Bytes>| Response::new(body.clone()));
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
    let client = TestClient::new(&env, async |_: Request<Bytes>| Response::new(body.clone()));
    let response = client.send_blocking(TestRequest::get("/"));
    assert!(response.leaks().is_empty(), "near misses must not be leaks");
    let redactor = env.redactor();
    bencher.bench(|| black_box(response.leaks_with(&redactor)));
}
