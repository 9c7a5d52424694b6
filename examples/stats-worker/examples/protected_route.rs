//! The main job: run the stats route against fixture secrets and print what each caller gets.
//!
//! `cargo run -p stats-worker --example protected_route`

use devflare_test::prelude::*;
use http::Request;
use stats_worker::handle;

fn main() {
    let env = secrets_env! { API_TOKEN: "0123456789abcdef0123456789abcdef"/"API_TOKEN" => "fixture-token" };
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
    let client = TestClient::new(&env, async |request: http::Request<bytes::Bytes>| {
        handle(&request, &env).await
    });
    let report = block_on(ProtectedRoute::get("/internal/stats", "API_TOKEN").check(&client))
        .expect("the matrix can run");
    println!("\n{report}");
    if let Err(failure) = report.verdict() {
        eprintln!("{failure}");
        std::process::exit(1);
    }
}
