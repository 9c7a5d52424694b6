//! Parses one generated input once: for counting instructions, which unlike wall-clock time
//! does not depend on the machine's load.
//!
//! ```text
//! cargo build --release -p devflare-config --example parse_once
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/parse_once 10000 toml_one_line            # generate + parse
//! valgrind … target/release/examples/parse_once 10000 toml_one_line gen # generate only
//! ```
//!
//! Shapes (as in `benches/parse.rs`): `json_lines`, `json_one_line`, `json_vars`,
//! `toml_lines`, `toml_one_line`, `toml_vars`, `fixture_lines`, `fixture_one_line`.

use devflare_config::{FixtureFile, Format, WranglerConfig};

const STORE: &str = "0123456789abcdef0123456789abcdef";

fn joined(n: usize, sep: &str, item: impl Fn(usize) -> String) -> String {
    (0..n).map(item).collect::<Vec<_>>().join(sep)
}

fn json_entry(i: usize) -> String {
    format!(r#"{{"binding":"SECRET_{i}","store_id":"{STORE}","secret_name":"secret-{i}"}}"#)
}

fn toml_inline_entry(i: usize) -> String {
    format!(r#"{{ binding = "SECRET_{i}", store_id = "{STORE}", secret_name = "secret-{i}" }}"#)
}

fn toml_table(i: usize) -> String {
    format!(
        "[[secrets_store_secrets]]\nbinding = \"SECRET_{i}\"\nstore_id = \"{STORE}\"\nsecret_name = \"secret-{i}\"\n"
    )
}

fn text(shape: &str, n: usize) -> String {
    match shape {
        "json_lines" => format!(
            "{{\n  \"secrets_store_secrets\": [\n    {},\n  ],\n}}\n",
            joined(n, ",\n    ", json_entry)
        ),
        "json_one_line" => format!(
            r#"{{"secrets_store_secrets":[{}]}}"#,
            joined(n, ",", json_entry)
        ),
        "json_vars" => format!(
            r#"{{"vars":{{{}}}}}"#,
            joined(n, ",", |i| format!(r#""VAR_{i}":"v{i}""#))
        ),
        "toml_lines" => joined(n, "\n", toml_table),
        "toml_one_line" => format!(
            "secrets_store_secrets = [{}]\n",
            joined(n, ", ", toml_inline_entry)
        ),
        "toml_vars" => format!(
            "vars = {{ {} }}\n",
            joined(n, ", ", |i| format!("VAR_{i} = \"v{i}\""))
        ),
        "fixture_lines" => format!(
            "{}\n[stores.\"{STORE}\"]\n{}\n",
            joined(n, "\n", toml_table),
            joined(n, "\n", |i| format!("secret-{i} = \"value-{i}\""))
        ),
        "fixture_one_line" => format!(
            "secrets_store_secrets = [{}]\nstores = {{ \"{STORE}\" = {{ {} }} }}\n",
            joined(n, ", ", toml_inline_entry),
            joined(n, ", ", |i| format!("\"secret-{i}\" = \"value-{i}\""))
        ),
        other => panic!("unknown shape `{other}`"),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|n| n.parse().ok()).expect("a size");
    let shape = args.next().expect("a shape");
    let text = text(&shape, n);
    if args.next().is_some() {
        return; // generation only: the baseline to subtract
    }
    if shape.starts_with("fixture") {
        std::hint::black_box(FixtureFile::parse(&text, "fixture.toml").unwrap());
    } else {
        let format = if shape.starts_with("json") {
            Format::Jsonc
        } else {
            Format::Toml
        };
        std::hint::black_box(WranglerConfig::parse(&text, "wrangler", format).unwrap());
    }
}
