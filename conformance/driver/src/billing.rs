//! The billing Worker (`examples/billing-worker`, feature `conformance`) in workerd against the
//! fakes: vars from its `wrangler.toml`, its classic secret from `.dev.vars` fixtures, the
//! error texts of every unbound and type-confused read, its routes, and its outbound requests.
//!
//! Each setup (one `.dev.vars` fixture under `conformance/fixtures/billing/`) starts its own
//! harness: Miniflare gets the config's `[vars]` (parsed by the harness with smol-toml) and the
//! fixture's keys (parsed with `dotenv`, the parser wrangler uses) as `bindings`, and answers
//! the Worker's outbound fetches in the harness process from [`UPSTREAM`], recording each one.
//! The native side builds a `SecretsEnv` from the same `wrangler.toml` and the same fixture
//! directory (`dev_vars`), with the same routes on its fake upstream. A row agrees when status,
//! body and the outbound requests (method, URL, [`COMPARED_HEADERS`]) are equal.

use std::fmt::Write as _;
use std::path::Path;

use devflare_test::{SecretsEnv, block_on, outbound::FakeResponse, redact::Redactor};

use crate::harness::{Harness, Launch};
use crate::report::{Counts, cell, one_line};
use crate::response::Observed;

/// The admin token seeded on both sides (a canary, never printed).
const ADMIN: &str = "conformance-billing-admin-Hd4Qs8Zp";

/// Outbound headers compared; any other header the runtime adds is not the handler's.
const COMPARED_HEADERS: [&str; 3] = ["accept", "authorization", "x-api-key"];

/// A partner summary the fake and the harness both answer.
const PARTNER_ANSWER: &str = r#"{"invoices":12,"total_cents":45600,"currency":"EUR"}"#;

/// One upstream route, given to the harness as JSON and to the fake upstream.
struct UpstreamRoute {
    url: &'static str,
    status: u16,
    location: Option<&'static str>,
    body: &'static str,
}

/// The partner API on both sides (all `GET`).
const UPSTREAM: [UpstreamRoute; 5] = [
    UpstreamRoute {
        url: "https://api.partner.example/v1/invoices/summary",
        status: 200,
        location: None,
        body: PARTNER_ANSWER,
    },
    // A cross-origin redirect: another host is another origin.
    UpstreamRoute {
        url: "https://api.partner.example/v1/moved-away",
        status: 302,
        location: Some("https://moved.partner-cdn.example/v1/landed"),
        body: "",
    },
    UpstreamRoute {
        url: "https://moved.partner-cdn.example/v1/landed",
        status: 200,
        location: None,
        body: "landed elsewhere",
    },
    // A same-origin redirect.
    UpstreamRoute {
        url: "https://api.partner.example/v1/moved-here",
        status: 307,
        location: Some("https://api.partner.example/v1/landed"),
        body: "",
    },
    UpstreamRoute {
        url: "https://api.partner.example/v1/landed",
        status: 200,
        location: None,
        body: "landed",
    },
];

/// Vars only the conformance run gives the billing Worker, on both sides (Miniflare's
/// `bindings` through the harness's `--vars`, the fake's builder `json_var`), so the Worker's
/// own `wrangler.toml` stays as it ships: JSON that the `probe_*` kinds' types reject in every
/// way serde-wasm-bindgen words differently from serde_json. Keys are sorted, as the fake's
/// `serde_json::Map` holds them (JavaScript keeps the order written).
fn probe_vars() -> [(&'static str, serde_json::Value); 2] {
    [
        (
            "PROBE_LIMITS",
            serde_json::json!({
                "big": 9_007_199_254_740_993_u64,
                "burst": 1,
                "floor": -1,
                "list": [1.5, "x", { "k": true }, [2, null], 1e21, 0.000_001],
                "nested": { "x": null, "y": [1, "two"] },
                "ratio": 0.5,
                "tags": "a,b"
            }),
        ),
        // wrangler's `vars` take any JSON; workers-rs reads only an object with object_var.
        ("PROBE_LIST", serde_json::json!(["a", { "b": 2 }])),
    ]
}

/// A `.dev.vars` fixture directory under `conformance/fixtures/billing/`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Setup {
    /// `PARTNER_API_KEY=value`.
    Plain,
    /// A single-quoted value with spaces and `#`.
    Quoted,
    /// A double-quoted value with `\n`.
    Newline,
    /// `export`, spaces around `=`, a trailing comment, a line that is not a pair.
    Comment,
}

