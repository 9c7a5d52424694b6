//! Issue 16's matrix findings: a report that never shows a signature the matrix computed
//! (whichever row a handler quotes it in), a signing oracle caught by the leak scan, the probes
//! that proved less than they said, and a handler reading a captured env diagnosed as such.

#[cfg(feature = "webhooks")]
use std::sync::{Arc, Mutex};

#[cfg(feature = "webhooks")]
use devflare_test::client::TestClock;
use devflare_test::matrix::Scenario;
use devflare_test::matrix::{Channel, MatrixReport, Problem, StatusWhy};
use devflare_test::prelude::*;
#[cfg(feature = "webhooks")]
use devflare_test::redact::ValueKind;
use http::StatusCode;

#[cfg(feature = "webhooks")]
use crate::routes::{BODY, Hook, hook_route, webhook};
use crate::routes::{Bug, Place, env, every_text, respond, token_report, token_route};

#[track_caller]
fn caught(report: &MatrixReport, scenario: Scenario) {
    let failure = report
        .verdict()
        .expect_err("the broken handler must be caught");
    assert!(
        failure.scenarios().contains(&scenario),
        "{scenario:?} not caught:\n{failure}"
    );
    assert!(
        !env("API_TOKEN")
            .redactor()
            .contains_secret(&every_text(report))
    );
}

// ---- Report hygiene and the signing oracle -------------------------------------------------

/// The hex HMAC-SHA256 a GitHub or Stripe handler expects for `request`, at the timestamp the
/// request carries.
#[cfg(feature = "webhooks")]
fn expected_signature(hook: Hook, secret: &str, request: &http::Request<bytes::Bytes>) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    if hook == Hook::Stripe {
        let ts = request
            .headers()
            .get("stripe-signature")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').find_map(|p| p.strip_prefix("t=")))
            .map_or_else(
                || TestClock::of(request).unix_secs().to_string(),
                str::to_owned,
            );
        mac.update(format!("{ts}.").as_bytes());
    }
    mac.update(request.body());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A webhook handler that verifies correctly but, on a mismatch, fails with the common log
/// line `signature mismatch: expected sha256=<hex>`; every signature it quoted is kept.
#[cfg(feature = "webhooks")]
struct QuotesExpected {
    hook: Hook,
    quoted: Arc<Mutex<Vec<String>>>,
}

#[cfg(feature = "webhooks")]
impl devflare_test::client::Handler for QuotesExpected {
    async fn handle(
        &self,
        request: http::Request<bytes::Bytes>,
        env: &SecretsEnv,
    ) -> Result<http::Response<bytes::Bytes>, Box<dyn std::error::Error + Send + Sync>> {
        let reply = |status: u16| {
            Ok(http::Response::builder()
                .status(status)
                .body(bytes::Bytes::new())
                .unwrap())
        };
        let Ok(binding) = env.secret_store("WEBHOOK_SECRET") else {
            return reply(500);
        };
        let Ok(Some(secret)) = binding.get().await else {
            return reply(500);
        };
        let expected = expected_signature(self.hook, &secret, &request);
        let ok = webhook(&request, env, "WEBHOOK_SECRET", self.hook, Bug::None).await;
        if ok.status().is_success() {
            return reply(200);
        }
        self.quoted.lock().unwrap().push(expected.clone());
        let prefix = if self.hook == Hook::Stripe {
            "v1="
        } else {
            "sha256="
        };
        Err(format!("signature mismatch: expected {prefix}{expected}").into())
    }
}

