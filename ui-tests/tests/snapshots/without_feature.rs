// The snapshot macros without devflare-test's `snapshots` feature: a compile error that says
// which feature to enable (insta is not compiled).
use devflare_test::prelude::*;
use devflare_test::assert_read_log_snapshot;

fn main() {
    let env = secrets_env! { API_TOKEN => "test-token" };
    assert_read_log_snapshot!(env.read_log(), @"API_TOKEN: not used");
}
