//! Classic secrets and vars: the workers-rs accessors and their error texts, wrangler's
//! sources and precedence (`vars`, `.dev.vars`, `.env*`, `secrets.required`), and classic
//! secrets treated as secrets (redaction, leak scan, read log, rotation, faults).

use devflare_test::SecretError;
use devflare_test::config::{Format, WranglerConfig};
use devflare_test::prelude::*;
use devflare_test::{Error, secrets::BindingKind};

const CLASSIC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/classic");
const CLASSIC_CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/classic/wrangler.toml"
);
const DOTENV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/classic-dotenv");
const DOTENV_CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/classic-dotenv/wrangler.jsonc"
);

fn classic_env(env: Option<&str>) -> SecretsEnv {
    let builder = match env {
        Some(name) => SecretsEnv::builder().wrangler_config_env(CLASSIC_CONFIG, name),
        None => SecretsEnv::builder().wrangler_config(CLASSIC_CONFIG),
    };
    builder.dev_vars(CLASSIC, env).build().unwrap()
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Limits {
    burst: u32,
    per_minute: u32,
}

#[test]
fn config_vars_are_read_as_text_and_json() {
    let env = classic_env(None);
    assert_eq!(env.var("ENVIRONMENT").unwrap(), "development");
    assert_eq!(env.binding_kind("ENVIRONMENT"), Some(BindingKind::Var));
    let limits: Limits = env.object_var("LIMITS").unwrap();
    assert_eq!(
        limits,
        Limits {
            burst: 10,
            per_minute: 600
        }
    );
}

#[test]
fn named_environments_do_not_inherit_vars() {
    let env = classic_env(Some("staging"));
    assert_eq!(env.var("ENVIRONMENT").unwrap(), "staging");
    assert_eq!(
        env.var("PARTNER_ORIGIN").unwrap_err().to_string(),
        "Binding `PARTNER_ORIGIN` is undefined."
    );
}

#[test]
fn dev_vars_override_a_config_var_and_make_it_a_secret() {
    let env = classic_env(None);
    assert_eq!(env.secret("PARTNER_API_KEY").unwrap(), "pk-dev-vars-canary");
    assert_eq!(
        env.binding_kind("PARTNER_API_KEY"),
        Some(BindingKind::ClassicSecret)
    );
    assert_eq!(
        env.secret("WEBHOOK_SECRET").unwrap(),
        "whsec-dev-vars-canary"
    );
}

#[test]
fn dev_vars_for_an_env_replace_dev_vars_instead_of_merging() {
    let env = classic_env(Some("staging"));
    assert_eq!(env.secret("PARTNER_API_KEY").unwrap(), "pk-staging-canary");
    assert!(
        env.secret("WEBHOOK_SECRET").is_err(),
        "not merged from .dev.vars"
    );
}

#[test]
fn dotenv_files_are_ignored_when_dev_vars_exists() {
    let env = classic_env(None);
    assert!(env.secret("ONLY_IN_DOTENV").is_err());
}

#[test]
fn secrets_required_excludes_other_keys_and_warns_about_missing_ones() {
    let env = classic_env(None);
    assert!(env.secret("NOT_REQUIRED").is_err());
    assert!(
        env.warnings().iter().any(|w| w.contains("`NOT_REQUIRED`")),
        "{:?}",
        env.warnings()
    );
    let without_file = SecretsEnv::builder()
        .wrangler_config(CLASSIC_CONFIG)
        .classic_secret("PARTNER_API_KEY", "k")
        .build()
        .unwrap();
    let warnings = without_file.warnings().join("\n");
    assert!(
        warnings.contains("secret `WEBHOOK_SECRET` is listed in `secrets.required`"),
        "{warnings}"
    );
    assert!(warnings.contains("wrangler.toml:15:"), "{warnings}");
}

#[test]
fn env_files_merge_in_wranglers_load_order_and_expand() {
    let top = SecretsEnv::builder()
        .wrangler_config(DOTENV_CONFIG)
        .dev_vars(DOTENV, None)
        .build()
        .unwrap();
    let values: Vec<String> = ["A", "B", "C", "D"]
        .iter()
        .map(|k| top.secret(k).unwrap())
        .collect();
    // `.env` overrides the config var `A`; `.env.local` overrides `.env`.
    assert_eq!(
        values,
        [
            "from-env",
            "from-env-local",
            "from-env-local",
            "from-env-local"
        ]
    );
    assert_eq!(top.secret("URL").unwrap(), "https://partner.example/v1");

    let staging = SecretsEnv::builder()
        .wrangler_config_env(DOTENV_CONFIG, "staging")
        .dev_vars(DOTENV, Some("staging"))
        .build()
        .unwrap();
    let values: Vec<String> = ["A", "B", "C", "D"]
        .iter()
        .map(|k| staging.secret(k).unwrap())
        .collect();
    // wrangler loads `.env`, `.env.local`, `.env.<env>`, `.env.<env>.local`, each overriding.
    assert_eq!(
        values,
        [
            "from-env",
            "from-env-local",
            "from-env-staging",
            "from-env-staging-local"
        ]
    );
    assert_eq!(staging.var("ENVIRONMENT").unwrap(), "staging");
}

#[test]
fn no_local_file_is_skipped_and_shown_in_debug() {
    let builder =
        SecretsEnv::builder().dev_vars(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"), None);
    assert!(
        format!("{builder:?}").contains("dev_vars: none of .dev.vars"),
        "{builder:?}"
    );
    builder.build().unwrap();
    let relative = SecretsEnv::builder()
        .dev_vars("fixtures", None)
        .build()
        .unwrap_err();
    assert!(relative.to_string().contains("absolute"), "{relative}");
}

#[test]
fn explicit_values_win_over_files_and_config() {
    let env = SecretsEnv::builder()
        .wrangler_config(CLASSIC_CONFIG)
        .dev_vars(CLASSIC, None)
        .var("ENVIRONMENT", "test")
        .classic_secret("PARTNER_API_KEY", "explicit")
        .build()
        .unwrap();
    assert_eq!(env.var("ENVIRONMENT").unwrap(), "test");
    assert_eq!(env.secret("PARTNER_API_KEY").unwrap(), "explicit");
}

#[test]
fn type_confusion_gives_workers_rs_texts() {
    let env = classic_env(None);
    let text = |e: SecretError| e.to_string();
    assert_eq!(
        text(env.secret("ADMIN_TOKEN").unwrap_err()),
        "Binding cannot be cast to the type String from Fetcher"
    );
    assert_eq!(
        text(env.var("ADMIN_TOKEN").unwrap_err()),
        "Binding cannot be cast to the type String from Fetcher"
    );
    assert_eq!(
        text(env.secret_store("PARTNER_API_KEY").unwrap_err()),
        "Binding cannot be cast to the type Fetcher from String"
    );
    assert_eq!(
        text(env.var("LIMITS").unwrap_err()),
        "Binding cannot be cast to the type String from Object"
    );
    assert_eq!(
        text(env.var("RETRIES").unwrap_err()),
        "Binding cannot be cast to the type String from Number"
    );
    assert_eq!(
        text(env.object_var::<Limits>("ENVIRONMENT").unwrap_err()),
        "Binding cannot be cast to the type Object from String"
    );
    assert_eq!(
        text(env.object_var::<Limits>("RETRIES").unwrap_err()),
        "Binding cannot be cast to the type Object from Number"
    );
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Wrong {
        missing: String,
    }
    assert_eq!(
        text(env.object_var::<Wrong>("LIMITS").unwrap_err()),
        "Error: missing field `missing`"
    );
    let unbound = env.secret("PARTNER_API_KY").unwrap_err();
    assert_eq!(
        unbound.to_string(),
        "Binding `PARTNER_API_KY` is undefined."
    );
    assert_eq!(unbound.closest(), Some("PARTNER_API_KEY"));
    // A secret and a string var are both strings on `env`.
    assert_eq!(env.var("PARTNER_API_KEY").unwrap(), "pk-dev-vars-canary");
    assert_eq!(env.secret("ENVIRONMENT").unwrap(), "development");
}

#[test]
fn a_name_bound_as_two_kinds_is_an_error() {
    let error = SecretsEnv::builder()
        .secret("API_TOKEN", "a")
        .classic_secret("API_TOKEN", "b")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::DuplicateBinding { .. }), "{error}");
}

