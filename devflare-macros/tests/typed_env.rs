//! The generated typed env and fixture, run against devflare-test's fakes: Secrets Store
//! bindings, vars and classic secrets.

use devflare_bindings::{DeclaredSecrets, PlainKind, SecretsStoreEnv, SecretsStoreSecret, VarsEnv};
use devflare_test::{Error, SecretError, SecretsEnv, block_on};

devflare_bindings::typed_env! {
    /// The test Worker's bindings.
    pub struct StatsEnv from "tests/configs/wrangler.toml";
    struct StagingEnv from "tests/configs/wrangler.toml", env = "staging";
    struct JsoncEnv from "tests/configs/wrangler.jsonc";
    /// Vars, classic secrets and a Secrets Store binding.
    struct BillingEnv from "tests/configs/billing.toml";
    struct BillingStagingEnv from "tests/configs/billing.toml", env = "staging";
}

/// What the billing Worker reads from its JSON var `LIMITS`.
#[derive(Debug, PartialEq, serde::Deserialize)]
struct Limits {
    burst: u32,
    tiers: Vec<Tier>,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Tier {
    name: String,
    per_minute: u32,
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

#[test]
fn vars_read_their_config_values_and_classic_secrets_what_the_test_set() {
    let fixture = BillingEnvFixture::new().partner_api_key("pk-test");
    let env = BillingEnv::new(SecretsEnv::from_declared(&fixture).unwrap());
    assert_eq!(env.environment().unwrap(), "development");
    // A JSON var's accessor is `object_var::<T>`: the config's own JSON, deserialized into T.
    assert_eq!(
        env.limits::<Limits>().unwrap(),
        Limits {
            burst: 10,
            tiers: vec![Tier {
                name: "free".into(),
                per_minute: 60
            }]
        }
    );
    // In both `vars` and `secrets.required`: a classic secret, with the test's value.
    assert_eq!(env.partner_api_key().unwrap(), "pk-test");
    assert_eq!(
        env.inner().binding_kind("PARTNER_API_KEY"),
        Some(devflare_test::secrets::BindingKind::ClassicSecret)
    );
    // Left unset: unbound, as a secret never put is in production.
    assert_eq!(
        env.webhook_secret().unwrap_err().to_string(),
        "Binding `webhookSecret` is undefined."
    );
    assert_eq!(fixture.unset(), ["ADMIN_TOKEN", "webhookSecret"]);
    // The typed env is still an untyped `VarsEnv`.
    assert_eq!(VarsEnv::var(&env, "ENVIRONMENT").unwrap(), "development");
    assert!(env.admin_token().is_ok());
}

#[test]
fn the_fixture_declares_vars_then_classic_secrets_with_positions() {
    let plain: Vec<String> = BillingEnvFixture::PLAIN
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        plain,
        [
            "var `ENVIRONMENT` (tests/configs/billing.toml:8:1)",
            "JSON var `LIMITS` (tests/configs/billing.toml:9:1)",
            "classic secret `PARTNER_API_KEY` (tests/configs/billing.toml:13:13)",
            "classic secret `webhookSecret` (tests/configs/billing.toml:13:32)",
        ]
    );
    assert_eq!(
        BillingEnvFixture::PLAIN[1].config_value(),
        Some(r#"{"burst":10,"note":"","tiers":[{"name":"free","per_minute":60}]}"#)
    );
    // `[env.staging]` inherits neither vars nor `secrets`.
    let staging = BillingStagingEnvFixture::PLAIN;
    assert_eq!(staging.len(), 1);
    assert_eq!(
        (
            staging[0].name(),
            staging[0].kind(),
            staging[0].config_value()
        ),
        ("ENVIRONMENT", PlainKind::Var, Some("staging"))
    );
    let env =
        BillingStagingEnv::new(SecretsEnv::from_declared(BillingStagingEnvFixture::new()).unwrap());
    assert_eq!(env.environment().unwrap(), "staging");
}

#[test]
fn setters_replace_vars_and_a_json_var_must_keep_the_config_shape() {
    let fixture = BillingEnvFixture::new()
        .environment("test")
        .limits(r#"{"burst": 1, "tiers": [], "note": "x"}"#);
    let env = BillingEnv::new(SecretsEnv::from_declared(&fixture).unwrap());
    assert_eq!(env.environment().unwrap(), "test");
    assert_eq!(env.limits::<Limits>().unwrap().burst, 1);
    assert_eq!(
        format!("{fixture:?}"),
        "BillingEnvFixture { ADMIN_TOKEN: unset, ENVIRONMENT: set, LIMITS: set, PARTNER_API_KEY: unset, webhookSecret: unset }"
    );

    let shape = |json: &str| {
        SecretsEnv::from_declared(BillingEnvFixture::new().limits(json))
            .unwrap_err()
            .to_string()
    };
    let prefix = "JSON var `LIMITS` (declared at tests/configs/billing.toml:9:1): the value set in test code";
    assert_eq!(
        shape(r#"{"burst": "10", "tiers": [], "note": ""}"#),
        format!(
            "{prefix} does not have the shape of the config's value: `LIMITS.burst` is a string, a number in the config"
        )
    );
    assert_eq!(
        shape(r#"{"bursts": 10, "tiers": [], "note": ""}"#),
        format!(
            "{prefix} does not have the shape of the config's value: `LIMITS.bursts` is not in the config's value; did you mean `burst`?"
        )
    );
    assert_eq!(
        shape(r#"{"burst": 10, "tiers": []}"#),
        format!(
            "{prefix} does not have the shape of the config's value: `LIMITS.note` is missing (the config's value has it)"
        )
    );
    assert_eq!(
        shape(r#"{"burst": 10, "tiers": [{"name": "pro", "per_minute": "60"}], "note": ""}"#),
        format!(
            "{prefix} does not have the shape of the config's value: `LIMITS.tiers[0].per_minute` is a string, a number in the config"
        )
    );
    assert!(shape("{burst: 10}").starts_with(&format!("{prefix} is not JSON: ")));
    assert!(matches!(
        SecretsEnv::from_declared(BillingEnvFixture::new().limits("[]")),
        Err(Error::VarShape { .. })
    ));
}

#[test]
fn a_classic_secret_set_through_the_fixture_is_a_secret() {
    const CANARY: &str = "canary-5b1e-classic";
    let fixture = BillingEnvFixture::new().webhook_secret(CANARY);
    let env = BillingEnv::new(SecretsEnv::from_declared(&fixture).unwrap());
    assert_eq!(env.webhook_secret().unwrap(), CANARY);
    let shown = format!("{fixture:?} {fixture:#?} {env:?} {env:#?}");
    assert!(!shown.contains(CANARY), "{shown}");
    assert_eq!(
        env.inner().redactor().redact(&format!("sig={CANARY}")),
        "sig=[secret:webhookSecret]"
    );
    assert!(
        env.inner()
            .read_log()
            .to_string()
            .contains("webhookSecret (classic secret): 1 lookup"),
        "{}",
        env.inner().read_log()
    );
}
