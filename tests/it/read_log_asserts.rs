//! Read-log assertions: "the public route read no secret".

use std::panic::{AssertUnwindSafe, catch_unwind};

use devflare_test::prelude::*;

use crate::canaries;
use crate::routes::{Flaw, bearer_client};

#[test]
fn the_public_route_reads_no_secret_and_the_guarded_one_reads_once() {
    let env = secrets_env! { API_TOKEN => canaries::value("API_TOKEN"), ADMIN_TOKEN => canaries::value("ADMIN_TOKEN") };
    let client = bearer_client(&env, Flaw::None);
    client
        .send_blocking(TestRequest::get("/public"))
        .assert_status(200);
    env.read_log()
        .assert_untouched()
        .assert_not_read("API_TOKEN");

    let before = env.read_log();
    client
        .send_blocking(TestRequest::get("/internal/stats").bearer(canaries::value("API_TOKEN")))
        .assert_status(200);
    env.read_log()
        .since(&before)
        .assert_reads("API_TOKEN", 1)
        .assert_read_found("API_TOKEN")
        .assert_not_read("ADMIN_TOKEN")
        .assert_no_unbound_lookups();
}

#[test]
fn read_log_failures_name_the_binding_and_show_the_log() {
    let env = secrets_env! { API_TOKEN => canaries::value("API_TOKEN") };
    let _ = block_on(env.secret_store("API_TOKEN").unwrap().get());
    let _ = env.secret_store("API_TOKNE");
    let log = env.read_log();
    let message = |f: &dyn Fn()| {
        let payload = catch_unwind(AssertUnwindSafe(f)).unwrap_err();
        payload.downcast_ref::<String>().unwrap().clone()
    };
    let text = message(&|| {
        log.assert_not_read("API_TOKEN");
    });
    assert!(
        text.contains("expected `API_TOKEN` not to be read, but it was read 1 time(s)"),
        "{text}"
    );
    assert!(
        text.contains("API_TOKEN: 1 lookup, 1 read (1 found)"),
        "{text}"
    );
    let text = message(&|| {
        log.assert_no_unbound_lookups();
    });
    assert!(
        text.contains("unbound `API_TOKNE` 1 time(s) (did you mean `API_TOKEN`?)"),
        "{text}"
    );
    let text = message(&|| {
        log.assert_reads("API_TOKN", 1);
    });
    assert!(
        text.contains("`API_TOKN` is not a bound binding; did you mean `API_TOKEN`?"),
        "{text}"
    );
    assert!(!text.contains(canaries::value("API_TOKEN")));
}
