//! Outside the matrix: a response snapshot or dump of a hand-signed webhook request hides every
//! valid signature of its body made with a fixture secret, in the forms the known schemes
//! send (GitHub and generic hex, Shopify base64, Stripe and Slack over their timestamps).

use bytes::Bytes;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use devflare_test::prelude::*;
use devflare_test::{assert_response_snapshot, client::TestClock};

use crate::canaries;

const BODY: &str = r#"{"action":"opened","number":7}"#;

fn mac(key: &str, message: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn base64(bytes: &[u8]) -> String {
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes)
}

/// A handler that quotes every request header back, in a header and in its body, as a
/// verifier's log line does ("expected sha256=…").
fn echoing_client(env: &SecretsEnv) -> TestClient<impl devflare_test::client::Handler> {
    TestClient::new(env, async |request: http::Request<Bytes>, _env| {
        let mut quoted = String::new();
        for (name, value) in request.headers() {
            quoted.push_str(&format!("{name}={} ", value.to_str().unwrap_or("?")));
        }
        http::Response::builder()
            .status(401)
            .header("x-expected", quoted.trim_end())
            .body(format!("signature mismatch: expected {quoted}"))
            .unwrap()
    })
}

fn env() -> SecretsEnv {
    secrets_env! { WEBHOOK_SECRET => canaries::value("WEBHOOK_SECRET") }
}

/// A GitHub delivery signed by hand with the fixture secret, sent to the echoing handler: the
/// valid signature, and the response that quotes it.
fn hand_signed_github_echo(env: &SecretsEnv) -> (String, CapturedResponse) {
    let signature = hex(&mac(canaries::value("WEBHOOK_SECRET"), BODY));
    let response = echoing_client(env).send_blocking(
        TestRequest::post("/hooks/github")
            .header("X-Hub-Signature-256", format!("sha256={signature}"))
            .json(BODY),
    );
    (signature, response)
}

#[test]
fn a_hand_signed_github_request_s_snapshot_hides_its_signature() {
    let env = env();
    let (signature, response) = hand_signed_github_echo(&env);
    let snapshot = response.to_snapshot();
    assert!(!snapshot.contains(&signature), "{snapshot}");
    assert!(
        snapshot.contains("sha256=[signature:WEBHOOK_SECRET]"),
        "{snapshot}"
    );
    let dump = format!("{response:?}");
    assert!(!dump.contains(&signature), "{dump}");
    assert_response_snapshot!(response, @r#"
    request:
      POST /hooks/github
      content-type: "application/json"
      x-hub-signature-256: "sha256=[signature:WEBHOOK_SECRET]"
    response:
      401 Unauthorized
      x-expected: "x-hub-signature-256=sha256=[signature:WEBHOOK_SECRET] content-type=application/json"

    signature mismatch: expected x-hub-signature-256=sha256=[signature:WEBHOOK_SECRET] content-type=application/json
    "#);
}

#[test]
fn a_hand_signed_stripe_request_s_snapshot_hides_its_signature() {
    let env = env();
    let t = "1700000000";
    let signature = hex(&mac(
        canaries::value("WEBHOOK_SECRET"),
        &format!("{t}.{BODY}"),
    ));
    let response = echoing_client(&env).send_blocking(
        TestRequest::post("/hooks/stripe")
            .header("Stripe-Signature", format!("t={t},v1={signature}"))
            .json(BODY),
    );
    let text = format!("{}\n{response:?}", response.to_snapshot());
    assert!(!text.contains(&signature), "{text}");
    assert!(
        text.contains(&format!("t={t},v1=[signature:WEBHOOK_SECRET]")),
        "{text}"
    );
}

#[test]
fn slack_and_shopify_signatures_and_a_rotated_key_s_are_hidden_too() {
    let env = env();
    let old = canaries::value("WEBHOOK_SECRET");
    env.admin()
        .rotate("WEBHOOK_SECRET", "rotated-webhook-key-7Tq2")
        .unwrap();
    let ts = "1700000123";
    let slack = hex(&mac("rotated-webhook-key-7Tq2", &format!("v0:{ts}:{BODY}")));
    let shopify = base64(&mac(old, BODY));
    let response = echoing_client(&env).send_blocking(
        TestRequest::post("/hooks/slack")
            .header("X-Slack-Request-Timestamp", ts)
            .header("X-Slack-Signature", format!("v0={slack}"))
            .header("X-Shopify-Hmac-Sha256", &shopify)
            .json(BODY),
    );
    let text = format!("{}\n{response:?}", response.to_snapshot());
    for signature in [&slack, &shopify] {
        assert!(!text.contains(signature.as_str()), "{text}");
    }
    assert!(text.contains("v0=[signature:WEBHOOK_SECRET]"), "{text}");
    // Only a valid signature of this body is hidden: one of another body stays (it proves
    // nothing about this request and is not replayable with it).
    let other = hex(&mac(old, "another body"));
    let response = echoing_client(&env).send_blocking(
        TestRequest::post("/hooks/github")
            .header("X-Hub-Signature-256", format!("sha256={other}"))
            .json(BODY),
    );
    assert!(response.to_snapshot().contains(&other));
}

#[test]
fn an_assertion_failure_quoting_the_signature_hides_it() {
    let env = env();
    let (signature, response) = hand_signed_github_echo(&env);
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        response.assert_body("ok");
    }))
    .unwrap_err();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("[signature:WEBHOOK_SECRET]"), "{message}");
    assert!(!message.contains(&signature), "{message}");
}

