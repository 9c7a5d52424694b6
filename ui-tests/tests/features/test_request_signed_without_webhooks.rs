// `TestRequest::signed` without the `webhooks` feature: the error names it.
use devflare_test::prelude::*;

fn main() {
    let _request = TestRequest::post("/hooks/github").signed(Signature::github(), "key");
}
