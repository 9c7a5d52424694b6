//! The native side: the same handler (`stats_worker::handle`) against devflare-test's fakes,
//! built from the Worker's own wrangler.toml, one fresh env per scenario.

use std::path::Path;

use devflare_test::{Redactor, SecretsEnv, block_on};

use crate::response::Observed;
use crate::scenarios::{BINDING, Scenario, StoreState};

/// Runs one scenario natively.
pub fn run(scenario: &Scenario, wrangler_toml: &Path, token: &str) -> Result<Observed, String> {
    let env = env_with(wrangler_toml, token)?;
    match scenario.store {
        StoreState::Seeded => {}
        StoreState::Deleted => {
            env.admin().delete(BINDING).map_err(|e| e.to_string())?;
        }
        StoreState::Failing => env.admin().fail_all("the store is unavailable"),
    }
    let mut request = http::Request::builder().method("GET").uri(scenario.path);
    if let Some(value) = scenario.authorization.header(token) {
        request = request.header(http::header::AUTHORIZATION, value);
    }
    // The message of an http error names the part that was invalid, never the header value.
    let request = request
        .body(())
        .map_err(|e| format!("building the request: {e}"))?;
    let response = block_on(stats_worker::handle(&request, &env));
    Ok(Observed {
        status: response.status().as_u16(),
        body: response.into_body(),
    })
}

/// A redactor for the token, in every encoding devflare-test knows.
pub fn redactor(wrangler_toml: &Path, token: &str) -> Result<Redactor, String> {
    Ok(env_with(wrangler_toml, token)?.redactor())
}

fn env_with(wrangler_toml: &Path, token: &str) -> Result<SecretsEnv, String> {
    SecretsEnv::builder()
        .wrangler_config(wrangler_toml)
        .secret(BINDING, token)
        .build()
        .map_err(|e| e.to_string())
}
