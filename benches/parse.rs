//! Parsing fixture files and wrangler configs of 1, 100 and 10,000 secrets, and building an env
//! from a parsed fixture file.
//!
//! `cargo bench --bench parse` — quote medians; growth from 100 to 10,000 should be ~100×.

use std::fmt::Write as _;
use std::hint::black_box;

use devflare_test::SecretsEnv;
use devflare_test::config::{FixtureFile, Format, WranglerConfig};

fn main() {
    divan::main();
}

const STORE: &str = "0123456789abcdef0123456789abcdef";

/// A fixture file: `n` bindings in wrangler's shape plus `n` values.
fn fixture_text(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        writeln!(
            text,
            "[[secrets_store_secrets]]\nbinding = \"SECRET_{i}\"\nstore_id = \"{STORE}\"\nsecret_name = \"secret-{i}\"\n"
        )
        .unwrap();
    }
    writeln!(text, "[stores.\"{STORE}\"]").unwrap();
    for i in 0..n {
        writeln!(text, "secret-{i} = \"value-of-secret-number-{i}\"").unwrap();
    }
    text
}

/// A wrangler.toml with `n` Secrets Store bindings among the usual top-level keys.
fn wrangler_toml(n: usize) -> String {
    let mut text = String::from(
        "name = \"bench-worker\"\nmain = \"src/lib.rs\"\ncompatibility_date = \"2025-06-01\"\n\n",
    );
    for i in 0..n {
        writeln!(
            text,
            "[[secrets_store_secrets]]\nbinding = \"SECRET_{i}\"\nstore_id = \"{STORE}\"\nsecret_name = \"secret-{i}\"\n"
        )
        .unwrap();
    }
    text
}

/// The same config as wrangler.jsonc, with a comment and trailing commas.
fn wrangler_jsonc(n: usize) -> String {
    let mut text = String::from(
        "{\n  // bench\n  \"name\": \"bench-worker\",\n  \"compatibility_date\": \"2025-06-01\",\n  \"secrets_store_secrets\": [\n",
    );
    for i in 0..n {
        writeln!(
            text,
            "    {{ \"binding\": \"SECRET_{i}\", \"store_id\": \"{STORE}\", \"secret_name\": \"secret-{i}\" }},"
        )
        .unwrap();
    }
    text.push_str("  ],\n}\n");
    text
}

#[divan::bench(args = [1, 100, 10_000])]
fn fixture_file(bencher: divan::Bencher, n: usize) {
    let text = fixture_text(n);
    bencher.bench(|| black_box(FixtureFile::parse(black_box(&text), "bench.toml").unwrap()));
}

#[divan::bench(args = [1, 100, 10_000])]
fn wrangler_config_toml(bencher: divan::Bencher, n: usize) {
    let text = wrangler_toml(n);
    bencher.bench(|| {
        black_box(WranglerConfig::parse(black_box(&text), "wrangler.toml", Format::Toml).unwrap())
    });
}

#[divan::bench(args = [1, 100, 10_000])]
fn wrangler_config_jsonc(bencher: divan::Bencher, n: usize) {
    let text = wrangler_jsonc(n);
    bencher.bench(|| {
        black_box(WranglerConfig::parse(black_box(&text), "wrangler.jsonc", Format::Jsonc).unwrap())
    });
}

/// Parse a fixture file and build the env from it: a test's whole set-up from a file.
#[divan::bench(args = [1, 100])]
fn env_from_fixture_text(bencher: divan::Bencher, n: usize) {
    let text = fixture_text(n);
    bencher.bench(|| {
        black_box(
            SecretsEnv::builder()
                .fixture_str("bench.toml", black_box(&text))
                .build()
                .unwrap(),
        )
    });
}

/// Devflare's `.devflare/secrets.local.json` with `n` secrets in one store, as Devflare writes
/// it (tab-indented) or minified on one line. Parsing locates every entry, so a locator that
/// rescans from the start would show here as 100× per 10×.
mod devflare_local_file {
    use std::fmt::Write as _;
    use std::hint::black_box;

    use devflare_test::config::devflare_local::LocalFile;

    fn text(n: usize, one_line: bool) -> String {
        let (nl, t1, t3, t4, space) = if one_line {
            ("", "", "", "", "")
        } else {
            ("\n", "\t", "\t\t\t", "\t\t\t\t", " ")
        };
        let mut text = format!(
            "{{{nl}{t1}\"version\":{space}1,{nl}{t1}\"stores\":{space}{{{nl}\t\t\"{}\":{space}{{{nl}",
            super::STORE
        );
        if one_line {
            text.retain(|c| c != '\t');
        }
        for i in 0..n {
            let comma = if i + 1 < n { "," } else { "" };
            write!(
                text,
                "{t3}\"secret-{i}\":{space}{{{nl}{t4}\"value\":{space}\"value-of-secret-number-{i}\",{nl}{t4}\"updatedAt\":{space}\"2026-11-20T09:15:00.000Z\"{nl}{t3}}}{comma}{nl}"
            )
            .unwrap();
        }
        if one_line {
            text.push_str("}}}");
        } else {
            text.push_str("\t\t}\n\t}\n}\n");
        }
        text
    }

    #[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 10)]
    fn pretty(bencher: divan::Bencher, n: usize) {
        let text = text(n, false);
        bencher.bench(|| {
            black_box(LocalFile::parse(black_box(&text), "/p/secrets.local.json").unwrap())
        });
    }

    /// `n` stores of one secret each (issue 11 measured 2.7 s at 10k).
    #[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 10)]
    fn many_stores(bencher: divan::Bencher, n: usize) {
        let mut text = String::from("{\n\t\"version\": 1,\n\t\"stores\": {\n");
        for i in 0..n {
            let comma = if i + 1 < n { "," } else { "" };
            write!(
                text,
                "\t\t\"store-{i}\": {{\n\t\t\t\"api-token\": {{\n\t\t\t\t\"value\": \"value-{i}\"\n\t\t\t}}\n\t\t}}{comma}\n"
            )
            .unwrap();
        }
        text.push_str("\t}\n}\n");
        bencher.bench(|| {
            black_box(LocalFile::parse(black_box(&text), "/p/secrets.local.json").unwrap())
        });
    }

    #[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 10)]
    fn one_line(bencher: divan::Bencher, n: usize) {
        let text = text(n, true);
        assert!(!text.contains('\n'));
        bencher.bench(|| {
            black_box(LocalFile::parse(black_box(&text), "/p/secrets.local.json").unwrap())
        });
    }
}
