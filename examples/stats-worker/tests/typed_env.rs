//! The stats route against an env built from the typed fixture: values can only be given to
//! bindings `wrangler.toml` declares.

use devflare_test::prelude::*;
use http::{Request, StatusCode};
use stats_worker::{StatsEnv, StatsEnvFixture, TOKEN_BINDING, handle};

fn stats(authorization: &str) -> Request<()> {
    Request::get("/internal/stats")
        .header("authorization", authorization)
        .body(())
        .unwrap()
}

#[tokio::test]
async fn the_typed_fixture_drives_the_production_handler() {
    let fixture = StatsEnvFixture::new()
        .api_token("test-token")
        .webhook_secret("test-webhook-secret");
    assert!(
        fixture.unset().is_empty(),
        "every declared binding has a value"
    );
    let env = SecretsEnv::from_declared(fixture).unwrap();

    let response = handle(&stats("Bearer test-token"), &env).await;
    assert_eq!(response.status(), StatusCode::OK);
    // The handler reads the binding through the config's reference.
    assert_eq!(
        env.reference(TOKEN_BINDING).unwrap().to_string(),
        "0123456789abcdef0123456789abcdef/API_TOKEN"
    );
    assert_eq!(env.read_log().reads_of(TOKEN_BINDING), 1);

    // A typed env is still an env: the handler accepts it as well.
    let typed = StatsEnv::new(&env);
    let response = handle(&stats("Bearer wrong"), &typed).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_declared_binding_left_unset_fails_closed() {
    let fixture = StatsEnvFixture::new();
    assert_eq!(fixture.unset(), [TOKEN_BINDING, "WEBHOOK_SECRET"]);
    let env = SecretsEnv::from_declared(fixture).unwrap();
    let response = handle(&stats("Bearer anything"), &env).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
}
