//! The stats route against devflare-test's fakes: the same cases Miniflare was measured on.

use devflare_test::prelude::*;
use devflare_test::secrets::SecretRef;
use http::{Request, StatusCode};
use stats_worker::handle;

fn get(path: &str, authorization: Option<&str>) -> Request<()> {
    let mut request = Request::get(path);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.body(()).unwrap()
}

#[tokio::test]
async fn answers_like_miniflare() {
    let env = secrets_env! { API_TOKEN => "test-token" };
    let cases = [
        (None, 401, r#"{"ok":false,"error":"missing_authorization"}"#),
        (
            Some("Bearer wrong"),
            401,
            r#"{"ok":false,"error":"invalid_token"}"#,
        ),
        (
            Some("bearer test-token"),
            401,
            r#"{"ok":false,"error":"invalid_token"}"#,
        ),
        (Some("Bearer test-token"), 200, r#"{"ok":true}"#),
    ];
    for (authorization, status, body) in cases {
        let response = handle(&get("/internal/stats", authorization), &env).await;
        assert_eq!(response.status().as_u16(), status, "{authorization:?}");
        assert_eq!(response.body(), body, "{authorization:?}");
    }
    let public = handle(&get("/public", None), &env).await;
    assert_eq!(public.status(), StatusCode::OK);
    assert_eq!(env.read_log().reads_of("API_TOKEN"), 3);
}

#[tokio::test]
async fn fails_closed_when_the_secret_is_missing_or_the_store_fails() {
    let env = SecretsEnv::builder()
        .bind("API_TOKEN", SecretRef::new("store-123", "DOES_NOT_EXIST"))
        .build()
        .unwrap();
    let response = handle(&get("/internal/stats", Some("Bearer x")), &env).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);

    let env = secrets_env! { API_TOKEN => "test-token" };
    env.admin().fail_all("store unavailable");
    let response = handle(&get("/internal/stats", Some("Bearer test-token")), &env).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[test]
fn runs_without_an_async_runtime() {
    let env = secrets_env! { API_TOKEN => "test-token" };
    let response = block_on(handle(
        &get("/internal/stats", Some("Bearer test-token")),
        &env,
    ));
    assert_eq!(response.status(), StatusCode::OK);
}
