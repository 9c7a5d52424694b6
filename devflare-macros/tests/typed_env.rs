//! The generated typed env and fixture, run against devflare-test's fakes.

use devflare_bindings::{DeclaredSecrets, SecretsStoreEnv, SecretsStoreSecret};
use devflare_test::{SecretError, SecretsEnv, block_on};

devflare_bindings::typed_env! {
    /// The test Worker's bindings.
    pub struct StatsEnv from "tests/configs/wrangler.toml";
    struct StagingEnv from "tests/configs/wrangler.toml", env = "staging";
    struct JsoncEnv from "tests/configs/wrangler.jsonc"
}

fn read<S: SecretsStoreSecret>(binding: Result<S, impl std::fmt::Debug>) -> Option<String> {
    block_on(binding.unwrap().get()).unwrap()
}

#[test]
fn accessors_read_the_bindings_the_config_declares() {
    let fixture = StatsEnvFixture::new()
        .api_token("test-token")
        .signing_key(String::from("test-key"));
    let env = StatsEnv::new(SecretsEnv::from_declared(&fixture).unwrap());
    assert_eq!(read(env.api_token()).as_deref(), Some("test-token"));
    assert_eq!(read(env.signing_key()).as_deref(), Some("test-key"));
    // Accessors are `secret_store("BINDING")`, against the config's reference.
    assert_eq!(
        env.inner().reference("signingKey").unwrap().to_string(),
        "0123456789abcdef0123456789abcdef/signing-key"
    );
    assert_eq!(env.inner().read_log().reads_of("API_TOKEN"), 1);
    // Still an untyped env where one is expected.
    assert_eq!(
        read(env.secret_store("API_TOKEN")).as_deref(),
        Some("test-token")
    );
}

#[test]
fn the_fixture_lists_what_it_left_unset_and_unset_bindings_fail_like_production() {
    let fixture = StatsEnvFixture::new().api_token("test-token");
    assert_eq!(fixture.unset(), ["signingKey"]);
    assert_eq!(
        StatsEnvFixture::default().unset(),
        ["API_TOKEN", "signingKey"]
    );
    let env = StatsEnv::new(SecretsEnv::from_declared(fixture).unwrap());
    let error = block_on(env.signing_key().unwrap().get()).unwrap_err();
    assert!(matches!(error, SecretError::NotFound { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        r#"Error: Secret "signing-key" not found"#
    );
}

#[test]
fn declarations_carry_their_config_positions() {
    let declared: Vec<String> = StatsEnvFixture::DECLARATIONS
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        declared,
        [
            "binding `API_TOKEN` → 0123456789abcdef0123456789abcdef/API_TOKEN (tests/configs/wrangler.toml:5:1)",
            "binding `signingKey` → 0123456789abcdef0123456789abcdef/signing-key (tests/configs/wrangler.toml:10:1)",
        ]
    );
    let jsonc: Vec<_> = JsoncEnvFixture::DECLARATIONS
        .iter()
        .map(|d| d.binding())
        .collect();
    assert_eq!(jsonc, ["API_TOKEN", "signingKey"]);
}

#[test]
fn an_env_section_has_only_its_own_bindings() {
    let fixture = StagingEnvFixture::new().api_token("staging-token");
    let declared = fixture.declared_values().declarations();
    assert_eq!(
        declared.len(),
        1,
        "bindings are not inherited from the top level"
    );
    assert_eq!(declared[0].store_id(), "fedcba9876543210fedcba9876543210");
    let env = StagingEnv::new(SecretsEnv::from_declared(fixture).unwrap());
    assert_eq!(read(env.api_token()).as_deref(), Some("staging-token"));
}

#[test]
fn the_typed_env_works_over_a_borrowed_env_and_an_env_missing_the_binding() {
    // Production's env may lack a binding the config declares (an outdated deploy): the
    // accessor is then the seam's error, not a panic.
    let env = SecretsEnv::builder().secret("OTHER", "x").build().unwrap();
    let typed = StatsEnv::new(&env);
    let error = typed.api_token().unwrap_err();
    assert_eq!(error.to_string(), "Binding `API_TOKEN` is undefined.");
}

#[test]
fn no_value_set_through_the_fixture_is_ever_printed() {
    const CANARY: &str = "canary-7f3e2d-secret";
    let fixture = StatsEnvFixture::new().api_token(CANARY).signing_key(CANARY);
    let env = StatsEnv::new(SecretsEnv::from_declared(&fixture).unwrap());
    let shown = format!("{fixture:?} {fixture:#?} {env:?} {env:#?}");
    assert!(!shown.contains(CANARY), "{shown}");
    assert_eq!(
        format!("{fixture:?}"),
        "StatsEnvFixture { API_TOKEN: set, signingKey: set }"
    );
}
