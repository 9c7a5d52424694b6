//! The platform facts of DESIGN.md, one test each.

use devflare_test::prelude::*;
use devflare_test::{Error, secrets::DEFAULT_STORE_ID, secrets::Origin};
use devflare_test::{SecretError, secrets::SecretRef};

fn read(env: &SecretsEnv, binding: &str) -> Result<Option<String>, SecretError> {
    block_on(env.secret_store(binding)?.get())
}

#[test]
fn two_bindings_to_one_reference_share_a_value() {
    let env = SecretsEnv::builder()
        .bind("A", SecretRef::new("store", "token"))
        .bind("B", SecretRef::new("store", "token"))
        .secret_at(SecretRef::new("store", "token"), "v1")
        .build()
        .unwrap();
    env.admin().set("A", "v2").unwrap();
    assert_eq!(read(&env, "B").unwrap().as_deref(), Some("v2"));
}

#[test]
fn the_same_name_in_another_store_is_another_secret() {
    let env = SecretsEnv::builder()
        .bind("A", SecretRef::new("store-1", "token"))
        .bind("B", SecretRef::new("store-2", "token"))
        .secret_at(SecretRef::new("store-1", "token"), "one")
        .build()
        .unwrap();
    assert_eq!(read(&env, "A").unwrap().as_deref(), Some("one"));
    assert!(matches!(read(&env, "B"), Err(SecretError::NotFound { .. })));
}

