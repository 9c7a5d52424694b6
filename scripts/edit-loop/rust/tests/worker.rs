//! The 4 tests of the JavaScript anchor (`../vitest/test/worker.test.js`), one for one.

use devflare_test::prelude::*;
use edit_loop_worker::handle;

const TOKEN: &str = "peer-token-0123456789";

fn client() -> TestClient<impl devflare_test::client::Handler> {
    let env = secrets_env! { API_TOKEN => TOKEN };
    TestClient::new(&env, async |request, env| handle(&request, env).await)
}

#[test]
fn no_authorization_header_is_401() {
    let response = client().send_blocking(TestRequest::get("/internal/stats"));
    response.assert_status(401);
    response.assert_body(r#"{"ok":false,"error":"missing_authorization"}"#);
}

#[test]
fn wrong_token_is_401() {
    let response = client().send_blocking(TestRequest::get("/internal/stats").bearer("wrong"));
    response.assert_status(401);
    response.assert_body(r#"{"ok":false,"error":"invalid_token"}"#);
}

#[test]
fn right_token_is_200() {
    let response = client().send_blocking(TestRequest::get("/internal/stats").bearer(TOKEN));
    response.assert_status(200);
    response.assert_body(r#"{"ok":true}"#);
}

#[test]
fn public_needs_no_auth() {
    let response = client().send_blocking(TestRequest::get("/public"));
    response.assert_status(200);
    response.assert_body(r#"{"ok":true,"route":"public"}"#);
}
