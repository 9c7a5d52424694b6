//! Every parser — wrangler JSON, JSONC and TOML, fixture files, Devflare's local values file
//! and wrangler's local state — at 1k, 10k and 100k entries, as files laid out by hand (one
//! entry a line) and minified onto one line, the shape that once made position lookups
//! quadratic.
//!
//! `cargo bench --bench parse --features wrangler-state` (without the feature, wrangler's
//! local state is skipped). Quote medians; 10× the input must cost at most 15× the time.
//!
//! The allocator is pinned first (see [`reuse_freed_memory_at_every_size`]): this measures
//! the parsers, not where glibc's allocator changes strategy.

use std::fmt::Write as _;
use std::hint::black_box;

use devflare_test::SecretsEnv;
use devflare_test::config::{FixtureFile, Format, WranglerConfig};

fn main() {
    reuse_freed_memory_at_every_size();
    divan::main();
}

/// glibc serves a block over its mmap threshold (dynamic, capped at 32 MiB) with a fresh
/// `mmap` and returns it on free, so the next parse faults every page in again; smaller
/// blocks are reused from the heap. At 100k entries the `toml` crate's token buffer alone
/// passes 32 MiB, at 10k it does not: in a loop, 100k inputs paid ~20 % of their time in page
/// faults that 10k inputs did not, which read as 17–22× per 10× while instruction counts
/// (callgrind) and a first parse in a fresh process both grow 8–13×. Serving every size
/// from the heap, never trimmed, makes repeated parses compare like with like.
///
/// `PARSE_BENCH_DEFAULT_ALLOCATOR=1 cargo bench --bench parse` leaves glibc's defaults, to see
/// the difference.
fn reuse_freed_memory_at_every_size() {
    if std::env::var_os("PARSE_BENCH_DEFAULT_ALLOCATOR").is_some() {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only changes allocator parameters; called before any thread starts.
    unsafe {
        assert_eq!(libc::mallopt(libc::M_MMAP_MAX, 0), 1, "mallopt(M_MMAP_MAX)");
        assert_eq!(
            libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX),
            1,
            "mallopt(M_TRIM_THRESHOLD)"
        );
    }
}

const STORE: &str = "0123456789abcdef0123456789abcdef";
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// `{ binding, store_id, secret_name }` entries as JSON objects, `sep` between them.
fn json_entries(n: usize, sep: &str) -> String {
    let mut text = String::new();
    for i in 0..n {
        if i > 0 {
            text.push_str(sep);
        }
        write!(
            text,
            r#"{{"binding":"SECRET_{i}","store_id":"{STORE}","secret_name":"secret-{i}"}}"#
        )
        .unwrap();
    }
    text
}

/// The same entries as TOML inline tables, `sep` between them.
fn toml_inline_entries(n: usize, sep: &str) -> String {
    let mut text = String::new();
    for i in 0..n {
        if i > 0 {
            text.push_str(sep);
        }
        write!(
            text,
            r#"{{ binding = "SECRET_{i}", store_id = "{STORE}", secret_name = "secret-{i}" }}"#
        )
        .unwrap();
    }
    text
}

/// `[[secrets_store_secrets]]` tables, one key a line.
fn toml_entry_tables(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        writeln!(
            text,
            "[[secrets_store_secrets]]\nbinding = \"SECRET_{i}\"\nstore_id = \"{STORE}\"\nsecret_name = \"secret-{i}\"\n"
        )
        .unwrap();
    }
    text
}

/// A wrangler.jsonc with `n` bindings, one a line, a comment and trailing commas.
fn wrangler_jsonc(n: usize) -> String {
    format!(
        "{{\n  // bench\n  \"name\": \"bench-worker\",\n  \"secrets_store_secrets\": [\n    {},\n  ],\n}}\n",
        json_entries(n, ",\n    ")
    )
}

/// The same config minified onto one line.
fn wrangler_json_one_line(n: usize) -> String {
    format!(
        r#"{{"name":"bench-worker","secrets_store_secrets":[{}]}}"#,
        json_entries(n, ",")
    )
}

