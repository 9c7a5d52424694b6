//! Requests, handlers (closure and axum `Router`), captured responses and assertions.

use std::panic::{AssertUnwindSafe, catch_unwind};

use bytes::Bytes;
use devflare_test::client::RequestError;
use devflare_test::prelude::*;
use devflare_test::{client::TestClock, matrix::Scenario};
use http::{Request, StatusCode};

use crate::canaries;
use crate::routes::{Flaw, bearer_client, guarded};

fn env() -> SecretsEnv {
    secrets_env! { API_TOKEN => canaries::value("API_TOKEN") }
}

fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("must panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap()
}

#[test]
fn builds_requests_tersely() {
    let request = TestRequest::new("PATCH", "/a?b=1")
        .header("X-Api-Key", "k")
        .header("accept", "a")
        .header("accept", "b")
        .body("payload")
        .build();
    assert_eq!(request.method(), "PATCH");
    assert_eq!(request.uri(), "/a?b=1");
    assert_eq!(request.headers()["x-api-key"], "k");
    assert_eq!(request.headers().get_all("accept").iter().count(), 2);
    assert_eq!(request.body().as_ref(), b"payload");
}

#[test]
fn bad_request_parts_are_errors_naming_the_part_never_the_value() {
    let error = TestRequest::get("/")
        .header("bad header", "v")
        .try_build()
        .unwrap_err();
    assert!(matches!(error, RequestError::HeaderName { ref name } if name == "bad header"));
    let error = TestRequest::get("/")
        .header("authorization", "Bearer secret\nvalue")
        .try_build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the value of header `authorization` has a byte HTTP forbids (a control character)"
    );
    assert!(!format!("{error:?}").contains("secret"));
    let error = TestRequest::get("not a uri").try_build().unwrap_err();
    assert!(
        error.to_string().starts_with("invalid request URI"),
        "{error}"
    );
    let message = panic_message(|| {
        let _ = TestRequest::new("GE T", "/").build();
    });
    assert!(message.contains("invalid HTTP method"), "{message}");
}

