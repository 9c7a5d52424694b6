//! Issue 19's matrix judgements, each with the handler that provokes it: a scenario waived
//! with a reason (shown as waived, never silently; a stale or empty waiver said so), the
//! upper-case-hex row that says what it found and how to waive it, a route that answers 404
//! or 405 to everything, and hints that never point the wrong way.

use devflare_test::matrix::MatrixError;
use devflare_test::matrix::Scenario;
#[cfg(feature = "webhooks")]
use devflare_test::matrix::Signature;
use devflare_test::matrix::{Channel, MatrixReport, Problem, StatusWhy, Verdict};
use devflare_test::prelude::*;
use http::StatusCode;

use crate::canaries;
use crate::routes::{Bug, Place, env, every_text, respond, token_report, token_route};
#[cfg(feature = "webhooks")]
use crate::routes::{Hook, webhook};

/// The last line of a report: its summary.
fn summary(report: &MatrixReport) -> String {
    report.to_string().lines().last().unwrap().to_owned()
}

// ---- Waivers ------------------------------------------------------------------------------

#[test]
fn a_waived_failure_is_reported_as_waived_not_failed() {
    let route = ProtectedRoute::get("/s", "API_TOKEN").allow(
        Scenario::OtherChannel(Channel::QueryToken),
        "the legacy dashboard sends ?token= until March",
    );
    let report = token_report(Bug::SecondChannel, route);
    report.assert_passed();
    let row = report
        .result(Scenario::OtherChannel(Channel::QueryToken))
        .unwrap();
    assert!(!row.failed());
    assert!(row.waived());
    match &row.verdict {
        Verdict::Waived { reason, problems } => {
            assert_eq!(reason, "the legacy dashboard sends ?token= until March");
            // What would have failed stays in the report.
            assert!(
                problems.iter().any(|p| matches!(
                    p,
                    Problem::Status {
                        why: StatusWhy::WrongCredentialAccepted,
                        ..
                    }
                )),
                "{report}"
            );
        }
        other => panic!("not waived: {other:?}\n{report}"),
    }
    let text = report.to_string();
    assert!(
        text.contains("waived: the legacy dashboard sends ?token= until March"),
        "{text}"
    );
    assert!(text.contains("a wrong credential was accepted"), "{text}");
    assert!(summary(&report).contains(", 1 waived"), "{text}");
    assert!(summary(&report).contains(" 0 failed"), "{text}");
}

#[test]
fn a_waiver_hides_only_its_own_scenario() {
    let route = ProtectedRoute::get("/s", "API_TOKEN").allow(Scenario::WrongToken, "not this one");
    let report = token_report(Bug::SecondChannel, route);
    let failure = report.verdict().unwrap_err();
    assert_eq!(
        failure.scenarios(),
        [Scenario::OtherChannel(Channel::QueryToken)],
        "{failure}"
    );
}

#[test]
fn a_waiver_for_a_passing_scenario_is_a_warning() {
    let route = ProtectedRoute::get("/s", "API_TOKEN").allow(Scenario::WrongToken, "flaky");
    let report = token_report(Bug::None, route);
    report.assert_passed();
    assert_eq!(
        report.result(Scenario::WrongToken).unwrap().verdict,
        Verdict::Pass
    );
    let warning = report
        .warnings()
        .iter()
        .find(|w| w.contains("wrong token"))
        .unwrap_or_else(|| panic!("no stale-waiver warning:\n{report}"));
    assert!(warning.contains("passed"), "{warning}");
    assert!(warning.contains(".allow(Scenario::WrongToken"), "{warning}");
    assert!(report.to_string().contains("warning: "), "{report}");
}

#[test]
fn a_waiver_for_a_scenario_that_does_not_run_is_a_warning() {
    let route = ProtectedRoute::get("/s", "API_TOKEN")
        .without_adversarial()
        .allow(Scenario::BindingUnbound, "no unbound deployments");
    let report = token_report(Bug::None, route);
    report.assert_passed();
    assert!(
        report
            .warnings()
            .iter()
            .any(|w| w.contains("binding unbound") && w.contains("does not run")),
        "{report}"
    );
}

