//! What workerd does where the fakes once differed from it, as the conformance run
//! (`bash .ci/conformance`, the billing Worker's table) observed it: each test states
//! workerd's text or behaviour, and the fake now agrees.

use billing_worker::{PARTNER, PARTNER_API_KEY};
use devflare_test::outbound::FakeResponse;
use devflare_test::prelude::*;

const WRANGLER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/wrangler.toml");

/// The Worker's config, its classic secret given (a test value, not a canary: never sent).
fn env() -> SecretsEnv {
    SecretsEnv::builder()
        .wrangler_config(WRANGLER)
        .classic_secret(PARTNER_API_KEY, "test-partner-key-0000")
        .build()
        .unwrap()
}

/// workerd (worker 0.8.6, serde-wasm-bindgen) through `env.object_var::<u64>("PARTNER")`;
/// serde_json would say `invalid type: map, expected u64`.
#[test]
fn object_var_with_json_the_type_rejects_gives_workerds_text() {
    let env = env();
    let error = env.object_var::<u64>(PARTNER).unwrap_err().to_string();
    assert_eq!(
        error,
        r#"Error: invalid type: JsValue(Object({"origin":"https://api.partner.example","summary_path":"/v1/invoices/summary"})), expected u64"#
    );
}

/// The JSON of the conformance run's probe var `PROBE_LIMITS` (conformance/driver/src/billing.rs).
fn probe_limits() -> serde_json::Value {
    serde_json::json!({
        "big": 9_007_199_254_740_993_u64,
        "burst": 1,
        "floor": -1,
        "list": [1.5, "x", { "k": true }, [2, null], 1e21, 0.000_001],
        "nested": { "x": null, "y": [1, "two"] },
        "ratio": 0.5,
        "tags": "a,b"
    })
}

fn probe_env() -> SecretsEnv {
    SecretsEnv::builder()
        .wrangler_config(WRANGLER)
        .json_var("PROBE_LIMITS", probe_limits())
        .json_var("PROBE_LIST", serde_json::json!(["a", { "b": 2 }]))
        .build()
        .unwrap()
}

/// `env.object_var::<T>("PROBE_LIMITS")` for a `T` with one field, as workerd answers it
/// (the conformance rows `probe_*`).
fn one_field<T: serde::de::DeserializeOwned + std::fmt::Debug>() -> String {
    probe_env()
        .object_var::<T>("PROBE_LIMITS")
        .unwrap_err()
        .to_string()
}

/// Every JavaScript number is a float to serde-wasm-bindgen: serde_json would say
/// ``integer `1` `` and ``integer `-1` ``, and accept 2^53 + 1 as a `u64`.
#[test]
fn numbers_the_type_rejects_read_as_floats_as_in_workerd() {
    #[derive(Debug, serde::Deserialize)]
    struct Burst {
        #[serde(rename = "burst")]
        _v: String,
    }
    #[derive(Debug, serde::Deserialize)]
    struct Ratio {
        #[serde(rename = "ratio")]
        _v: u32,
    }
    #[derive(Debug, serde::Deserialize)]
    struct Floor {
        #[serde(rename = "floor")]
        _v: u32,
    }
    #[derive(Debug, serde::Deserialize)]
    struct Big {
        #[serde(rename = "big")]
        _v: u64,
    }
    assert_eq!(
        one_field::<Burst>(),
        "Error: invalid type: floating point `1.0`, expected a string"
    );
    assert_eq!(
        one_field::<Ratio>(),
        "Error: invalid type: floating point `0.5`, expected u32"
    );
    assert_eq!(
        one_field::<Floor>(),
        "Error: invalid type: floating point `-1.0`, expected u32"
    );
    assert_eq!(
        one_field::<Big>(),
        "Error: invalid type: floating point `9007199254740992.0`, expected u64"
    );
}

/// A missing field, an object or array where a number is wanted, a string where a list is.
#[test]
fn shapes_the_type_rejects_read_as_in_workerd() {
    #[derive(Debug, serde::Deserialize)]
    struct Missing {
        #[serde(rename = "burst")]
        _burst: u8,
        #[serde(rename = "ceiling")]
        _ceiling: u8,
    }
    #[derive(Debug, serde::Deserialize)]
    struct Nested {
        #[serde(rename = "nested")]
        _v: u64,
    }
    #[derive(Debug, serde::Deserialize)]
    struct List {
        #[serde(rename = "list")]
        _v: u64,
    }
    #[derive(Debug, serde::Deserialize)]
    struct Tags {
        #[serde(rename = "tags")]
        _v: Vec<String>,
    }
    #[derive(Debug, serde::Deserialize)]
    struct Inherited {
        #[serde(rename = "constructor")]
        _v: Option<String>,
    }
    assert_eq!(one_field::<Missing>(), "Error: missing field `ceiling`");
    // Every JavaScript object inherits `constructor`: not missing, a function.
    assert_eq!(
        one_field::<Inherited>(),
        "Error: invalid type: JsValue(Function(Object)), expected a string"
    );
    assert_eq!(
        one_field::<Nested>(),
        r#"Error: invalid type: JsValue(Object({"x":null,"y":[1,"two"]})), expected u64"#
    );
    assert_eq!(
        one_field::<List>(),
        r#"Error: invalid type: JsValue([1.5, "x", Object({"k":true}), [2, null], 1e+21, 0.000001]), expected u64"#
    );
    assert_eq!(
        one_field::<Tags>(),
        "TypeError: Reflect.get called on non-object"
    );
    assert_eq!(
        probe_env()
            .object_var::<serde_json::Value>("PROBE_LIST")
            .unwrap_err()
            .to_string(),
        "Binding cannot be cast to the type Object from Array"
    );
}

/// workerd's `fetch` (compatibility date 2025-06-01, through Miniflare's outboundService)
/// follows a 302 to another origin and still sends `Authorization`; so does the fake.
#[test]
fn a_cross_origin_redirect_keeps_authorization_as_workerd_does() {
    let env = env();
    let upstream = env.upstream();
    upstream
        .route(
            "GET",
            "https://api.partner.example/v1/moved-away",
            FakeResponse::redirect(302, "https://moved.partner-cdn.example/v1/landed"),
        )
        .unwrap()
        .route(
            "GET",
            "https://moved.partner-cdn.example/v1/landed",
            FakeResponse::new(200),
        )
        .unwrap();
    let request = http::Request::get("https://api.partner.example/v1/moved-away")
        .header("authorization", "Bearer not-a-secret-value")
        .body(bytes::Bytes::new())
        .unwrap();
    block_on(env.fetcher().fetch(request)).unwrap();
    let requests = upstream.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1].header("authorization").as_deref(),
        Some("Bearer not-a-secret-value"),
        "workerd sends Authorization on to the redirect's other origin"
    );
}
