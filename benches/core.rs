//! Building envs and reading secrets, against a raw `HashMap` lookup measured in the same run.
//!
//! `cargo bench --bench core` — divan prints fastest/slowest/median/mean; quote medians, and
//! ratios against `baseline_hashmap_get` from the same run.

use std::collections::HashMap;
use std::hint::black_box;

use devflare_test::prelude::*;

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
