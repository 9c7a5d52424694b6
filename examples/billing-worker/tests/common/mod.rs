//! What the billing Worker's tests share: the fake env built from the Worker's own
//! `wrangler.toml`, the fake partner API with its egress rule, and the canary values no
//! output may contain.

#![allow(dead_code)] // each test binary uses its own part

use billing_worker::{ADMIN_TOKEN, PARTNER_API_KEY, PARTNER_KEY_HEADER};
use devflare_test::prelude::*;

/// The admin token: a canary from the repository's shared list (`tests/canaries.txt`).
pub const ADMIN: &str = "canary-billing-admin-Tr6Yh2Jn";
/// The partner key: a canary from the same list (also in `fixtures/.dev.vars`).
pub const PARTNER_KEY: &str = "canary-partner-key-Bq5Wd8Ks";

/// The Worker's config: bindings, vars and `secrets.required` as production has them.
pub const WRANGLER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/wrangler.toml");
/// The partner, as the config's `PARTNER` var names it.
pub const PARTNER_ORIGIN: &str = "https://api.partner.example";
pub const PARTNER_SUMMARY: &str = "https://api.partner.example/v1/invoices/summary";
/// Another service the Worker's team runs: no secret of this Worker may go there.
pub const AUDIT: &str = "https://audit.billing.example/events";
/// What the fake partner answers.
pub const PARTNER_ANSWER: &str = r#"{"invoices":12,"total_cents":45600,"currency":"EUR"}"#;

/// The env of wrangler.toml, with test values for its two secrets, and the fake upstream.
pub fn env() -> SecretsEnv {
    let env = SecretsEnv::builder()
        .wrangler_config(WRANGLER)
        .secret(ADMIN_TOKEN, ADMIN)
        .classic_secret(PARTNER_API_KEY, PARTNER_KEY)
        .strict()
        .build()
        .unwrap();
    fake_partner(&env);
    env
}

/// The fake partner API and where the partner key may go: to the partner's origin, in the
/// header the partner documents, nowhere else. `ADMIN_TOKEN` has no rule: it never leaves.
pub fn fake_partner(env: &SecretsEnv) {
    env.upstream()
        .route(
            "GET",
            PARTNER_SUMMARY,
            FakeResponse::json(200, PARTNER_ANSWER),
        )
        .unwrap()
        .route("POST", AUDIT, FakeResponse::new(204))
        .unwrap()
        .allow_secret(PARTNER_API_KEY, PARTNER_ORIGIN, Some(PARTNER_KEY_HEADER))
        .unwrap();
}

/// No canary in `text`, in any encoding the leak scan knows (raw, base64, percent-encoded,
/// JSON-escaped, …): the env's own redactor finds nothing in it.
#[track_caller]
pub fn assert_no_value(text: &str) {
    assert!(
        !env().redactor().contains_secret(text),
        "a secret leaked into: {}",
        env().redactor().redact(text)
    );
}
