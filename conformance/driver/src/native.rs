//! The native side: the same handler (`stats_worker::handle`) against devflare-test's fakes,
//! built from the Worker's own wrangler.toml, one fresh env per scenario.

use std::path::Path;

use devflare_test::{SecretsEnv, block_on, redact::Redactor};

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
    if let Some(value) = as_delivered(scenario.authorization.header(token)) {
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

/// The `Authorization` value a Worker in workerd is handed for the one sent on the wire: the
/// value itself, byte for byte, except that workerd drops an **empty** `Authorization` header
/// before any Worker code runs. Observed with raw bytes on workerd's own socket, with a plain
/// JavaScript Worker too (so neither workers-rs nor Miniflare's entry Worker), while an empty
/// `X-Empty` is kept; production runs the same workerd. The native side hands the handler the
/// same, so the row compares the handler and not the transport, and the echo route checks the
/// claim on every run (a workerd that kept the header would make the row differ).
pub fn as_delivered(sent: Option<String>) -> Option<String> {
    sent.filter(|value| !value.is_empty())
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

#[cfg(test)]
mod tests {
    use super::as_delivered;

    #[test]
    fn only_an_empty_authorization_is_dropped_on_the_way_to_the_worker() {
        assert_eq!(as_delivered(Some(String::new())), None);
        for kept in ["Bearer ", " ", "Bearer t0ken ", "Bearer  t0ken"] {
            assert_eq!(as_delivered(Some(kept.to_owned())).as_deref(), Some(kept));
        }
        assert_eq!(as_delivered(None), None);
    }
}
