//! Issue 10's acceptance: for every credential kind, handlers broken on purpose are caught,
//! each failure naming the scenario and the binding with no value or derived credential in
//! any encoding; correct handlers (one comparing in constant time) pass.

#[cfg(feature = "webhooks")]
use devflare_test::client::TestClock;
use devflare_test::matrix::Scenario;
#[cfg(feature = "webhooks")]
use devflare_test::matrix::Signature;
use devflare_test::matrix::{Channel, CustomCredential, MatrixReport};
use devflare_test::prelude::*;
use http::{Request, Response};

use crate::canaries;
#[cfg(feature = "webhooks")]
use crate::routes::{BODY, Hook, hook_route, webhook};
use crate::routes::{Bug, Place, base64, respond, token_route};

fn env(binding: &str, canary: &str) -> SecretsEnv {
    SecretsEnv::builder()
        .secret(binding, canaries::value(canary))
        .build()
        .unwrap()
}

fn token_report(place: Place, bug: Bug, route: ProtectedRoute) -> (SecretsEnv, MatrixReport) {
    let env = env("API_TOKEN", "API_TOKEN");
    let client = TestClient::new(&env, async |request, env| {
        token_route(&request, env, "API_TOKEN", place, bug).await
    });
    let report = block_on(route.check(&client)).unwrap();
    drop(client);
    (env, report)
}

/// A tolerance or a clock at the end of `u64` is planned without overflowing (it panicked in
/// debug builds and wrapped to a wrong timestamp in release).
#[cfg(feature = "webhooks")]
#[test]
fn an_extreme_tolerance_or_clock_does_not_overflow() {
    let env = env("WEBHOOK_SECRET", "WEBHOOK_SECRET");
    let client = TestClient::new(&env, async |request, env| {
        webhook(&request, env, "WEBHOOK_SECRET", Hook::Stripe, Bug::None).await
    });
    for (tolerance, now) in [
        (u64::MAX, TestClock::DEFAULT),
        (300, TestClock::at(u64::MAX)),
    ] {
        let route = ProtectedRoute::post("/hooks/in", "WEBHOOK_SECRET")
            .json(BODY)
            .signed(Signature::stripe().tolerance_secs(tolerance))
            .now(now);
        let report = block_on(route.check(&client)).unwrap();
        assert!(report.to_string().contains("now + "), "{report}");
    }
}

#[cfg(feature = "webhooks")]
fn hook_report(hook: Hook, bug: Bug) -> (SecretsEnv, MatrixReport) {
    let env = env("WEBHOOK_SECRET", "WEBHOOK_SECRET");
    let client = TestClient::new(&env, async |request, env| {
        webhook(&request, env, "WEBHOOK_SECRET", hook, bug).await
    });
    let report = block_on(hook_route(hook).check(&client)).unwrap();
    drop(client);
    (env, report)
}

/// Every value and derived credential a report about `env` must not hold, in the forms a
/// report could show them.
fn forbidden(env: &SecretsEnv) -> Vec<String> {
    let mut out = Vec::new();
    for (_, value) in canaries::all() {
        out.push(value.to_owned());
        out.push(value.escape_debug().to_string());
        out.push(
            serde_json::to_string(value)
                .unwrap()
                .trim_matches('"')
                .to_owned(),
        );
    }
    let secret = block_on(
        env.secret_store(env.binding_names().next().unwrap())
            .unwrap()
            .get(),
    )
    .unwrap()
    .unwrap();
    // Derived credentials: a Basic pair, every webhook signature of the body at "now".
    out.push(base64(&format!("admin:{secret}")));
    out.push(base64(&format!("api:{secret}")));
    #[cfg(feature = "webhooks")]
    {
        let now = TestClock::DEFAULT.unix_secs();
        for message in [
            BODY.to_owned(),
            format!("{now}.{BODY}"),
            format!("v0:{now}:{BODY}"),
        ] {
            out.push(hmac_hex(&secret, &message));
        }
    }
    out
}

