//! The protected-route matrix against the Worker in workerd over HTTP
//! (`ProtectedRoute::check_remote`): the stats route must pass it, and the route broken on
//! purpose (`/broken/stats`, any bearer token accepted) must fail it with the scenarios named —
//! so the remote matrix itself is tested against workerd on every run.

use devflare_test::{matrix::MatrixReport, matrix::ProtectedRoute, matrix::Scenario};
use http::StatusCode;
use stats_worker::{BROKEN_STATS_PATH, TOKEN_BINDING};

/// The stats route's expectations, as its native tests state them.
fn route(path: &str) -> ProtectedRoute {
    ProtectedRoute::get(path, TOKEN_BINDING)
        .rejected_with(StatusCode::UNAUTHORIZED)
        .fails_closed_with(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Scenarios a route that accepts any token must fail, in workerd as natively.
const MUST_CATCH: [Scenario; 3] = [
    Scenario::WrongToken,
    Scenario::Prefix,
    Scenario::OneCharChanged,
];

/// Runs both matrices against `base_url` (the secret seeded with `token`); prints their
/// value-free reports; `Ok(false)` when either does not end as it must.
pub fn run(base_url: &str, token: &str) -> Result<bool, String> {
    let guarded = check(&route("/internal/stats"), base_url, token)?;
    let broken = check(&route(BROKEN_STATS_PATH), base_url, token)?;
    println!("\n{guarded}\n\n{broken}\n");

    let guarded_ok = guarded.verdict().is_ok();
    let caught: Vec<Scenario> = match broken.verdict() {
        Ok(()) => Vec::new(),
        Err(failure) => failure.scenarios(),
    };
    let broken_caught = MUST_CATCH.iter().all(|s| caught.contains(s));
    let names: Vec<&str> = caught.iter().map(|s| s.name()).collect();
    println!(
        "remote matrix: /internal/stats {}; {BROKEN_STATS_PATH} {} ({} failed: {})",
        if guarded_ok { "passed" } else { "FAILED" },
        if broken_caught {
            "caught as it must be"
        } else {
            "NOT CAUGHT"
        },
        caught.len(),
        names.join(", ")
    );
    Ok(guarded_ok && broken_caught)
}

fn check(route: &ProtectedRoute, base_url: &str, token: &str) -> Result<MatrixReport, String> {
    route
        .check_remote(base_url, token)
        .map_err(|e| format!("the remote matrix could not run: {e}"))
}
