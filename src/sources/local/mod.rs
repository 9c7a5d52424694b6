//! Local values: the values developers set on their machine with Devflare's CLI (or
//! `devflare-secrets`) or with wrangler, read into a test env only when the test asks.
//!
//! Both sources give values only, never bindings: bind with [`SecretsEnvBuilder::bind`] or a
//! wrangler config. Their values rank lowest: an explicit value in test code or a fixture file
//! value for the same secret wins. Devflare's file is read by
//! [`devflare_config::devflare_local`], the same reader the CLI uses.

#[cfg(feature = "wrangler-state")]
pub(crate) mod wrangler_state;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use devflare_config::Location;
use devflare_config::devflare_local::{self, LocalFile, LocalValuesError};

use super::builder::ValueSource;
use crate::env::SecretRef;
use crate::error::{Error, Origin};
use crate::sources::SecretsEnvBuilder;

/// Local sources read the disk, so a relative path would depend on the working directory —
/// which differs between `cargo test`, nextest and IDEs. Only absolute paths are accepted.
fn absolute(project_dir: &Path, method: &str) -> Result<PathBuf, Error> {
    if project_dir.is_absolute() {
        Ok(project_dir.to_owned())
    } else {
        Err(LocalValuesError::new(
            project_dir,
            format!(
                "`{method}` needs an absolute project folder, e.g. \
                 `concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/…\")`, so tests do not depend on the \
                 working directory"
            ),
        )
        .into())
    }
}

impl SecretsEnvBuilder {
    /// Adds every value in Devflare's local values file, `<project_dir>/.devflare/secrets.local.json`
    /// (written by Devflare's CLI or by `devflare-secrets set`), as local values.
    ///
    /// Opt-in only: nothing local is read unless a test calls this. `project_dir` must be
    /// absolute. Local values rank lowest: an explicit value ([`secret_at`](Self::secret_at),
    /// [`secret`](Self::secret), `secrets_env!`) or a fixture file value for the same secret
    /// wins. Between two local sources, the one added last wins.
    ///
    /// A missing or malformed file, or an unknown `version`, makes [`build`](Self::build) fail
    /// with [`Error::LocalValues`] naming the path — never an empty env. Where the file may be
    /// absent (CI never has it: it is git-ignored), use
    /// [`devflare_local_if_present`](Self::devflare_local_if_present).
    ///
    /// ```
    /// use devflare_test::prelude::*;
    /// use devflare_test::secrets::SecretRef;
    ///
    /// let project = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/devflare-local");
    /// let env = SecretsEnv::builder()
    ///     .bind("API_TOKEN", SecretRef::new("store-123", "api-token"))
    ///     .devflare_local(project)
    ///     .build()
    ///     .unwrap();
    /// let token = block_on(env.secret_store("API_TOKEN").unwrap().get()).unwrap();
    /// assert_eq!(token.as_deref(), Some("devflare-local-token"));
    /// ```
    pub fn devflare_local(self, project_dir: impl AsRef<Path>) -> Self {
        let read = absolute(project_dir.as_ref(), "devflare_local").and_then(|dir| {
            let path = devflare_local::file_in(dir);
            Ok((devflare_local::read(&path)?, path))
        });
        match read {
            Ok((file, path)) => self.devflare_values(&file, &path),
            Err(error) => self.defer_error(error),
        }
    }

    /// Like [`devflare_local`](Self::devflare_local), but a missing file is skipped instead of
    /// failing `build()`: for tests that run both on a developer's machine (with local values)
    /// and on CI (without the git-ignored file). The builder's `Debug` lists what was skipped.
    ///
    /// A file that exists but is malformed is still an error: it is never taken as empty.
    ///
    /// ```
    /// use devflare_test::prelude::*;
    ///
    /// let no_local_file = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    /// let builder = SecretsEnv::builder()
    ///     .secret("API_TOKEN", "fallback-for-ci")
    ///     .devflare_local_if_present(no_local_file);
    /// assert!(format!("{builder:?}").contains("skipped_sources: [\"devflare_local: no "));
    /// let env = builder.build().unwrap();
    /// let token = block_on(env.secret_store("API_TOKEN").unwrap().get()).unwrap();
    /// assert_eq!(token.as_deref(), Some("fallback-for-ci"));
    /// ```
    pub fn devflare_local_if_present(self, project_dir: impl AsRef<Path>) -> Self {
        let read = absolute(project_dir.as_ref(), "devflare_local_if_present").and_then(|dir| {
            let path = devflare_local::file_in(dir);
            Ok((devflare_local::read_if_present(&path)?, path))
        });
        match read {
            Ok((Some(file), path)) => self.devflare_values(&file, &path),
            Ok((None, path)) => self.skip_source(format!("devflare_local: no {}", path.display())),
            Err(error) => self.defer_error(error),
        }
    }

