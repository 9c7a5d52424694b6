//! The stats route through the protected-route matrix, as an async closure and as an axum
//! `Router`, with redacted snapshots of the report, responses and read log.

use devflare_test::prelude::*;
use devflare_test::{assert_matrix_snapshot, assert_read_log_snapshot, assert_response_snapshot};
use stats_worker::{TOKEN_BINDING, handle};

#[allow(dead_code)] // its `main` is the example's
#[path = "../examples/axum_router.rs"]
mod axum_router;

/// A canary from the repository's shared list (`tests/canaries.txt` at the root), which the
/// root crate's tests check no `.snap` file contains.
const TOKEN: &str = "stats-canary-token-5hV8pQ2x";

fn env() -> SecretsEnv {
    secrets_env! { API_TOKEN => TOKEN }
}

fn route() -> ProtectedRoute {
    ProtectedRoute::get("/internal/stats", TOKEN_BINDING)
        .rejected_with(http::StatusCode::UNAUTHORIZED)
        .fails_closed_with(http::StatusCode::INTERNAL_SERVER_ERROR)
}

#[tokio::test]
async fn the_stats_route_passes_the_matrix() {
    let env = env();
    let client = TestClient::new(&env, async |request, env| handle(&request, env).await);
    let report = route().check(&client).await.unwrap();
    report.assert_passed();
    assert_matrix_snapshot!(report);
}

#[tokio::test]
async fn the_axum_router_passes_the_same_matrix() {
    let env = env();
    let client = TestClient::service(&env, axum_router::router);
    let report = route().check(&client).await.unwrap();
    report.assert_passed();
    // The same snapshot as the closure's: one route, two ways to serve it.
    assert_matrix_snapshot!("the_stats_route_passes_the_matrix", report);
}

#[test]
fn responses_snapshot_redacted() {
    let env = env();
    let client = TestClient::new(&env, async |request, env| handle(&request, env).await);
    assert_response_snapshot!(
        "right_token",
        client.send_blocking(TestRequest::get("/internal/stats").bearer(TOKEN))
    );
    assert_response_snapshot!(
        "wrong_token",
        client.send_blocking(TestRequest::get("/internal/stats").bearer("nope"))
    );
    assert_response_snapshot!(client.send_blocking(TestRequest::get("/public")), @r#"
    request:
      GET /public
    response:
      200 OK
      content-type: "application/json"

    {
      "ok": true
    }
    "#);
}

#[test]
fn the_public_route_reads_no_secret() {
    let env = env();
    let client = TestClient::new(&env, async |request, env| handle(&request, env).await);
    client
        .send_blocking(TestRequest::get("/public"))
        .assert_status(200);
    env.read_log().assert_untouched();
    client
        .send_blocking(TestRequest::get("/internal/stats").bearer(TOKEN))
        .assert_status(200)
        .assert_no_leaks();
    assert_read_log_snapshot!(env.read_log(), @"API_TOKEN: 1 lookup, 1 read (1 found)");
}
