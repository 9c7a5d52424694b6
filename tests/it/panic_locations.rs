//! Every assertion reports the test's own file and line, not a line inside this crate: the
//! panic hook below reads the panic's `Location`, which is what a test runner prints.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

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
