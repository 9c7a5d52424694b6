//! Conformance run: the example Worker in workerd (Miniflare) against devflare-test's fakes.
//!
//! Every scenario of [`scenarios::all`] runs natively (`stats_worker::handle` against a
//! `SecretsEnv` built from the Worker's wrangler.toml) and against the Worker built by
//! worker-build and run in workerd by `conformance/harness.mjs`; status and body must match
//! exactly. The requests to workerd are raw HTTP/1.1 bytes written straight to workerd's own
//! socket ([`wire`]): no client or server in between normalizes a header. Each credential is
//! also sent to the conformance build's echo route, and the run checks that it reached the
//! Worker exactly as written. Before anything, the Worker in workerd must say it was built
//! from this checkout (not another working copy's).
//!
//! Only what cannot be staged in workerd at all (a failing store) is listed as not
//! reproducible, with its reason; every other row is sent and compared.
//!
//! Prints a Markdown table per Worker ([`webhook`]: the stats Worker's webhook route;
//! [`billing`]: vars, classic secrets, type confusion, outbound requests of the billing Worker;
//! [`axum`]: every route of the axum Worker, its router run natively by `TestClient::service`)
//! and, last, `workerd conformance: N agree, M differ, K not reproducible` over all of them;
//! it also runs the protected-route matrix over HTTP (`check_remote`) against the guarded route,
//! which must pass, and the route broken on purpose, which must fail; exits 1 when any
//! scenario differs or a remote matrix ends otherwise, 2 when the run could not start.
//!
//! ```text
//! devflare-conformance [--build DIR] [--node BIN] [--url URL (--control URL | --token-env VAR)]
//!   --build DIR      worker-build's output for examples/stats-worker
//!                    (default: target/conformance/stats-worker)
//!   --billing-build DIR  the same for examples/billing-worker (feature `conformance`;
//!                    default: target/conformance/billing-worker); not used with --url
//!   --axum-build DIR the same for examples/axum-worker (feature `conformance`;
//!                    default: target/conformance/axum-worker); not used with --url
//!   --node BIN       the Node.js to run the harness with (default: node)
//!   --url URL        send to a Worker already running at URL (http://127.0.0.1:PORT, built
//!                    with stats-worker's `conformance` feature) instead of starting one
//!   --control URL    with --url: the control URL of the harness running that Worker
//!   --token-env VAR  with --url: no harness (`wrangler dev`, say); the Worker's API_TOKEN
//!                    secret already holds the value of the environment variable VAR; nothing
//!                    is seeded, and scenarios that need the secret deleted are listed as not
//!                    reproducible
//! ```

mod axum;
mod billing;
mod harness;
mod native;
mod remote_matrix;
mod report;
mod response;
mod scenarios;
mod webhook;
mod wire;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use devflare_test::config::WranglerConfig;

use crate::harness::{Client, Harness, Launch};
use crate::report::Row;
use crate::scenarios::{Scenario, StoreState, Unreproducible};

/// The canary token seeded on both sides. It is never printed: the report is redacted and
/// checked for it before it goes out.
const TOKEN: &str = "conformance-canary-Q7m2v9Lk4Rz8";

const STORE_NOT_CONTROLLED: Unreproducible = Unreproducible {
    reason: "the store behind --url is not this run's to change (--token-env), so the secret \
             cannot be deleted",
};

struct Options {
    build_dir: PathBuf,
    billing_build_dir: PathBuf,
    axum_build_dir: PathBuf,
    node: String,
    url: Option<String>,
    control: Option<String>,
    token_env: Option<String>,
}