#[test]
fn classic_secrets_are_redacted_and_leak_scanned_but_vars_are_not() {
    let env = classic_env(None);
    let redactor = env.redactor();
    assert_eq!(
        redactor.redact("k=pk-dev-vars-canary env=development"),
        "k=[secret:PARTNER_API_KEY] env=development"
    );
    let debug = format!("{env:?} {:?}", env.read_log());
    assert!(!debug.contains("canary"), "{debug}");
    assert!(debug.contains("PARTNER_API_KEY"), "{debug}");
    // Rotated values stay known to the scan.
    env.admin()
        .rotate("PARTNER_API_KEY", "pk-rotated-canary")
        .unwrap();
    assert_eq!(env.secret("PARTNER_API_KEY").unwrap(), "pk-rotated-canary");
    let redacted = env
        .redactor()
        .redact("old pk-dev-vars-canary new pk-rotated-canary");
    assert_eq!(
        redacted,
        "old [secret:PARTNER_API_KEY] new [secret:PARTNER_API_KEY]"
    );
}

#[test]
fn classic_secret_reads_are_logged_and_faults_and_deletes_apply() {
    let env = classic_env(None);
    env.secret("PARTNER_API_KEY").unwrap();
    env.admin().fail("PARTNER_API_KEY", "injected").unwrap();
    assert_eq!(
        env.secret("PARTNER_API_KEY").unwrap_err().to_string(),
        "injected"
    );
    env.admin().heal("PARTNER_API_KEY").unwrap();
    assert!(env.admin().delete("PARTNER_API_KEY").unwrap());
    assert_eq!(
        env.secret("PARTNER_API_KEY").unwrap_err().to_string(),
        "Binding `PARTNER_API_KEY` is undefined."
    );
    let log = env.read_log();
    let reads = log.binding("PARTNER_API_KEY").unwrap();
    assert_eq!(
        (reads.kind, reads.found, reads.failed, reads.missing),
        (BindingKind::ClassicSecret, 1, 1, 1)
    );
    let text = log.to_string();
    assert!(
        text.contains(
            "PARTNER_API_KEY (classic secret): 3 lookups, 3 reads (1 found, 1 missing, 1 failed)"
        ),
        "{text}"
    );
    assert!(text.contains("ENVIRONMENT (var): not used"), "{text}");
}

