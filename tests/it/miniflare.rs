//! Miniflare's own secrets-store tests (`packages/miniflare/test/plugins/secret-store/
//! index.spec.ts`), ported: the handler maps a `get()` error to 404 with its message, as there.

use devflare_test::prelude::*;
use devflare_test::secrets::SecretRef;

/// The Worker script of the Miniflare test: the value, or the error message.
async fn fetch(env: &SecretsEnv, binding: &str) -> Result<String, String> {
    let secret = env.secret_store(binding).map_err(|e| e.to_string())?;
    match secret.get().await {
        Ok(value) => Ok(value.unwrap_or_default()),
        Err(error) => Err(error.to_string()),
    }
}

#[tokio::test]
async fn single_secret_store() {
    let env = SecretsEnv::builder()
        .bind("SECRET", SecretRef::new("test_store_id", "secret_name"))
        .build()
        .unwrap();

    assert_eq!(
        fetch(&env, "SECRET").await,
        Err(r#"Error: Secret "secret_name" not found"#.to_owned())
    );

    env.admin().set("SECRET", "example").unwrap();

    assert_eq!(fetch(&env, "SECRET").await, Ok("example".to_owned()));
}

#[tokio::test]
async fn multiple_secret_store() {
    let env = SecretsEnv::builder()
        .bind(
            "SECRET1",
            SecretRef::new("test_store_id_1", "secret_name_a"),
        )
        // Same store id, different secret name.
        .bind(
            "SECRET2",
            SecretRef::new("test_store_id_1", "secret_name_b"),
        )
        // Different store id, same secret name.
        .bind(
            "SECRET3",
            SecretRef::new("test_store_id_2", "secret_name_a"),
        )
        .build()
        .unwrap();
    let all = |env: SecretsEnv| async move {
        let mut out = Vec::new();
        for name in ["SECRET1", "SECRET2", "SECRET3"] {
            out.push(fetch(&env, name).await.ok());
        }
        out
    };
    let some = |s: &str| Some(s.to_owned());

    assert_eq!(all(env.clone()).await, [None, None, None]);

    env.admin().set("SECRET1", "example_a").unwrap();
    env.admin().set("SECRET2", "example_b").unwrap();
    assert_eq!(
        all(env.clone()).await,
        [some("example_a"), some("example_b"), None]
    );

    env.admin().set("SECRET3", "example_c").unwrap();
    assert_eq!(
        all(env.clone()).await,
        [some("example_a"), some("example_b"), some("example_c")]
    );
}
