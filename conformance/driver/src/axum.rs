//! The axum Worker (`examples/axum-worker`, feature `conformance`) in workerd against the same
//! router run natively: `axum_worker::conformance::router` (its production routes as they
//! are, plus the built-from and echo routes) behind workers-rs' `http` conversion in workerd,
//! and behind `TestClient::service` (feature `tower`) over the fakes natively.
//!
//! Rows: the protected route `GET /admin` under every matrix scenario the harness can stage
//! (the stats Worker's list, [`crate::scenarios`], one for one: no header, malformed, wrong
//! scheme, near misses, the right token, the secret deleted), the right token on channels the
//! route does not read, the binding unbound (a second harness whose Worker has no Secrets
//! Store binding), the public `GET /health`, and what axum's router answers itself (a 404, a
//! 405). Status and body must be equal, and every `Authorization` sent must reach the router
//! in workerd byte for byte as written (its echo route). Requests are raw bytes on workerd's
//! socket, as for every other group.

use std::fmt::Write as _;
use std::path::Path;

use bytes::Bytes;
use devflare_test::{SecretsEnv, TestClient, block_on, redact::Redactor};

use crate::harness::{Client, Harness, Launch};
use crate::report::{Counts, cell, footnote, one_line, write_footnotes};
use crate::response::Observed;
use crate::scenarios::{Authorization, StoreState};

/// The admin token seeded on both sides (a canary, never printed).
const TOKEN: &str = "conformance-axum-admin-Wb5Kt2Rm9q";

/// The binding the admin route reads.
const BINDING: &str = axum_worker::ADMIN_TOKEN;

/// What the Worker's env holds while a probe runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Store {
    /// As the stats Worker's scenarios: seeded, deleted or failing.
    Matrix(StoreState),
    /// The Worker has no `ADMIN_TOKEN` binding at all (a deployment that forgot it).
    Unbound,
}

impl Store {
    fn name(self) -> &'static str {
        match self {
            Self::Matrix(state) => state.name(),
            Self::Unbound => "unbound",
        }
    }
}

/// One request to the axum Worker.
struct Probe {
    name: &'static str,
    method: &'static str,
    /// The path, built from the token (a query channel) or fixed.
    path: fn(&str) -> String,
    /// How the table shows the path: never the token itself.
    shown_path: &'static str,
    authorization: Authorization,
    /// Another header.
    other_header: Option<OtherHeader>,
    store: Store,
    /// Why workerd cannot stage it, when it cannot.
    not_reproducible: Option<&'static str>,
}

/// A header other than `Authorization`: its name, its value built from the token, and how the
/// table shows it.
type OtherHeader = (&'static str, fn(&str) -> String, &'static str);

