//! The leak scan: every fixture value, in every encoding, anywhere in a response.

use devflare_test::prelude::*;
use devflare_test::{redact::Encoding, redact::Leak, redact::LeakLocation, redact::ValueKind};
use http::Response;

use crate::canaries;
use crate::routes::base64;

fn respond_with(env: &SecretsEnv, header: Option<&str>, body: String) -> Vec<Leak> {
    let header = header.map(str::to_owned);
    let client = TestClient::new(env, async |_, _| {
        let mut response = Response::builder().status(200);
        if let Some(value) = &header {
            response = response.header("x-echo", value.as_str());
        }
        response.body(body.clone()).unwrap()
    });
    client.send_blocking(TestRequest::get("/")).leaks()
}

#[test]
fn finds_each_encoding_and_says_where() {
    let token = "canary/token with \"quotes\" & é";
    let env = secrets_env! { API_TOKEN => token };
    let cases = [
        (token.to_owned(), Encoding::Raw),
        (base64(token), Encoding::Base64),
        (
            "canary%2Ftoken%20with%20%22quotes%22%20%26%20%C3%A9".to_owned(),
            Encoding::UrlEncoded,
        ),
        (
            "canary%2ftoken+with+%22quotes%22+%26+%c3%a9".to_owned(),
            Encoding::UrlEncoded,
        ),
        (
            serde_json::to_string(token)
                .unwrap()
                .trim_matches('"')
                .to_owned(),
            Encoding::JsonEscaped,
        ),
        (
            r#"canary\/token with \"quotes\" & \u00e9"#.to_owned(),
            Encoding::JsonEscaped,
        ),
    ];
    for (form, encoding) in cases {
        let leaks = respond_with(&env, None, format!("xx{form}"));
        assert_eq!(leaks.len(), 1, "{encoding}: {leaks:?}");
        assert_eq!(leaks[0].binding, "API_TOKEN");
        assert_eq!(leaks[0].kind, ValueKind::Secret);
        assert_eq!(leaks[0].encoding, encoding);
        assert_eq!(leaks[0].location, LeakLocation::Body { offset: 2 });
        let text = leaks[0].to_string();
        assert!(!text.contains("canary"), "{text}");
    }
}

#[test]
fn finds_headers_and_rotated_away_values() {
    let old = canaries::value("API_TOKEN");
    let env = secrets_env! { API_TOKEN => old, ADMIN_TOKEN => canaries::value("ADMIN_TOKEN") };
    env.admin()
        .rotate("API_TOKEN", "rotated-value-123")
        .unwrap();
    let leaks = respond_with(&env, Some(old), canaries::value("ADMIN_TOKEN").to_owned());
    let found: Vec<String> = leaks.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "secret `API_TOKEN` leaked in header `x-echo`",
            "secret `ADMIN_TOKEN` leaked in the body at byte offset 0",
        ]
    );
}

#[test]
fn a_clean_response_has_no_leaks() {
    let env = secrets_env! { API_TOKEN => canaries::value("API_TOKEN") };
    assert!(respond_with(&env, Some("fine"), r#"{"ok":true}"#.to_owned()).is_empty());
}

#[test]
fn redacts_longest_first_and_in_every_encoding() {
    let env = secrets_env! { LONG => "abc-secret-xyz", SHORT => "secret" };
    let redactor = env.redactor();
    assert_eq!(
        redactor.redact(&format!(
            "abc-secret-xyz secret {}",
            base64("abc-secret-xyz")
        )),
        "[secret:LONG] [secret:SHORT] [secret:LONG:base64]="
    );
    assert!(!format!("{redactor:?}").contains("secret-xyz"));
}

/// The benchmark's shape (a 64 KiB body, 100 secrets × every encoding) as a correctness check:
/// one hit found at the right offset. Timing is left to the benchmark.
#[test]
fn scans_a_64_kib_body_against_100_secrets() {
    let mut builder = SecretsEnv::builder();
    for i in 0..100 {
        builder = builder.secret(
            format!("SECRET_{i:03}"),
            format!("canary-value-{i:03}-Zq9Lm"),
        );
    }
    let env = builder.build().unwrap();
    let mut body = "lorem ipsum ".repeat(64 * 1024 / 12);
    body.push_str(&base64("canary-value-042-Zq9Lm"));
    let leaks = respond_with(&env, None, body.clone());
    assert_eq!(leaks.len(), 1);
    assert_eq!(leaks[0].binding, "SECRET_042");
    assert_eq!(
        leaks[0].location,
        LeakLocation::Body {
            offset: 64 * 1024 / 12 * 12
        }
    );
    assert!(env.redactor().pattern_count() >= 200);
}

#[test]
fn a_value_set_after_the_env_built_its_redactor_is_hidden_in_the_next_output() {
    // The env caches its redactor; a rotation, a new value on a classic secret, a derived
    // value and a plain `set` must each invalidate it.
    let env = secrets_env! { API_TOKEN => canaries::value("API_TOKEN") };
    let client = TestClient::new(&env, async |request: http::Request<bytes::Bytes>, _| {
        // Echoes the query: the test decides what leaks.
        let echoed = request.uri().query().unwrap_or_default().to_owned();
        http::Response::builder().status(500).body(echoed).unwrap()
    });
    let rotated = "rotated-after-build-4f1c";
    let first = client.send_blocking(TestRequest::get(format!("/?{rotated}")));
    // The redactor is built here, before the rotation, and cached on the env.
    assert!(first.leaks().is_empty());
    assert!(format!("{first:?}").contains(rotated));

    env.admin().rotate("API_TOKEN", rotated).unwrap();
    let second = client.send_blocking(TestRequest::get(format!("/?{rotated}")));
    let leaks: Vec<String> = second.leaks().iter().map(ToString::to_string).collect();
    assert_eq!(
        leaks,
        ["secret `API_TOKEN` leaked in the body at byte offset 0"]
    );
    // The captured response from before the rotation is checked against the env as it is now.
    assert_eq!(first.leaks().len(), 1);
    let shown = format!("{second:?}");
    assert!(!shown.contains(rotated), "{shown}");
    let message = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        second.assert_status(200);
    }))
    .expect_err("500 is not 200");
    let message = message.downcast_ref::<String>().unwrap();
    assert!(!message.contains(rotated), "{message}");

    let derived = "derived-after-build-77aa";
    let third = client.send_blocking(TestRequest::get(format!("/?{derived}")));
    assert!(third.leaks().is_empty());
    env.register_derived("API_TOKEN", derived).unwrap();
    assert_eq!(third.leaks().len(), 1);
    assert_eq!(env.redactor().redact(derived), "[secret:API_TOKEN:derived]");

    let set = "set-after-build-0b9e";
    assert_eq!(env.redactor().redact(set), set);
    env.admin().set("API_TOKEN", set).unwrap();
    assert_eq!(env.redactor().redact(set), "[secret:API_TOKEN]");
}

#[test]
fn a_classic_secret_changed_after_the_env_built_its_redactor_is_hidden() {
    let env = SecretsEnv::builder()
        .classic_secret("LEGACY_KEY", canaries::value("API_TOKEN"))
        .build()
        .unwrap();
    let next = "classic-next-value-9d2e";
    assert_eq!(env.redactor().redact(next), next);
    env.admin().set("LEGACY_KEY", next).unwrap();
    assert_eq!(env.redactor().redact(next), "[secret:LEGACY_KEY]");
}
