//! The stats route as an axum `Router`, run through the protected-route matrix — the same
//! `handle` the Worker serves, so the same report as the closure version.
//!
//! `cargo run -p stats-worker --example axum_router`

use devflare_test::prelude::*;

/// The Worker's routes as an axum `Router`, reading secrets from `env`.
pub fn router<E: SecretsStoreEnv + Clone + 'static>(env: E) -> axum::Router {
    axum::Router::new().fallback(move |request: axum::extract::Request| {
        let env = env.clone();
        async move {
            // axum's request body is not `Sync`; the route only needs the head.
            let (parts, _body) = request.into_parts();
            stats_worker::handle(&http::Request::from_parts(parts, ()), &env).await
        }
    })
}

fn main() {
    let env = secrets_env! { API_TOKEN => "stats-canary-token-5hV8pQ2x" };
    let client = TestClient::service(&env, router);
    let report = block_on(ProtectedRoute::get("/internal/stats", "API_TOKEN").check(&client))
        .expect("the matrix can run");
    println!("{report}");
    if let Err(failure) = report.verdict() {
        eprintln!("{failure}");
        std::process::exit(1);
    }
}