fn admin(_: &str) -> String {
    "/admin".to_owned()
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn probes() -> Vec<Probe> {
    let get = |name, path: fn(&str) -> String, shown_path, authorization, store| Probe {
        name,
        method: "GET",
        path,
        shown_path,
        authorization,
        other_header: None,
        store,
        not_reproducible: None,
    };
    // The stats Worker's protected-route scenarios, on the axum Worker's protected route.
    let mut probes: Vec<Probe> = crate::scenarios::all()
        .into_iter()
        .filter(|scenario| scenario.path == "/internal/stats")
        .map(|scenario| Probe {
            not_reproducible: scenario.not_reproducible.map(|why| why.reason),
            ..get(
                scenario.name,
                admin,
                "/admin",
                scenario.authorization,
                Store::Matrix(scenario.store),
            )
        })
        .collect();
    let right = Authorization::FromToken(bearer, "Bearer <token>");
    let seeded = Store::Matrix(StoreState::Seeded);
    probes.extend([
        get("binding unbound", admin, "/admin", right, Store::Unbound),
        get(
            "empty credential while binding unbound",
            admin,
            "/admin",
            Authorization::Literal("Bearer "),
            Store::Unbound,
        ),
        get(
            "other channel: query token",
            |t| format!("/admin?token={t}"),
            "/admin?token=<token>",
            Authorization::Absent,
            seeded,
        ),
        Probe {
            other_header: Some(("X-Api-Key", |t| t.to_owned(), "X-Api-Key: <token>")),
            ..get(
                "other channel: X-Api-Key",
                admin,
                "/admin",
                Authorization::Absent,
                seeded,
            )
        },
        Probe {
            other_header: Some(("Cookie", |t| format!("token={t}"), "Cookie: token=<token>")),
            ..get(
                "other channel: cookie",
                admin,
                "/admin",
                Authorization::Absent,
                seeded,
            )
        },
        get(
            "public route",
            |_| "/health".to_owned(),
            "/health",
            Authorization::Absent,
            seeded,
        ),
        get(
            "public route, with the token",
            |_| "/health".to_owned(),
            "/health",
            right,
            seeded,
        ),
        get(
            "public route, secret deleted",
            |_| "/health".to_owned(),
            "/health",
            Authorization::Absent,
            Store::Matrix(StoreState::Deleted),
        ),
        get(
            "unknown route",
            |_| "/nowhere".to_owned(),
            "/nowhere",
            Authorization::Absent,
            seeded,
        ),
        get(
            "unknown route: trailing slash",
            |_| "/admin/".to_owned(),
            "/admin/",
            right,
            seeded,
        ),
        Probe {
            method: "POST",
            ..get("method not allowed", admin, "/admin", right, seeded)
        },
        Probe {
            method: "POST",
            ..get(
                "method not allowed: public route",
                |_| "/health".to_owned(),
                "/health",
                Authorization::Absent,
                seeded,
            )
        },
    ]);
    probes
}

impl Probe {
    /// The request's headers, in the order written: `Authorization`, then the other one.
    fn headers(&self, token: &str) -> Vec<(&'static str, String)> {
        let mut headers = Vec::new();
        if let Some(value) = self.authorization.header(token) {
            headers.push(("Authorization", value));
        }
        if let Some((name, value, _)) = self.other_header {
            headers.push((name, value(token)));
        }
        headers
    }

    /// A POST goes with an empty body (`Content-Length: 0`), a GET with none.
    fn body(&self) -> Option<&'static [u8]> {
        (self.method == "POST").then_some(b"")
    }

    /// How the table shows the request's headers, each in a code span (a trailing space
    /// stays visible): never the token itself; `-` for none.
    fn shown_headers(&self) -> String {
        let mut shown = Vec::new();
        if !matches!(self.authorization, Authorization::Absent) {
            let value = match self.authorization {
                Authorization::Literal(value) => value.to_owned(),
                other => other.describe(),
            };
            shown.push(format!("`Authorization: {value}`"));
        }
        if let Some((_, _, description)) = self.other_header {
            shown.push(format!("`{description}`"));
        }
        if shown.is_empty() {
            "-".to_owned()
        } else {
            shown.join(" ")
        }
    }
}

struct Row<'a> {
    probe: &'a Probe,
    native: Result<Observed, String>,
    /// `None` when workerd cannot stage the probe.
    workerd: Option<Result<Observed, String>>,
    /// Whether the `Authorization` header reached the router in workerd as written (its echo
    /// route); `None` when the probe sends none.
    delivered: Option<Result<bool, String>>,
}

/// Runs every axum probe: one harness with the Worker's own bindings, one without any; the
/// table and its counts.
pub fn run(node: &str, build_dir: &Path) -> Result<(String, Counts), String> {
    let root = crate::workspace_root();
    let wrangler = root.join("examples/axum-worker/wrangler.toml");
    let bindings = crate::bindings_json(
        &devflare_test::config::WranglerConfig::load(&wrangler).map_err(|e| e.to_string())?,
    )?;
    let date = crate::compatibility_date(&wrangler)?;
    let redactor = native_env(&wrangler, Store::Matrix(StoreState::Seeded))?.redactor();
    let probes = probes();
    let mut rows: Vec<Row<'_>> = Vec::new();
    for unbound in [false, true] {
        let harness = Harness::start(&Launch {
            node,
            script: &root.join("conformance/harness.mjs"),
            build_dir,
            // The unbound run: the same Worker, no Secrets Store binding at all.
            bindings_json: if unbound {
                "{}".to_owned()
            } else {
                bindings.clone()
            },
            compatibility_date: date.clone(),
            extra_args: Vec::new(),
        })?;
        let client = harness.client();
        let built_from = client.get(axum_worker::conformance::BUILT_FROM_PATH, None)?;
        if built_from.status != 200 || built_from.body != axum_worker::conformance::BUILT_FROM {
            return Err(format!(
                "the axum Worker at {} was not built from this checkout ({})",
                client.worker_url(),
                axum_worker::conformance::BUILT_FROM
            ));
        }
        for probe in probes
            .iter()
            .filter(|probe| (probe.store == Store::Unbound) == unbound)
        {
            let native = run_native(probe, &wrangler);
            let (workerd, delivered) = match probe.not_reproducible {
                Some(_) => (None, None),
                None => (
                    Some(send(client, probe)),
                    probe
                        .authorization
                        .header(TOKEN)
                        .map(|sent| delivered_as_sent(client, sent)),
                ),
            };
            rows.push(Row {
                probe,
                native,
                workerd,
                delivered,
            });
        }
    }
    let (table, counts) = render(&rows, &redactor);
    if redactor.contains_secret(&table) {
        return Err("the axum report would contain the token; it is not printed".into());
    }
    Ok((table, counts))
}

