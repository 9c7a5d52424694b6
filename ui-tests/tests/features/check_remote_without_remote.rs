// `ProtectedRoute::check_remote` without the `remote` feature: the error names it.
use devflare_test::prelude::*;

fn main() {
    let route = ProtectedRoute::get("/internal/stats", "API_TOKEN");
    let _report = route.check_remote("http://127.0.0.1:8787", "test-token");
}