#[cfg(feature = "webhooks")]
fn hmac_hex(key: &str, message: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn assert_value_free(env: &SecretsEnv, text: &str) {
    assert!(
        !env.redactor().contains_secret(text),
        "a secret in:\n{text}"
    );
    for value in forbidden(env) {
        assert!(!text.contains(&value), "{value:?} in:\n{text}");
    }
}

/// The matrix fails at `scenario`, naming it and the binding, value-free everywhere.
#[track_caller]
fn caught(env: &SecretsEnv, report: &MatrixReport, scenario: Scenario) {
    let failure = report
        .verdict()
        .expect_err("the broken handler must be caught");
    assert!(
        failure.scenarios().contains(&scenario),
        "{scenario:?} not caught:\n{failure}"
    );
    let binding = env.binding_names().next().unwrap();
    assert_eq!(failure.binding(), binding);
    let message = failure.to_string();
    assert!(message.contains(&format!("`{binding}`")), "{message}");
    let name = &report.result(scenario).unwrap().name;
    assert!(message.contains(&format!("scenario `{name}`")), "{message}");
    assert_value_free(env, &format!("{message}\n{failure:?}\n{report:?}"));
}

#[track_caller]
fn passes(env: &SecretsEnv, report: &MatrixReport) {
    report.assert_passed();
    assert_value_free(env, &format!("{report}\n{report:?}"));
}

#[test]
fn correct_token_handlers_of_every_kind_pass() {
    for (place, route) in [
        (Place::Bearer, ProtectedRoute::get("/s", "API_TOKEN")),
        (
            Place::Basic("admin"),
            ProtectedRoute::get("/s", "API_TOKEN").basic("admin"),
        ),
        (
            Place::Query("key"),
            ProtectedRoute::get("/s", "API_TOKEN").query("key"),
        ),
        (
            Place::Cookie("session"),
            ProtectedRoute::get("/s", "API_TOKEN").cookie("session"),
        ),
    ] {
        let (env, report) = token_report(place, Bug::None, route);
        passes(&env, &report);
    }
}

#[cfg(feature = "webhooks")]
#[test]
fn correct_webhook_handlers_pass_including_constant_time_ones() {
    for hook in [Hook::Plain, Hook::GitHub, Hook::Stripe, Hook::Slack] {
        let (env, report) = hook_report(hook, Bug::None);
        passes(&env, &report);
        // The signature scenarios ran (not skipped) where the scheme has them.
        assert!(
            !report
                .result(Scenario::SignatureOneCharShort)
                .unwrap()
                .failed()
        );
        assert!(matches!(
            report
                .result(Scenario::RawBodyNotReserialized)
                .unwrap()
                .verdict,
            devflare_test::matrix::Verdict::Pass
        ));
    }
}

#[test]
fn basic_accepting_any_user_is_caught() {
    let route = ProtectedRoute::get("/s", "API_TOKEN").basic("admin");
    let (env, report) = token_report(Place::Basic("admin"), Bug::AnyUser, route);
    caught(&env, &report, Scenario::WrongUser);
}

#[test]
fn a_query_token_that_is_trimmed_is_caught() {
    let route = ProtectedRoute::get("/s", "API_TOKEN").query("key");
    let (env, report) = token_report(Place::Query("key"), Bug::Trims, route);
    caught(&env, &report, Scenario::LeadingWhitespace);
    caught(&env, &report, Scenario::TrailingWhitespace);
}

#[test]
fn a_cookie_compared_by_prefix_is_caught() {
    let route = ProtectedRoute::get("/s", "API_TOKEN").cookie("session");
    let (env, report) = token_report(Place::Cookie("session"), Bug::PrefixCompare, route);
    caught(&env, &report, Scenario::Prefix);
}

#[test]
fn a_token_accepted_from_a_second_channel_is_caught() {
    let route = ProtectedRoute::get("/s", "API_TOKEN");
    let (env, report) = token_report(Place::Bearer, Bug::SecondChannel, route);
    caught(&env, &report, Scenario::OtherChannel(Channel::QueryToken));
    assert_eq!(
        report.verdict().unwrap_err().scenarios(),
        [Scenario::OtherChannel(Channel::QueryToken)]
    );
}

#[test]
fn failing_open_when_the_binding_is_unbound_is_caught() {
    let (env, report) = token_report(
        Place::Bearer,
        Bug::FailsOpenUnbound,
        ProtectedRoute::get("/s", "API_TOKEN"),
    );
    caught(&env, &report, Scenario::BindingUnbound);
    assert!(report.to_string().contains("without the binding"));
    #[cfg(feature = "webhooks")]
    {
        let (env, report) = hook_report(Hook::GitHub, Bug::FailsOpenUnbound);
        caught(&env, &report, Scenario::BindingUnbound);
    }
}

#[test]
fn a_missing_secret_treated_as_empty_is_caught() {
    for (place, route) in [
        (Place::Bearer, ProtectedRoute::get("/s", "API_TOKEN")),
        (
            Place::Basic("admin"),
            ProtectedRoute::get("/s", "API_TOKEN").basic("admin"),
        ),
        (
            Place::Query("key"),
            ProtectedRoute::get("/s", "API_TOKEN").query("key"),
        ),
    ] {
        let (env, report) = token_report(place, Bug::MissingAsEmpty, route);
        caught(&env, &report, Scenario::EmptyCredentialWhileMissing);
    }
}

#[cfg(feature = "webhooks")]
#[test]
fn hmac_with_an_empty_key_when_the_secret_is_missing_is_caught() {
    for hook in [Hook::GitHub, Hook::Stripe, Hook::Slack] {
        let (env, report) = hook_report(hook, Bug::MissingAsEmpty);
        caught(&env, &report, Scenario::EmptyKeyWhileMissing);
    }
}

#[cfg(feature = "webhooks")]
#[test]
fn a_signature_compared_by_prefix_is_caught() {
    let (env, report) = hook_report(Hook::GitHub, Bug::PrefixCompare);
    caught(&env, &report, Scenario::SignaturePrefixOnly);
    caught(&env, &report, Scenario::SignatureOneCharShort);
}

#[cfg(feature = "webhooks")]
#[test]
fn a_signature_accepted_in_any_case_is_caught() {
    for hook in [Hook::Plain, Hook::GitHub, Hook::Stripe, Hook::Slack] {
        let (env, report) = hook_report(hook, Bug::AnyCase);
        caught(&env, &report, Scenario::SignatureUpperCaseHex);
    }
}

#[cfg(feature = "webhooks")]
#[test]
fn a_signature_over_a_reserialized_body_is_caught() {
    let (env, report) = hook_report(Hook::GitHub, Bug::Reserialized);
    caught(&env, &report, Scenario::RawBodyNotReserialized);
}

#[cfg(feature = "webhooks")]
#[test]
fn an_unchecked_timestamp_is_caught() {
    for hook in [Hook::Stripe, Hook::Slack] {
        let (env, report) = hook_report(hook, Bug::NoTimestampCheck);
        caught(&env, &report, Scenario::TimestampExpired);
        caught(&env, &report, Scenario::TimestampInTheFuture);
    }
}

#[cfg(feature = "webhooks")]
#[test]
fn the_matrix_clock_moves_the_signatures_not_the_wall_clock() {
    // A far-past "now": the handler reads the matrix's clock from the request, so the
    // scheme's timestamps stay in its tolerance.
    let env = env("WEBHOOK_SECRET", "WEBHOOK_SECRET");
    let client = TestClient::new(&env, async |request, env| {
        webhook(&request, env, "WEBHOOK_SECRET", Hook::Stripe, Bug::None).await
    });
    let route = hook_route(Hook::Stripe).now(TestClock::at(1_000_000_000));
    block_on(route.check(&client)).unwrap().assert_passed();
}

fn reversed(secret: &str) -> String {
    secret.chars().rev().collect()
}

#[test]
fn a_custom_credential_with_near_misses() {
    let env = env("API_TOKEN", "API_TOKEN");
    let credential = || {
        CustomCredential::new("x-token: <secret reversed>", |secret, request| {
            request.header("x-token", reversed(secret))
        })
        // Fed to the same function: the header then holds the secret as it is.
        .near_miss("not reversed", reversed)
    };
    let handler = |lenient: bool| {
        let env = &env;
        TestClient::new(env, async move |request: Request<bytes::Bytes>, env| {
            let Some(token) = request.headers().get("x-token") else {
                return respond(401, "{}");
            };
            let Ok(Ok(Some(secret))) = env.secret_store("API_TOKEN").map(|b| block_on(b.get()))
            else {
                return respond(500, "{}");
            };
            let token = token.to_str().unwrap_or_default();
            if token == reversed(&secret) || (lenient && token == secret) {
                respond(200, "{}")
            } else {
                respond(401, "{}")
            }
        })
    };
    let route = ProtectedRoute::get("/s", "API_TOKEN").custom(credential());
    let report = block_on(route.check(&handler(false))).unwrap();
    passes(&env, &report);
    let report = block_on(route.check(&handler(true))).unwrap();
    caught(&env, &report, Scenario::CustomNearMiss(0));
    assert_eq!(
        report.result(Scenario::CustomNearMiss(0)).unwrap().name,
        "near miss: not reversed"
    );
}

#[test]
fn a_route_uri_holding_a_secret_never_reaches_the_report() {
    let env = env("API_TOKEN", "API_TOKEN");
    let secret = canaries::value("API_TOKEN");
    let client = TestClient::new(&env, async |request, env| {
        token_route(&request, env, "API_TOKEN", Place::Bearer, Bug::None).await
    });
    let uri = format!(
        "/callback/{}/x?token={}&basic={}&day=1",
        secret,
        secret,
        base64(&format!("api:{secret}"))
    );
    let route = ProtectedRoute::get(uri, "API_TOKEN");
    assert!(!format!("{route:?}").contains(secret));
    let report = block_on(route.check(&client)).unwrap();
    report.assert_passed();
    assert_eq!(
        report.route(),
        "GET /callback/[secret:API_TOKEN]/x?token=[secret:API_TOKEN]&basic=[secret]&day=1"
    );
    let snapshot = devflare_test::__private::snapshot::matrix_text(&report);
    assert_value_free(&env, &format!("{report}\n{report:?}\n{snapshot}"));
}

/// A value holding URI separators (`/`, `+`, `=`: base64 often does) spans path segments and
/// query pairs: no segment holds it whole, and the line as a whole is still redacted.
#[test]
fn a_route_uri_holding_a_secret_with_separators_never_reaches_the_report() {
    let secret = "abcd/efgh+ijkl=mnop&qrst";
    let env = secrets_env! { API_TOKEN => secret };
    let client = TestClient::new(&env, async |_, _| respond(401, "{}"));
    for uri in [
        "/cb/abcd/efgh+ijkl=mnop&qrst/x".to_owned(),
        "/cb?t=abcd/efgh+ijkl=mnop&qrst&day=1".to_owned(),
    ] {
        let route = ProtectedRoute::get(uri.clone(), "API_TOKEN");
        let report = block_on(route.check(&client)).unwrap();
        assert!(!report.route().contains("efgh"), "{}", report.route());
        assert!(
            report.route().contains("[secret:API_TOKEN]"),
            "{}",
            report.route()
        );
        assert_value_free(&env, &format!("{report}\n{report:?}"));
    }
}

/// `value` percent-encoded as a query value is sent.
fn percent_encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A handler whose error quotes the credential it got with `{:?}`.
struct QuotesItsCredential;

impl devflare_test::client::Handler for QuotesItsCredential {
    async fn handle(
        &self,
        request: Request<bytes::Bytes>,
        _: &SecretsEnv,
    ) -> Result<Response<bytes::Bytes>, Box<dyn std::error::Error + Send + Sync>> {
        let sent: Vec<String> = request
            .headers()
            .values()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        Err(format!("rejected {sent:?} at {:?}", request.uri().query()).into())
    }
}

#[test]
fn an_escaped_credential_in_a_handler_error_never_reaches_the_report() {
    let token = canaries::value("QUOTE_TOKEN");
    assert!(token.contains('"') && token.contains('\\'));
    let env = secrets_env! { API_TOKEN => token };
    let client = TestClient::with_handler(&env, QuotesItsCredential);
    let report = block_on(ProtectedRoute::get("/x", "API_TOKEN").check(&client)).unwrap();
    let text = format!(
        "{report}\n{report:?}\n{}",
        devflare_test::__private::snapshot::matrix_text(&report)
    );
    assert!(text.contains("[credential as sent"), "{text}");
    let chars: Vec<char> = token.chars().collect();
    let near: Vec<String> = [&chars[..chars.len() - 1], &chars[1..]]
        .iter()
        .map(|c| c.iter().collect())
        .collect();
    for value in [token.to_owned(), near[0].clone(), near[1].clone()] {
        for form in [
            value.clone(),
            percent_encoded(&value),
            value.escape_debug().to_string(),
            serde_json::to_string(&value)
                .unwrap()
                .trim_matches('"')
                .to_owned(),
        ] {
            assert!(!text.contains(&form), "{form:?} in:\n{text}");
        }
    }
}
