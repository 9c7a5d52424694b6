//! Local values: the values developers set on their machine with Devflare's CLI (or
//! `devflare-secrets`) or with wrangler, read into a test env only when the test asks.
//!
//! Both sources give values only, never bindings: bind with [`SecretsEnvBuilder::bind`] or a
//! wrangler config. Their values rank lowest: an explicit value in test code or a fixture file
//! value for the same secret wins.

pub(crate) mod devflare_file;
#[cfg(feature = "wrangler-state")]
pub(crate) mod wrangler_state;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::SecretsEnvBuilder;
use crate::builder::ValueSource;
use crate::error::{Error, Origin};

/// Local sources read the disk, so a relative path would depend on the working directory —
/// which differs between `cargo test`, nextest and IDEs. Only absolute paths are accepted.
fn absolute(project_dir: &Path, method: &str) -> Result<PathBuf, Error> {
    if project_dir.is_absolute() {
        Ok(project_dir.to_owned())
    } else {
        Err(Error::LocalValues {
            path: project_dir.to_owned(),
            position: None,
            problem: format!(
                "`{method}` needs an absolute project folder, e.g. \
                 `concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/…\")`, so tests do not depend on the \
                 working directory"
            ),
        })
    }
}

impl SecretsEnvBuilder {
    /// Adds every value in Devflare's local values file, `<project_dir>/.devflare/secrets.local.json`
    /// (written by Devflare's CLI or by `devflare-secrets set`), as local values.
    ///
    /// Opt-in only: nothing local is read unless a test calls this. `project_dir` must be
    /// absolute. Local values rank lowest: an explicit value ([`value`](Self::value),
    /// [`secret`](Self::secret), `secrets_env!`) or a fixture file value for the same secret
    /// wins. Between two local sources, the one added last wins.
    ///
    /// A missing or malformed file, or an unknown `version`, makes [`build`](Self::build) fail
    /// with [`Error::LocalValues`] naming the path — never an empty env.
    ///
    /// ```
    /// use devflare_test::prelude::*;
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
        match read_devflare_local(project_dir.as_ref()) {
            Ok(values) => values
                .into_iter()
                .fold(self, |builder, (reference, value, origin)| {
                    builder.value_from(reference, value, ValueSource::Local, origin)
                }),
            Err(error) => self.defer_error(error),
        }
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
            Ok(secrets) => secrets.into_iter().fold(self, |builder, secret| {
                let origin = Origin::File {
                    path: secret.blob,
                    line: 1,
                    column: 1,
                };
                builder.value_from(
                    secret.reference,
                    Arc::from(secret.value),
                    ValueSource::Local,
                    origin,
                )
            }),
            Err(error) => self.defer_error(error),
        }
    }
}

type LocalValue = (crate::SecretRef, Arc<str>, Origin);

fn read_devflare_local(project_dir: &Path) -> Result<Vec<LocalValue>, Error> {
    let path = absolute(project_dir, "devflare_local")?.join(devflare_file::RELATIVE_PATH);
    let text = devflare_file::read_text(&path)?;
    let file = devflare_file::DevflareFile::parse(&text, &path)?;
    Ok(file
        .located(&text)
        .into_iter()
        .map(|located| {
            let (line, column) = located.position;
            let origin = Origin::File {
                path: path.clone(),
                line,
                column,
            };
            (located.reference, Arc::from(located.secret.value()), origin)
        })
        .collect())
}
