//! The snapshot macros: auto-named, named and inline, for a response, a matrix report and a
//! read log — every fixture value redacted, volatile headers dropped.

use devflare_test::prelude::*;
use devflare_test::{assert_matrix_snapshot, assert_read_log_snapshot, assert_response_snapshot};

use crate::canaries;
use crate::routes::{Flaw, bearer_client};

fn env() -> SecretsEnv {
    secrets_env! { API_TOKEN => canaries::value("API_TOKEN") }
}

#[test]
fn response_with_a_leaked_token_is_redacted() {
    let env = env();
    let client = bearer_client(&env, Flaw::EchoesTokenInHeader);
    // The token is written literally in the macro's argument: the snapshot's `expression`
    // metadata must not carry it (tests/it/snap_files.rs checks every .snap file).
    assert_response_snapshot!(
        client
            .send_blocking(TestRequest::get("/internal/stats").bearer("canary-api-token-9fK3qL7w"))
    );
}

#[test]
fn named_and_inline_response_snapshots() {
    let env = env();
    let client = bearer_client(&env, Flaw::Base64TokenInBody);
    let response = client
        .send_blocking(TestRequest::get("/internal/stats").bearer(canaries::value("API_TOKEN")));
    assert_response_snapshot!("base64_token_in_body", response);
    assert_response_snapshot!(response.clone(), @r#"
    request:
      GET /internal/stats
      authorization: "Bearer [secret:API_TOKEN]"
    response:
      200 OK
      content-type: "application/json"

    {
      "ok": true,
      "session": "[secret:API_TOKEN:base64]=="
    }
    "#);
}

#[test]
fn matrix_report_snapshot() {
    let env = env();
    let report = block_on(
        ProtectedRoute::get("/internal/stats", "API_TOKEN").check(&bearer_client(&env, Flaw::None)),
    )
    .unwrap();
    assert_matrix_snapshot!("bearer_matrix", report);
}

#[test]
fn failing_matrix_report_snapshot() {
    let env = env();
    let report = block_on(
        ProtectedRoute::get("/internal/stats", "API_TOKEN")
            .check(&bearer_client(&env, Flaw::AcceptsPrefix)),
    )
    .unwrap();
    assert_matrix_snapshot!(report);
}

#[test]
fn read_log_snapshot() {
    let env = secrets_env! { API_TOKEN => canaries::value("API_TOKEN"), ADMIN_TOKEN => canaries::value("ADMIN_TOKEN") };
    let client = bearer_client(&env, Flaw::None);
    client.send_blocking(TestRequest::get("/public"));
    client.send_blocking(TestRequest::get("/internal/stats").bearer("wrong"));
    assert_read_log_snapshot!(env.read_log(), @r"
    ADMIN_TOKEN: not used
    API_TOKEN: 1 lookup, 1 read (1 found)
    ");
}
