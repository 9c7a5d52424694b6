// `ProtectedRoute::signed` and `Signature` without the `webhooks` feature: the error names it.
use devflare_test::prelude::*;

fn main() {
    let _route = ProtectedRoute::post("/hooks/github", "WEBHOOK_SECRET").signed(Signature::github());
}
