//! The main job: run the stats route against fixture secrets and print what each caller gets.
//!
//! `cargo run -p stats-worker --example protected_route`
//!
//! The secrets come from `fixtures/secrets.toml`, embedded at compile time relative to this
//! crate's `Cargo.toml`, so the example runs the same from any working directory.

use devflare_test::include_fixture;
use devflare_test::prelude::*;
use http::Request;
use stats_worker::handle;

fn main() {
    let env = SecretsEnv::builder()
        .embedded_fixture(include_fixture!("fixtures/secrets.toml"))
        .build()
        .unwrap_or_else(|error| panic!("fixtures/secrets.toml: {error}"));
    let cases = [
        ("no credentials", None),
        ("wrong token", Some("Bearer nope")),
        ("lower-case scheme", Some("bearer fixture-token")),
        ("right token", Some("Bearer fixture-token")),
    ];
    println!("GET /internal/stats against API_TOKEN = [secret:API_TOKEN]");
    for (case, authorization) in cases {
        let mut request = Request::get("/internal/stats");
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let response = block_on(handle(&request.body(()).unwrap(), &env));
        println!(
            "{case:>18}: {} {}",
            response.status().as_u16(),
            response.body()
        );
    }

    // The whole protected-route matrix, redacted: no line holds the token.
    let client = TestClient::new(&env, async |request, env| handle(&request, env).await);
    let report = block_on(ProtectedRoute::get("/internal/stats", "API_TOKEN").check(&client))
        .expect("the matrix can run");
    println!("\n{report}");
    if let Err(failure) = report.verdict() {
        eprintln!("{failure}");
        std::process::exit(1);
    }
}
