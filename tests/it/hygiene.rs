//! No secret value in any Debug, Display, error or panic message: proved with canaries.

use std::panic::{AssertUnwindSafe, catch_unwind};

use devflare_test::prelude::*;
use devflare_test::{Error, ReadLog};

const CANARY: &str = "canary-7f3a-do-not-print";
const CANARY_2: &str = "second-canary-c0ffee";

fn assert_clean(what: &str, text: &str) {
    for canary in [CANARY, CANARY_2] {
        assert!(
            !text.contains(canary),
            "{what} printed a secret value: {text}"
        );
    }
}

fn env() -> SecretsEnv {
    SecretsEnv::builder()
        .bind("API_TOKEN", "store-123", "api-token")
        .value("store-123", "api-token", CANARY)
        .value("store-123", "unbound", CANARY_2)
        .bind("MISSING", "store-123", "api-tokn")
        .build()
        .unwrap()
}

#[test]
fn debug_of_every_public_type_hides_values() {
    let env = env();
    let builder = SecretsEnv::builder().secret("API_TOKEN", CANARY);
    let binding = env.secret_store("API_TOKEN").unwrap();
    assert_clean("SecretsEnv", &format!("{env:?} {env:#?}"));
    assert_clean("SecretsEnvBuilder", &format!("{builder:?}"));
    assert_clean("SecretBinding", &format!("{binding:?}"));
    assert_clean("SecretsAdmin", &format!("{:?}", env.admin()));
    let _ = block_on(binding.get());
    let log: ReadLog = env.read_log();
    assert_clean("ReadLog", &format!("{log} {log:?}"));
    assert_clean("SecretRef", &format!("{0} {0:?}", binding.reference()));
    // The Debug output is still useful: it names bindings and references.
    assert!(format!("{env:?}").contains("API_TOKEN"));
    assert!(format!("{env:?}").contains("store-123/api-token (set)"));
}

#[test]
fn every_runtime_error_hides_values() {
    let env = env();
    let missing = block_on(env.secret_store("MISSING").unwrap().get()).unwrap_err();
    assert_eq!(missing.closest(), Some("api-token"));
    let unbound = env.secret_store("API_TOKN").unwrap_err();
    env.admin().fail("API_TOKEN", "boom").unwrap();
    let injected = block_on(env.secret_store("API_TOKEN").unwrap().get()).unwrap_err();
    let rotate = env.admin().rotate("MISSING", CANARY).unwrap_err();
    for error in [missing, unbound, injected, rotate] {
        assert_clean("SecretError", &format!("{error} {error:?}"));
    }
}

#[test]
fn every_build_error_hides_values() {
    let errors: Vec<Error> = vec![
        SecretsEnv::builder()
            .bind("A", "s", "n")
            .bind("A", "s", "m")
            .value("s", "n", CANARY)
            .build()
            .unwrap_err(),
        SecretsEnv::builder()
            .secret("T", format!("{CANARY}{}", "x".repeat(70_000)))
            .strict()
            .build()
            .unwrap_err(),
        SecretsEnv::builder()
            .bind(CANARY_2.replace('-', " "), "s", "n")
            .value("s", "n", CANARY)
            .strict()
            .build()
            .unwrap_err(),
    ];
    for error in errors {
        assert_clean("Error", &format!("{error} {error:?}"));
    }
}

#[test]
fn the_macros_panic_message_hides_values() {
    let payload = catch_unwind(AssertUnwindSafe(|| {
        secrets_env! { A: "s"/"x" => CANARY, A: "s"/"y" => CANARY_2 }
    }))
    .unwrap_err();
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("declared twice"), "{message}");
    assert_clean("panic", &message);
}
