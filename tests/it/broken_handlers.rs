//! The acceptance tests: handlers broken on purpose, each caught by the matrix or the leak
//! scan with a message that names the scenario and the binding and holds no secret value.

use devflare_test::prelude::*;
use devflare_test::{matrix::MatrixReport, matrix::Scenario};

use crate::canaries;
use crate::routes::{Flaw, bearer_client};

fn env() -> SecretsEnv {
    secrets_env! { API_TOKEN => canaries::value("API_TOKEN") }
}

fn run(flaw: Flaw) -> (SecretsEnv, MatrixReport) {
    let env = env();
    let client = bearer_client(&env, flaw);
    let report =
        block_on(ProtectedRoute::get("/internal/stats", "API_TOKEN").check(&client)).unwrap();
    drop(client);
    (env, report)
}

/// The failure, through both the value API and the panicking one; both must name the
/// scenario and the binding and hold no canary in any encoding.
fn failure_of(flaw: Flaw, scenario: Scenario, needle: &str) {
    let (env, report) = run(flaw);
    let failure = report.verdict().expect_err("the matrix must fail");
    assert!(
        failure.scenarios().contains(&scenario),
        "{flaw:?}: {failure}"
    );
    assert_eq!(failure.binding(), "API_TOKEN");
    let message = failure.to_string();
    assert!(
        message.contains(&format!("scenario `{}`", scenario.name())),
        "{message}"
    );
    assert!(message.contains("`API_TOKEN`"), "{message}");
    assert!(
        message.contains(needle),
        "{flaw:?}: expected {needle:?} in\n{message}"
    );
    assert_no_canary(&env, &message);

    let panic = std::panic::catch_unwind(|| {
        report.assert_passed();
    })
    .expect_err("assert_passed must panic");
    let panic = panic
        .downcast_ref::<String>()
        .expect("a formatted panic message");
    assert_eq!(panic, &message);
}

fn assert_no_canary(env: &SecretsEnv, text: &str) {
    assert!(
        !env.redactor().contains_secret(text),
        "a secret in:\n{text}"
    );
    for (_, value) in canaries::all() {
        assert!(!text.contains(value));
    }
}

#[test]
fn a_correct_handler_passes() {
    let (env, report) = run(Flaw::None);
    report.assert_passed();
    assert_no_canary(&env, &report.to_string());
}

#[test]
fn a_handler_that_accepts_any_token_fails_the_wrong_token_scenarios() {
    failure_of(
        Flaw::AcceptsAnyToken,
        Scenario::WrongToken,
        "a wrong credential was accepted",
    );
    let (_, report) = run(Flaw::AcceptsAnyToken);
    for scenario in [Scenario::Prefix, Scenario::OtherCase] {
        assert!(report.result(scenario).unwrap().failed(), "{scenario}");
    }
    // `Authorization: ""` never reaches a Worker (workerd drops it, and so does the client),
    // so a handler that accepts any Authorization header rejects it as it rejects none.
    assert!(!report.result(Scenario::EmptyCredential).unwrap().failed());
}

#[test]
fn a_handler_that_answers_200_when_the_secret_is_missing_fails_closed_scenarios() {
    failure_of(
        Flaw::OkWhenSecretMissing,
        Scenario::SecretMissing,
        "fails open",
    );
    let (_, report) = run(Flaw::OkWhenSecretMissing);
    let failed = report.verdict().unwrap_err().scenarios();
    assert_eq!(
        failed,
        [
            Scenario::SecretMissing,
            Scenario::StoreFailing,
            Scenario::EmptyCredentialWhileMissing,
            Scenario::EmptyCredentialWhileFailing
        ]
    );
}

#[test]
fn a_handler_that_accepts_a_prefix_fails_the_prefix_near_miss() {
    failure_of(
        Flaw::AcceptsPrefix,
        Scenario::Prefix,
        "[secret:API_TOKEN][..-1]",
    );
    let (_, report) = run(Flaw::AcceptsPrefix);
    assert_eq!(
        report.verdict().unwrap_err().scenarios(),
        [Scenario::Prefix]
    );
}

#[test]
fn a_handler_that_echoes_the_token_in_a_header_fails_the_leak_scan() {
    failure_of(
        Flaw::EchoesTokenInHeader,
        Scenario::RightCredential,
        "secret `API_TOKEN` leaked in header `x-debug-token`",
    );
}

#[test]
fn a_handler_that_puts_the_token_base64_in_the_body_fails_the_leak_scan() {
    failure_of(
        Flaw::Base64TokenInBody,
        Scenario::RightCredential,
        "secret `API_TOKEN` leaked (base64) in the body at byte offset 22",
    );
}

#[test]
fn the_matrix_restores_the_store_after_missing_and_failing_scenarios() {
    let (env, report) = run(Flaw::None);
    report.assert_passed();
    assert!(!env.admin().has_faults());
    let value = block_on(env.secret_store("API_TOKEN").unwrap().get()).unwrap();
    assert_eq!(value.as_deref(), Some(canaries::value("API_TOKEN")));
}
