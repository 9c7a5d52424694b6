//! Every assertion reports the test's own file and line, not a line inside this crate: the
//! panic hook below reads the panic's `Location`, which is what a test runner prints.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use devflare_test::assert_json;
use devflare_test::prelude::*;

thread_local! {
    static LAST_PANIC: RefCell<Option<(String, u32)>> = const { RefCell::new(None) };
}

/// Runs `f`, which must panic, and returns where the panic says it happened.
pub(crate) fn panic_location(f: impl FnOnce()) -> (String, u32) {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if let Some(location) = info.location() {
                LAST_PANIC.with(|last| {
                    *last.borrow_mut() = Some((location.file().to_owned(), location.line()));
                });
            }
            previous(info);
        }));
    });
    LAST_PANIC.with(|last| last.borrow_mut().take());
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    assert!(outcome.is_err(), "expected a panic");
    LAST_PANIC
        .with(|last| last.borrow_mut().take())
        .expect("the panic hook saw a location")
}

/// Asserts that `$call` panics, and that the panic names this file and the macro's line (keep
/// the call on that one line).
macro_rules! assert_panics_here {
    ($call:expr) => {{
        let expected = (file!().to_owned(), line!());
        let at = panic_location(|| {
            let _ = $call;
        });
        assert_eq!(at, expected, "the panic must point at the test's line");
    }};
}

#[test]
fn read_log_assertions_point_at_the_test() {
    let env = secrets_env! { API_TOKEN => "token-0123", OTHER => "other-0123" };
    let _ = block_on(env.secret_store("API_TOKEN").unwrap().get());
    let _ = env.secret_store("UNBOUND");
    let log = env.read_log();

    assert_panics_here!(log.assert_not_read("API_TOKEN"));

    assert_panics_here!(log.assert_reads("API_TOKEN", 2));

    assert_panics_here!(log.assert_read_found("OTHER"));

    assert_panics_here!(log.assert_untouched());

    assert_panics_here!(log.assert_no_unbound_lookups());

    // A binding that is not bound fails inside a helper: still the test's line.
    assert_panics_here!(log.assert_reads("API_TOKNE", 1));
}

#[test]
fn building_an_invalid_request_points_at_the_test() {
    assert_panics_here!(TestRequest::get("/").header("bad name", "v").build());
}

#[test]
fn a_duplicate_in_secrets_env_points_at_the_test() {
    assert_panics_here!(secrets_env! { A: "s"/"a" => "v1", A: "s"/"b" => "v2" });
}

// The HTTP entry points: response assertions and their macros, the leak assertion, the
// matrix's `assert_passed`, and the client's send functions.

use bytes::Bytes;
use http::{Request, Response};

use crate::canaries;
use crate::routes::{Flaw, bearer_client};

/// Takes whatever a call returns: the calls below must panic before returning (and a
/// future returned by `send` must not be awaited, so it cannot be `let _ =`).
fn ignore<T>(_: T) {}

/// Asserts that `$call` panics on this very line of this file.
macro_rules! panics_here {
    ($call:expr) => {{
        let line = line!();
        let at = panic_location(|| {
            ignore($call);
        });
        assert_eq!(at, (file!().to_owned(), line), "{}", stringify!($call));
    }};
}

fn env() -> SecretsEnv {
    secrets_env! { API_TOKEN => canaries::value("API_TOKEN") }
}

/// A 401 with one header and a JSON body.
fn response(env: &SecretsEnv) -> CapturedResponse {
    let client = TestClient::new(env, async |_, _| {
        Response::builder()
            .status(401)
            .header("content-type", "application/json")
            .body(r#"{"ok":false}"#.to_owned())
            .unwrap()
    });
    client.send_blocking(TestRequest::get("/"))
}

#[test]
fn response_assertion_methods_point_at_the_test() {
    let env = env();
    let r = response(&env);
    panics_here!(r.assert_status(200));
    panics_here!(r.assert_success());
    panics_here!(r.assert_client_error().assert_server_error());
    panics_here!(r.assert_header("content-type", "text/plain"));
    panics_here!(r.assert_header("content-typ", "application/json"));
    panics_here!(r.assert_no_header("content-type"));
    panics_here!(r.assert_body("nope"));
    panics_here!(r.assert_body_contains("nope"));
    panics_here!(r.assert_json(&serde_json::json!({ "ok": true })));
}

#[test]
fn response_assertion_macros_point_at_the_test() {
    let env = env();
    let r = response(&env);
    panics_here!(r.assert_status(200));
    panics_here!(r.assert_header("content-type", "text/plain"));
    panics_here!(r.assert_body("nope"));
    panics_here!(assert_json!(r, { "ok": true }));
}

#[test]
fn the_leak_assertion_points_at_the_test() {
    let env = env();
    let token = canaries::value("API_TOKEN");
    let client = TestClient::new(&env, async |_, _| Response::new(token.to_owned()));
    let r = client.send_blocking(TestRequest::get("/"));
    panics_here!(r.assert_no_leaks());
}

#[test]
fn the_matrix_assertion_points_at_the_test() {
    let env = env();
    let report = block_on(
        ProtectedRoute::get("/internal/stats", "API_TOKEN")
            .check(&bearer_client(&env, Flaw::AcceptsAnyToken)),
    )
    .unwrap();
    panics_here!(report.assert_passed());
}

/// A handler whose every call fails.
struct Failing;

impl devflare_test::client::Handler for Failing {
    async fn handle(
        &self,
        _: Request<Bytes>,
        _: &SecretsEnv,
    ) -> Result<Response<Bytes>, Box<dyn std::error::Error + Send + Sync>> {
        Err("upstream refused".into())
    }
}

#[test]
fn sending_points_at_the_test() {
    let env = env();
    let client = TestClient::with_handler(&env, Failing);
    panics_here!(client.send_blocking(TestRequest::get("/")));
    // An unbuildable request panics where it is sent, whichever send function.
    let ok = bearer_client(&env, Flaw::None);
    panics_here!(ok.send_blocking(TestRequest::get("no-slash")));
    panics_here!(ok.try_send(TestRequest::get("no-slash")));
    panics_here!(ok.send(TestRequest::get("no-slash")));
}

#[test]
fn an_awaited_send_names_the_test_line_in_its_message() {
    let env = env();
    let client = TestClient::with_handler(&env, Failing);
    let line = line!() + 1;
    let sending = client.send(TestRequest::get("/"));
    let payload = catch_unwind(AssertUnwindSafe(|| block_on(sending))).expect_err("must panic");
    let message = payload.downcast_ref::<String>().unwrap();
    let here = format!("(sent at {}:{line}:", file!());
    assert!(
        message.contains(&here),
        "{message:?} should contain {here:?}"
    );
}
