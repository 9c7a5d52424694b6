//! The matrix's configuration, scenarios, verdicts and setup errors.

use devflare_test::matrix::MatrixError;
use devflare_test::matrix::Scenario;
use devflare_test::matrix::{Outcome, StatusExpectation, Verdict};
use devflare_test::prelude::*;
use http::StatusCode;

use crate::canaries;
use crate::routes::{Flaw, bearer_client, guarded};

#[test]
fn an_api_key_header_without_scheme() {
    let env = secrets_env! { API_KEY => canaries::value("API_KEY") };
    let client = TestClient::new(&env, async |request, env| {
        guarded(&request, env, "API_KEY", "x-api-key", None, Flaw::None).await
    });
    let report = block_on(
        ProtectedRoute::get("/internal/stats", "API_KEY")
            .api_key_header("X-Api-Key")
            .rejected_with(StatusCode::UNAUTHORIZED)
            .fails_closed_with(StatusCode::INTERNAL_SERVER_ERROR)
            .accepted_with(StatusCode::OK)
            .check(&client),
    )
    .unwrap();
    report.assert_passed();
    let text = report.to_string();
    assert!(
        text.contains("credential: binding API_KEY as `x-api-key: <token>`"),
        "{text}"
    );
    for scenario in [
        Scenario::SchemeOnly,
        Scenario::WrongScheme,
        Scenario::SchemeLowerCase,
    ] {
        let result = report.result(scenario).unwrap();
        assert_eq!(
            result.verdict,
            Verdict::NotApplicable("the credential has no scheme".to_owned())
        );
    }
    let right = report.result(Scenario::RightCredential).unwrap();
    assert_eq!(right.expected, StatusExpectation::Exactly(StatusCode::OK));
    assert_eq!(right.credential, "x-api-key: [secret:API_KEY]");
}

#[test]
fn other_case_of_an_all_digit_token_is_not_applicable() {
    let env = secrets_env! { API_TOKEN => canaries::value("PIN_TOKEN") };
    let report = block_on(
        ProtectedRoute::get("/internal/stats", "API_TOKEN").check(&bearer_client(&env, Flaw::None)),
    )
    .unwrap();
    report.assert_passed();
    let other_case = report.result(Scenario::OtherCase).unwrap();
    assert!(
        matches!(&other_case.verdict, Verdict::NotApplicable(why) if why.contains("no ASCII letters"))
    );
    assert!(report.to_string().contains("1 not applicable"));
}

#[test]
fn a_case_insensitive_scheme_expects_other_cases_to_be_accepted() {
    let env = secrets_env! { API_TOKEN => canaries::value("API_TOKEN") };
    let report = block_on(
        ProtectedRoute::get("/internal/stats", "API_TOKEN")
            .scheme_case_insensitive()
            .check(&bearer_client(&env, Flaw::None)),
    )
    .unwrap();
    // The strict handler refuses `bearer …`, which this route declares acceptable.
    let failure = report.verdict().unwrap_err();
    assert_eq!(
        failure.scenarios(),
        [Scenario::SchemeLowerCase, Scenario::SchemeUpperCase]
    );
    assert_eq!(
        report.result(Scenario::SchemeLowerCase).unwrap().outcome,
        Outcome::Accepted
    );
    assert!(
        failure
            .to_string()
            .contains("the right credential was not accepted")
    );
}

#[test]
fn exact_statuses_are_checked() {
    let env = secrets_env! { API_TOKEN => canaries::value("API_TOKEN") };
    let report = block_on(
        ProtectedRoute::get("/internal/stats", "API_TOKEN")
            .rejected_with(StatusCode::FORBIDDEN)
            .check(&bearer_client(&env, Flaw::None)),
    )
    .unwrap();
    let failure = report.verdict().unwrap_err();
    assert!(
        failure
            .to_string()
            .contains("expected 403, got 401 Unauthorized"),
        "{failure}"
    );
}