/// A wrangler.json whose `vars` has `n` keys, on one line.
fn wrangler_json_vars_one_line(n: usize) -> String {
    let vars: Vec<String> = (0..n).map(|i| format!(r#""VAR_{i}":"v{i}""#)).collect();
    format!(r#"{{"name":"bench-worker","vars":{{{}}}}}"#, vars.join(","))
}

/// A wrangler.toml with `n` `[[secrets_store_secrets]]` tables.
fn wrangler_toml(n: usize) -> String {
    format!(
        "name = \"bench-worker\"\nmain = \"src/lib.rs\"\n\n{}",
        toml_entry_tables(n)
    )
}

/// A wrangler.toml whose bindings are one inline array on one line.
fn wrangler_toml_one_line(n: usize) -> String {
    format!(
        "secrets_store_secrets = [{}]\n",
        toml_inline_entries(n, ", ")
    )
}

/// A wrangler.toml whose `vars` is one inline table of `n` keys on one line.
fn wrangler_toml_vars_one_line(n: usize) -> String {
    let vars: Vec<String> = (0..n).map(|i| format!("VAR_{i} = \"v{i}\"")).collect();
    format!("vars = {{ {} }}\n", vars.join(", "))
}

/// A fixture file: `n` bindings in wrangler's shape plus `n` values, one a line.
fn fixture_text(n: usize) -> String {
    let mut text = toml_entry_tables(n);
    writeln!(text, "[stores.\"{STORE}\"]").unwrap();
    for i in 0..n {
        writeln!(text, "secret-{i} = \"value-of-secret-number-{i}\"").unwrap();
    }
    text
}

/// The same fixture with its bindings and its values each one inline value on one line.
fn fixture_one_line(n: usize) -> String {
    let values: Vec<String> = (0..n)
        .map(|i| format!("\"secret-{i}\" = \"value-of-secret-number-{i}\""))
        .collect();
    format!(
        "secrets_store_secrets = [{}]\nstores = {{ \"{STORE}\" = {{ {} }} }}\n",
        toml_inline_entries(n, ", "),
        values.join(", ")
    )
}

fn bench_wrangler(bencher: divan::Bencher, text: String, name: &str, format: Format) {
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| black_box(WranglerConfig::parse(black_box(&text), name, format).unwrap()));
}

fn bench_fixture(bencher: divan::Bencher, text: String) {
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| black_box(FixtureFile::parse(black_box(&text), "bench.toml").unwrap()));
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn wrangler_jsonc_lines(bencher: divan::Bencher, n: usize) {
    bench_wrangler(bencher, wrangler_jsonc(n), "wrangler.jsonc", Format::Jsonc);
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn wrangler_json_one_line_bindings(bencher: divan::Bencher, n: usize) {
    bench_wrangler(
        bencher,
        wrangler_json_one_line(n),
        "wrangler.json",
        Format::Json,
    );
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn wrangler_json_one_line_vars(bencher: divan::Bencher, n: usize) {
    bench_wrangler(
        bencher,
        wrangler_json_vars_one_line(n),
        "wrangler.json",
        Format::Json,
    );
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn wrangler_toml_lines(bencher: divan::Bencher, n: usize) {
    bench_wrangler(bencher, wrangler_toml(n), "wrangler.toml", Format::Toml);
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn wrangler_toml_one_line_bindings(bencher: divan::Bencher, n: usize) {
    bench_wrangler(
        bencher,
        wrangler_toml_one_line(n),
        "wrangler.toml",
        Format::Toml,
    );
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn wrangler_toml_one_line_vars(bencher: divan::Bencher, n: usize) {
    bench_wrangler(
        bencher,
        wrangler_toml_vars_one_line(n),
        "wrangler.toml",
        Format::Toml,
    );
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn fixture_file_lines(bencher: divan::Bencher, n: usize) {
    bench_fixture(bencher, fixture_text(n));
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn fixture_file_one_line(bencher: divan::Bencher, n: usize) {
    bench_fixture(bencher, fixture_one_line(n));
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

/// wrangler's local Secrets Store state (`.wrangler/state/v3/secrets-store`), read through
/// the builder: `n` secrets in one store, and `n` stores of one secret.
#[cfg(feature = "wrangler-state")]
mod wrangler_state {
    use std::fs;
    use std::hint::black_box;
    use std::path::{Path, PathBuf};

    use devflare_test::SecretsEnv;

    /// A project folder with wrangler's layout, removed on drop.
    struct Project(PathBuf);

    impl Drop for Project {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// `stores` stores of `per_store` secrets each, one SQLite index per store.
    fn project(label: &str, stores: usize, per_store: usize) -> Project {
        let dir = std::env::temp_dir().join(format!(
            "devflare-bench-wrangler-state-{label}-{}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        let root = dir.join(".wrangler/state/v3/secrets-store");
        let index_dir = root.join("miniflare-secrets-store-KVNamespaceObject");
        fs::create_dir_all(&index_dir).unwrap();
        for s in 0..stores {
            let store_id = format!("{s:032x}");
            let blobs = root.join(&store_id).join("blobs");
            fs::create_dir_all(&blobs).unwrap();
            let db =
                rusqlite::Connection::open(index_dir.join(format!("{s:064x}.sqlite"))).unwrap();
            db.execute_batch(
                "CREATE TABLE _mf_entries (key TEXT PRIMARY KEY, blob_id TEXT NOT NULL, \
                 expiration INTEGER, metadata TEXT); BEGIN;",
            )
            .unwrap();
            for i in 0..per_store {
                let blob_id = format!("{s:08x}{i:056x}");
                fs::write(blobs.join(&blob_id), format!("value-{s}-{i}")).unwrap();
                db.execute(
                    "INSERT INTO _mf_entries (key, blob_id) VALUES (?1, ?2)",
                    (format!("secret-{i}"), &blob_id),
                )
                .unwrap();
            }
            db.execute_batch("COMMIT;").unwrap();
        }
        Project(dir)
    }

    fn bench_read(bencher: divan::Bencher, dir: &Path) {
        bencher.bench(|| {
            black_box(
                SecretsEnv::builder()
                    .wrangler_state(black_box(dir))
                    .build()
                    .unwrap(),
            )
        });
    }

    #[divan::bench(args = [100, 1_000, 10_000], sample_count = 10)]
    fn secrets_in_one_store(bencher: divan::Bencher, n: usize) {
        let project = project(&format!("secrets-{n}"), 1, n);
        bench_read(bencher, &project.0);
    }

    /// Each store has its own SQLite index, copied and opened: milliseconds a store.
    #[divan::bench(args = [10, 100, 1_000], sample_count = 5)]
    fn stores_of_one_secret(bencher: divan::Bencher, n: usize) {
        let project = project(&format!("stores-{n}"), n, 1);
        bench_read(bencher, &project.0);
    }
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