impl Setup {
    const ALL: [Setup; 4] = [Self::Plain, Self::Quoted, Self::Newline, Self::Comment];

    fn dir(self) -> &'static str {
        match self {
            Self::Plain => "plain",
            Self::Quoted => "quoted",
            Self::Newline => "newline",
            Self::Comment => "comment",
        }
    }
}

/// One request to the billing Worker.
struct Probe {
    group: &'static str,
    setup: Setup,
    path: String,
    /// Sends `Authorization: Bearer <admin token>`.
    admin: bool,
}

/// Rows whose state only wrangler itself could stage: listed with the reason and the native
/// test that covers the rule.
const UNREPRODUCIBLE: [(&str, &str); 5] = [
    (
        "`[env.staging]` vars, not inherited from the top level",
        "tests/it/classic.rs named_environments_do_not_inherit_vars",
    ),
    (
        "`.dev.vars.<env>` read instead of `.dev.vars` (not merged)",
        "tests/it/classic.rs dev_vars_for_an_env_replace_dev_vars_instead_of_merging",
    ),
    (
        "`.env*` files ignored when `.dev.vars` exists",
        "tests/it/classic.rs dotenv_files_are_ignored_when_dev_vars_exists",
    ),
    (
        "`.env`, `.env.local`, `.env.<env>`, `.env.<env>.local` merged in order, `${NAME}` expanded",
        "tests/it/classic.rs env_files_merge_in_wranglers_load_order_and_expand",
    ),
    (
        "`secrets.required` excludes other `.dev.vars` keys",
        "tests/it/classic.rs secrets_required_excludes_other_keys_and_warns_about_missing_ones",
    ),
];

/// Why [`UNREPRODUCIBLE`] rows are not sent.
pub const UNREPRODUCIBLE_REASON: &str = "Miniflare is given bindings, not a wrangler config or \
     files: which file wrangler reads, its precedence and `[env.X]` selection are wrangler's own \
     code (wrangler is not in conformance/node_modules); the rule is covered by the native test \
     named in the row";

fn probes() -> Vec<Probe> {
    let read = |group, setup, kind: &str, name: &str| Probe {
        group,
        setup,
        path: format!("{}{kind}/{name}", billing_worker::conformance::READ_PREFIX),
        admin: false,
    };
    let route = |group, path: &str, admin| Probe {
        group,
        setup: Setup::Plain,
        path: path.to_owned(),
        admin,
    };
    use Setup::Plain;
    let mut probes = vec![
        read("vars", Plain, "var", "ENVIRONMENT"),
        read("vars", Plain, "object_var", "PARTNER"),
        read("vars", Plain, "partner", "PARTNER"),
        route("vars", billing_worker::STATUS_PATH, false),
    ];
    for setup in Setup::ALL {
        probes.push(read(".dev.vars", setup, "secret", "PARTNER_API_KEY"));
    }
    probes.push(read(".dev.vars", Plain, "var", "PARTNER_API_KEY"));
    for (kind, name) in [
        ("secret", "NOT_BOUND"),
        ("var", "NOT_BOUND"),
        ("object_var", "NOT_BOUND"),
        ("secret_store", "NOT_BOUND"),
        ("secret", "ADMIN_TOKEN"),
        ("var", "ADMIN_TOKEN"),
        ("object_var", "ADMIN_TOKEN"),
        ("object_var", "ENVIRONMENT"),
        ("partner", "ENVIRONMENT"),
        ("object_var", "PARTNER_API_KEY"),
        ("var", "PARTNER"),
        ("secret", "PARTNER"),
        ("object_var_u64", "PARTNER"),
        ("secret_store", "PARTNER_API_KEY"),
        ("secret_store", "ENVIRONMENT"),
        ("secret_store", "PARTNER"),
        ("secret_store_get", "ADMIN_TOKEN"),
    ] {
        probes.push(read("unbound and type confusion", Plain, kind, name));
    }
    for kind in billing_worker::conformance::probe::KINDS {
        probes.push(read("JSON var texts", Plain, kind, "PROBE_LIMITS"));
    }
    for (kind, name) in [
        ("object_var", "PROBE_LIMITS"),
        ("object_var_u64", "PROBE_LIMITS"),
        ("object_var", "PROBE_LIST"),
        ("var", "PROBE_LIST"),
    ] {
        probes.push(read("JSON var texts", Plain, kind, name));
    }
    let outbound = |path: &str| format!("{}{path}", billing_worker::conformance::OUTBOUND_PREFIX);
    probes.extend([
        route("routes + outbound", billing_worker::SUMMARY_PATH, true),
        route("routes + outbound", billing_worker::SUMMARY_PATH, false),
        route("routes + outbound", "/nowhere", false),
        route("routes + outbound", &outbound("v1/moved-away"), false),
        route("routes + outbound", &outbound("v1/moved-here"), false),
    ]);
    probes
}

