//! The billing Worker tested natively: its two routes over the fake env built from its own
//! `wrangler.toml` — a var, a JSON var, a classic secret, a Secrets Store token — with the
//! partner API faked, the egress rules saying where the partner key may go, and the admin
//! route through the protected-route matrix.

mod common;

use billing_worker::{ADMIN_TOKEN, PARTNER_API_KEY, STATUS_PATH, SUMMARY_PATH, handle};
use common::{ADMIN, PARTNER_KEY, PARTNER_SUMMARY, assert_no_value, env, fake_partner};
use devflare_test::outbound::FakeResponse;
use devflare_test::prelude::*;
use http::StatusCode;

fn client(env: &SecretsEnv) -> TestClient<impl devflare_test::client::Handler> {
    TestClient::new(env, async |request, env| handle(&request, env).await)
}

#[tokio::test]
async fn status_reads_a_var_and_no_secret() {
    let env = env();
    client(&env)
        .send(TestRequest::get(STATUS_PATH))
        .await
        .assert_status(200)
        .assert_json(&serde_json::json!({ "ok": true, "environment": "staging" }));
    env.read_log()
        .assert_not_read(ADMIN_TOKEN)
        .assert_not_read(PARTNER_API_KEY);
    assert!(env.upstream().requests().is_empty());
}

#[tokio::test]
async fn the_admin_summary_calls_the_partner_with_its_key_only() {
    let env = env();
    client(&env)
        .send(TestRequest::get(SUMMARY_PATH).bearer(ADMIN))
        .await
        .assert_status(200)
        .assert_json(&serde_json::json!({
            "environment": "staging",
            "invoices": 12,
            "total_cents": 45600,
            "currency": "EUR",
        }))
        .assert_no_leaks();

    let upstream = env.upstream();
    upstream.assert_clean();
    let [request] = &upstream.requests()[..] else {
        panic!("one call to the partner: {:?}", upstream.requests())
    };
    assert_eq!(request.method(), "GET");
    assert_eq!(request.url(), PARTNER_SUMMARY);
    // Recorded redacted: the record says which secret went where, never its value.
    assert_eq!(
        request.header("x-api-key").as_deref(),
        Some("[secret:PARTNER_API_KEY]")
    );
    assert_eq!(request.header("authorization"), None);
    assert_no_value(&format!("{request:?} {upstream:?}"));

    env.read_log()
        .assert_reads(ADMIN_TOKEN, 1)
        .assert_reads(PARTNER_API_KEY, 1);
}

#[tokio::test]
async fn wrong_or_missing_tokens_never_reach_the_partner() {
    let env = env();
    let client = client(&env);
    client
        .send(TestRequest::get(SUMMARY_PATH))
        .await
        .assert_status(401);
    client
        .send(TestRequest::get(SUMMARY_PATH).bearer("canary-billing-admin-Tr6Yh2Jm"))
        .await
        .assert_status(401);
    assert!(env.upstream().requests().is_empty());
    env.read_log().assert_not_read(PARTNER_API_KEY);
}

/// The values `wrangler dev` would use: the config's vars, `.dev.vars` for the classic
/// secret (`fixtures/.dev.vars`; the crate's `.dev.vars.example` shows the shape).
#[tokio::test]
async fn the_classic_secret_can_come_from_dev_vars() {
    let env = SecretsEnv::builder()
        .wrangler_config(common::WRANGLER)
        .dev_vars(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"), None)
        .secret(ADMIN_TOKEN, ADMIN)
        .build()
        .unwrap();
    assert!(env.warnings().is_empty(), "{:?}", env.warnings());
    assert_eq!(env.secret(PARTNER_API_KEY).unwrap(), PARTNER_KEY);
    fake_partner(&env);
    client(&env)
        .send(TestRequest::get(SUMMARY_PATH).bearer(ADMIN))
        .await
        .assert_status(200);
    env.upstream().assert_clean();
}

/// Without the key, `secrets.required` warns as wrangler does, and the route fails closed.
#[tokio::test]
async fn a_missing_partner_key_is_a_warning_and_a_500_without_any_call() {
    let env = SecretsEnv::builder()
        .wrangler_config(common::WRANGLER)
        .secret(ADMIN_TOKEN, ADMIN)
        .build()
        .unwrap();
    assert!(
        env.warnings()
            .iter()
            .any(|warning| warning.contains("`PARTNER_API_KEY`")),
        "{:?}",
        env.warnings()
    );
    client(&env)
        .send(TestRequest::get(SUMMARY_PATH).bearer(ADMIN))
        .await
        .assert_status(500);
    assert!(env.upstream().requests().is_empty());
}

#[tokio::test]
async fn a_failing_partner_is_a_502_that_shows_nothing_of_its_answer() {
    let failing = SecretsEnv::builder()
        .wrangler_config(common::WRANGLER)
        .secret(ADMIN_TOKEN, ADMIN)
        .classic_secret(PARTNER_API_KEY, PARTNER_KEY)
        .build()
        .unwrap();
    failing
        .upstream()
        .route(
            "GET",
            PARTNER_SUMMARY,
            FakeResponse::json(503, r#"{"error":"maintenance"}"#),
        )
        .unwrap();
    client(&failing)
        .send(TestRequest::get(SUMMARY_PATH).bearer(ADMIN))
        .await
        .assert_status(502)
        .assert_json(&serde_json::json!({ "ok": false, "error": "partner_unavailable" }));
}

#[tokio::test]
async fn the_admin_route_passes_the_protected_route_matrix() {
    let env = env();
    let report = ProtectedRoute::get(SUMMARY_PATH, ADMIN_TOKEN)
        .rejected_with(StatusCode::UNAUTHORIZED)
        .fails_closed_with(StatusCode::INTERNAL_SERVER_ERROR)
        .check(&client(&env))
        .await
        .unwrap();
    report.assert_passed();
    assert_no_value(&report.to_string());

    // Every call the matrix's scenarios made went to the partner with its key only: the
    // scenarios that got in called out, and none of them carried the caller's credential.
    let upstream = env.upstream();
    upstream.assert_clean();
    assert!(!upstream.requests().is_empty());
    for request in upstream.requests() {
        assert_eq!(request.url(), PARTNER_SUMMARY);
        assert_eq!(request.header("authorization"), None);
    }
}
