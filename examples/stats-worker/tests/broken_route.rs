//! `/broken/stats` lets in any bearer token on purpose: the matrix must catch it, naming the
//! scenarios, so a route broken this way can never pass as protected.

use bytes::Bytes;
use devflare_test::prelude::*;
use http::Request;
use stats_worker::{BROKEN_STATS_PATH, TOKEN_BINDING, handle};

/// A canary from the repository's shared list (`tests/canaries.txt` at the root).
const TOKEN: &str = "stats-canary-token-5hV8pQ2x";

#[tokio::test]
async fn the_matrix_catches_the_broken_route() {
    let env = secrets_env! { API_TOKEN => TOKEN };
    let client = TestClient::new(&env, async |request: Request<Bytes>| {
        handle(&request, &env).await
    });
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
    // What it gets right stays right: no header is still refused, the right token let in.
    for scenario in [Scenario::NoCredentials, Scenario::RightToken] {
        assert!(
            !failed.contains(&scenario),
            "{scenario} should pass: {failed:?}"
        );
    }
    assert!(
        failure.to_string().contains("wrong token"),
        "the failure names the scenario"
    );
}
