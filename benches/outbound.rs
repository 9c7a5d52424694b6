//! Outbound requests: one faked request through `env.fetcher()`, egress scan included.
//!
//! `cargo bench --bench outbound` — quote medians. Target (issue 18): one faked outbound
//! request with its egress scan, 64 KiB body, 30 secrets, ≤ 20 µs.

use std::hint::black_box;

use bytes::Bytes;
use devflare_test::prelude::*;
use http::Request;

fn main() {
    divan::main();
}

/// Typical text: JSON lines that contain no secret and no escape.
const TYPICAL: &str =
    r#"{"id":12345,"name":"widget","tags":["a","b","c"],"price":19.99,"ok":true}"#;

/// 64 KiB of JSON lines.
fn body() -> Bytes {
    let mut body = String::with_capacity(65_536);
    while body.len() + TYPICAL.len() < 65_536 {
        body.push_str(TYPICAL);
        body.push('\n');
    }
    Bytes::from(body)
}

/// An env with 30 secrets, one of them allowed to the partner in `x-api-key`, and the
/// partner's route.
fn thirty_secrets() -> SecretsEnv {
    let mut builder = SecretsEnv::builder();
    for i in 0..30 {
        builder = builder.secret(
            format!("SECRET_{i:03}"),
            format!("sk_live_{i:03}_Zq8vR2mX4tL9wK7p"),
        );
    }
    let env = builder.build().unwrap();
    env.upstream()
        .route(
            "POST",
            "https://api.partner.example/v1/report",
            FakeResponse::json(200, r#"{"ok":true}"#),
        )
        .unwrap()
        .allow_secret(
            "SECRET_000",
            "https://api.partner.example",
            Some("x-api-key"),
        )
        .unwrap();
    env
}

/// One POST of 64 KiB with the allowed key in its header: matched, scanned (URL, headers,
/// body against 30 secrets × every encoding), recorded, answered. The redactor is built on
/// the first request and reused while the values stay the same, as in a test.
#[divan::bench]
fn fetch_64k_body_30_secrets(bencher: divan::Bencher) {
    let env = thirty_secrets();
    let fetcher = env.fetcher();
    let upstream = env.upstream();
    let request = Request::post("https://api.partner.example/v1/report")
        .header("x-api-key", "sk_live_000_Zq8vR2mX4tL9wK7p")
        .header("content-type", "application/json")
        .body(body())
        .unwrap();
    block_on(fetcher.fetch(request.clone())).unwrap();
    upstream.assert_clean();
    let mut sent = 0_u32;
    bencher.bench_local(|| {
        // The log keeps every request: forget it now and then so memory stays flat.
        sent += 1;
        if sent.is_multiple_of(4096) {
            upstream.reset();
        }
        black_box(block_on(fetcher.fetch(request.clone())).unwrap())
    });
    upstream.assert_clean();
}
