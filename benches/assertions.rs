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

/// The full matrix (every scenario, verdicts and leak scan) on the trivial handler, the same
/// route checked again and again (it keeps its plan: the requests are built once).
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

/// The partner the outbound bench calls, and where its key may go.
const PARTNER_SUMMARY: &str = "https://api.partner.example/v1/summary";

/// The trivial guard, then one outbound call: the partner, with the classic secret
/// `PARTNER_API_KEY` in `x-api-key` (fail closed without it).
async fn one_call_handler(request: &Request<Bytes>, env: &SecretsEnv) -> Response<String> {
    let guard = trivial_handler(request, env).await;
    if guard.status() != 200 {
        return guard;
    }
    let Ok(key) = env.secret("PARTNER_API_KEY") else {
        return Response::builder().status(500).body(String::new()).unwrap();
    };
    let outbound = Request::get(PARTNER_SUMMARY)
        .header("x-api-key", key)
        .body(Bytes::new())
        .unwrap();
    match env.fetcher().fetch(outbound).await {
        Ok(answer) => Response::new(String::from_utf8_lossy(answer.body()).into_owned()),
        Err(_) => Response::builder().status(502).body(String::new()).unwrap(),
    }
}

/// The bearer matrix on a route that makes one outbound call (issue 18: ≤ 80 µs): a fake
/// upstream route and an egress rule, every scenario's outbound requests checked, and the
/// partner key found in the right credential's reads probed missing and failing (34 rows,
/// 33 sent).
#[divan::bench]
fn matrix_on_a_route_with_one_outbound_call(bencher: divan::Bencher) {
    let env = SecretsEnv::builder()
        .secret("API_TOKEN", "bench-token-0123456789")
        .classic_secret("PARTNER_API_KEY", "bench-partner-key-0123456789")
        .build()
        .unwrap();
    env.upstream()
        .route(
            "GET",
            PARTNER_SUMMARY,
            FakeResponse::json(200, r#"{"total":3}"#),
        )
        .unwrap()
        .allow_secret(
            "PARTNER_API_KEY",
            "https://api.partner.example",
            Some("x-api-key"),
        )
        .unwrap();
    let client = TestClient::new(&env, async |request, env| {
        one_call_handler(&request, env).await
    });
    let route = ProtectedRoute::get("/internal/stats", "API_TOKEN");
    block_on(route.check(&client)).unwrap().assert_passed();
    bencher.bench(|| {
        let report = block_on(route.check(&client)).unwrap();
        // The upstream's record grows with every check: forget it, as a test's env would.
        env.upstream().reset();
        black_box(report.verdict().is_ok())
    });
}

/// The same matrix with a new `ProtectedRoute` each check, as separate tests build theirs:
/// every check plans anew (the route keeps its last plan; the client keeps its redactor).
#[divan::bench]
fn matrix_with_a_new_route_each_check(bencher: divan::Bencher) {
    let env = secrets_env! { API_TOKEN => "bench-token-0123456789" };
    let client = TestClient::new(&env, async |request, env| {
        trivial_handler(&request, env).await
    });
    block_on(ProtectedRoute::get("/internal/stats", "API_TOKEN").check(&client))
        .unwrap()
        .assert_passed();
    bencher.bench(|| {
        let route = ProtectedRoute::get("/internal/stats", "API_TOKEN");
        let report = block_on(route.check(&client)).unwrap();
        black_box(report.verdict().is_ok())
    });
}

/// The baseline for the matrix: one request to the trivial handler, captured and
/// leak-scanned (the bearer matrix sends 31 of these, plus planning, store changes and judging).
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

/// The same four tests as the vitest suite in docs/javascript-baseline.md, from building the env on:
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

/// `times` × 64 KiB made of `line` repeated.
fn body_of(line: &str, times: usize) -> String {
    let size = 65_536 * times;
    let mut body = String::with_capacity(size);
    while body.len() + line.len() < size {
        body.push_str(line);
        body.push('\n');
    }
    body
}

/// Typical text: JSON lines that contain no secret and no escape.
const TYPICAL: &str =
    r#"{"id":12345,"name":"widget","tags":["a","b","c"],"price":19.99,"ok":true}"#;

/// Near misses: every line starts like a secret, so the matcher cannot skip ahead.
const NEAR_MISSES: &str = r#"{"key":"sk_live_042_Zq8vR2mX4tL9wK7q","note":"sk_live_ rotated"}"#;

/// Escapes of every kind on every line, nested twice: every decoded view is built and
/// scanned (percent, entities, JSON, all three together, each over several rounds).
const ESCAPES: &str = r#"{\"q\":\"a%2Fb%252F&amp;amp;c\\u0041\u00e9&#x63;&lt;\\\"x\"}"#;

/// String-literal escapes on every line (`{:?}` of `bytes::Bytes`, `escape_default`,
/// Python's `repr`): the backslash decoder reads `\xNN` runs, `\u{…}` and `\'`.
const LITERALS: &str =
    r#"b"caf\xc3\xa9 \x01\x7f\xff" 'it\'s' \u{e9}\u{1f600} \U0001f600 \0 \xe9t\xe9"#;

/// Base64 everywhere, the alphabet the aligned cores are made of.
const BASE64ISH: &str = "c2tfbGl2ZV8wNDJfWnE4dlIybVg0dEw5d0s3cQ+/c2tfbGl2ZV8=dGVzdC10b2tlbg";

/// Scans a body of `times` × 64 KiB, `repeats` times per iteration.
fn scan_bench(bencher: divan::Bencher, line: &str, times: usize, repeats: usize) {
    scan_body_bench(bencher, body_of(line, times), repeats);
}

/// Scans `body`, `repeats` times per iteration.
fn scan_body_bench(bencher: divan::Bencher, body: String, repeats: usize) {
    let env = hundred_secrets();
    let client = TestClient::new(&env, async |_, _| Response::new(body.clone()));
    let response = client.send_blocking(TestRequest::get("/"));
    assert!(
        response.leaks().is_empty(),
        "the benchmark body must be clean"
    );
    let redactor = env.redactor();
    bencher.bench(|| {
        for _ in 0..repeats {
            black_box(response.leaks_with(&redactor));
        }
    });
}

/// Building the matcher for 100 secrets × every pattern (done once per matrix run).
#[divan::bench]
fn redactor_for_100_secrets(bencher: divan::Bencher) {
    let env = hundred_secrets();
    // `try_redactor` builds afresh: `redactor()` would serve the env's cached one.
    bencher.bench(|| black_box(env.try_redactor().unwrap()));
}

/// The same with values that start with four hex digits: each gets four more patterns, its
/// rest after the first 1–4 characters, which an unfinished escape before it could swallow.
#[divan::bench]
fn redactor_for_100_hex_leading_secrets(bencher: divan::Bencher) {
    let mut builder = SecretsEnv::builder();
    for i in 0..100 {
        builder = builder.secret(
            format!("SECRET_{i:03}"),
            format!("{i:04x}_live_Zq8vR2mX4tL9wK7p"),
        );
    }
    let env = builder.build().unwrap();
    // `try_redactor` builds afresh: `redactor()` would serve the env's cached one.
    bencher.bench(|| black_box(env.try_redactor().unwrap()));
}

/// The same with values that JSON escapes every way the matcher lists (`"`, `/`, non-ASCII,
/// `&`): each gets the base64 of its eight JSON spellings too (a JWT payload holding it).
#[divan::bench]
fn redactor_for_100_json_escaped_secrets(bencher: divan::Bencher) {
    let mut builder = SecretsEnv::builder();
    for i in 0..100 {
        builder = builder.secret(
            format!("SECRET_{i:03}"),
            format!("p@ss/w\"rd&{i:03}-\u{e9}-Zq8vR2mX"),
        );
    }
    let env = builder.build().unwrap();
    // `try_redactor` builds afresh: `redactor()` would serve the env's cached one.
    bencher.bench(|| black_box(env.try_redactor().unwrap()));
}

/// The same, with partial leaks on (every 8-character run of every value is a pattern).
#[divan::bench]
fn redactor_for_100_secrets_partial_runs_of_8(bencher: divan::Bencher) {
    let env = hundred_secrets();
    env.report_partial_leaks(Some(8));
    // `try_redactor` builds afresh: `redactor()` would serve the env's cached one.
    bencher.bench(|| black_box(env.try_redactor().unwrap()));
}

/// One scan of 64 KiB of typical text against 100 secrets, matcher built once.
#[divan::bench]
fn leak_scan_64k_typical_100_secrets(bencher: divan::Bencher) {
    scan_bench(bencher, TYPICAL, 1, 1);
}

/// The same over near misses.
#[divan::bench]
fn leak_scan_64k_near_misses_100_secrets(bencher: divan::Bencher) {
    scan_bench(bencher, NEAR_MISSES, 1, 1);
}

/// The same over text escaped every way, nested: the worst case for the decoded views.
#[divan::bench]
fn leak_scan_64k_escapes_100_secrets(bencher: divan::Bencher) {
    scan_bench(bencher, ESCAPES, 1, 1);
}

/// The same over text full of string-literal escapes (`\xc3\xa9`, `\u{e9}`, `\'`).
#[divan::bench]
fn leak_scan_64k_literal_escapes_100_secrets(bencher: divan::Bencher) {
    scan_bench(bencher, LITERALS, 1, 1);
}

/// A response with 40 headers whose names are as long as the secrets (`x-sk-live-…`, near
/// misses): each name is also matched ignoring ASCII case, by a second automaton built on the
/// first long name.
#[divan::bench]
fn leak_scan_40_long_header_names_100_secrets(bencher: divan::Bencher) {
    let env = hundred_secrets();
    let client = TestClient::new(&env, async |_, _| {
        let mut response = Response::builder();
        for i in 0..40 {
            response = response.header(format!("x-sk_live_{i:03}_zq8vr2mx4tl9wk7q"), "1");
        }
        response.body(String::new()).unwrap()
    });
    let response = client.send_blocking(TestRequest::get("/"));
    assert!(response.leaks().is_empty(), "the headers must be clean");
    let redactor = env.redactor();
    bencher.bench(|| black_box(response.leaks_with(&redactor)));
}

/// The same over base64 text.
#[divan::bench]
fn leak_scan_64k_base64_100_secrets(bencher: divan::Bencher) {
    scan_bench(bencher, BASE64ISH, 1, 1);
}

// Growth: 64 KiB scanned ten times (`1`) against 640 KiB scanned once (`10`). Every sample
// covers 640 KiB, so on a shared machine preemption weighs alike on both and the medians
// compare: a linear scan gives the same median; 10x the input costs 10 x (median 10 / median 1).

/// Growth over typical text.
#[divan::bench(args = [1, 10])]
fn leak_scan_growth_typical(bencher: divan::Bencher, kib64: usize) {
    scan_bench(bencher, TYPICAL, kib64, 10 / kib64);
}

/// Growth over near misses.
#[divan::bench(args = [1, 10])]
fn leak_scan_growth_near_misses(bencher: divan::Bencher, kib64: usize) {
    scan_bench(bencher, NEAR_MISSES, kib64, 10 / kib64);
}

/// Growth over escaped text.
#[divan::bench(args = [1, 10])]
fn leak_scan_growth_escapes(bencher: divan::Bencher, kib64: usize) {
    scan_bench(bencher, ESCAPES, kib64, 10 / kib64);
}

/// Growth over text full of string-literal escapes.
#[divan::bench(args = [1, 10])]
fn leak_scan_growth_literal_escapes(bencher: divan::Bencher, kib64: usize) {
    scan_bench(bencher, LITERALS, kib64, 10 / kib64);
}

/// Growth over base64 text.
#[divan::bench(args = [1, 10])]
fn leak_scan_growth_base64(bencher: divan::Bencher, kib64: usize) {
    scan_bench(bencher, BASE64ISH, kib64, 10 / kib64);
}

/// Growth over one run of backslashes as long as the body: the decoder that reads a run's
/// last backslash as the start of an escape must read each run once, not once a backslash.
#[divan::bench(args = [1, 10])]
fn leak_scan_growth_backslash_run(bencher: divan::Bencher, kib64: usize) {
    let body = format!("{}x", "\\".repeat(64 * 1024 * kib64 - 1));
    scan_body_bench(bencher, body, 10 / kib64);
}