#[test]
fn strict_mode_warns_about_vars_that_look_secret_without_quoting_them() {
    let canary = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
    let config = WranglerConfig::parse(
        &format!("[vars]\nSTRIPE_KEY = \"x\"\nBILLING = \"{canary}\"\nENVIRONMENT = \"dev\"\n"),
        "wrangler.toml",
        Format::Toml,
    )
    .unwrap();
    let lax = SecretsEnv::builder()
        .wrangler(&config, None)
        .build()
        .unwrap();
    assert!(lax.warnings().is_empty());
    let strict = SecretsEnv::builder()
        .wrangler(&config, None)
        .strict()
        .build()
        .unwrap();
    let warnings = strict.warnings().join("\n");
    assert!(
        warnings.contains("var `STRIPE_KEY` at wrangler.toml:2:1 has a name"),
        "{warnings}"
    );
    assert!(
        warnings.contains("var `BILLING` at wrangler.toml:3:1 has a value"),
        "{warnings}"
    );
    assert!(!warnings.contains("ENVIRONMENT"), "{warnings}");
    assert!(!warnings.contains(canary), "{warnings}");
}

#[test]
fn handlers_written_against_the_seam_run_on_the_fake() {
    fn partner_url<E: VarsEnv>(env: &E) -> Result<String, E::Error> {
        Ok(format!(
            "{}/v1?env={}",
            env.var("PARTNER_ORIGIN")?,
            env.var("ENVIRONMENT")?
        ))
    }
    fn partner_key(env: &impl VarsEnv) -> Option<String> {
        env.secret("PARTNER_API_KEY").ok().filter(|k| !k.is_empty())
    }
    let env = classic_env(None);
    assert_eq!(
        partner_url(&env).unwrap(),
        "https://partner.example/v1?env=development"
    );
    assert_eq!(partner_key(&env).as_deref(), Some("pk-dev-vars-canary"));
    env.admin().delete("PARTNER_API_KEY").unwrap();
    assert_eq!(partner_key(&env), None);
}