fn workspace_root() -> PathBuf {
    // This crate sits at conformance/driver; paths never depend on the working directory.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        build_dir: workspace_root().join("target/conformance/stats-worker"),
        billing_build_dir: workspace_root().join("target/conformance/billing-worker"),
        axum_build_dir: workspace_root().join("target/conformance/axum-worker"),
        node: "node".to_owned(),
        url: None,
        control: None,
        token_env: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--build" => options.build_dir = PathBuf::from(value()?),
            "--billing-build" => options.billing_build_dir = PathBuf::from(value()?),
            "--axum-build" => options.axum_build_dir = PathBuf::from(value()?),
            "--node" => options.node = value()?,
            "--url" => options.url = Some(value()?.trim_end_matches('/').to_owned()),
            "--control" => options.control = Some(value()?.trim_end_matches('/').to_owned()),
            "--token-env" => options.token_env = Some(value()?),
            other => {
                return Err(format!(
                    "unknown argument `{other}`; expected --build, --billing-build, --axum-build, --node, --url, --control or \
                     --token-env"
                ));
            }
        }
    }
    match (&options.url, &options.control, &options.token_env) {
        (None, None, None) | (Some(_), Some(_), None) | (Some(_), None, Some(_)) => {}
        (None, _, _) => return Err("--control and --token-env need --url".into()),
        (Some(_), Some(_), Some(_)) => {
            return Err("give --control or --token-env, not both".into());
        }
        (Some(_), None, None) => {
            return Err(
                "--url needs --control (a harness seeds the store) or --token-env (the Worker \
                 already holds the token)"
                    .into(),
            );
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("workerd conformance: could not run: {message}");
            ExitCode::from(2)
        }
    }
}

/// Runs every scenario; `Ok(false)` when any differs.
fn run() -> Result<bool, String> {
    let options = parse_options()?;
    // A Worker that is not our harness holds its own token; the store is not ours to change.
    let (token, controls_store) = match &options.token_env {
        Some(var) => (
            std::env::var(var).map_err(|_| format!("--token-env: ${var} is not set"))?,
            false,
        ),
        None => (TOKEN.to_owned(), true),
    };
    let token = token.as_str();
    // The near misses need a few characters to cut and change (the matrix's own minimum), and
    // every credential must fit in an HTTP header.
    if token.chars().count() < devflare_test::redact::MIN_TOKEN_CHARS
        || !token.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(format!(
            "the token must be at least {} visible ASCII characters (it goes in a header)",
            devflare_test::redact::MIN_TOKEN_CHARS
        ));
    }
    let wrangler_toml = workspace_root().join("examples/stats-worker/wrangler.toml");
    let config = WranglerConfig::load(&wrangler_toml).map_err(|e| e.to_string())?;
    let redactor = native::redactor(&wrangler_toml, token)?;

    // Keep the started harness alive for the whole run; dropping it stops the child.
    let started;
    let client = match &options.url {
        Some(url) => &Client::new(url.clone(), options.control.clone()),
        None => {
            started = Harness::start(&Launch {
                node: &options.node,
                script: &workspace_root().join("conformance/harness.mjs"),
                build_dir: &options.build_dir,
                bindings_json: bindings_json(&config)?,
                compatibility_date: compatibility_date(&wrangler_toml)?,
                extra_args: Vec::new(),
            })?;
            started.client()
        }
    };

    // Another working copy's Worker would make every row below measure the wrong code.
    let built_from = client.get(stats_worker::conformance::BUILT_FROM_PATH, None)?;
    if built_from.status != 200 || built_from.body != stats_worker::conformance::BUILT_FROM {
        return Err(format!(
            "the Worker at {} was not built from this checkout: it answers {} `{}` from {}, \
             this checkout is {}",
            client.worker_url(),
            built_from.status,
            redactor.redact(&built_from.body),
            stats_worker::conformance::BUILT_FROM_PATH,
            stats_worker::conformance::BUILT_FROM
        ));
    }

    let rows: Vec<Row> = scenarios::all()
        .into_iter()
        .map(|mut scenario| {
            if !controls_store && scenario.store != StoreState::Seeded {
                scenario
                    .not_reproducible
                    .get_or_insert(STORE_NOT_CONTROLLED);
            }
            let native = native::run(&scenario, &wrangler_toml, token);
            let (workerd, delivered) = if scenario.not_reproducible.is_some() {
                (None, None)
            } else {
                let seeded = if controls_store {
                    client.set_store(scenario.store, token)
                } else {
                    Ok(())
                };
                let answer = seeded.and_then(|()| client.send(&scenario, token));
                (
                    Some(answer),
                    Some(delivered_as_sent(client, &scenario, token)),
                )
            };
            Row {
                scenario,
                native,
                workerd,
                delivered,
            }
        })
        .collect();

    let (table, counts) = report::render(&rows, &redactor);
    if redactor.contains_secret(&table) {
        return Err("the report would contain the token; it is not printed".into());
    }
    print!("{table}");
    println!(
        "The Worker in workerd was built from this checkout ({}).",
        stats_worker::conformance::BUILT_FROM
    );

    // The remote matrix against the same Worker, with the secret seeded (never when the store
    // is not ours: a `wrangler dev` run holds its own value, given by --token-env).
    if controls_store {
        client.set_store(StoreState::Seeded, token)?;
    }
    let remote_ok = remote_matrix::run(client.worker_url(), token)?;

    // The billing Worker: vars, classic secrets, type confusion, its routes and outbound
    // requests. Only with a harness of our own (its vars, .dev.vars and upstream are staged).
    let mut total = counts;
    if controls_store {
        let (webhook_table, webhook) = webhook::run(client, &wrangler_toml)?;
        print!("\n{webhook_table}");
        total.add(&webhook);
    }
    if options.url.is_none() {
        let (billing_table, billing) = billing::run(&options.node, &options.billing_build_dir)?;
        print!("\n{billing_table}");
        total.add(&billing);
        let (axum_table, axum) = axum::run(&options.node, &options.axum_build_dir)?;
        print!("\n{axum_table}");
        total.add(&axum);
    }
    println!("\n{}", total.closing_line("workerd conformance"));
    Ok(total.differ == 0 && remote_ok)
}