/// What one side did for a probe: the Worker's answer and its outbound requests, each as
/// `METHOD URL name=value …` with [`COMPARED_HEADERS`] only and every seeded value replaced
/// by `[secret:NAME]`.
#[derive(PartialEq, Eq)]
struct Seen {
    answer: Observed,
    outbound: Vec<String>,
}

struct Row {
    group: &'static str,
    what: String,
    native: Result<Seen, String>,
    workerd: Result<Seen, String>,
}

/// Runs every billing probe; the table, its counts and whether the redaction guard held.
pub fn run(node: &str, build_dir: &Path) -> Result<(String, Counts), String> {
    let root = crate::workspace_root();
    let wrangler = root.join("examples/billing-worker/wrangler.toml");
    let bindings = crate::bindings_json(
        &devflare_test::config::WranglerConfig::load(&wrangler).map_err(|e| e.to_string())?,
    )?;
    let date = crate::compatibility_date(&wrangler)?;
    let probes = probes();
    let mut rows = Vec::new();
    let mut redactors = Vec::new();
    for setup in Setup::ALL {
        let fixture = root.join("conformance/fixtures/billing").join(setup.dir());
        let env = native_env(&wrangler, &fixture)?;
        let key = devflare_test::prelude::VarsEnv::secret(&env, billing_worker::PARTNER_API_KEY)
            .map_err(|e| e.to_string())?;
        let harness = Harness::start(&Launch {
            node,
            script: &root.join("conformance/harness.mjs"),
            build_dir,
            bindings_json: bindings.clone(),
            compatibility_date: date.clone(),
            extra_args: vec![
                "--wrangler".into(),
                wrangler.display().to_string(),
                "--dev-vars".into(),
                fixture.join(".dev.vars").display().to_string(),
                "--vars".into(),
                serde_json::Value::Object(
                    probe_vars()
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect(),
                )
                .to_string(),
                "--outbound".into(),
                upstream_json(),
            ],
        })?;
        let client = harness.client();
        let built_from = client.get(billing_worker::conformance::BUILT_FROM_PATH, None)?;
        if built_from.status != 200 || built_from.body != billing_worker::conformance::BUILT_FROM {
            return Err(format!(
                "the billing Worker at {} was not built from this checkout ({})",
                client.worker_url(),
                billing_worker::conformance::BUILT_FROM
            ));
        }
        client.put_secret(billing_worker::ADMIN_TOKEN, ADMIN)?;
        let secrets = [
            (billing_worker::PARTNER_API_KEY, key.as_str()),
            (billing_worker::ADMIN_TOKEN, ADMIN),
        ];
        for probe in probes.iter().filter(|probe| probe.setup == setup) {
            let authorization = probe.admin.then(|| format!("Bearer {ADMIN}"));
            let native = run_native(probe, &wrangler, &fixture, authorization.as_deref());
            let workerd = client
                .get(&probe.path, authorization.as_deref())
                .and_then(|answer| {
                    let outbound = client.take_outbound()?;
                    Ok(Seen {
                        answer,
                        outbound: workerd_outbound(&outbound, &secrets)?,
                    })
                });
            let setup_note = if setup == Setup::Plain {
                String::new()
            } else {
                format!(" (.dev.vars: {})", setup.dir())
            };
            rows.push(Row {
                group: probe.group,
                what: format!(
                    "`{}`{}{setup_note}",
                    probe.path,
                    if probe.admin { " + admin token" } else { "" }
                ),
                native,
                workerd,
            });
        }
        redactors.push(env.redactor());
    }
    let (table, counts) = render(&rows, &redactors);
    if redactors.iter().any(|r| r.contains_secret(&table)) {
        return Err("the billing report would contain a secret; it is not printed".into());
    }
    Ok((table, counts))
}