#[test]
fn each_scenario_records_its_own_reads() {
    let env = secrets_env! { API_TOKEN => canaries::value("API_TOKEN") };
    let report = block_on(
        ProtectedRoute::get("/internal/stats", "API_TOKEN").check(&bearer_client(&env, Flaw::None)),
    )
    .unwrap();
    let reads = |s| report.result(s).unwrap().reads.clone();
    reads(Scenario::NoCredentials).assert_untouched();
    reads(Scenario::RightCredential)
        .assert_reads("API_TOKEN", 1)
        .assert_read_found("API_TOKEN");
    assert_eq!(
        reads(Scenario::SecretMissing)
            .binding("API_TOKEN")
            .unwrap()
            .missing,
        1
    );
    assert_eq!(
        reads(Scenario::StoreFailing)
            .binding("API_TOKEN")
            .unwrap()
            .failed,
        1
    );
}

#[test]
fn setup_problems_are_errors_that_name_the_binding() {
    let env = secrets_env! { API_TOKEN => canaries::value("API_TOKEN") };
    let client = bearer_client(&env, Flaw::None);
    let error = block_on(ProtectedRoute::get("/", "API_TOKNE").check(&client)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "binding `API_TOKNE` is not bound in the env; did you mean `API_TOKEN`?"
    );

    env.admin().fail("API_TOKEN", "down").unwrap();
    let error = block_on(ProtectedRoute::get("/", "API_TOKEN").check(&client)).unwrap_err();
    assert!(matches!(error, MatrixError::FaultsActive { .. }));
    env.admin().heal_all();

    env.admin().delete("API_TOKEN").unwrap();
    let error = block_on(ProtectedRoute::get("/", "API_TOKEN").check(&client)).unwrap_err();
    assert!(matches!(error, MatrixError::NoValue { .. }), "{error}");

    env.admin().set("API_TOKEN", "line\nbreak").unwrap();
    let error = block_on(ProtectedRoute::get("/", "API_TOKEN").check(&client)).unwrap_err();
    assert!(matches!(error, MatrixError::NotHeaderSafe { .. }));
    assert!(!format!("{error} {error:?}").contains("line"));

    let error = block_on(
        ProtectedRoute::get("/", "API_TOKEN")
            .header("bad header")
            .check(&client),
    )
    .unwrap_err();
    assert!(matches!(error, MatrixError::InvalidHeaderName { .. }));
}

#[test]
fn a_route_that_cannot_be_requested_is_an_error_not_a_panic() {
    let env = secrets_env! { API_TOKEN => canaries::value("API_TOKEN") };
    let client = bearer_client(&env, Flaw::None);
    for route in [
        ProtectedRoute::new("GE T", "/x", "API_TOKEN"),
        ProtectedRoute::get("/a b", "API_TOKEN"),
        ProtectedRoute::get("", "API_TOKEN"),
        ProtectedRoute::get("internal/stats", "API_TOKEN"),
    ] {
        let error = block_on(route.check(&client)).unwrap_err();
        assert!(matches!(error, MatrixError::InvalidRequest(_)), "{error}");
    }
}

#[test]
fn a_bad_scheme_is_blamed_on_the_scheme_not_the_secret() {
    let env = secrets_env! { API_TOKEN => canaries::value("API_TOKEN") };
    let client = bearer_client(&env, Flaw::None);
    for scheme in ["", "Bear\ner", "Bear er"] {
        let error = block_on(
            ProtectedRoute::get("/", "API_TOKEN")
                .scheme(scheme)
                .check(&client),
        )
        .unwrap_err();
        assert_eq!(
            error,
            MatrixError::InvalidScheme {
                scheme: scheme.to_owned()
            }
        );
    }
}

#[test]
fn a_token_too_short_to_scan_for_is_refused() {
    let env = secrets_env! { API_TOKEN => "abc" };
    let client = bearer_client(&env, Flaw::None);
    let error = block_on(ProtectedRoute::get("/", "API_TOKEN").check(&client)).unwrap_err();
    assert_eq!(
        error,
        MatrixError::TokenTooShort {
            binding: "API_TOKEN".into(),
            chars: 3
        }
    );
    assert!(error.to_string().contains("at least 4"), "{error}");
    env.admin().set("API_TOKEN", "abcd").unwrap();
    assert!(block_on(ProtectedRoute::get("/", "API_TOKEN").check(&client)).is_ok());
}
