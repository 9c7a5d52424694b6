//! The matrix covers the whole route (issue 18 point 6): every scenario's outbound requests
//! are checked against the egress rules, and the secrets the route reads besides its
//! credential's binding get their own missing / failing / unbound scenarios. An admin route
//! that calls a partner API with a classic secret, broken six ways on purpose — each caught
//! by the matrix alone, with the scenario named and no value in the failure; the correct
//! handler passes.

use bytes::Bytes;
use devflare_test::matrix::MatrixReport;
use devflare_test::matrix::Problem;
use devflare_test::matrix::Scenario;
use devflare_test::prelude::*;
use http::{Request, Response, StatusCode};

/// The admin token (Secrets Store): a canary no output may contain.
const ADMIN: &str = "canary-matrix-admin-Wd4Kp9Zq";
/// The partner key (classic secret): a canary too.
const PARTNER_KEY: &str = "canary-matrix-partner-Lm3Xv7Ty";
const PARTNER: &str = "https://api.partner.example";
const SUMMARY: &str = "https://api.partner.example/v1/summary";
/// A partner path that redirects to another origin.
const MOVED: &str = "https://api.partner.example/v1/moved";
const MIRROR: &str = "https://mirror.other.example/v1/summary";
const AUDIT: &str = "https://audit.other.example/events";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flaw {
    None,
    ForwardsAuthorization,
    KeyInQuery,
    SecondHost,
    FollowsRedirectWithKey,
    MissingKeyAsEmpty,
    FailsOpenWithoutKey,
}