fn native_env(wrangler: &Path, fixture: &Path) -> Result<SecretsEnv, String> {
    let env = probe_vars()
        .into_iter()
        .fold(
            SecretsEnv::builder()
                .wrangler_config(wrangler)
                .secret(billing_worker::ADMIN_TOKEN, ADMIN)
                .dev_vars(fixture, None),
            |builder, (name, value)| builder.json_var(name, value),
        )
        .build()
        .map_err(|e| e.to_string())?;
    let upstream = env.upstream();
    for route in &UPSTREAM {
        let response = match route.location {
            Some(location) => FakeResponse::redirect(route.status, location),
            None => FakeResponse::new(route.status).body(route.body),
        };
        upstream
            .route("GET", route.url, response)
            .map_err(|e| e.to_string())?;
    }
    Ok(env)
}

fn run_native(
    probe: &Probe,
    wrangler: &Path,
    fixture: &Path,
    authorization: Option<&str>,
) -> Result<Seen, String> {
    let env = native_env(wrangler, fixture)?;
    let mut request = http::Request::builder().method("GET").uri(&probe.path);
    if let Some(value) = authorization {
        request = request.header(http::header::AUTHORIZATION, value);
    }
    let request = request
        .body(())
        .map_err(|e| format!("building the request: {e}"))?;
    let response = block_on(billing_worker::handle(&request, &env));
    let outbound = env
        .upstream()
        .requests()
        .iter()
        .map(|sent| {
            let headers = sent.headers();
            line(sent.method().as_str(), &sent.url(), |name| {
                headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            })
        })
        .collect();
    Ok(Seen {
        answer: Observed {
            status: response.status().as_u16(),
            body: response.into_body(),
        },
        outbound,
    })
}

/// The harness's record, in the fake's form: each seeded value replaced by `[secret:NAME]`.
fn workerd_outbound(
    recorded: &serde_json::Value,
    secrets: &[(&str, &str)],
) -> Result<Vec<String>, String> {
    let redact = |text: &str| {
        secrets.iter().fold(text.to_owned(), |text, (name, value)| {
            text.replace(value, &format!("[secret:{name}]"))
        })
    };
    let requests = recorded
        .as_array()
        .ok_or("the harness's outbound record is not a list")?;
    requests
        .iter()
        .map(|request| {
            let method = request["method"].as_str().unwrap_or_default();
            let url = request["url"].as_str().unwrap_or_default();
            let headers = request["headers"].as_array().cloned().unwrap_or_default();
            Ok(line(method, &redact(url), |name| {
                headers.iter().find_map(|pair| {
                    (pair[0].as_str()? == name).then(|| redact(pair[1].as_str().unwrap_or("")))
                })
            }))
        })
        .collect()
}

fn line(method: &str, url: &str, header: impl Fn(&str) -> Option<String>) -> String {
    let mut line = format!("{method} {url}");
    for name in COMPARED_HEADERS {
        let _ = write!(
            line,
            " {name}={}",
            header(name).unwrap_or_else(|| "-".to_owned())
        );
    }
    line
}

/// The JSON routes for the harness's `--outbound`.
fn upstream_json() -> String {
    let routes: Vec<serde_json::Value> = UPSTREAM
        .iter()
        .map(|route| {
            let mut headers = serde_json::Map::new();
            if let Some(location) = route.location {
                headers.insert("location".into(), location.into());
            }
            serde_json::json!({
                "method": "GET",
                "url": route.url,
                "status": route.status,
                "headers": headers,
                "body": (!route.body.is_empty()).then_some(route.body),
            })
        })
        .collect();
    serde_json::Value::Array(routes).to_string()
}