#[test]
fn names_are_case_sensitive() {
    let env = SecretsEnv::builder()
        .bind("TOKEN", SecretRef::new("store", "token"))
        .secret_at(SecretRef::new("store", "Token"), "wrong case")
        .build()
        .unwrap();
    let error = read(&env, "TOKEN").unwrap_err();
    assert_eq!(error.to_string(), r#"Error: Secret "token" not found"#);
    assert_eq!(error.closest(), Some("Token"));

    let unbound = env.secret_store("token").unwrap_err();
    assert_eq!(unbound.to_string(), "Binding `token` is undefined.");
    assert_eq!(unbound.closest(), Some("TOKEN"));
}

#[test]
fn values_round_trip_exactly() {
    let values = [
        "",
        "héllo wörld ✓ 🙂",
        "line one\nline two\r\n",
        "trailing  ",
        "  lead",
        "\0nul",
    ];
    for value in values {
        let env = secrets_env! { V => value };
        assert_eq!(
            read(&env, "V").unwrap().as_deref(),
            Some(value),
            "{value:?}"
        );
    }
}

#[test]
fn an_unknown_store_is_a_missing_secret() {
    let env = SecretsEnv::builder()
        .bind("T", SecretRef::new("no-such-store", "API_TOKEN"))
        .secret_at(SecretRef::new("other-store", "API_TOKEN"), "v")
        .build()
        .unwrap();
    let error = read(&env, "T").unwrap_err();
    assert_eq!(error.to_string(), r#"Error: Secret "API_TOKEN" not found"#);
    match error {
        SecretError::NotFound {
            binding,
            store_id,
            secret_name,
            closest,
        } => {
            assert_eq!(binding, "T");
            assert_eq!(store_id, "no-such-store");
            assert_eq!(secret_name, "API_TOKEN");
            assert_eq!(closest, None, "suggestions come from the same store only");
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[test]
fn a_missing_secret_is_an_error_never_none() {
    let env = SecretsEnv::builder()
        .bind("T", SecretRef::new("s", "n"))
        .build()
        .unwrap();
    assert!(read(&env, "T").is_err());
    env.admin().set("T", "v").unwrap();
    assert!(env.admin().delete("T").unwrap());
    assert_eq!(
        read(&env, "T").unwrap_err().to_string(),
        r#"Error: Secret "n" not found"#
    );
    assert!(!env.admin().delete("T").unwrap(), "nothing left to delete");
}

#[test]
fn the_short_macro_form_uses_the_default_store_and_the_binding_name() {
    let env = secrets_env! { API_TOKEN => "t" };
    let reference = env.reference("API_TOKEN").unwrap();
    assert_eq!(reference.store_id(), DEFAULT_STORE_ID);
    assert_eq!(reference.secret_name(), "API_TOKEN");
}

#[test]
fn the_explicit_macro_form_binds_the_given_reference() {
    let env = secrets_env! {
        API_TOKEN: "store-123"/"api-token" => "test-token",
        SAME: "store-123"/"api-token" => "test-token",
        GREETING => String::from("hi"),
    };
    assert_eq!(
        env.reference("API_TOKEN").unwrap().to_string(),
        "store-123/api-token"
    );
    env.admin().rotate("SAME", "rotated").unwrap();
    assert_eq!(read(&env, "API_TOKEN").unwrap().as_deref(), Some("rotated"));
    assert_eq!(read(&env, "GREETING").unwrap().as_deref(), Some("hi"));
}

#[test]
fn a_value_by_binding_name_follows_the_binding_wherever_it_points() {
    let env = SecretsEnv::builder()
        .secret("API_TOKEN", "test-token") // before the binding: order does not matter
        .bind("API_TOKEN", SecretRef::new("store-123", "api-token"))
        .build()
        .unwrap();
    assert_eq!(env.admin().list("store-123"), ["api-token"]);
    assert!(env.admin().list(DEFAULT_STORE_ID).is_empty());
}

#[test]
fn a_duplicate_binding_names_both_places() {
    let error = SecretsEnv::builder()
        .bind("API_TOKEN", SecretRef::new("s", "a"))
        .bind("API_TOKEN", SecretRef::new("s", "b"))
        .build()
        .unwrap_err();
    assert_eq!(
        error,
        Error::DuplicateBinding {
            binding: "API_TOKEN".into(),
            first: Origin::Code,
            second: Origin::Code
        }
    );
    assert!(
        error
            .to_string()
            .contains("binding `API_TOKEN` is declared twice")
    );
}

#[test]
#[should_panic(expected = "secrets_env!: binding `A` is declared twice")]
fn the_macro_panics_on_a_duplicate_with_the_builders_message() {
    let _ = secrets_env! { A: "s"/"x" => "1", A: "s"/"y" => "2" };
}

#[test]
fn admin_lists_names_in_byte_order_and_never_values() {
    let env = SecretsEnv::builder()
        .bind("T", SecretRef::new("s", "b"))
        .build()
        .unwrap();
    let admin = env.admin();
    for name in ["b", "B", "a", "_"] {
        admin.set_at(&SecretRef::new("s", name), "value");
    }
    admin.set_at(&SecretRef::new("other", "z"), "value");
    assert_eq!(admin.list("s"), ["B", "_", "a", "b"]);
    assert_eq!(admin.list_all().len(), 5);
    assert!(admin.delete_at(&SecretRef::new("s", "a")));
    assert_eq!(admin.list("s"), ["B", "_", "b"]);
}

#[test]
fn rotate_needs_an_existing_value_and_set_creates_one() {
    let env = SecretsEnv::builder()
        .bind("T", SecretRef::new("s", "n"))
        .build()
        .unwrap();
    let error = env.admin().rotate("T", "v").unwrap_err();
    assert_eq!(error.to_string(), r#"Error: Secret "n" not found"#);
    env.admin().set("T", "v").unwrap();
    env.admin().rotate("T", "w").unwrap();
    assert_eq!(read(&env, "T").unwrap().as_deref(), Some("w"));
    let unbound = env.admin().set("X", "v").unwrap_err();
    assert_eq!(unbound.to_string(), "Binding `X` is undefined.");
}

#[test]
fn injected_faults_fail_get_until_healed() {
    let env = secrets_env! { A => "a", B => "b" };
    let admin = env.admin();
    admin.fail("A", "Internal error").unwrap();
    assert!(admin.has_faults());
    let error = read(&env, "A").unwrap_err();
    assert_eq!(error.to_string(), "Internal error");
    assert_eq!(error.binding(), "A");
    assert_eq!(read(&env, "B").unwrap().as_deref(), Some("b"));

    admin.fail_all("store down");
    assert_eq!(read(&env, "B").unwrap_err().to_string(), "store down");
    assert_eq!(
        read(&env, "A").unwrap_err().to_string(),
        "Internal error",
        "binding fault first"
    );
    admin.heal("A").unwrap();
    assert_eq!(read(&env, "A").unwrap_err().to_string(), "store down");
    admin.heal_all();
    assert!(!admin.has_faults());
    assert_eq!(read(&env, "A").unwrap().as_deref(), Some("a"));
    assert!(admin.fail("NOPE", "x").is_err());
}

#[test]
fn bindings_already_handed_out_see_rotations() {
    let env = secrets_env! { T => "old" };
    let held = env.secret_store("T").unwrap();
    env.admin().rotate("T", "new").unwrap();
    assert_eq!(block_on(held.get()).unwrap().as_deref(), Some("new"));
}

#[test]
fn the_read_log_counts_lookups_and_outcomes() {
    let env = SecretsEnv::builder()
        .secret("API_TOKEN", "t")
        .bind("MISSING", SecretRef::new("s", "gone"))
        .bind("UNUSED", SecretRef::new("s", "u"))
        .build()
        .unwrap();
    assert!(env.read_log().is_untouched());
    let _ = read(&env, "API_TOKEN");
    let _ = read(&env, "API_TOKEN");
    let _ = read(&env, "MISSING");
    let _ = env.secret_store("API_TOKNE");
    env.admin().fail("API_TOKEN", "boom").unwrap();
    let _ = read(&env, "API_TOKEN");

    let log = env.read_log();
    let token = log.binding("API_TOKEN").unwrap();
    assert_eq!(
        (token.lookups, token.found, token.missing, token.failed),
        (3, 2, 0, 1)
    );
    assert_eq!(log.reads_of("MISSING"), 1);
    assert_eq!(log.reads_of("UNUSED"), 0);
    assert_eq!(log.read_bindings(), ["API_TOKEN", "MISSING"]);
    assert_eq!(
        log.to_string(),
        "API_TOKEN: 3 lookups, 3 reads (2 found, 1 failed)\n\
         MISSING: 1 lookup, 1 read (1 missing)\n\
         UNUSED: not used\n\
         unbound lookups: API_TOKNE ×1\n"
    );
    env.reset_read_log();
    assert!(env.read_log().is_untouched());
}

#[test]
fn bindings_without_value_lists_what_a_test_forgot() {
    let env = SecretsEnv::builder()
        .secret("SET", "v")
        .bind("FORGOTTEN", SecretRef::new("s", "f"))
        .build()
        .unwrap();
    assert_eq!(env.bindings_without_value(), ["FORGOTTEN"]);
}

static SHARED: std::sync::LazyLock<SecretsEnv> =
    std::sync::LazyLock::new(|| secrets_env! { API_TOKEN => "static" });

#[test]
fn an_env_can_live_in_a_static_lazy_lock() {
    assert_eq!(
        read(&SHARED, "API_TOKEN").unwrap().as_deref(),
        Some("static")
    );
}

#[test]
fn strict_mode_rejects_what_production_would() {
    let ok = SecretsEnv::builder()
        .bind(
            "API_TOKEN",
            SecretRef::new("0123456789abcdef0123456789abcdef", "api-token"),
        )
        .secret_at(
            SecretRef::new("0123456789abcdef0123456789abcdef", "api-token"),
            "v",
        )
        .strict()
        .build();
    assert!(ok.is_ok(), "{ok:?}");

    let cases: [(SecretsEnvBuilder, &str); 4] = [
        (
            SecretsEnv::builder().bind(
                "API TOKEN",
                SecretRef::new("0123456789abcdef0123456789abcdef", "n"),
            ),
            "binding name `API TOKEN`",
        ),
        (
            SecretsEnv::builder().bind(
                "T",
                SecretRef::new("0123456789abcdef0123456789abcdef", "api.token"),
            ),
            "secret name `api.token` of binding `T`",
        ),
        (
            SecretsEnv::builder().bind("T", SecretRef::new("store-123", "n")),
            "store id `store-123` of binding `T` (declared at test code) must be 32 lowercase hex",
        ),
        (
            SecretsEnv::builder().secret("T", "x".repeat(65_537)),
            "is 65537 bytes of UTF-8; production allows at most 65536",
        ),
    ];
    for (builder, expected) in cases {
        // Not strict: local development accepts any string.
        assert!(builder.clone().build().is_ok());
        let message = builder.strict().build().unwrap_err().to_string();
        assert!(
            message.contains(expected),
            "{message:?} should contain {expected:?}"
        );
    }
    // Exactly at the cap is fine.
    assert!(
        SecretsEnv::builder()
            .secret("T", "x".repeat(65_536))
            .strict()
            .build()
            .is_ok()
    );
}

/// What redaction calls a value: the first binding by name that points at it, whatever the
/// order the bindings were declared in; an unbound secret's value by its reference.
#[test]
fn a_value_is_labelled_by_its_first_binding_or_its_reference() {
    let shared = SecretRef::new("store-a", "token");
    let env = SecretsEnv::builder()
        .bind("ZED_TOKEN", shared.clone())
        .bind("ALPHA_TOKEN", shared.clone())
        .secret_at(shared, "canary-shared-4e1f")
        .secret_at(SecretRef::new("store-b", "loose"), "canary-loose-9a2c")
        .secret("OTHER", "canary-other-77d0")
        .build()
        .unwrap();
    assert_eq!(
        env.redactor()
            .redact("canary-shared-4e1f canary-loose-9a2c canary-other-77d0"),
        "[secret:ALPHA_TOKEN] [secret:store-b/loose] [secret:OTHER]"
    );
}