/// Whether the scenario's `Authorization` header reached the Worker byte for byte as written
/// (or, for an empty one, was dropped as [`native::as_delivered`] says workerd does): the
/// conformance build's echo route answers the header as the handler got it. `Ok(true)` when
/// nothing is sent and the Worker saw no header.
fn delivered_as_sent(client: &Client, scenario: &Scenario, token: &str) -> Result<bool, String> {
    let sent = scenario.authorization.header(token);
    let echo = client.get(stats_worker::conformance::ECHO_PATH, sent.as_deref())?;
    Ok(match native::as_delivered(sent) {
        Some(sent) => echo.status == 200 && echo.body == sent,
        None => echo.status == 404,
    })
}

/// `{"BINDING": {"store_id": ..., "secret_name": ...}}`, Miniflare's `secretsStoreSecrets`.
fn bindings_json(config: &WranglerConfig) -> Result<String, String> {
    let mut bindings = serde_json::Map::new();
    for decl in config
        .secrets_store_secrets(None)
        .map_err(|e| e.to_string())?
    {
        bindings.insert(
            decl.binding().to_owned(),
            serde_json::json!({ "store_id": decl.store_id(), "secret_name": decl.secret_name() }),
        );
    }
    Ok(serde_json::Value::Object(bindings).to_string())
}

/// The config's top-level `compatibility_date`, which workerd needs to load the Worker.
fn compatibility_date(wrangler_toml: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(wrangler_toml)
        .map_err(|e| format!("{}: {e}", wrangler_toml.display()))?;
    text.lines()
        .take_while(|line| !line.trim_start().starts_with('['))
        .find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "compatibility_date").then(|| value.trim().trim_matches('"').to_owned())
        })
        .ok_or_else(|| {
            format!(
                "{}: no top-level compatibility_date",
                wrangler_toml.display()
            )
        })
}