fn render(rows: &[Row], redactors: &[Redactor]) -> (String, Counts) {
    let redact = |text: &str| {
        redactors.iter().fold(text.to_owned(), |text, redactor| {
            redactor.redact(&text).into_owned()
        })
    };
    // Bodies are redacted with every setup's values first; `cell` then only shortens them.
    let nothing = SecretsEnv::builder()
        .build()
        .map_err(|e| e.to_string())
        .map(|env| env.redactor());
    let seen_cell = |seen: &Result<Seen, String>| match (seen, &nothing) {
        (Ok(seen), Ok(nothing)) => {
            let shown = Observed {
                status: seen.answer.status,
                body: redact(&seen.answer.body),
            };
            cell(&Ok(shown), nothing)
        }
        (Ok(_), Err(message)) => format!("error: {}", one_line(message)),
        (Err(message), _) => format!("error: {}", one_line(&redact(message))),
    };
    let mut counts = Counts::default();
    let mut out = String::from(
        "| group | request | native (fakes) | workerd | outbound requests (both sides when they agree) | verdict |\n\
         | --- | --- | --- | --- | --- | --- |\n",
    );
    for row in rows {
        let agree = matches!((&row.native, &row.workerd), (Ok(a), Ok(b)) if a == b);
        let verdict = counts.record(agree);
        let outbound = match (&row.native, &row.workerd) {
            (Ok(native), Ok(workerd)) if native.outbound == workerd.outbound => {
                show_outbound(&native.outbound)
            }
            (native, workerd) => format!(
                "native: {} / workerd: {}",
                native
                    .as_ref()
                    .map_or("-".into(), |seen| show_outbound(&seen.outbound)),
                workerd
                    .as_ref()
                    .map_or("-".into(), |seen| show_outbound(&seen.outbound)),
            ),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {verdict} |",
            row.group,
            one_line(&row.what),
            seen_cell(&row.native),
            seen_cell(&row.workerd),
            one_line(&redact(&outbound)),
        );
    }
    for (what, test) in UNREPRODUCIBLE {
        counts.not_reproducible += 1;
        let _ = writeln!(
            out,
            "| precedence | {what} | {test} | - | - | not reproducible (b) |"
        );
    }
    let _ = writeln!(out, "\n(b) {UNREPRODUCIBLE_REASON}.");
    let _ = writeln!(out, "\n{}", counts.closing_line("billing-worker"));
    (out, counts)
}

fn show_outbound(lines: &[String]) -> String {
    if lines.is_empty() {
        "none".to_owned()
    } else {
        lines
            .iter()
            .map(|line| format!("`{line}`"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(outbound: &[&str]) -> Result<Seen, String> {
        Ok(Seen {
            answer: Observed {
                status: 200,
                body: "landed".into(),
            },
            outbound: outbound.iter().map(|line| (*line).to_owned()).collect(),
        })
    }

    #[test]
    fn workerds_record_is_put_in_the_fakes_form_with_every_value_named() {
        let recorded = serde_json::json!([{
            "method": "GET",
            "url": "https://moved.example/x?k=key-value-123",
            "headers": [["authorization", "Bearer key-value-123"], ["user-agent", "workerd"]],
        }]);
        let lines = workerd_outbound(&recorded, &[("PARTNER_API_KEY", "key-value-123")]).unwrap();
        assert_eq!(
            lines,
            [
                "GET https://moved.example/x?k=[secret:PARTNER_API_KEY] accept=- \
                 authorization=Bearer [secret:PARTNER_API_KEY] x-api-key=-"
            ]
        );
    }

    #[test]
    fn the_same_answer_with_other_outbound_requests_is_a_difference() {
        let same = Row {
            group: "g",
            what: "w".into(),
            native: seen(&["GET a authorization=-"]),
            workerd: seen(&["GET a authorization=-"]),
        };
        let other = Row {
            group: "g",
            what: "w".into(),
            native: seen(&["GET a authorization=-"]),
            workerd: seen(&["GET a authorization=Bearer [secret:K]"]),
        };
        let (table, counts) = render(&[same, other], &[]);
        assert_eq!((counts.agree, counts.differ), (1, 1));
        assert!(
            table.contains("native: `GET a authorization=-` / workerd:"),
            "{table}"
        );
    }
}
