//! The admin route broken on purpose, four ways a real one gets broken, each caught by the same
//! checks the correct route passes — and each failure names the secret, the destination and
//! the place, never a value:
//!
//! - it forwards the caller's `Authorization` upstream (the admin token goes to the partner);
//! - it sends the partner key in the URL's query string;
//! - it also sends the partner key to a second host;
//! - it reads a missing classic secret as `""` and calls the partner anyway.
//!
//! `check_admin_route` is what a test suite for this Worker runs: the happy path with the
//! egress rules, the protected-route matrix (which checks every scenario's outbound requests
//! against the egress rules, and gives the partner key it finds read its own missing / failing
//! scenarios), and the route with the partner key deleted, failing or empty, which must fail
//! closed without calling out.

mod common;

use billing_worker::{
    ADMIN_TOKEN, PARTNER, PARTNER_API_KEY, PARTNER_KEY_HEADER, Partner, PartnerSummary,
    SUMMARY_PATH, authorize_admin, bad_gateway, handle, partner_key, server_error,
    summary_response,
};
use bytes::Bytes;
use common::{ADMIN, AUDIT, assert_no_value};
use devflare_bindings::{OutboundEnv, OutboundFetch};
use devflare_test::prelude::*;
use http::{Request, Response, StatusCode, Uri};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flaw {
    /// The handler as shipped: `billing_worker::handle`.
    None,
    ForwardsAuthorization,
    KeyInQuery,
    SecondHost,
    MissingKeyAsEmpty,
}