/// Stages the probe's store state in workerd and sends its request as raw bytes.
fn send(client: &Client, probe: &Probe) -> Result<Observed, String> {
    match probe.store {
        Store::Matrix(StoreState::Seeded) => client.put_secret(BINDING, TOKEN)?,
        Store::Matrix(StoreState::Deleted) => client.delete_secret(BINDING)?,
        Store::Matrix(StoreState::Failing) => {
            return Err("workerd cannot make the store fail".into());
        }
        Store::Unbound => {}
    }
    let headers = probe.headers(TOKEN);
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    client.request(probe.method, &(probe.path)(TOKEN), &headers, probe.body())
}

/// Whether `sent` reached the router in workerd byte for byte (an empty value dropped, as
/// [`crate::native::as_delivered`] says workerd does): the echo route answers the header as
/// the router got it.
fn delivered_as_sent(client: &Client, sent: String) -> Result<bool, String> {
    let echo = client.get(axum_worker::conformance::ECHO_PATH, Some(&sent))?;
    Ok(match crate::native::as_delivered(Some(sent)) {
        Some(sent) => echo.status == 200 && echo.body == sent,
        None => echo.status == 404,
    })
}

fn native_env(wrangler: &Path, store: Store) -> Result<SecretsEnv, String> {
    let builder = match store {
        // No config, no binding: `secret_store("ADMIN_TOKEN")` errs as for an unbound name.
        Store::Unbound => SecretsEnv::builder(),
        Store::Matrix(_) => SecretsEnv::builder()
            .wrangler_config(wrangler)
            .secret(BINDING, TOKEN),
    };
    let env = builder.build().map_err(|e| e.to_string())?;
    match store {
        Store::Matrix(StoreState::Deleted) => {
            env.admin().delete(BINDING).map_err(|e| e.to_string())?;
        }
        Store::Matrix(StoreState::Failing) => env.admin().fail_all("the store is unavailable"),
        Store::Matrix(StoreState::Seeded) | Store::Unbound => {}
    }
    Ok(env)
}

/// The same router natively, through `TestClient::service` over the fakes (which, like
/// workerd, drops an empty `Authorization` before the router sees it).
fn run_native(probe: &Probe, wrangler: &Path) -> Result<Observed, String> {
    let env = native_env(wrangler, probe.store)?;
    let client = TestClient::service(&env, axum_worker::conformance::router);
    let mut request = http::Request::builder()
        .method(probe.method)
        .uri((probe.path)(TOKEN));
    for (name, value) in probe.headers(TOKEN) {
        request = request.header(name, value);
    }
    // The message of an http error names the part that was invalid, never a header value.
    let request = request
        .body(Bytes::new())
        .map_err(|e| format!("building the request: {e}"))?;
    let response = block_on(client.try_send(request)).map_err(|e| e.to_string())?;
    Ok(Observed {
        status: response.status().as_u16(),
        body: response.text(),
    })
}

