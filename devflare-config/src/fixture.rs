//! Fixture files: TOML with bindings in wrangler's `[[secrets_store_secrets]]` shape and
//! values under `[stores."<store_id>"]`. Our own format, so unknown keys are errors.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::bindings::{BindingDecl, UnknownKeys, read_entries};
use crate::document::{Document, read_file};
use crate::error::{ConfigError, ConfigErrorKind, one_of};
use crate::suggest::closest;
use crate::tree::NodeKind;
use crate::{Format, Location};

const TOP_KEYS: [&str; 2] = ["secrets_store_secrets", "stores"];

/// One secret value from a fixture file. `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct FixtureValue {
    store_id: String,
    secret_name: String,
    value: String,
    location: Location,
}

impl FixtureValue {
    /// The store the value belongs to.
    pub fn store_id(&self) -> &str {
        &self.store_id
    }

    /// The secret's name in that store.
    pub fn secret_name(&self) -> &str {
        &self.secret_name
    }

    /// The value itself — the one accessor that shows it.
    pub fn expose_value(&self) -> &str {
        &self.value
    }

    /// Where the `name = "value"` line is.
    pub fn location(&self) -> &Location {
        &self.location
    }
}

impl fmt::Debug for FixtureValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "FixtureValue({}/{} = [REDACTED] at {})",
            self.store_id, self.secret_name, self.location
        )
    }
}

/// A parsed fixture file.
///
/// ```
/// use devflare_config::FixtureFile;
///
/// let fixture = FixtureFile::parse(
///     r#"
/// [[secrets_store_secrets]]
/// binding = "API_TOKEN"
/// store_id = "0123456789abcdef0123456789abcdef"
/// secret_name = "API_TOKEN"
///
/// [stores."0123456789abcdef0123456789abcdef"]
/// API_TOKEN = "fixture-token"
/// "#,
///     "fixtures/secrets.toml",
/// )
/// .unwrap();
/// assert_eq!(fixture.bindings()[0].binding(), "API_TOKEN");
/// assert_eq!(fixture.values()[0].expose_value(), "fixture-token");
/// assert_eq!(fixture.values()[0].location().to_string(), "fixtures/secrets.toml:8:1");
///
/// let typo = FixtureFile::parse("[[secrets_store_secrets]]\nbinding = \"A\"\nsecret_nme = \"A\"\n", "f.toml");
/// assert_eq!(
///     typo.unwrap_err().to_string(),
///     "f.toml:3:1: unknown key `secret_nme` in [[secrets_store_secrets]]; \
///      expected one of `binding`, `store_id`, `secret_name`; did you mean `secret_name`?"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureFile {
    path: PathBuf,
    bindings: Vec<BindingDecl>,
    values: Vec<FixtureValue>,
}

impl FixtureFile {
    /// Reads a fixture file at an absolute path.
    ///
    /// # Errors
    ///
    /// A relative path (results must not depend on the working directory), an unreadable
    /// file, or anything [`parse`](Self::parse) rejects.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = read_file(path)?;
        Self::parse(&text, path)
    }

    /// Parses fixture text; `path` is only used in locations and messages.
    ///
    /// # Errors
    ///
    /// TOML syntax errors, unknown keys, missing or non-string fields, duplicate bindings,
    /// and values that are not strings (described by type, never quoted).
    pub fn parse(text: &str, path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let doc = Document::parse(text, path.as_ref(), Format::Toml)?;
        let mut bindings = Vec::new();
        let mut values = Vec::new();
        for (key, node) in doc.root_entries()? {
            match &*key.name {
                "secrets_store_secrets" => {
                    bindings = read_entries(&doc, node, "", UnknownKeys::Reject, &mut Vec::new())?;
                }
                "stores" => {
                    let Some(stores) = node.entries() else {
                        return Err(doc.wrong_type(
                            node,
                            "`stores`",
                            "a table of store ids, e.g. [stores.\"<store_id>\"]",
                        ));
                    };
                    for (store, secrets) in stores {
                        let Some(secrets) = secrets.entries() else {
                            return Err(doc.wrong_type(
                                secrets,
                                &format!("`stores.\"{}\"`", store.name),
                                "a table of `name = \"value\"` lines",
                            ));
                        };
                        for (name, value) in secrets {
                            let NodeKind::String(value) = &value.kind else {
                                // Described by type only: the value itself may be a secret.
                                return Err(doc.wrong_type(
                                    value,
                                    &format!(
                                        "the value of secret `{}` in store `{}`",
                                        name.name, store.name
                                    ),
                                    "a string",
                                ));
                            };
                            values.push(FixtureValue {
                                store_id: store.name.to_string(),
                                secret_name: name.name.to_string(),
                                value: value.to_string(),
                                location: doc.locate(name.span.start),
                            });
                        }
                    }
                }
                other => {
                    return Err(ConfigError::at(
                        ConfigErrorKind::UnknownKey,
                        doc.locate(key.span.start),
                        format!("unknown top-level key `{other}` in a fixture file"),
                    )
                    .expected(one_of(&TOP_KEYS))
                    .suggestion(closest(other, TOP_KEYS)));
                }
            }
        }
        Ok(Self {
            path: doc.index.path().to_path_buf(),
            bindings,
            values,
        })
    }

    /// The file (or the label it was parsed under).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its `[[secrets_store_secrets]]` bindings, in file order.
    pub fn bindings(&self) -> &[BindingDecl] {
        &self.bindings
    }

    /// Its values, store by store, in file order.
    pub fn values(&self) -> &[FixtureValue] {
        &self.values
    }
}
