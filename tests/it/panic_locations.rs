//! Every assertion entry point panics at the test's line, not inside the crate: checked with a
//! panic hook reading `PanicHookInfo::location()` (or, for `TestClient::send`, whose panic
//! happens inside a future, the location the message carries).

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use bytes::Bytes;
use devflare_test::prelude::*;
use http::{Request, Response};

use crate::canaries;
use crate::routes::{Flaw, bearer_client};

thread_local! {
    static LAST_PANIC: RefCell<Option<(String, u32)>> = const { RefCell::new(None) };
}

/// Runs `f`, which must panic, and returns where the panic hook says it happened. The hook
/// is process-wide but records per thread, so parallel tests do not see each other's panics.
fn panic_location(f: impl FnOnce()) -> (String, u32) {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let at = info
                .location()
                .map(|l| (l.file().replace('\\', "/"), l.line()));
            LAST_PANIC.with(|last| *last.borrow_mut() = at);
            if std::env::var_os("DEVFLARE_SHOW_PANICS").is_some() {
                default(info);
            }
        }));
    });
    LAST_PANIC.with(|last| last.borrow_mut().take());
    catch_unwind(AssertUnwindSafe(f)).expect_err("must panic");
    LAST_PANIC
        .with(|last| last.borrow_mut().take())
        .expect("the hook saw the panic")
}

/// Takes whatever a call returns: the calls below must panic before returning.
fn ignore<T>(_: T) {}

/// Asserts that `$call` panics on this very line of this file.
macro_rules! panics_here {
    ($call:expr) => {{
        let line = line!();
        let at = panic_location(|| {
            ignore($call);
        });
        assert_eq!(
            at,
            (file!().replace('\\', "/"), line),
            "{}",
            stringify!($call)
        );
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
    panics_here!(assert_status!(r, 200));
    panics_here!(assert_header!(r, "content-type", "text/plain"));
    panics_here!(assert_body!(r, "nope"));
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

impl devflare_test::Handler for Failing {
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