#[cfg(feature = "webhooks")]
#[test]
fn a_handler_error_quoting_the_valid_signature_never_shows_it_in_any_row() {
    for hook in [Hook::GitHub, Hook::Stripe] {
        let env = env("WEBHOOK_SECRET");
        let quoted = Arc::new(Mutex::new(Vec::new()));
        let handler = QuotesExpected {
            hook,
            quoted: Arc::clone(&quoted),
        };
        let client = TestClient::with_handler(&env, handler);
        let report = block_on(hook_route(hook).check(&client)).unwrap();
        let text = every_text(&report);
        let quoted = quoted.lock().unwrap().clone();
        assert!(quoted.len() > 5, "{hook:?}: {quoted:?}");
        for signature in &quoted {
            assert!(
                !text.contains(signature.as_str()),
                "{hook:?}: {signature} in:\n{text}"
            );
        }
        assert!(text.contains("[secret:WEBHOOK_SECRET:derived]"), "{text}");
        // The literal prefix is no credential: it stays, the signature after it is hidden.
        let prefix_only = report.result(Scenario::SignaturePrefixOnly).unwrap();
        let problems: Vec<String> = prefix_only
            .problems()
            .iter()
            .map(|p| p.to_string())
            .collect();
        let prefix = if hook == Hook::Stripe {
            "v1="
        } else {
            "sha256="
        };
        assert!(
            problems
                .iter()
                .any(|p| p.contains(&format!("expected {prefix}[secret:WEBHOOK_SECRET:derived]"))),
            "{hook:?}: {problems:?}"
        );
    }
}