/// The admin route with one flaw, built from the Worker's own pieces so each differs from
/// the shipped route in one place only.
async fn broken_summary(
    request: &Request<Bytes>,
    env: &SecretsEnv,
    flaw: Flaw,
) -> Response<String> {
    if let Err(denied) = authorize_admin(request, env).await {
        return denied;
    }
    let (Ok(partner), Ok(environment)) =
        (env.object_var::<Partner>(PARTNER), env.var("ENVIRONMENT"))
    else {
        return server_error();
    };
    let key = if flaw == Flaw::MissingKeyAsEmpty {
        // BROKEN: an unbound, deleted or failing secret becomes an empty key.
        env.secret(PARTNER_API_KEY).unwrap_or_default()
    } else {
        let Some(key) = partner_key(env) else {
            return server_error();
        };
        key
    };
    let mut outbound = partner.summary_request(&key).unwrap();
    match flaw {
        // BROKEN: "pass the auth through" — the caller's admin token goes to the partner.
        Flaw::ForwardsAuthorization => {
            if let Some(authorization) = request.headers().get(http::header::AUTHORIZATION) {
                outbound
                    .headers_mut()
                    .insert(http::header::AUTHORIZATION, authorization.clone());
            }
        }
        // BROKEN: the key in the URL, where proxies and the partner's access log keep it.
        Flaw::KeyInQuery => {
            outbound.headers_mut().remove(PARTNER_KEY_HEADER);
            let url = format!("{}?api_key={key}", outbound.uri());
            *outbound.uri_mut() = url.parse::<Uri>().unwrap();
        }
        _ => {}
    }
    let fetcher = env.fetcher();
    let answer = match fetcher.fetch(outbound).await {
        Ok(answer) if answer.status().is_success() => answer,
        _ => return bad_gateway(),
    };
    if flaw == Flaw::SecondHost {
        // BROKEN: an audit event that copies the outbound request's headers, key included.
        let event = Request::post(AUDIT)
            .header(PARTNER_KEY_HEADER, &key)
            .body(Bytes::from_static(br#"{"event":"partner_summary"}"#))
            .unwrap();
        let _ = fetcher.fetch(event).await;
    }
    let Ok(summary) = serde_json::from_slice::<PartnerSummary>(answer.body()) else {
        return bad_gateway();
    };
    summary_response(&environment, &summary)
}

fn client(env: &SecretsEnv, flaw: Flaw) -> TestClient<impl devflare_test::client::Handler> {
    TestClient::new(env, async move |request, env| {
        if flaw == Flaw::None {
            handle(&request, env).await
        } else {
            broken_summary(&request, env, flaw).await
        }
    })
}

/// Every check of the admin route; each failure as one line, naming what failed.
async fn check_admin_route(flaw: Flaw) -> Vec<String> {
    let mut failures = Vec::new();

    // The happy path: 200, no leak in the response, every outbound request within the rules.
    let env = common::env();
    let response = client(&env, flaw)
        .send(TestRequest::get(SUMMARY_PATH).bearer(ADMIN))
        .await;
    if response.status() != StatusCode::OK || !response.leaks().is_empty() {
        failures.push(format!(
            "happy path: status {}, {} leak(s)",
            response.status(),
            response.leaks().len()
        ));
    }
    if let Err(failure) = env.upstream().check() {
        failures.push(format!("happy path: {failure}"));
    }

    // The matrix on the admin token: each scenario's outbound requests checked against the
    // egress rules, and the partner key (read by the right credential's run) missing and
    // failing.
    let env = common::env();
    let report = ProtectedRoute::get(SUMMARY_PATH, ADMIN_TOKEN)
        .rejected_with(StatusCode::UNAUTHORIZED)
        .fails_closed_with(StatusCode::INTERNAL_SERVER_ERROR)
        .check(&client(&env, flaw))
        .await
        .unwrap();
    if let Err(failure) = report.verdict() {
        failures.push(format!("matrix: {failure}"));
    }

    // The partner key unusable: the route must fail closed and call no one.
    for (how, break_key) in [
        (
            "deleted",
            (|env: &SecretsEnv| {
                env.admin().delete(PARTNER_API_KEY).unwrap();
            }) as fn(&SecretsEnv),
        ),
        ("failing", |env| {
            env.admin().fail(PARTNER_API_KEY, "unavailable").unwrap();
        }),
        ("empty", |env| env.admin().set(PARTNER_API_KEY, "").unwrap()),
    ] {
        let env = common::env();
        break_key(&env);
        let status = client(&env, flaw)
            .send(TestRequest::get(SUMMARY_PATH).bearer(ADMIN))
            .await
            .status();
        let calls = env.upstream().requests();
        if !status.is_server_error() || !calls.is_empty() {
            let sent: Vec<String> = calls
                .iter()
                .map(|call| format!("{} {}", call.method(), call.url()))
                .collect();
            failures.push(format!(
                "classic secret `{PARTNER_API_KEY}` {how}: the route answered {status} and \
                 called out {} time(s) ({}); it must fail closed (5xx) without calling the partner",
                calls.len(),
                sent.join(", ")
            ));
        }
    }

    for failure in &failures {
        assert_no_value(failure);
    }
    failures
}

/// The failures of `flaw`, which must contain `expected`.
async fn caught(flaw: Flaw, expected: &str) -> String {
    let failures = check_admin_route(flaw).await;
    assert!(!failures.is_empty(), "{flaw:?} was not caught");
    let text = failures.join("\n");
    assert!(
        text.contains(expected),
        "{flaw:?}: expected `{expected}` in:\n{text}"
    );
    text
}

/// Which checks failed: each failure starts with the check's name.
async fn failed_checks(flaw: Flaw) -> Vec<String> {
    check_admin_route(flaw)
        .await
        .iter()
        .map(|failure| failure.split(':').next().unwrap().to_owned())
        .collect()
}

/// An egress violation is caught on the happy path and by the matrix, in its
/// right-credential scenario (the one that calls the partner), and nowhere else.
async fn caught_by_the_egress_rules(flaw: Flaw, text: &str) {
    assert_eq!(
        failed_checks(flaw).await,
        ["happy path", "matrix"],
        "{text}"
    );
    let matrix = text.split("\nmatrix: ").nth(1).unwrap();
    assert!(
        matrix.contains(": 1 scenario(s)\n  - scenario `right credential`"),
        "{text}"
    );
}

#[tokio::test]
async fn the_correct_handler_passes_every_check() {
    assert_eq!(check_admin_route(Flaw::None).await, Vec::<String>::new());
}

#[tokio::test]
async fn forwarding_the_callers_authorization_is_caught() {
    let text = caught(
        Flaw::ForwardsAuthorization,
        "request #0: the caller's `Authorization` credential was forwarded upstream to GET \
         https://api.partner.example/v1/invoices/summary in header `authorization`",
    )
    .await;
    // The caller's credential is this Worker's admin token, which no rule lets out: named too.
    assert!(
        text.contains("request #0: secret `ADMIN_TOKEN` was sent to GET https://api.partner.example/v1/invoices/summary in header `authorization`: no egress rule lets this secret leave the Worker"),
        "{text}"
    );
    caught_by_the_egress_rules(Flaw::ForwardsAuthorization, &text).await;
}

#[tokio::test]
async fn the_partner_key_in_a_query_string_is_caught() {
    let text = caught(
        Flaw::KeyInQuery,
        "request #0: secret `PARTNER_API_KEY` was sent to GET \
         https://api.partner.example/v1/invoices/summary?api_key=[secret:PARTNER_API_KEY] \
         in the URL's query string",
    )
    .await;
    caught_by_the_egress_rules(Flaw::KeyInQuery, &text).await;
}

#[tokio::test]
async fn the_partner_key_sent_to_a_second_host_is_caught() {
    let text = caught(
        Flaw::SecondHost,
        "request #1: secret `PARTNER_API_KEY` was sent to POST https://audit.billing.example/events \
         in header `x-api-key`: no egress rule allows this origin",
    )
    .await;
    caught_by_the_egress_rules(Flaw::SecondHost, &text).await;
}

#[tokio::test]
async fn a_missing_partner_key_read_as_empty_is_caught() {
    let text = caught(
        Flaw::MissingKeyAsEmpty,
        "classic secret `PARTNER_API_KEY` deleted: the route answered 200 OK and called out 1 \
         time(s) (GET https://api.partner.example/v1/invoices/summary)",
    )
    .await;
    for how in ["failing", "empty"] {
        assert!(
            text.contains(&format!("classic secret `PARTNER_API_KEY` {how}: ")),
            "{text}"
        );
    }
    // The happy path cannot see this flaw; the matrix does, in the partner key's own
    // scenarios (found in the right credential's reads), as the missing-key checks do.
    assert_eq!(
        failed_checks(Flaw::MissingKeyAsEmpty).await,
        [
            "matrix",
            "classic secret `PARTNER_API_KEY` deleted",
            "classic secret `PARTNER_API_KEY` failing",
            "classic secret `PARTNER_API_KEY` empty",
        ],
        "{text}"
    );
    for scenario in ["PARTNER_API_KEY missing", "PARTNER_API_KEY failing"] {
        assert!(
            text.contains(&format!(
                "  - scenario `{scenario}` (authorization: Bearer [secret:ADMIN_TOKEN] \
                 (PARTNER_API_KEY "
            )),
            "{text}"
        );
    }
    assert!(
        text.contains(
            "called GET https://api.partner.example/v1/invoices/summary while secret \
             `PARTNER_API_KEY` could not be read"
        ),
        "{text}"
    );
}
