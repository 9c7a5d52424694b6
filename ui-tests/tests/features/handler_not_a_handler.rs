// A value that is not a handler given to `TestClient::with_handler`: the error says what is.
use devflare_test::prelude::*;

fn main() {
    let env = secrets_env! { API_TOKEN => "test-token" };
    let _client = TestClient::with_handler(&env, 42);
}
