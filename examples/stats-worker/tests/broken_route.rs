//! `/broken/stats` lets in any bearer token on purpose: the matrix must catch it, naming the
//! scenarios, so a route broken this way can never pass as protected.

use devflare_test::matrix::Scenario;
use devflare_test::prelude::*;
use stats_worker::{BROKEN_STATS_PATH, TOKEN_BINDING, handle};

/// A canary from the repository's shared list (`tests/canaries.txt` at the root).
const TOKEN: &str = "stats-canary-token-5hV8pQ2x";

#[tokio::test]
async fn the_matrix_catches_the_broken_route() {
    let env = secrets_env! { API_TOKEN => TOKEN };
    let client = TestClient::new(&env, async |request, env| handle(&request, env).await);
    let report = ProtectedRoute::get(BROKEN_STATS_PATH, TOKEN_BINDING)
        .rejected_with(http::StatusCode::UNAUTHORIZED)
        .fails_closed_with(http::StatusCode::INTERNAL_SERVER_ERROR)
        .check(&client)
        .await
        .unwrap();
    let failure = report
        .verdict()
        .expect_err("a route that accepts any token must fail");
    let failed = failure.scenarios();
    for scenario in [
        Scenario::WrongToken,
        Scenario::Prefix,
        Scenario::OneCharChanged,
        Scenario::SecretMissing,
        Scenario::StoreFailing,
    ] {
        assert!(
            failed.contains(&scenario),
            "{scenario} should fail: {failed:?}"
        );
    }
    // What it gets right stays right: no header is still refused. (Even the right token's
    // scenario fails: the route lets it in without ever reading the secret.)
    assert!(failed.contains(&Scenario::RightCredential));
    assert!(
        !failed.contains(&Scenario::NoCredentials),
        "no credentials should pass: {failed:?}"
    );
    assert!(
        failure.to_string().contains("wrong token"),
        "the failure names the scenario"
    );
}