fn render(rows: &[Row<'_>], redactor: &Redactor) -> (String, Counts) {
    let mut counts = Counts::default();
    let mut reasons: Vec<&'static str> = Vec::new();
    let mut out = String::from(
        "| axum Worker: scenario | request | headers | ADMIN_TOKEN | native (`TestClient::service`) | workerd (raw HTTP/1.1) | reached the router as sent | verdict |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for row in rows {
        let workerd_cell = match &row.workerd {
            Some(answer) => cell(answer, redactor),
            None => "-".to_owned(),
        };
        let delivered_cell = match &row.delivered {
            None => "-".to_owned(),
            Some(Ok(true)) => "yes".to_owned(),
            Some(Ok(false)) => "**no**".to_owned(),
            Some(Err(message)) => format!("error: {}", one_line(&redactor.redact(message))),
        };
        let verdict = if let Some(reason) = row.probe.not_reproducible {
            counts.not_reproducible += 1;
            let number = footnote(&mut reasons, reason);
            format!("not reproducible (a{number})")
        } else {
            let agree = matches!(
                (&row.native, &row.workerd, &row.delivered),
                (Ok(a), Some(Ok(b)), None | Some(Ok(true))) if a == b
            );
            counts.record(agree).to_owned()
        };
        let _ = writeln!(
            out,
            "| {} | `{} {}` | {} | {} | {} | {workerd_cell} | {delivered_cell} | {verdict} |",
            row.probe.name,
            row.probe.method,
            row.probe.shown_path,
            one_line(&row.probe.shown_headers()),
            row.probe.store.name(),
            cell(&row.native, redactor),
        );
    }
    write_footnotes(&mut out, "a", &reasons);
    let _ = writeln!(out, "\n{}", counts.closing_line("axum-worker"));
    (out, counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(status: u16, body: &str) -> Result<Observed, String> {
        Ok(Observed {
            status,
            body: body.to_owned(),
        })
    }

    fn redactor() -> Redactor {
        let wrangler = crate::workspace_root().join("examples/axum-worker/wrangler.toml");
        native_env(&wrangler, Store::Matrix(StoreState::Seeded))
            .unwrap()
            .redactor()
    }

    #[test]
    fn a_header_that_did_not_reach_the_router_as_sent_is_a_difference() {
        let probes = probes();
        let right = probes
            .iter()
            .find(|p| p.name == "right credential")
            .unwrap();
        let rows = [
            Row {
                probe: right,
                native: observed(200, "ok"),
                workerd: Some(observed(200, "ok")),
                delivered: Some(Ok(true)),
            },
            Row {
                probe: right,
                native: observed(200, "ok"),
                workerd: Some(observed(200, "ok")),
                delivered: Some(Ok(false)),
            },
            Row {
                probe: right,
                native: observed(200, "ok"),
                workerd: Some(observed(401, "ok")),
                delivered: Some(Ok(true)),
            },
        ];
        let (table, counts) = render(&rows, &redactor());
        assert_eq!((counts.agree, counts.differ), (1, 2), "{table}");
        assert!(table.contains("axum-worker: 1 agree, 2 differ, 0 not reproducible"));
    }

    #[test]
    fn every_probe_is_shown_without_the_token() {
        let probes = probes();
        let rows: Vec<Row<'_>> = probes
            .iter()
            .map(|probe| Row {
                probe,
                native: observed(401, &format!("echo {TOKEN}")),
                workerd: probe
                    .not_reproducible
                    .is_none()
                    .then(|| observed(401, TOKEN)),
                delivered: None,
            })
            .collect();
        let (table, _) = render(&rows, &redactor());
        assert!(!table.contains(TOKEN), "{table}");
        // The protected route's matrix scenarios are all there, each once.
        for name in [
            "no credentials",
            "right credential",
            "secret missing",
            "binding unbound",
        ] {
            assert_eq!(
                probes.iter().filter(|p| p.name == name).count(),
                1,
                "{name}"
            );
        }
    }

    #[test]
    fn the_native_side_runs_the_same_router_over_the_fakes() {
        let wrangler = crate::workspace_root().join("examples/axum-worker/wrangler.toml");
        let probes = probes();
        let answer = |name: &str| {
            let probe = probes.iter().find(|p| p.name == name).unwrap();
            let observed = run_native(probe, &wrangler).unwrap();
            (observed.status, observed.body)
        };
        assert_eq!(answer("right credential").0, 200);
        assert_eq!(answer("near miss: trailing whitespace").0, 401);
        assert_eq!(answer("secret missing").0, 500);
        assert_eq!(answer("binding unbound").0, 500);
        assert_eq!(answer("unknown route").0, 404);
        assert_eq!(answer("method not allowed").0, 405);
        assert_eq!(answer("public route").1, r#"{"ok":true}"#);
    }
}