#[cfg(feature = "webhooks")]
#[test]
fn a_signing_oracle_fails_the_scenario_whose_response_echoed_a_valid_signature() {
    let env = env("WEBHOOK_SECRET");
    let client = TestClient::new(&env, async |request, env| {
        let checked = webhook(&request, env, "WEBHOOK_SECRET", Hook::GitHub, Bug::None).await;
        if checked.status().is_success() {
            return checked;
        }
        let Ok(binding) = env.secret_store("WEBHOOK_SECRET") else {
            return respond(500, "{}");
        };
        let secret = binding.get().await.ok().flatten().unwrap_or_default();
        let expected = expected_signature(Hook::GitHub, &secret, &request);
        respond(
            401,
            &format!(r#"{{"error":"bad_signature","expected":"sha256={expected}"}}"#),
        )
    });
    let report = block_on(hook_route(Hook::GitHub).check(&client)).unwrap();
    let failure = report.verdict().expect_err("a signing oracle must fail");
    for scenario in [Scenario::SignedWithAnotherSecret, Scenario::NoCredentials] {
        assert!(failure.scenarios().contains(&scenario), "{failure}");
        let result = report.result(scenario).unwrap();
        assert!(
            result.problems().iter().any(|p| matches!(
                p,
                Problem::Leak(leak) if leak.kind == ValueKind::Derived && leak.binding == "WEBHOOK_SECRET"
            )),
            "{failure}"
        );
    }
    assert!(
        failure
            .to_string()
            .contains("scenario `signed with another secret`")
    );
}

// ---- Probes ---------------------------------------------------------------------------------

#[test]
fn an_empty_credential_is_probed_while_the_store_fails_and_unbound() {
    let route =
        || ProtectedRoute::get("/s", "API_TOKEN").fails_closed_with(StatusCode::UNAUTHORIZED);
    caught(
        &token_report(Bug::FailingAsEmpty, route()),
        Scenario::EmptyCredentialWhileFailing,
    );
    caught(
        &token_report(Bug::UnboundAsEmpty, route()),
        Scenario::EmptyCredentialWhileUnbound,
    );
}

#[cfg(feature = "webhooks")]
#[test]
fn an_empty_key_signature_is_probed_while_the_store_fails_and_unbound() {
    for (bug, scenario) in [
        (Bug::FailingAsEmpty, Scenario::EmptyKeyWhileFailing),
        (Bug::UnboundAsEmpty, Scenario::EmptyKeyWhileUnbound),
    ] {
        let env = env("WEBHOOK_SECRET");
        let client = TestClient::new(&env, async |request, env| {
            webhook(&request, env, "WEBHOOK_SECRET", Hook::GitHub, bug).await
        });
        let route = hook_route(Hook::GitHub).fails_closed_with(StatusCode::UNAUTHORIZED);
        let report = block_on(route.check(&client)).unwrap();
        let failure = report.verdict().unwrap_err();
        assert!(failure.scenarios().contains(&scenario), "{failure}");
    }
}

#[test]
fn the_token_as_the_basic_user_and_in_api_key_headers_is_probed() {
    caught(
        &token_report(
            Bug::TokenAsBasicUser,
            ProtectedRoute::get("/s", "API_TOKEN"),
        ),
        Scenario::OtherChannel(Channel::BasicUser),
    );
    for (header, channel) in [
        ("x-api-key", Channel::XApiKey),
        ("api-key", Channel::ApiKey),
        ("x-auth-token", Channel::XAuthToken),
    ] {
        let report = token_report(
            Bug::OtherHeader(header),
            ProtectedRoute::get("/s", "API_TOKEN"),
        );
        caught(&report, Scenario::OtherChannel(channel));
        let row = report.result(Scenario::OtherChannel(channel)).unwrap();
        assert_eq!(row.credential, format!("{header}: [secret:API_TOKEN]"));
    }
}

#[test]
fn a_route_that_declares_an_api_key_header_is_not_probed_on_it() {
    let report = token_report(
        Bug::None,
        ProtectedRoute::get("/s", "API_TOKEN").api_key_header("X-Api-Key"),
    );
    assert!(
        report
            .result(Scenario::OtherChannel(Channel::XApiKey))
            .is_none()
    );
    assert!(
        report
            .result(Scenario::OtherChannel(Channel::ApiKey))
            .is_some()
    );
}

#[cfg(feature = "webhooks")]
#[test]
fn a_github_handler_falling_back_to_sha1_is_caught() {
    let env = env("WEBHOOK_SECRET");
    let client = TestClient::new(&env, async |request, env| {
        webhook(
            &request,
            env,
            "WEBHOOK_SECRET",
            Hook::GitHub,
            Bug::Sha1Fallback,
        )
        .await
    });
    let report = block_on(hook_route(Hook::GitHub).check(&client)).unwrap();
    let failure = report.verdict().unwrap_err();
    assert_eq!(
        failure.scenarios(),
        [Scenario::SignatureLegacySha1],
        "{failure}"
    );
    let row = report.result(Scenario::SignatureLegacySha1).unwrap();
    assert_eq!(
        row.credential,
        "x-hub-signature: sha1=[HMAC-SHA1 of the body with [secret:WEBHOOK_SECRET]]"
    );
    assert!(!every_text(&report).contains(&sha1_hex(crate::canaries::value("WEBHOOK_SECRET"))));
    // Only GitHub-style routes get the probe.
    let client = TestClient::new(&env, async |request, env| {
        webhook(&request, env, "WEBHOOK_SECRET", Hook::Stripe, Bug::None).await
    });
    let report = block_on(hook_route(Hook::Stripe).check(&client)).unwrap();
    report.assert_passed();
    assert!(matches!(
        report
            .result(Scenario::SignatureLegacySha1)
            .unwrap()
            .verdict,
        devflare_test::matrix::Verdict::NotApplicable(_)
    ));
}

#[cfg(feature = "webhooks")]
fn sha1_hex(secret: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(BODY.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Each row says exactly what its request carried.
#[cfg(feature = "webhooks")]
#[test]
fn stripe_rows_describe_what_is_sent() {
    let env = env("WEBHOOK_SECRET");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let client = TestClient::new(&env, {
        let seen = Arc::clone(&seen);
        async move |request, env| {
            let value = request
                .headers()
                .get("stripe-signature")
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            seen.lock().unwrap().push(value);
            webhook(&request, env, "WEBHOOK_SECRET", Hook::Stripe, Bug::None).await
        }
    });
    let report = block_on(hook_route(Hook::Stripe).check(&client)).unwrap();
    report.assert_passed();
    let now = TestClock::DEFAULT.unix_secs();
    let seen = seen.lock().unwrap().clone();
    let empty = report.result(Scenario::EmptyCredential).unwrap();
    assert_eq!(empty.credential, "stripe-signature: \"\"");
    assert!(seen.contains(&Some(String::new())), "{seen:?}");
    let prefix_only = report.result(Scenario::SignaturePrefixOnly).unwrap();
    assert_eq!(prefix_only.credential, "stripe-signature: t=<now>,v1=");
    assert!(seen.contains(&Some(format!("t={now},v1="))), "{seen:?}");
    let right = report.result(Scenario::RightCredential).unwrap();
    assert!(
        right
            .credential
            .starts_with("stripe-signature: t=<now>,v1=["),
        "{}",
        right.credential
    );
}

#[cfg(feature = "webhooks")]
#[test]
fn a_timestamp_outside_the_signature_is_a_warning_not_a_silent_na() {
    let env = env("WEBHOOK_SECRET");
    let client = TestClient::new(&env, async |request, env| {
        webhook(&request, env, "WEBHOOK_SECRET", Hook::Plain, Bug::None).await
    });
    let route = ProtectedRoute::post("/hooks/in", "WEBHOOK_SECRET")
        .json(BODY)
        .signed(Signature::hmac_sha256("X-Signature").timestamp_header("X-Timestamp"));
    let report = block_on(route.check(&client)).unwrap();
    assert_eq!(report.warnings().len(), 1, "{report}");
    assert!(report.warnings()[0].contains("timestamp"), "{report}");
    let text = report.to_string();
    assert!(text.contains("\nwarning: "), "{text}");
    // A signed timestamp warns of nothing.
    let client = TestClient::new(&env, async |request, env| {
        webhook(&request, env, "WEBHOOK_SECRET", Hook::Slack, Bug::None).await
    });
    let report = block_on(hook_route(Hook::Slack).check(&client)).unwrap();
    assert!(report.warnings().is_empty(), "{report}");
}

// ---- A captured env -------------------------------------------------------------------------

fn no_fails_open(report: &MatrixReport) {
    for result in report.results() {
        for problem in result.problems() {
            assert!(
                !matches!(
                    problem,
                    Problem::Status {
                        why: StatusWhy::FailsOpen | StatusWhy::FailsOpenUnbound,
                        ..
                    }
                ),
                "`{}` blamed for failing open:\n{report}",
                result.name
            );
        }
    }
    assert!(!report.to_string().contains("fails open"), "{report}");
}

#[test]
fn a_handler_reading_a_captured_clone_is_diagnosed_not_blamed_for_failing_open() {
    let env = env("API_TOKEN");
    let captured = env.clone();
    let client = TestClient::new(&env, async move |request, _given| {
        token_route(&request, &captured, "API_TOKEN", Place::Bearer, Bug::None).await
    });
    let report = block_on(ProtectedRoute::get("/s", "API_TOKEN").check(&client)).unwrap();
    let failure = report
        .verdict()
        .expect_err("a captured env must be reported");
    assert!(
        failure.scenarios().contains(&Scenario::BindingUnbound),
        "{failure}"
    );
    // Only the rows run with another env than the client's can tell, and they say just that.
    for row in failure.failures() {
        assert_eq!(
            row.problems(),
            [Problem::CapturedEnv {
                binding: "API_TOKEN".to_owned()
            }],
            "{failure}"
        );
    }
    assert!(
        failure
            .to_string()
            .contains("reads an env it captured, not the one it was given"),
        "{failure}"
    );
    no_fails_open(&report);
}

#[test]
fn a_handler_reading_another_env_is_diagnosed_not_blamed_for_failing_open() {
    let env = env("API_TOKEN");
    let other = self::env("API_TOKEN");
    let client = TestClient::new(&env, async move |request, _given| {
        token_route(&request, &other, "API_TOKEN", Place::Bearer, Bug::None).await
    });
    let report = block_on(ProtectedRoute::get("/s", "API_TOKEN").check(&client)).unwrap();
    let failure = report
        .verdict()
        .expect_err("a captured env must be reported");
    assert!(
        failure.scenarios().contains(&Scenario::RightCredential),
        "{failure}"
    );
    for scenario in [
        Scenario::SecretMissing,
        Scenario::StoreFailing,
        Scenario::BindingUnbound,
    ] {
        let row = report.result(scenario).unwrap();
        assert!(
            row.problems()
                .iter()
                .any(|p| matches!(p, Problem::CapturedEnv { .. })),
            "{report}"
        );
    }
    assert!(
        report
            .to_string()
            .contains("reads an env it captured, not the one it was given"),
        "{report}"
    );
    no_fails_open(&report);
}

#[test]
fn a_public_route_is_not_hinted_at_a_captured_env() {
    let env = env("API_TOKEN");
    let client = TestClient::new(&env, async |_request, _env| respond(200, r#"{"ok":true}"#));
    let report = block_on(ProtectedRoute::get("/s", "API_TOKEN").check(&client)).unwrap();
    let text = report.to_string();
    assert!(!report.passed());
    assert!(!text.contains("captured"), "{text}");
    assert!(
        text.contains("a request without any credential got in"),
        "{text}"
    );
}