#[test]
fn an_empty_waiver_reason_is_an_error_of_check() {
    let env = env("API_TOKEN");
    let client = TestClient::new(&env, async |request, env| {
        token_route(&request, env, "API_TOKEN", Place::Bearer, Bug::None).await
    });
    for reason in ["", "  \t"] {
        let error = block_on(
            ProtectedRoute::get("/s", "API_TOKEN")
                .allow(Scenario::WrongToken, reason)
                .check(&client),
        )
        .unwrap_err();
        assert_eq!(
            error,
            MatrixError::EmptyWaiverReason {
                scenario: Scenario::WrongToken
            }
        );
        let message = error.to_string();
        assert!(message.contains("wrong token"), "{message}");
        assert!(message.contains("reason"), "{message}");
    }
}

#[test]
fn a_waiver_reason_quoting_the_secret_shows_no_value() {
    let secret = canaries::value("API_TOKEN");
    let route = ProtectedRoute::get("/s", "API_TOKEN").allow(
        Scenario::OtherChannel(Channel::QueryToken),
        format!("old clients send {secret}"),
    );
    let report = token_report(Bug::SecondChannel, route);
    assert!(!every_text(&report).contains(secret), "{report}");
    assert!(report.to_string().contains("waived: old clients send"));
}

// ---- Upper-case hex -----------------------------------------------------------------------

#[cfg(feature = "webhooks")]
fn any_case_report(route: ProtectedRoute) -> MatrixReport {
    let env = env("WEBHOOK_SECRET");
    let client = TestClient::new(&env, async |request, env| {
        webhook(&request, env, "WEBHOOK_SECRET", Hook::GitHub, Bug::AnyCase).await
    });
    let report = block_on(route.check(&client)).unwrap();
    assert!(!env.redactor().contains_secret(&every_text(&report)));
    report
}

