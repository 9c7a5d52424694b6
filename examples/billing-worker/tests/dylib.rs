//! This crate takes devflare-test as `devflare-test-dylib` (its `Cargo.toml`, as the README's
//! quick start recommends for a fast edit loop): the test binary must really load the shared
//! library, or the quick start's figures measure a setup that silently links statically.

#[test]
#[cfg(target_os = "linux")]
fn the_test_binary_loads_devflare_test_as_a_shared_library() {
    // Name something from devflare-test so the crate is linked at all.
    let env = devflare_test::secrets_env! {};
    drop(env);
    let maps = std::fs::read_to_string("/proc/self/maps").expect("/proc/self/maps");
    assert!(
        maps.lines()
            .any(|line| line.contains("libdevflare_test_dylib")),
        "devflare-test is linked statically into this test binary"
    );
}

/// An assertion that fails inside the shared library unwinds into the test like any panic,
/// with the test file as its location (`#[track_caller]` holds across the library boundary)
/// and no value in its message.
#[test]
fn a_failing_assertion_in_the_shared_library_fails_the_test_at_its_own_line() {
    use devflare_test::prelude::*;
    use std::sync::{Arc, Mutex};

    let env = secrets_env! { API_TOKEN => "dylib-token-0123456789" };
    let client = TestClient::new(&env, async |_request, _env| {
        http::Response::builder()
            .status(200)
            .body("dylib-token-0123456789".to_owned())
            .unwrap()
    });
    let response = client.send_blocking(TestRequest::get("/"));

    // The only panic of this test binary: a hook that records where it happened.
    let location = Arc::new(Mutex::new(None));
    let recorded = Arc::clone(&location);
    std::panic::set_hook(Box::new(move |info| {
        *recorded.lock().unwrap() = info
            .location()
            .map(|at| format!("{}:{}", at.file(), at.line()));
    }));
    let mut line = 0;
    let failure = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        line = line!() + 1;
        response.assert_status(401);
    }));
    let _ = std::panic::take_hook();

    let failure = failure.expect_err("a 200 answer must fail assert_status(401)");
    let message = failure
        .downcast_ref::<String>()
        .expect("a formatted panic message");
    assert!(message.contains("assertion failed: status"), "{message}");
    assert!(!message.contains("dylib-token-0123456789"), "{message}");
    assert_eq!(
        *location.lock().unwrap(),
        Some(format!("{}:{line}", file!()))
    );
}
