// `TestClient::service` without the `tower` feature: the error names it.
use devflare_test::prelude::*;

fn main() {
    let env = secrets_env! { API_TOKEN => "test-token" };
    let _client = TestClient::service(&env, |env: SecretsEnv| env);
}