#[cfg(feature = "webhooks")]
fn github_route() -> ProtectedRoute {
    ProtectedRoute::post("/hooks/in", "WEBHOOK_SECRET")
        .json(r#"{"action":"opened"}"#)
        .signed(Signature::github())
}

#[cfg(feature = "webhooks")]
#[test]
fn upper_case_hex_says_it_is_the_right_mac_and_how_to_waive_it() {
    let report = any_case_report(github_route());
    let failure = report.verdict().unwrap_err();
    assert_eq!(
        failure.scenarios(),
        [Scenario::SignatureUpperCaseHex],
        "{failure}"
    );
    let row = report.result(Scenario::SignatureUpperCaseHex).unwrap();
    assert!(
        matches!(
            row.problems(),
            [Problem::Status {
                why: StatusWhy::RightMacInUpperCaseHex,
                ..
            }]
        ),
        "{report}"
    );
    let message = failure.to_string();
    assert!(
        !message.contains("a wrong credential was accepted"),
        "{message}"
    );
    assert!(
        message.contains("the right MAC in upper-case hex"),
        "{message}"
    );
    assert!(message.contains("lower case"), "{message}");
    assert!(
        message.contains(".allow(Scenario::SignatureUpperCaseHex, \""),
        "{message}"
    );
}

#[cfg(feature = "webhooks")]
#[test]
fn upper_case_hex_waived_as_the_hint_says_passes_and_shows_the_waiver() {
    let report = any_case_report(github_route().allow(
        Scenario::SignatureUpperCaseHex,
        "hex::decode accepts either case",
    ));
    report.assert_passed();
    assert!(
        report
            .to_string()
            .contains("waived: hex::decode accepts either case"),
        "{report}"
    );
}

// ---- A route that does not exist ----------------------------------------------------------

/// Routes only `path` (404 elsewhere) and only `method` there (405 otherwise), correctly
/// guarded by `Bearer <API_TOKEN>`.
fn routed_client<'e>(
    env: &'e SecretsEnv,
    method: &'static str,
    path: &'static str,
) -> TestClient<impl devflare_test::client::Handler + 'e> {
    TestClient::new(env, async move |request, env| {
        if request.uri().path() != path {
            return respond(404, r#"{"error":"not_found"}"#);
        }
        if request.method() != method {
            return respond(405, r#"{"error":"method_not_allowed"}"#);
        }
        token_route(&request, env, "API_TOKEN", Place::Bearer, Bug::None).await
    })
}

#[track_caller]
fn route_not_found(report: &MatrixReport, status: u16, route: &str) {
    let failure = report.verdict().unwrap_err();
    // One failure, with one problem: the route.
    assert_eq!(
        failure.scenarios(),
        [Scenario::RightCredential],
        "{failure}"
    );
    assert!(
        matches!(
            failure.failures()[0].problems(),
            [Problem::RouteNotFound { status: s, .. }] if s.as_u16() == status
        ),
        "{failure}"
    );
    let message = failure.to_string();
    assert!(
        message.contains(&format!(
            "every scenario answered {status}: does the route exist? (method and path: {route})"
        )),
        "{message}"
    );
    // No hint pointing elsewhere, and nothing "passes" on a 404.
    for wrong in [
        "must be a server error",
        "the right credential was not accepted",
        "captured",
    ] {
        assert!(!message.contains(wrong), "{wrong:?} in\n{message}");
    }
    assert!(summary(report).starts_with("result: 0 passed"), "{report}");
}

#[test]
fn a_wrong_path_fails_with_does_the_route_exist() {
    let env = env("API_TOKEN");
    let client = routed_client(&env, "GET", "/internal/stats");
    let report =
        block_on(ProtectedRoute::get("/internal/stat", "API_TOKEN").check(&client)).unwrap();
    route_not_found(&report, 404, "GET /internal/stat");
    // The right path passes.
    block_on(ProtectedRoute::get("/internal/stats", "API_TOKEN").check(&client))
        .unwrap()
        .assert_passed();
}

#[test]
fn a_wrong_method_fails_with_does_the_route_exist() {
    let env = env("API_TOKEN");
    let client = routed_client(&env, "GET", "/internal/stats");
    let report =
        block_on(ProtectedRoute::post("/internal/stats", "API_TOKEN").check(&client)).unwrap();
    route_not_found(&report, 405, "POST /internal/stats");
}

/// A handler that hides its route from wrong credentials with a 404 is not a missing route:
/// the right credential gets in.
#[test]
fn a_route_answering_404_to_wrong_credentials_is_judged_as_usual() {
    let env = env("API_TOKEN");
    let client = TestClient::new(&env, async |request, env| {
        let response = token_route(&request, env, "API_TOKEN", Place::Bearer, Bug::None).await;
        if response.status() == StatusCode::UNAUTHORIZED {
            respond(404, "{}")
        } else {
            response
        }
    });
    block_on(ProtectedRoute::get("/s", "API_TOKEN").check(&client))
        .unwrap()
        .assert_passed();
}

// ---- Hints that point the right way -------------------------------------------------------

#[test]
fn a_public_route_is_told_it_is_not_protected_not_pointed_at_a_captured_env() {
    let env = env("API_TOKEN");
    let client = TestClient::new(&env, async |_request, _env| respond(200, r#"{"ok":true}"#));
    let report = block_on(ProtectedRoute::get("/s", "API_TOKEN").check(&client)).unwrap();
    let none = report.result(Scenario::NoCredentials).unwrap();
    assert!(
        none.problems().contains(&Problem::NotProtected {
            binding: "API_TOKEN".to_owned()
        }),
        "{report}"
    );
    for row in report.results() {
        assert!(
            !row.problems().iter().any(|p| matches!(
                p,
                Problem::CapturedEnv { .. } | Problem::RouteNotFound { .. }
            )),
            "{report}"
        );
    }
}

#[test]
fn a_handler_failing_open_is_told_so() {
    let report = token_report(
        Bug::FailsOpenUnbound,
        ProtectedRoute::get("/s", "API_TOKEN"),
    );
    let row = report.result(Scenario::BindingUnbound).unwrap();
    assert!(
        matches!(
            row.problems(),
            [Problem::Status {
                why: StatusWhy::FailsOpenUnbound,
                ..
            }]
        ),
        "{report}"
    );
}

#[test]
fn a_wrong_credential_let_in_is_told_so() {
    let report = token_report(Bug::Trims, ProtectedRoute::get("/s", "API_TOKEN"));
    let row = report.result(Scenario::LeadingWhitespace).unwrap();
    assert!(
        matches!(
            row.problems(),
            [Problem::Status {
                why: StatusWhy::WrongCredentialAccepted,
                ..
            }]
        ),
        "{report}"
    );
}