/// `TestRequest::signed` signs as each scheme does, over the final body at the request's clock,
/// whatever the order of the calls.
#[test]
fn a_test_request_signs_itself_for_every_scheme() {
    let key = "whsec-key-4b1d";
    let at = TestClock::at(1_700_000_000);
    let github = TestRequest::post("/hook")
        .signed(Signature::github(), key)
        .body(BODY)
        .build();
    assert_eq!(
        github.headers()["x-hub-signature-256"],
        format!("sha256={}", hex(&mac(key, BODY))).as_str()
    );
    let stripe = TestRequest::post("/hook")
        .signed(Signature::stripe(), key)
        .at(at)
        .body(BODY)
        .build();
    assert_eq!(
        stripe.headers()["stripe-signature"],
        format!(
            "t=1700000000,v1={}",
            hex(&mac(key, &format!("1700000000.{BODY}")))
        )
        .as_str()
    );
    let slack = TestRequest::post("/hook")
        .body(BODY)
        .at(at)
        .signed(Signature::slack(), key)
        .build();
    assert_eq!(slack.headers()["x-slack-request-timestamp"], "1700000000");
    assert_eq!(
        slack.headers()["x-slack-signature"],
        format!("v0={}", hex(&mac(key, &format!("v0:1700000000:{BODY}")))).as_str()
    );
    let custom = TestRequest::post("/hook")
        .body(BODY)
        .signed(
            Signature::hmac_sha256("X-Shopify-Hmac-Sha256").base64(),
            key,
        )
        .build();
    assert_eq!(
        custom.headers()["x-shopify-hmac-sha256"],
        base64(&mac(key, BODY)).as_str()
    );
}

/// A signature `TestRequest::signed` made is hidden in the snapshot of its response even for a
/// scheme and a key the env knows nothing of.
#[test]
fn a_signature_made_by_signed_is_hidden_in_snapshots_whatever_its_key() {
    let env = env();
    let key = "not-a-fixture-value-9e2";
    let scheme = Signature::hmac_sha256("X-Custom-Sig").signs([
        devflare_test::matrix::SignedPart::Text("v9|".into()),
        devflare_test::matrix::SignedPart::Body,
    ]);
    let response = echoing_client(&env)
        .send_blocking(TestRequest::post("/hook").body(BODY).signed(scheme, key));
    let signature = hex(&mac(key, &format!("v9|{BODY}")));
    let snapshot = response.to_snapshot();
    assert!(!snapshot.contains(&signature), "{snapshot}");
    assert!(
        snapshot.contains("[signature:TestRequest::signed]"),
        "{snapshot}"
    );
    assert!(!format!("{response:?}").contains(&signature));
}
