//! The axum Worker tested natively: the same `router` production serves, over fake bindings.

use axum_worker::router;
use devflare_test::prelude::*;

fn client(env: &SecretsEnv) -> TestClient<impl devflare_test::client::Handler> {
    TestClient::service(env, router)
}

#[tokio::test]
async fn health_is_public() {
    let env = secrets_env! { ADMIN_TOKEN => "admin-token-0123" };
    client(&env)
        .send(TestRequest::get("/health"))
        .await
        .assert_status(200)
        .assert_json(&serde_json::json!({ "ok": true }));
    env.read_log().assert_not_read("ADMIN_TOKEN");
}

#[tokio::test]
async fn admin_needs_the_token() {
    let env = secrets_env! { ADMIN_TOKEN => "admin-token-0123" };
    let client = client(&env);
    client
        .send(TestRequest::get("/admin"))
        .await
        .assert_status(401);
    client
        .send(TestRequest::get("/admin").bearer("admin-token-0124"))
        .await
        .assert_status(401);
    client
        .send(TestRequest::get("/admin").bearer("admin-token-0123"))
        .await
        .assert_status(200)
        .assert_no_leaks();
}

#[tokio::test]
async fn admin_passes_the_protected_route_matrix() {
    let env = secrets_env! { ADMIN_TOKEN => "admin-token-0123" };
    let report = ProtectedRoute::get("/admin", "ADMIN_TOKEN")
        .check(&client(&env))
        .await
        .unwrap();
    report.assert_passed();
}
