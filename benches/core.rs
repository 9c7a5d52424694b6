//! Building envs and reading secrets, against a raw `HashMap` lookup measured in the same run.
//!
//! `cargo bench --bench core` — divan prints fastest/slowest/median/mean; quote medians, and
//! ratios against `baseline_hashmap_get` from the same run.

use std::collections::HashMap;
use std::hint::black_box;

use devflare_test::prelude::*;
use devflare_test::secrets::SecretRef;

fn main() {
    divan::main();
}

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("SECRET_{i:05}")).collect()
}

/// An env of `n` bindings, each with a value, from explicit builder calls.
#[divan::bench(args = [1, 100])]
fn env_from_explicit_values(bencher: divan::Bencher, n: usize) {
    let names = names(n);
    bencher.bench(|| {
        let mut builder = SecretsEnv::builder();
        for name in &names {
            builder = builder.secret(name.as_str(), "value-of-a-typical-api-token");
        }
        black_box(builder.build().unwrap())
    });
}

/// `secrets_env!` with one entry: what most tests write.
#[divan::bench]
fn env_from_macro_one_binding() -> SecretsEnv {
    secrets_env! { API_TOKEN => "value-of-a-typical-api-token" }
}

/// The baseline: look a name up in a `HashMap<String, String>` and clone the value.
#[divan::bench]
fn baseline_hashmap_get(bencher: divan::Bencher) {
    let map: HashMap<String, String> = [(
        "API_TOKEN".to_owned(),
        "value-of-a-typical-api-token".to_owned(),
    )]
    .into();
    bencher.bench(|| black_box(map.get(black_box("API_TOKEN")).cloned()));
}

/// `get()` on a held binding whose secret has a value.
#[divan::bench]
fn get_hit(bencher: divan::Bencher) {
    let env = secrets_env! { API_TOKEN => "value-of-a-typical-api-token" };
    let binding = env.secret_store("API_TOKEN").unwrap();
    bencher.bench(|| black_box(block_on(binding.get())));
}

/// `secret_store(NAME)` then `get()`: what a handler does per request.
#[divan::bench]
fn secret_store_then_get(bencher: divan::Bencher) {
    let env = secrets_env! { API_TOKEN => "value-of-a-typical-api-token" };
    bencher.bench(|| {
        black_box(block_on(
            env.secret_store(black_box("API_TOKEN")).unwrap().get(),
        ))
    });
}

/// `get()` on a binding whose secret has no value: builds the `Secret "…" not found` error.
#[divan::bench]
fn get_miss(bencher: divan::Bencher) {
    let env = SecretsEnv::builder()
        .bind("API_TOKEN", SecretRef::new("store", "absent"))
        .build()
        .unwrap();
    let binding = env.secret_store("API_TOKEN").unwrap();
    bencher.bench(|| black_box(block_on(binding.get())));
}

/// `get()` after the admin rotated the value (a read of the new value).
#[divan::bench]
fn get_after_rotation(bencher: divan::Bencher) {
    let env = secrets_env! { API_TOKEN => "value-of-a-typical-api-token" };
    let binding = env.secret_store("API_TOKEN").unwrap();
    env.admin()
        .rotate("API_TOKEN", "rotated-value-of-an-api-token")
        .unwrap();
    bencher.bench(|| black_box(block_on(binding.get())));
}

/// The issue-18 env: 10 vars, 10 classic secrets and 10 Secrets Store bindings with values,
/// built with the builder as tests build it. Budget (issue 18) ≤ 10 µs.
#[divan::bench]
fn env_with_10_vars_10_secrets_10_bindings() -> SecretsEnv {
    SecretsEnv::builder()
        .var("ENVIRONMENT", "test")
        .var("API_HOST", "api.partner.example")
        .var("LOG_LEVEL", "debug")
        .var("REGION", "eu-west")
        .var("FEATURE_FLAGS", "a,b,c")
        .var("TIMEOUT_MS", "2500")
        .var("RETRIES", "3")
        .var("CALLBACK_URL", "https://example.com/callback")
        .var("TENANT", "acme")
        .var("VERSION", "2026-12-01")
        .classic_secret("PARTNER_API_KEY", "pk-value-of-a-typical-api-key-00")
        .classic_secret("STRIPE_KEY", "pk-value-of-a-typical-api-key-01")
        .classic_secret("SLACK_TOKEN", "pk-value-of-a-typical-api-key-02")
        .classic_secret("DB_PASSWORD", "pk-value-of-a-typical-api-key-03")
        .classic_secret("SENTRY_DSN", "pk-value-of-a-typical-api-key-04")
        .classic_secret("MAIL_KEY", "pk-value-of-a-typical-api-key-05")
        .classic_secret("SMS_TOKEN", "pk-value-of-a-typical-api-key-06")
        .classic_secret("CDN_KEY", "pk-value-of-a-typical-api-key-07")
        .classic_secret("SEARCH_KEY", "pk-value-of-a-typical-api-key-08")
        .classic_secret("MAPS_KEY", "pk-value-of-a-typical-api-key-09")
        .secret("API_TOKEN", "value-of-a-typical-api-token-00")
        .secret("SIGNING_KEY", "value-of-a-typical-api-token-01")
        .secret("WEBHOOK_SECRET", "value-of-a-typical-api-token-02")
        .secret("ADMIN_TOKEN", "value-of-a-typical-api-token-03")
        .secret("SESSION_KEY", "value-of-a-typical-api-token-04")
        .secret("PARTNER_TOKEN", "value-of-a-typical-api-token-05")
        .secret("GITHUB_SECRET", "value-of-a-typical-api-token-06")
        .secret("STRIPE_WEBHOOK", "value-of-a-typical-api-token-07")
        .secret("SLACK_SIGNING", "value-of-a-typical-api-token-08")
        .secret("CRON_TOKEN", "value-of-a-typical-api-token-09")
        .build()
        .unwrap()
}

/// The 10 Secrets Store bindings alone through `secrets_env!` (which takes Secrets Store
/// values only and expands to the builder's `secret` calls): its cost per binding.
#[divan::bench]
fn env_from_macro_10_bindings() -> SecretsEnv {
    secrets_env! {
        API_TOKEN => "value-of-a-typical-api-token-00",
        SIGNING_KEY => "value-of-a-typical-api-token-01",
        WEBHOOK_SECRET => "value-of-a-typical-api-token-02",
        ADMIN_TOKEN => "value-of-a-typical-api-token-03",
        SESSION_KEY => "value-of-a-typical-api-token-04",
        PARTNER_TOKEN => "value-of-a-typical-api-token-05",
        GITHUB_SECRET => "value-of-a-typical-api-token-06",
        STRIPE_WEBHOOK => "value-of-a-typical-api-token-07",
        SLACK_SIGNING => "value-of-a-typical-api-token-08",
        CRON_TOKEN => "value-of-a-typical-api-token-09",
    }
}