#[tokio::test]
async fn runs_a_closure_under_tokio_and_captures_the_response() {
    let env = env();
    let client = bearer_client(&env, Flaw::None);
    let response = client
        .send(TestRequest::get("/internal/stats").bearer(canaries::value("API_TOKEN")))
        .await;
    response
        .assert_status(200)
        .assert_status(StatusCode::OK)
        .assert_success()
        .assert_header("content-type", "application/json")
        .assert_body(r#"{"ok":true}"#)
        .assert_body_contains("ok")
        .assert_no_header("x-debug-token")
        .assert_no_leaks();
    devflare_test::assert_json!(response, { "ok": true });
    response.assert_status(200);
    response.assert_header("content-type", "application/json");
    response.assert_body(r#"{"ok":true}"#);
    assert_eq!(response.json().unwrap()["ok"], true);
    assert_eq!(response.request_uri(), "/internal/stats");
}

#[test]
fn runs_a_closure_without_a_runtime() {
    let env = env();
    let client = bearer_client(&env, Flaw::None);
    client
        .send_blocking(TestRequest::get("/internal/stats"))
        .assert_client_error()
        .assert_json(&serde_json::json!({ "error": "missing_credentials" }));
}

#[test]
fn failure_messages_show_request_and_response_with_secrets_redacted() {
    let env = env();
    let client = bearer_client(&env, Flaw::EchoesTokenInHeader);
    let token = canaries::value("API_TOKEN");
    let response = client.send_blocking(TestRequest::get("/internal/stats").bearer(token));
    let message = panic_message(|| {
        response.assert_status(401);
    });
    assert!(message.contains("assertion failed: status"), "{message}");
    assert!(message.contains("expected: 401 Unauthorized"), "{message}");
    assert!(message.contains("actual:   200 OK"), "{message}");
    assert!(message.contains("GET /internal/stats"), "{message}");
    assert!(
        message.contains(r#"authorization: "Bearer [secret:API_TOKEN]""#),
        "{message}"
    );
    assert!(
        message.contains(r#"x-debug-token: "[secret:API_TOKEN]""#),
        "{message}"
    );
    assert!(
        message.contains(r#"body (11 bytes): {"ok":true}"#),
        "{message}"
    );
    assert!(!message.contains(token), "{message}");

    // Expected values a test passes in are redacted too.
    let message = panic_message(|| {
        response.assert_header("x-debug-token", "nope");
    });
    assert!(!message.contains(token), "{message}");
    let message = panic_message(|| {
        response.assert_body(token);
    });
    assert!(
        message.contains("expected: \"[secret:API_TOKEN]\""),
        "{message}"
    );
    assert!(!message.contains(token), "{message}");

    let message = panic_message(|| {
        response.assert_header("content-typ", "application/json");
    });
    assert!(
        message.contains("did you mean `content-type`?"),
        "{message}"
    );

    let message = panic_message(|| {
        response.assert_no_leaks();
    });
    assert!(
        message.contains("secret `API_TOKEN` leaked in header `x-debug-token`"),
        "{message}"
    );
    assert!(!message.contains(token));
    assert!(!format!("{response:?}").contains(token));
}

#[test]
fn a_body_that_is_not_json_fails_without_quoting_it() {
    let env = env();
    let token = canaries::value("API_TOKEN");
    let client = TestClient::new(&env, async |_, _| {
        http::Response::new(format!("not json {token}"))
    });
    let response = client.send_blocking(TestRequest::get("/"));
    let message = panic_message(|| {
        response.assert_json(&serde_json::json!({}));
    });
    assert!(
        message.contains("not JSON (parse error at line 1 column 2)"),
        "{message}"
    );
    assert!(!message.contains(token), "{message}");
}

#[cfg(feature = "tower")]
fn router(env: &SecretsEnv) -> axum::Router {
    let env = env.clone();
    axum::Router::new().fallback(move |request: axum::extract::Request| {
        let env = env.clone();
        async move {
            // axum's body is not `Sync`; the guard only needs the head.
            let (parts, _) = request.into_parts();
            let request = Request::from_parts(parts, Bytes::new());
            guarded(
                &request,
                &env,
                "API_TOKEN",
                "authorization",
                Some("Bearer"),
                Flaw::None,
            )
            .await
        }
    })
}

#[cfg(feature = "tower")]
#[tokio::test]
async fn an_axum_router_and_a_closure_pass_the_same_matrix() {
    let route = ProtectedRoute::get("/internal/stats", "API_TOKEN");

    let env = env();
    let service = TestClient::service(&env, |env| router(&env));
    let from_router = route.check(&service).await.unwrap();
    from_router.assert_passed();

    let env = self::env();
    let closure = bearer_client(&env, Flaw::None);
    let from_closure = route.check(&closure).await.unwrap();
    from_closure.assert_passed();

    assert_eq!(from_router, from_closure);
}

#[cfg(feature = "tower")]
#[tokio::test]
async fn a_router_answers_like_the_closure() {
    let env = env();
    let client = TestClient::service(&env, |env| router(&env));
    client
        .send(TestRequest::get("/public"))
        .await
        .assert_status(200);
    env.read_log().assert_not_read("API_TOKEN");
    client
        .send(TestRequest::get("/internal/stats").bearer("nope"))
        .await
        .assert_status(401);
    env.read_log().assert_reads("API_TOKEN", 1);
}

#[test]
fn a_secret_straddling_the_body_excerpt_is_still_redacted() {
    let token = canaries::value("API_TOKEN");
    let env = env();
    // Every cut position around the 400-character excerpt limit.
    for pad in 380..=400 {
        let body = format!("{}{token}", "x".repeat(pad));
        let client = TestClient::new(&env, async |_, _| http::Response::new(body.clone()));
        let response = client.send_blocking(TestRequest::get("/"));
        let message = panic_message(|| {
            response.assert_status(StatusCode::CREATED);
        });
        let debug = format!("{response:?}");
        for text in [&message, &debug] {
            assert!(!text.contains(&token[..6]), "pad {pad}: {text}");
        }
    }
}

/// A handler whose every call fails, naming the request it got.
struct Failing;

impl devflare_test::client::Handler for Failing {
    async fn handle(
        &self,
        request: Request<Bytes>,
        _env: &SecretsEnv,
    ) -> Result<http::Response<Bytes>, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!("upstream refused {}", request.uri()).into())
    }
}

#[test]
fn a_failing_handler_is_reported_with_the_uri_redacted() {
    let token = canaries::value("API_TOKEN");
    let env = env();
    let client = TestClient::with_handler(&env, Failing);
    let error =
        block_on(client.try_send(TestRequest::get(format!("/callback?key={token}")))).unwrap_err();
    let message = error.to_string();
    assert!(!message.contains(token), "{message}");
    assert!(
        message.starts_with("GET /callback?key=[secret:API_TOKEN]: the handler failed"),
        "{message}"
    );
}

#[test]
fn a_uri_error_names_the_path_never_the_query() {
    let error = TestRequest::get("health").try_build().unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid request URI `health`: expected a path starting with `/`; did you mean `/health`?"
    );
    let error = TestRequest::get("/a b?key=hunter2-secret")
        .try_build()
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("invalid request URI `/a b?…`"),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");
    // Later path segments may hold a credential too: only the first is shown.
    let error = TestRequest::get("cb/sk_live_hunter2/x")
        .try_build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid request URI `cb/…`: expected a path starting with `/`; did you mean `/cb/…`?"
    );
    let debug = format!("{:?}", TestRequest::get("/cb/sk_live_hunter2/x?t=1"));
    assert!(debug.contains("uri: \"/cb/…?…\""), "{debug}");
    let long = format!("/{}", "a".repeat(70_000));
    let message = TestRequest::get(long).try_build().unwrap_err().to_string();
    assert!(message.len() < 300, "{message}");
    assert!(message.contains("the limit is"), "{message}");
}

/// A protected route's `Debug` shows its URI as a request's does (one helper): the first path
/// segment, at most 80 characters, then `/…` and `?…` for what may hold a credential.
#[test]
fn a_route_shows_its_uri_in_debug_as_a_request_does() {
    let uri = "/cb/sk_live_hunter2/x?t=1";
    let route = format!("{:?}", ProtectedRoute::get(uri, "API_TOKEN"));
    let request = format!("{:?}", TestRequest::get(uri));
    assert!(route.contains("uri: \"/cb/…?…\""), "{route}");
    assert!(request.contains("uri: \"/cb/…?…\""), "{request}");
    let long = format!("/{}", "a".repeat(500));
    let route = format!("{:?}", ProtectedRoute::get(&long, "API_TOKEN"));
    let shown = format!("uri: \"/{}…\"", "a".repeat(79));
    assert!(route.contains(&shown), "{route}");
    assert!(format!("{:?}", TestRequest::get(&long)).contains(&shown));
}

#[test]
fn the_handler_reads_the_env_of_the_client_that_runs_it() {
    let env = env();
    let client = bearer_client(&env, Flaw::None);
    let right = TestRequest::get("/internal/stats").bearer(canaries::value("API_TOKEN"));
    client.send_blocking(right.clone()).assert_status(200);
    // What the test does to the client's env is what the handler sees.
    client.env().admin().delete("API_TOKEN").unwrap();
    client.send_blocking(right).assert_status(500);
    let reads = env.read_log();
    reads.assert_reads("API_TOKEN", 2);
    assert_eq!(reads.binding("API_TOKEN").unwrap().missing, 1);
}

/// The old mix-up: the matrix changes the client's env while the handler reads another one
/// it captured. Handlers now get their env as an argument; one that ignores it is reported
/// as such (never as failing open).
#[test]
fn a_handler_reading_another_env_than_its_clients_fails_the_matrix() {
    let env = env();
    let other = self::env();
    let client = TestClient::new(&env, async |request, _ignored| {
        guarded(
            &request,
            &other,
            "API_TOKEN",
            "authorization",
            Some("Bearer"),
            Flaw::None,
        )
        .await
    });
    let report =
        block_on(ProtectedRoute::get("/internal/stats", "API_TOKEN").check(&client)).unwrap();
    let failure = report.verdict().expect_err("the mix-up must not pass");
    assert!(
        failure.scenarios().contains(&Scenario::SecretMissing),
        "{failure}"
    );
    // And it says why, on the scenario that let the right credential in.
    assert!(
        failure.scenarios().contains(&Scenario::RightCredential),
        "{failure}"
    );
    assert!(
        failure
            .to_string()
            .contains("reads an env it captured, not the one it was given"),
        "{failure}"
    );
}

/// The client puts the request's clock in its extensions as the seam's `RequestTime`, which is
/// what an axum handler reads with `Extension<RequestTime>` (and production's entry point
/// inserts from the platform clock).
#[cfg(feature = "tower")]
#[test]
fn an_axum_router_reads_the_test_clock_as_request_time() {
    use axum::{Extension, Router, routing::get};
    use devflare_bindings::RequestTime;

    let client = TestClient::service(&env(), |_env| {
        Router::new().route(
            "/now",
            get(async |Extension(now): Extension<RequestTime>| now.unix_secs().to_string()),
        )
    });
    client
        .send_blocking(TestRequest::get("/now").at(TestClock::at(1_700_000_123)))
        .assert_body("1700000123");
    // Without `.at`, the clock every request carries by default.
    client
        .send_blocking(TestRequest::get("/now"))
        .assert_body(&TestClock::DEFAULT.unix_secs().to_string());
}

/// A `RequestTime` the test set itself is kept, not overwritten by the clock.
#[test]
fn a_request_time_set_by_the_test_wins() {
    use devflare_bindings::RequestTime;

    let client = TestClient::new(&env(), async |request, _env| {
        let now = request
            .extensions()
            .get::<RequestTime>()
            .map(|t| t.unix_secs());
        http::Response::new(format!("{now:?}"))
    });
    let mut request = TestRequest::get("/").at(TestClock::at(5)).build();
    request.extensions_mut().insert(RequestTime::at(7));
    client.send_blocking(request).assert_body("Some(7)");
    client
        .send_blocking(TestRequest::get("/").at(TestClock::at(5)))
        .assert_body("Some(5)");
}

#[test]
fn an_empty_authorization_header_never_reaches_the_handler_as_in_workerd() {
    let env = env();
    let client = TestClient::new(&env, async |request: Request<Bytes>, _| {
        let seen = |name: &str| -> String {
            let values: Vec<String> = request
                .headers()
                .get_all(name)
                .iter()
                .map(|v| format!("{:?}", v.to_str().unwrap_or("?")))
                .collect();
            format!("{name}={}", values.join(","))
        };
        let body = format!("{} {}", seen("authorization"), seen("x-empty"));
        http::Response::new(body)
    });
    // Empty: dropped, as workerd drops it; another empty header still arrives.
    let response = client.send_blocking(
        TestRequest::get("/")
            .header("Authorization", "")
            .header("X-Empty", ""),
    );
    assert_eq!(response.text(), r#"authorization= x-empty="""#);
    // `Bearer ` (with nothing after it) is not empty: it arrives intact.
    let response = client.send_blocking(TestRequest::get("/").header("Authorization", "Bearer "));
    assert_eq!(response.text(), r#"authorization="Bearer " x-empty="#);
}