fn env() -> SecretsEnv {
    let env = SecretsEnv::builder()
        .secret("ADMIN_TOKEN", ADMIN)
        .classic_secret("PARTNER_API_KEY", PARTNER_KEY)
        .build()
        .unwrap();
    env.upstream()
        .route("GET", SUMMARY, FakeResponse::json(200, r#"{"total":3}"#))
        .unwrap()
        .route("GET", MOVED, FakeResponse::redirect(302, MIRROR))
        .unwrap()
        .route("GET", MIRROR, FakeResponse::json(200, r#"{"total":3}"#))
        .unwrap()
        .route("POST", AUDIT, FakeResponse::new(204))
        .unwrap()
        .allow_secret("PARTNER_API_KEY", PARTNER, Some("x-api-key"))
        .unwrap();
    env
}

fn reply(status: u16, body: &str) -> Response<String> {
    Response::builder()
        .status(status)
        .body(body.to_owned())
        .unwrap()
}

/// `GET /admin/summary`: admin only (Bearer `ADMIN_TOKEN`), calls the partner with
/// `PARTNER_API_KEY` in `x-api-key` — correct, or with one flaw.
async fn summary(request: &Request<Bytes>, env: &SecretsEnv, flaw: Flaw) -> Response<String> {
    let Some(presented) = request.headers().get("authorization") else {
        return reply(401, "");
    };
    let Ok(binding) = env.secret_store("ADMIN_TOKEN") else {
        return reply(500, "");
    };
    let Ok(Some(token)) = binding.get().await else {
        return reply(500, "");
    };
    if presented.as_bytes() != format!("Bearer {token}").as_bytes() {
        return reply(401, "");
    }
    let key = match (env.secret("PARTNER_API_KEY"), flaw) {
        (Ok(key), _) if !key.is_empty() => key,
        // BROKEN: an unreadable key becomes "" and the partner is called anyway.
        (_, Flaw::MissingKeyAsEmpty) => String::new(),
        // BROKEN: no key, no call — and an empty answer with 200, as if all were well.
        (_, Flaw::FailsOpenWithoutKey) => return reply(200, r#"{"total":0}"#),
        _ => return reply(500, ""),
    };
    let url = match flaw {
        // BROKEN: the key in the query string.
        Flaw::KeyInQuery => format!("{SUMMARY}?api_key={key}"),
        // BROKEN: a partner path that redirects to another origin, followed with the key.
        Flaw::FollowsRedirectWithKey => MOVED.to_owned(),
        _ => SUMMARY.to_owned(),
    };
    let mut outbound = Request::get(url).header("x-api-key", &key);
    if flaw == Flaw::ForwardsAuthorization {
        // BROKEN: "pass the auth through".
        outbound = outbound.header("authorization", presented);
    }
    let fetcher = env.fetcher();
    let Ok(answer) = fetcher.fetch(outbound.body(Bytes::new()).unwrap()).await else {
        return reply(502, "");
    };
    if flaw == Flaw::SecondHost {
        // BROKEN: an audit event that copies the key along.
        let event = Request::post(AUDIT)
            .header("x-api-key", &key)
            .body(Bytes::new())
            .unwrap();
        let _ = fetcher.fetch(event).await;
    }
    reply(
        answer.status().as_u16(),
        &String::from_utf8_lossy(answer.body()),
    )
}

fn route() -> ProtectedRoute {
    ProtectedRoute::get("/admin/summary", "ADMIN_TOKEN")
        .rejected_with(StatusCode::UNAUTHORIZED)
        .fails_closed_with(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The matrix's report on `route` for the handler with `flaw`; no value in it.
fn report_of(route: ProtectedRoute, flaw: Flaw) -> MatrixReport {
    let env = env();
    let client = TestClient::new(&env, async move |request, env| {
        summary(&request, env, flaw).await
    });
    let report = block_on(route.check(&client)).unwrap();
    let text = format!("{report}\n{report:?}");
    for canary in [ADMIN, PARTNER_KEY] {
        assert!(!text.contains(canary), "a value in the report:\n{text}");
    }
    assert!(
        !env.redactor().contains_secret(&text),
        "a value in the report"
    );
    report
}

/// The failure of `flaw`'s matrix, as text; it names `scenario` with `expected`.
fn caught(flaw: Flaw, scenario: &str, expected: &str) -> String {
    let report = report_of(route(), flaw);
    let failure = report
        .verdict()
        .expect_err(&format!("{flaw:?} was not caught:\n{report}"))
        .to_string();
    let line = failure
        .lines()
        .find(|line| line.starts_with(&format!("  - scenario `{scenario}`")))
        .unwrap_or_else(|| panic!("{flaw:?}: no failure of `{scenario}` in:\n{failure}"));
    assert!(
        line.contains(expected),
        "{flaw:?}: expected `{expected}` in:\n{line}"
    );
    failure
}

#[test]
fn the_correct_handler_passes_with_its_partner_key_checked_too() {
    let report = report_of(route(), Flaw::None);
    report.assert_passed();
    // The partner key, found in the right credential's reads, got its own scenarios.
    let names: Vec<&str> = report.results().iter().map(|r| r.name.as_str()).collect();
    for name in [
        "PARTNER_API_KEY missing",
        "PARTNER_API_KEY failing",
        "PARTNER_API_KEY unbound",
    ] {
        assert!(names.contains(&name), "{name} not in {names:?}");
    }
    let text = report.to_string();
    assert!(text.contains("PARTNER_API_KEY missing"), "{text}");
}

#[test]
fn forwarding_the_callers_authorization_upstream_fails_the_right_credential() {
    let text = caught(
        Flaw::ForwardsAuthorization,
        "right credential",
        "the caller's `Authorization` credential was forwarded upstream to GET \
         https://api.partner.example/v1/summary in header `authorization`",
    );
    assert!(
        text.contains("secret `ADMIN_TOKEN` was sent to GET"),
        "{text}"
    );
}

#[test]
fn the_partner_key_in_the_query_string_is_caught() {
    caught(
        Flaw::KeyInQuery,
        "right credential",
        "secret `PARTNER_API_KEY` was sent to GET \
         https://api.partner.example/v1/summary?api_key=[secret:PARTNER_API_KEY] in the URL's \
         query string",
    );
}

#[test]
fn the_partner_key_sent_to_a_second_host_is_caught() {
    caught(
        Flaw::SecondHost,
        "right credential",
        "secret `PARTNER_API_KEY` was sent to POST https://audit.other.example/events in \
         header `x-api-key`: no egress rule allows this origin",
    );
}

#[test]
fn a_redirect_to_another_origin_carrying_the_key_is_caught() {
    caught(
        Flaw::FollowsRedirectWithKey,
        "right credential",
        "secret `PARTNER_API_KEY` was sent to GET https://mirror.other.example/v1/summary in \
         header `x-api-key`, following a redirect from https://api.partner.example/v1/moved",
    );
}

#[test]
fn a_missing_classic_secret_read_as_empty_is_caught() {
    let text = caught(
        Flaw::MissingKeyAsEmpty,
        "PARTNER_API_KEY missing",
        "called GET https://api.partner.example/v1/summary while secret `PARTNER_API_KEY` \
         could not be read",
    );
    assert!(
        text.contains("scenario `PARTNER_API_KEY failing`"),
        "{text}"
    );
}

#[test]
fn failing_open_when_a_secondary_secret_is_missing_is_caught() {
    let text = caught(
        Flaw::FailsOpenWithoutKey,
        "PARTNER_API_KEY missing",
        "it fails open: access granted without a readable secret",
    );
    assert!(
        text.contains("scenario `PARTNER_API_KEY failing`"),
        "{text}"
    );
}

/// A secret the happy path does not read (it is read on another branch) is declared on the
/// route; a declared name that nothing binds cannot run.
#[test]
fn a_declared_secondary_secret_gets_its_scenarios_and_must_be_bound() {
    let report = report_of(
        route().also_reads("PARTNER_API_KEY"),
        Flaw::FailsOpenWithoutKey,
    );
    let failure = report.verdict().unwrap_err();
    assert_eq!(
        failure
            .failures()
            .iter()
            .filter(|r| r.name == "PARTNER_API_KEY missing")
            .count(),
        1,
        "declared and found: one set of scenarios\n{report}"
    );
    let env = env();
    let client = TestClient::new(&env, async |request, env| {
        summary(&request, env, Flaw::None).await
    });
    let error = block_on(route().also_reads("PARTNER_API_KY").check(&client)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the route reads `PARTNER_API_KY`, which the env does not bind; did you mean \
         `PARTNER_API_KEY`?"
    );
}

/// A route that makes no outbound call, and the handler's fetch failures: a fetch that no
/// route answers is named in the scenario that made it.
#[test]
fn a_fetch_no_route_answers_is_named_in_its_scenario() {
    let env = SecretsEnv::builder()
        .secret("ADMIN_TOKEN", ADMIN)
        .classic_secret("PARTNER_API_KEY", PARTNER_KEY)
        .build()
        .unwrap();
    env.upstream()
        .allow_secret("PARTNER_API_KEY", PARTNER, Some("x-api-key"))
        .unwrap();
    let client = TestClient::new(&env, async |request, env| {
        summary(&request, env, Flaw::None).await
    });
    let report = block_on(route().without_adversarial().check(&client)).unwrap();
    let row = report.result(Scenario::RightCredential).unwrap();
    assert!(
        row.problems()
            .iter()
            .any(|p| matches!(p, Problem::FetchFailed { .. })),
        "{report}"
    );
    assert!(
        report.to_string().contains(
            "an outbound request failed: the fake upstream has no route for GET \
             https://api.partner.example/v1/summary"
        ),
        "{report}"
    );
}

/// The partner key in the Secrets Store: its unbound scenario runs too (with an env without
/// that binding), and the store is as it was after the matrix.
#[test]
fn a_secrets_store_secondary_secret_is_probed_unbound_and_restored() {
    async fn handler(
        request: &Request<Bytes>,
        env: &SecretsEnv,
        unbound_as_empty: bool,
    ) -> Response<String> {
        let Ok(binding) = env.secret_store("ADMIN_TOKEN") else {
            return reply(500, "");
        };
        let Ok(Some(token)) = binding.get().await else {
            return reply(500, "");
        };
        let presented = request.headers().get("authorization");
        if presented.is_none_or(|p| p.as_bytes() != format!("Bearer {token}").as_bytes()) {
            return reply(401, "");
        }
        let key = match env.secret_store("PARTNER_API_KEY") {
            Ok(binding) => match binding.get().await {
                Ok(Some(key)) => key,
                _ => return reply(500, ""),
            },
            // BROKEN (when asked): no binding, no key — and no refusal either.
            Err(_) if unbound_as_empty => return reply(200, "{}"),
            Err(_) => return reply(500, ""),
        };
        let outbound = Request::get(SUMMARY)
            .header("x-api-key", key.as_str())
            .body(Bytes::new())
            .unwrap();
        match env.fetcher().fetch(outbound).await {
            Ok(answer) => reply(200, &String::from_utf8_lossy(answer.body())),
            Err(_) => reply(502, ""),
        }
    }
    for broken in [false, true] {
        let env = secrets_env! { ADMIN_TOKEN => ADMIN, PARTNER_API_KEY => PARTNER_KEY };
        env.upstream()
            .route("GET", SUMMARY, FakeResponse::json(200, "{}"))
            .unwrap()
            .allow_secret("PARTNER_API_KEY", PARTNER, Some("x-api-key"))
            .unwrap();
        let client = TestClient::new(&env, async move |request, env| {
            handler(&request, env, broken).await
        });
        let report = block_on(route().check(&client)).unwrap();
        let unbound = report
            .result(Scenario::OtherSecretUnbound(0))
            .unwrap_or_else(|| panic!("no unbound row:\n{report}"));
        assert_eq!(unbound.name, "PARTNER_API_KEY unbound");
        if broken {
            let failure = report.verdict().unwrap_err();
            assert_eq!(
                failure.scenarios(),
                [Scenario::OtherSecretUnbound(0)],
                "{report}"
            );
            assert!(
                failure.to_string().contains(
                    "it fails open: access granted without the binding (a deployment that \
                     forgot it)"
                ),
                "{failure}"
            );
        } else {
            report.assert_passed();
        }
        // The store as it was: the key readable again, no fault left.
        assert!(!env.admin().has_faults());
        let key = block_on(env.secret_store("PARTNER_API_KEY").unwrap().get()).unwrap();
        assert_eq!(key.as_deref(), Some(PARTNER_KEY));
    }
}

/// A classic secret deleted and failed by the matrix is back, unfailed, afterwards.
#[test]
fn a_classic_secondary_secret_is_restored_after_the_matrix() {
    let env = env();
    let client = TestClient::new(&env, async move |request, env| {
        summary(&request, env, Flaw::None).await
    });
    block_on(route().check(&client)).unwrap().assert_passed();
    assert!(!env.admin().has_faults());
    assert_eq!(env.secret("PARTNER_API_KEY").unwrap(), PARTNER_KEY);
}
