//! The GitHub webhook route through the protected-route matrix: every signature scenario
//! (absent, empty, prefix only, another secret, body changed, one character short or long,
//! upper-case hex, raw body) and the adversarial ones, with a redacted snapshot.

use devflare_test::prelude::*;
use devflare_test::{assert_json, assert_matrix_snapshot};
use stats_worker::webhook::{self, PATH, WEBHOOK_BINDING};

/// A canary from the repository's shared list (`tests/canaries.txt` at the root).
const SECRET: &str = "stats-canary-webhook-7Gt2Kw9R";

fn route() -> ProtectedRoute {
    ProtectedRoute::post(PATH, WEBHOOK_BINDING)
        .json(r#"{"action":"opened","pull_request":{"number":7}}"#)
        .signed(Signature::github())
        .rejected_with(http::StatusCode::UNAUTHORIZED)
        .fails_closed_with(http::StatusCode::INTERNAL_SERVER_ERROR)
}

#[tokio::test]
async fn the_github_webhook_passes_the_matrix() {
    let env = secrets_env! { WEBHOOK_SECRET => SECRET, API_TOKEN => "stats-canary-token-5hV8pQ2x" };
    let client = TestClient::new(&env, async |request, env| {
        webhook::github(&request, env).await
    });
    let report = route().check(&client).await.unwrap();
    report.assert_passed();
    assert!(!report.to_string().contains(SECRET));
    assert_matrix_snapshot!(report);
}

#[test]
fn a_delivery_signed_by_github_is_accepted_and_a_forged_one_refused() {
    let env = secrets_env! { WEBHOOK_SECRET => SECRET };
    let client = TestClient::new(&env, async |request, env| {
        webhook::github(&request, env).await
    });
    // HMAC-SHA256 of `{}` keyed with SECRET (python3 -c "import hmac, hashlib; …"), as
    // GitHub would send it.
    let signed = "sha256=82eb38042a0be89b33c56b80eec3e062505e45a5d5d8f702f08a3e148fb13059";
    let delivery = || TestRequest::post(PATH).json("{}");
    let accepted = client.send_blocking(delivery().header("x-hub-signature-256", signed));
    assert_json!(accepted.assert_status(200).assert_no_leaks(), { "ok": true });
    let upper = signed.to_ascii_uppercase().replace("SHA256=", "sha256=");
    client
        .send_blocking(delivery().header("x-hub-signature-256", upper))
        .assert_status(401);
    let changed = TestRequest::post(PATH)
        .json("{ }")
        .header("x-hub-signature-256", signed);
    client.send_blocking(changed).assert_status(401);
    let missing = client.send_blocking(delivery());
    assert_json!(missing.assert_status(401), { "ok": false, "error": "missing_signature" });
}
