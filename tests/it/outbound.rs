//! Outbound requests: the fake upstream (routes, records, redirects as workerd follows them)
//! and the egress rules — handlers broken on purpose, each caught with the secret, the
//! destination and the place named, and no value in any failure text.

use bytes::Bytes;
use devflare_test::prelude::*;
use devflare_test::{
    outbound::EgressReason, outbound::EgressViolation, outbound::FakeUpstream,
    outbound::FetchError, outbound::RequestPart,
};
use http::{Request, Response};

/// The partner key: a canary that must never appear in any failure text, in any encoding.
const PARTNER_KEY: &str = "canary-partner-key-Zx7Wq2Lm";
/// What the caller presents: not a secret of the Worker, but theirs.
const CALLER_TOKEN: &str = "caller-token-Hq3Ls8Vd";
const PARTNER: &str = "https://api.partner.example";
const REPORT: &str = "https://api.partner.example/v1/report";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flaw {
    None,
    ForwardsAuthorization,
    KeyInQuery,
    SecondHost,
    PlainHttp,
}

fn env() -> SecretsEnv {
    let env = secrets_env! { PARTNER_API_KEY => PARTNER_KEY };
    env.upstream()
        .route("GET", REPORT, FakeResponse::json(200, r#"{"total":3}"#))
        .unwrap()
        .route(
            "*",
            "https://metrics.other.example/*",
            FakeResponse::new(204),
        )
        .unwrap()
        .route(
            "GET",
            "http://api.partner.example/*",
            FakeResponse::new(200),
        )
        .unwrap()
        .allow_secret("PARTNER_API_KEY", PARTNER, Some("x-api-key"))
        .unwrap();
    env
}

/// The admin report handler: reads the partner key, calls the partner, relays the answer.
async fn report(request: &Request<Bytes>, env: &SecretsEnv, flaw: Flaw) -> Response<String> {
    let Ok(Some(key)) = env.secret_store("PARTNER_API_KEY").unwrap().get().await else {
        return Response::builder().status(500).body(String::new()).unwrap();
    };
    let url = match flaw {
        Flaw::KeyInQuery => format!("{REPORT}?api_key={key}"),
        Flaw::PlainHttp => "http://api.partner.example/v1/report".to_owned(),
        _ => REPORT.to_owned(),
    };
    let mut outbound = Request::get(url).header("x-api-key", &key);
    if flaw == Flaw::ForwardsAuthorization
        && let Some(authorization) = request.headers().get("authorization")
    {
        outbound = outbound.header("authorization", authorization);
    }
    let fetcher = env.fetcher();
    let answer = match fetcher.fetch(outbound.body(Bytes::new()).unwrap()).await {
        Ok(answer) => answer,
        Err(_) => return Response::builder().status(502).body(String::new()).unwrap(),
    };
    if flaw == Flaw::SecondHost {
        let copy = Request::post("https://metrics.other.example/collect")
            .header("x-api-key", &key)
            .body(Bytes::new())
            .unwrap();
        let _ = fetcher.fetch(copy).await;
    }
    Response::new(String::from_utf8_lossy(answer.body()).into_owned())
}

fn run(env: &SecretsEnv, flaw: Flaw) -> CapturedResponse {
    let client = TestClient::new(env, async move |request, env| {
        report(&request, env, flaw).await
    });
    client.send_blocking(TestRequest::get("/admin/report").bearer(CALLER_TOKEN))
}

/// No canary, in any encoding, in `text`.
fn assert_no_value(text: &str) {
    for secret in [PARTNER_KEY, CALLER_TOKEN] {
        for (_, encoded) in devflare_test::__private::every_encoding(secret) {
            assert!(!text.contains(&encoded), "a value leaked into: {text}");
        }
    }
}

/// The single violation of `flaw`, its failure text checked for names and for values.
fn violation_of(flaw: Flaw) -> (EgressViolation, String) {
    let env = env();
    run(&env, flaw).assert_status(200);
    let upstream = env.upstream();
    let failure = upstream.check().expect_err("the egress check must fail");
    let text = failure.to_string();
    assert_no_value(&text);
    let panic = std::panic::catch_unwind(|| upstream.assert_clean()).unwrap_err();
    let panic = panic.downcast_ref::<String>().unwrap();
    assert_no_value(panic);
    assert_eq!(*panic, text);
    assert_eq!(failure.violations().len(), 1, "{text}");
    (failure.violations()[0].clone(), text)
}

#[test]
fn the_correct_handler_passes() {
    let env = env();
    let response = run(&env, Flaw::None);
    response.assert_status(200).assert_body(r#"{"total":3}"#);
    let upstream = env.upstream();
    upstream.assert_clean();
    let requests = upstream.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method(), "GET");
    assert_eq!(requests[0].url(), REPORT);
    assert_eq!(
        requests[0].header("X-Api-Key").as_deref(),
        Some("[secret:PARTNER_API_KEY]")
    );
    assert_eq!(
        requests[0].route(),
        Some("GET https://api.partner.example/v1/report")
    );
    assert_eq!(requests[0].status(), Some(200));
    assert_no_value(&format!("{requests:?} {upstream:?}"));
}

#[test]
fn forwarding_the_callers_authorization_is_caught() {
    let (violation, text) = violation_of(Flaw::ForwardsAuthorization);
    assert_eq!(violation.reason, EgressReason::CallerCredential);
    assert_eq!(violation.secret, "Authorization");
    assert_eq!(violation.part, RequestPart::Header("authorization".into()));
    assert!(
        text.contains("the caller's `Authorization` credential was forwarded upstream to GET https://api.partner.example/v1/report in header `authorization`"),
        "{text}"
    );
}

#[test]
fn the_key_in_a_query_string_is_caught_even_at_the_allowed_origin() {
    let (violation, text) = violation_of(Flaw::KeyInQuery);
    assert_eq!(violation.reason, EgressReason::InUrl);
    assert_eq!(violation.part, RequestPart::UrlQuery);
    assert_eq!(
        violation.destination,
        "https://api.partner.example/v1/report?api_key=[secret:PARTNER_API_KEY]"
    );
    assert!(
        text.contains("secret `PARTNER_API_KEY` was sent to GET https://api.partner.example/v1/report?api_key=[secret:PARTNER_API_KEY] in the URL's query string"),
        "{text}"
    );
}

#[test]
fn the_key_sent_to_a_second_host_is_caught() {
    let (violation, text) = violation_of(Flaw::SecondHost);
    assert_eq!(violation.reason, EgressReason::OtherOrigin);
    assert_eq!(violation.request, 1);
    assert!(
        text.contains("secret `PARTNER_API_KEY` was sent to POST https://metrics.other.example/collect in header `x-api-key`: no egress rule allows this origin (allowed: https://api.partner.example in header `x-api-key`)"),
        "{text}"
    );
}

#[test]
fn the_key_over_plain_http_is_caught() {
    let (violation, text) = violation_of(Flaw::PlainHttp);
    assert_eq!(violation.reason, EgressReason::PlainHttp);
    assert!(text.contains("plain `http://`"), "{text}");
    assert!(
        text.contains("sent to GET http://api.partner.example/v1/report in header `x-api-key`"),
        "{text}"
    );
}

/// The partner answers with a redirect to another origin: the fetcher follows it, and the
/// key in `x-api-key` goes along (as every header does in workerd).
#[test]
fn a_redirect_to_another_origin_with_the_key_is_caught() {
    let env = secrets_env! { PARTNER_API_KEY => PARTNER_KEY };
    env.upstream()
        .route(
            "GET",
            REPORT,
            FakeResponse::redirect(302, "https://cdn.other.example/report.json"),
        )
        .unwrap()
        .route(
            "GET",
            "https://cdn.other.example/*",
            FakeResponse::json(200, "{}"),
        )
        .unwrap()
        .allow_secret("PARTNER_API_KEY", PARTNER, Some("x-api-key"))
        .unwrap();
    run(&env, Flaw::None).assert_status(200);
    let upstream = env.upstream();
    let requests = upstream.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(requests[1].redirected_from(), Some(0));
    assert_eq!(requests[1].url(), "https://cdn.other.example/report.json");
    let failure = upstream.check().unwrap_err();
    let text = failure.to_string();
    assert_no_value(&text);
    let [violation] = failure.violations() else {
        panic!("{text}")
    };
    assert_eq!(violation.reason, EgressReason::OtherOrigin);
    assert_eq!(violation.redirected_from.as_deref(), Some(REPORT));
    assert!(
        text.contains("secret `PARTNER_API_KEY` was sent to GET https://cdn.other.example/report.json in header `x-api-key`, following a redirect from https://api.partner.example/v1/report"),
        "{text}"
    );
}

fn fetch(
    upstream_env: &SecretsEnv,
    request: Request<Bytes>,
) -> Result<Response<Bytes>, FetchError> {
    block_on(upstream_env.fetcher().fetch(request))
}

fn redirecting(status: u16, to: &str) -> (SecretsEnv, FakeUpstream) {
    let env = secrets_env! { PARTNER_API_KEY => PARTNER_KEY };
    let upstream = env.upstream();
    upstream
        .route(
            "*",
            "https://a.example/start",
            FakeResponse::redirect(status, to),
        )
        .unwrap()
        .route("*", "https://a.example/*", FakeResponse::new(200))
        .unwrap()
        .route("*", "https://b.example/*", FakeResponse::new(200))
        .unwrap();
    (env, upstream)
}

/// workerd's `fetch` sends every header on to a redirect's other origin, `Authorization`
/// included (the conformance run's billing rows measured it); the Fetch standard's browsers
/// drop `Authorization` there, workerd does not, so neither does the fake.
#[test]
fn a_cross_origin_redirect_keeps_authorization_and_custom_headers_as_workerd_does() {
    let (env, upstream) = redirecting(307, "https://b.example/next");
    let request = Request::get("https://a.example/start")
        .header("authorization", "Bearer upstream-token-1")
        .header("x-custom", "kept")
        .body(Bytes::new())
        .unwrap();
    fetch(&env, request).unwrap();
    let requests = upstream.requests();
    assert_eq!(requests[1].url(), "https://b.example/next");
    assert_eq!(
        requests[1].header("authorization").as_deref(),
        Some("Bearer upstream-token-1")
    );
    assert_eq!(requests[1].header("x-custom").as_deref(), Some("kept"));

    // Same origin: Authorization stays.
    let (env, upstream) = redirecting(307, "/elsewhere");
    let request = Request::get("https://a.example/start")
        .header("authorization", "Bearer upstream-token-1")
        .body(Bytes::new())
        .unwrap();
    fetch(&env, request).unwrap();
    let requests = upstream.requests();
    assert_eq!(requests[1].url(), "https://a.example/elsewhere");
    assert_eq!(
        requests[1].header("authorization").as_deref(),
        Some("Bearer upstream-token-1")
    );
}

#[test]
fn redirects_change_the_method_as_fetch_does() {
    let post = || {
        Request::post("https://a.example/start")
            .header("content-type", "application/json")
            .body(Bytes::from_static(b"{}"))
            .unwrap()
    };
    for (status, method, body) in [
        (301, "GET", ""),
        (302, "GET", ""),
        (303, "GET", ""),
        (307, "POST", "{}"),
        (308, "POST", "{}"),
    ] {
        let (env, upstream) = redirecting(status, "https://a.example/next");
        fetch(&env, post()).unwrap();
        let hop = &upstream.requests()[1];
        assert_eq!(hop.method(), method, "{status}");
        assert_eq!(hop.body_text(), body, "{status}");
        assert_eq!(
            hop.header("content-type").is_some(),
            method == "POST",
            "{status}"
        );
    }
}

#[test]
fn at_most_twenty_redirects_are_followed() {
    let (env, upstream) = redirecting(302, "https://a.example/start");
    let error = fetch(
        &env,
        Request::get("https://a.example/start")
            .body(Bytes::new())
            .unwrap(),
    )
    .unwrap_err();
    assert!(
        matches!(error, FetchError::TooManyRedirects { .. }),
        "{error}"
    );
    assert_eq!(upstream.requests().len(), 21);
    assert!(upstream.check().is_err());
}

#[test]
fn an_unmatched_request_lists_the_routes_closest_first() {
    let env = env();
    let error = fetch(
        &env,
        Request::get(format!("{PARTNER}/v2/report?key={PARTNER_KEY}"))
            .body(Bytes::new())
            .unwrap(),
    )
    .unwrap_err();
    let text = error.to_string();
    assert_no_value(&text);
    assert_eq!(
        text,
        "the fake upstream has no route for GET https://api.partner.example/v2/report?key=[secret:PARTNER_API_KEY]; \
         its routes, closest first: `GET https://api.partner.example/v1/report`, \
         `* https://metrics.other.example/*`, `GET http://api.partner.example/*`. \
         Add one with `env.upstream().route(\"GET\", \"<URL or prefix/*>\", FakeResponse::new(200))`"
    );
    // Recorded and scanned all the same: the request left the Worker.
    let upstream = env.upstream();
    assert_eq!(upstream.requests().len(), 1);
    assert_eq!(upstream.requests()[0].route(), None);
    let failure = upstream.check().unwrap_err();
    assert_eq!(failure.fetch_errors(), [error]);
    assert_eq!(failure.violations()[0].reason, EgressReason::InUrl);
}

#[test]
fn a_secret_with_no_rule_may_not_leave_and_rules_are_checked() {
    let env = secrets_env! { PARTNER_API_KEY => PARTNER_KEY };
    let upstream = env.upstream();
    upstream
        .route("POST", REPORT, FakeResponse::new(200))
        .unwrap();
    let body = format!(r#"{{"key":"{PARTNER_KEY}"}}"#);
    fetch(&env, Request::post(REPORT).body(Bytes::from(body)).unwrap()).unwrap();
    let [violation] = &upstream.violations()[..] else {
        panic!("{:?}", upstream.violations())
    };
    assert_eq!(violation.reason, EgressReason::NoRule);
    assert_eq!(violation.part, RequestPart::Body { offset: 8 });
    assert_no_value(&violation.to_string());

    // A rule without a header allows any header and the body, never the URL.
    upstream.reset();
    upstream
        .allow_secret("PARTNER_API_KEY", PARTNER, None)
        .unwrap();
    let body = format!(r#"{{"key":"{PARTNER_KEY}"}}"#);
    fetch(&env, Request::post(REPORT).body(Bytes::from(body)).unwrap()).unwrap();
    upstream.assert_clean();

    let unknown = upstream
        .allow_secret("PARTNER_API_KYE", PARTNER, None)
        .unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "egress rule for `PARTNER_API_KYE`: the env has no such secret; did you mean `PARTNER_API_KEY`?"
    );
    for origin in [
        "http://api.partner.example",
        "https://api.partner.example/v1",
        "partner",
    ] {
        assert!(
            upstream
                .allow_secret("PARTNER_API_KEY", origin, None)
                .is_err(),
            "{origin}"
        );
    }
    assert!(
        upstream
            .allow_secret("PARTNER_API_KEY", "http://127.0.0.1:8787", None)
            .is_ok()
    );
}

#[test]
fn the_key_in_another_header_or_base64_is_caught() {
    let env = env();
    let (_, encoded) = devflare_test::__private::every_encoding(PARTNER_KEY)
        .into_iter()
        .find(|(encoding, _)| *encoding == devflare_test::redact::Encoding::Base64)
        .unwrap();
    fetch(
        &env,
        Request::get(REPORT)
            .header("authorization", format!("Basic {encoded}"))
            .body(Bytes::new())
            .unwrap(),
    )
    .unwrap();
    let [violation] = &env.upstream().violations()[..] else {
        panic!()
    };
    assert_eq!(violation.reason, EgressReason::OtherPlace);
    assert_eq!(violation.encoding, devflare_test::redact::Encoding::Base64);
    assert_no_value(&violation.to_string());
}