    fn devflare_values(self, file: &LocalFile, path: &Path) -> Self {
        file.entries().fold(self, |builder, entry| {
            // Parsed entries always have a location; the file's start is a safe fallback.
            let origin = match entry.secret.location() {
                Some(location) => Origin::from(location),
                None => Origin::from(&Location::new(path, 1, 1)),
            };
            builder.value_from(
                SecretRef::new(entry.store_id, entry.name),
                Arc::from(entry.secret.value()),
                ValueSource::Local,
                origin,
            )
        })
    }

    /// Adds every value in wrangler's local Secrets Store state,
    /// `<project_dir>/.wrangler/state/v3/secrets-store` (written by
    /// `wrangler secrets-store secret create` in local mode), as local values.
    ///
    /// Needs the `wrangler-state` feature (it compiles a bundled SQLite). The state is only
    /// read: its SQLite indexes are copied to a scratch folder and the copies are opened.
    /// Precedence, absolute paths and errors as for [`devflare_local`](Self::devflare_local).
    ///
    /// ```
    /// # #[cfg(feature = "wrangler-state")] {
    /// use devflare_test::prelude::*;
    /// use devflare_test::secrets::SecretRef;
    ///
    /// let project = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/wrangler-local");
    /// let env = SecretsEnv::builder()
    ///     .bind("API_TOKEN", SecretRef::new("0123456789abcdef0123456789abcdef", "API_TOKEN"))
    ///     .wrangler_state(project)
    ///     .build()
    ///     .unwrap();
    /// let token = block_on(env.secret_store("API_TOKEN").unwrap().get()).unwrap();
    /// assert_eq!(token.as_deref(), Some("local-token-123"));
    /// # }
    /// ```
    #[cfg(feature = "wrangler-state")]
    pub fn wrangler_state(self, project_dir: impl AsRef<Path>) -> Self {
        let read = absolute(project_dir.as_ref(), "wrangler_state")
            .and_then(|dir| wrangler_state::read(&dir.join(wrangler_state::RELATIVE_PATH)));
        match read {
            Ok(secrets) => self.wrangler_values(secrets),
            Err(error) => self.defer_error(error),
        }
    }

    /// Like [`wrangler_state`](Self::wrangler_state), but a missing state folder is skipped
    /// (and listed by the builder's `Debug`) instead of failing `build()`. A folder that exists
    /// but cannot be read is still an error.
    #[cfg(feature = "wrangler-state")]
    pub fn wrangler_state_if_present(self, project_dir: impl AsRef<Path>) -> Self {
        let root = match absolute(project_dir.as_ref(), "wrangler_state_if_present") {
            Ok(dir) => dir.join(wrangler_state::RELATIVE_PATH),
            Err(error) => return self.defer_error(error),
        };
        if !root.exists() {
            return self.skip_source(format!("wrangler_state: no {}", root.display()));
        }
        match wrangler_state::read(&root) {
            Ok(secrets) => self.wrangler_values(secrets),
            Err(error) => self.defer_error(error),
        }
    }

    #[cfg(feature = "wrangler-state")]
    fn wrangler_values(self, secrets: Vec<wrangler_state::StateSecret>) -> Self {
        secrets.into_iter().fold(self, |builder, secret| {
            // A blob is the value, whole: its start is the position.
            let origin = Origin::from(&Location::new(secret.blob, 1, 1));
            builder.value_from(
                secret.reference,
                Arc::from(secret.value),
                ValueSource::Local,
                origin,
            )
        })
    }
}