/// A classic secret is found by the response leak scan (in any encoding, a rotated value
/// too) and by the egress scan of outbound requests, which names it, never its value.
#[test]
fn classic_secrets_are_found_by_the_leak_scan_and_the_egress_scan() {
    use bytes::Bytes;
    use devflare_test::{
        outbound::EgressReason, outbound::FakeResponse, outbound::RequestPart, redact::Encoding,
    };
    use http::{Request, Response};

    let env = classic_env(None);
    env.admin()
        .rotate("PARTNER_API_KEY", "pk-rotated-canary")
        .unwrap();
    let body = format!(
        "old {} new pk-rotated-canary env development",
        crate::routes::base64("pk-dev-vars-canary")
    );
    let client = TestClient::new(&env, async move |_, _| {
        Response::builder().status(200).body(body.clone()).unwrap()
    });
    let leaks = client.send_blocking(TestRequest::get("/")).leaks();
    let found: Vec<(&str, Encoding)> = leaks
        .iter()
        .map(|leak| (leak.binding.as_str(), leak.encoding))
        .collect();
    assert_eq!(
        found,
        [
            ("PARTNER_API_KEY", Encoding::Base64),
            ("PARTNER_API_KEY", Encoding::Raw)
        ],
        "{leaks:?}"
    );

    let partner = "https://api.partner.example";
    env.upstream()
        .route("*", "https://api.partner.example/*", FakeResponse::new(204))
        .unwrap()
        .route(
            "*",
            "https://metrics.other.example/*",
            FakeResponse::new(204),
        )
        .unwrap()
        .allow_secret("PARTNER_API_KEY", partner, Some("x-api-key"))
        .unwrap();
    let fetcher = env.fetcher();
    let send = |url: &str| {
        let request = Request::post(url)
            .header("x-api-key", env.secret("PARTNER_API_KEY").unwrap())
            .body(Bytes::new())
            .unwrap();
        block_on(fetcher.fetch(request)).unwrap();
    };
    send("https://api.partner.example/v1/report");
    assert!(env.upstream().violations().is_empty());
    send("https://metrics.other.example/collect");
    let violations = env.upstream().violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].secret, "PARTNER_API_KEY");
    assert_eq!(violations[0].reason, EgressReason::OtherOrigin);
    assert_eq!(
        violations[0].part,
        RequestPart::Header("x-api-key".to_owned())
    );
    let text = format!("{:?} {}", violations, violations[0]);
    assert!(!text.contains("canary"), "{text}");
}

/// A deleted classic secret can be put back, as `wrangler secret put` does; rotating a
/// deleted one is refused; a fault shows in `has_faults` and `heal_all` clears it.
#[test]
fn a_deleted_classic_secret_can_be_set_again_and_faults_are_healed_with_the_rest() {
    let env = classic_env(None);
    let admin = env.admin();
    assert!(admin.delete("PARTNER_API_KEY").unwrap());
    assert_eq!(
        admin
            .rotate("PARTNER_API_KEY", "pk-after-delete")
            .unwrap_err()
            .to_string(),
        "Binding `PARTNER_API_KEY` is undefined."
    );
    admin.set("PARTNER_API_KEY", "pk-put-again-canary").unwrap();
    assert_eq!(
        env.secret("PARTNER_API_KEY").unwrap(),
        "pk-put-again-canary"
    );
    assert_eq!(
        env.redactor().redact("k=pk-put-again-canary"),
        "k=[secret:PARTNER_API_KEY]"
    );
    admin
        .fail("PARTNER_API_KEY", "classic secret down")
        .unwrap();
    assert!(admin.has_faults());
    assert_eq!(
        env.secret("PARTNER_API_KEY").unwrap_err().to_string(),
        "classic secret down"
    );
    admin.heal_all();
    assert!(!admin.has_faults());
    assert_eq!(
        env.secret("PARTNER_API_KEY").unwrap(),
        "pk-put-again-canary"
    );
    let reads = env.read_log();
    let reads = reads.binding("PARTNER_API_KEY").unwrap();
    assert_eq!((reads.found, reads.failed), (2, 1));
}
