//! Wrangler config (`wrangler.toml`, `wrangler.json`, `wrangler.jsonc`): the Secrets Store
//! bindings of the top level or one `[env.NAME]` section, and the names every other binding
//! kind uses there (binding names must be unique across kinds).

use std::path::{Path, PathBuf};

use crate::bindings::{BindingDecl, UnknownKeys, read_entries};
use crate::document::{Document, read_file};
use crate::error::{ConfigError, ConfigErrorKind, Warning};
use crate::suggest::closest;
use crate::tree::{Node, NodeKind};
use crate::vars::{RequiredSecret, VarDecl, read_required, read_vars};
use crate::{Format, Location};

/// Where other binding kinds keep their names, per wrangler's config schema. Keys not listed
/// here are ignored, like every other wrangler key.
const OTHER_KINDS: &[(&str, NameAt)] = &[
    ("vars", NameAt::Keys),
    ("kv_namespaces", NameAt::EachEntry("binding")),
    ("r2_buckets", NameAt::EachEntry("binding")),
    ("d1_databases", NameAt::EachEntry("binding")),
    ("services", NameAt::EachEntry("binding")),
    ("queues.producers", NameAt::EachEntry("binding")),
    ("durable_objects.bindings", NameAt::EachEntry("name")),
    ("analytics_engine_datasets", NameAt::EachEntry("binding")),
    ("vectorize", NameAt::EachEntry("binding")),
    ("hyperdrive", NameAt::EachEntry("binding")),
    ("mtls_certificates", NameAt::EachEntry("binding")),
    ("dispatch_namespaces", NameAt::EachEntry("binding")),
    ("workflows", NameAt::EachEntry("binding")),
    ("pipelines", NameAt::EachEntry("binding")),
    ("send_email", NameAt::EachEntry("name")),
    ("ratelimits", NameAt::EachEntry("name")),
    ("worker_loaders", NameAt::EachEntry("binding")),
    ("unsafe.bindings", NameAt::EachEntry("name")),
    ("ai", NameAt::Field("binding")),
    ("browser", NameAt::Field("binding")),
    ("images", NameAt::Field("binding")),
    ("version_metadata", NameAt::Field("binding")),
    ("assets", NameAt::Field("binding")),
    ("text_blobs", NameAt::Keys),
    ("data_blobs", NameAt::Keys),
    ("wasm_modules", NameAt::Keys),
];

#[derive(Clone, Copy)]
enum NameAt {
    /// Every key of a table is a binding name (`vars`).
    Keys,
    /// An array of tables, each naming its binding in this key.
    EachEntry(&'static str),
    /// One table naming its binding in this key.
    Field(&'static str),
}

/// A binding of another kind (KV, R2, D1, a var, …), for uniqueness checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherBinding {
    name: String,
    kind: &'static str,
    location: Location,
}

impl OtherBinding {
    /// The binding name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The config key it is declared under, e.g. `kv_namespaces` or `queues.producers`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// Where its name is.
    pub fn location(&self) -> &Location {
        &self.location
    }
}

#[derive(Debug, Clone, Default)]
struct Section {
    secrets: Vec<BindingDecl>,
    others: Vec<OtherBinding>,
    vars: Vec<VarDecl>,
    required: Option<Vec<RequiredSecret>>,
}

#[derive(Debug, Clone)]
struct EnvSection {
    name: String,
    section: Result<Section, ConfigError>,
}

/// The parts of a wrangler config devflare reads.
///
/// Each section (top level, each `[env.NAME]`) is checked when the file is parsed, but a
/// broken section fails only when it is asked for — as wrangler only reads the env it runs.
///
/// ```
/// use devflare_config::{Format, WranglerConfig};
///
/// let config = WranglerConfig::parse(
///     r#"
/// name = "stats-worker"
///
/// [[secrets_store_secrets]]
/// binding = "API_TOKEN"
/// store_id = "0123456789abcdef0123456789abcdef"
/// secret_name = "API_TOKEN"
///
/// [env.staging]
/// secrets_store_secrets = []
/// "#,
///     "wrangler.toml",
///     Format::Toml,
/// )
/// .unwrap();
/// let top = config.secrets_store_secrets(None).unwrap();
/// assert_eq!(top[0].binding(), "API_TOKEN");
/// assert_eq!(top[0].location().to_string(), "wrangler.toml:4:1");
/// // `[env.NAME]` does not inherit bindings, as in wrangler.
/// assert!(config.secrets_store_secrets(Some("staging")).unwrap().is_empty());
/// let error = config.secrets_store_secrets(Some("stagin")).unwrap_err();
/// assert!(error.to_string().ends_with("did you mean `staging`?"));
/// ```
#[derive(Debug, Clone)]
pub struct WranglerConfig {
    path: PathBuf,
    format: Format,
    top: Result<Section, ConfigError>,
    envs: Vec<EnvSection>,
    warnings: Vec<Warning>,
}

impl WranglerConfig {
    /// Reads `path`; the format comes from its extension (`.toml`, `.json`, `.jsonc`).
    ///
    /// # Errors
    ///
    /// A relative path (results must not depend on the working directory), an unknown
    /// extension, an unreadable file, or anything [`parse`](Self::parse) rejects.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let format = format_of(path)?;
        let text = read_file(path)?;
        Self::parse(&text, path, format)
    }

    /// Parses `text`; `path` is only used in locations and messages.
    ///
    /// # Errors
    ///
    /// Syntax errors, and an `env` key that is not a table. Problems inside one section are
    /// reported by [`secrets_store_secrets`](Self::secrets_store_secrets) for that section.
    pub fn parse(text: &str, path: impl AsRef<Path>, format: Format) -> Result<Self, ConfigError> {
        let doc = Document::parse(text, path.as_ref(), format)?;
        let root = doc.root_entries()?;
        let mut warnings = Vec::new();
        let top = read_section(&doc, &doc.root, "", &mut warnings);
        let mut envs = Vec::new();
        if let Some((_, env)) = root.iter().find(|(k, _)| k.name == "env") {
            let Some(sections) = env.entries() else {
                return Err(doc.wrong_type(
                    env,
                    "`env`",
                    &format!("{} of named environments", doc.table_word()),
                ));
            };
            for (name, node) in sections {
                let prefix = format!("env.{}.", name.name);
                let section = match node.kind {
                    NodeKind::Table(_) => read_section(&doc, node, &prefix, &mut warnings),
                    _ => {
                        Err(doc.wrong_type(node, &format!("`env.{}`", name.name), doc.table_word()))
                    }
                };
                envs.push(EnvSection {
                    name: name.name.to_string(),
                    section,
                });
            }
        }
        Ok(Self {
            path: doc.index.path().to_path_buf(),
            format,
            top,
            envs,
            warnings,
        })
    }

    /// The file this config was read from (or the label it was parsed under).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The format it was parsed as.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The `[env.NAME]` section names, in file order.
    pub fn env_names(&self) -> impl Iterator<Item = &str> {
        self.envs.iter().map(|env| env.name.as_str())
    }

    /// The Secrets Store bindings of the top level (`None`) or of `[env.NAME]`. An env section
    /// without `secrets_store_secrets` has none: like wrangler, bindings are not inherited.
    ///
    /// # Errors
    ///
    /// An env name the config does not have (suggesting the closest), or a malformed
    /// `secrets_store_secrets` in that section.
    pub fn secrets_store_secrets(&self, env: Option<&str>) -> Result<&[BindingDecl], ConfigError> {
        Ok(&self.section(env)?.secrets)
    }

    /// The bindings of every other kind in the same section (KV, R2, D1, services, queue
    /// producers, Durable Objects, `vars`, …), for checking that names are unique.
    ///
    /// # Errors
    ///
    /// As [`secrets_store_secrets`](Self::secrets_store_secrets).
    pub fn other_bindings(&self, env: Option<&str>) -> Result<&[OtherBinding], ConfigError> {
        Ok(&self.section(env)?.others)
    }

    /// The `vars` of the top level (`None`) or of `[env.NAME]`, in file order. Like wrangler,
    /// a named environment does not inherit top-level vars: it has only its own.
    ///
    /// ```
    /// use devflare_config::{Format, VarValue, WranglerConfig};
    ///
    /// let config = WranglerConfig::parse(
    ///     "[vars]\nENVIRONMENT = \"dev\"\nLIMITS = { burst = 10 }\n\n[env.staging.vars]\nENVIRONMENT = \"staging\"\n",
    ///     "wrangler.toml",
    ///     Format::Toml,
    /// )
    /// .unwrap();
    /// let top = config.vars(None).unwrap();
    /// assert_eq!(top[0].value(), &VarValue::Text("dev".into()));
    /// assert_eq!(top[1].value(), &VarValue::Json(serde_json::json!({ "burst": 10 })));
    /// assert_eq!(top[1].location().to_string(), "wrangler.toml:3:1");
    /// assert_eq!(config.vars(Some("staging")).unwrap().len(), 1);
    /// ```
    ///
    /// # Errors
    ///
    /// As [`secrets_store_secrets`](Self::secrets_store_secrets), and a `vars` that is not a
    /// table, or a value JSON cannot hold (a TOML datetime, `inf`, `nan`), with its position.
    pub fn vars(&self, env: Option<&str>) -> Result<&[VarDecl], ConfigError> {
        Ok(&self.section(env)?.vars)
    }

    /// `secrets.required` of the top level or of `[env.NAME]`: the classic secrets the Worker
    /// declares; `None` when the section has no such list. When it is present, wrangler loads
    /// only these keys from `.dev.vars` / `.env` and warns about missing ones.
    ///
    /// # Errors
    ///
    /// As [`secrets_store_secrets`](Self::secrets_store_secrets), and a malformed `secrets`
    /// (not a table, `required` not an array of strings, a name listed twice).
    pub fn required_secrets(
        &self,
        env: Option<&str>,
    ) -> Result<Option<&[RequiredSecret]>, ConfigError> {
        Ok(self.section(env)?.required.as_deref())
    }

    /// What wrangler would warn about: unknown keys inside `secrets_store_secrets` entries,
    /// in every section, in file order.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    fn section(&self, env: Option<&str>) -> Result<&Section, ConfigError> {
        let section = match env {
            None => &self.top,
            Some(name) => match self.envs.iter().find(|e| e.name == name) {
                Some(env) => &env.section,
                None => return Err(self.unknown_env(name)),
            },
        };
        section.as_ref().map_err(Clone::clone)
    }

    fn unknown_env(&self, name: &str) -> ConfigError {
        let known: Vec<String> = self.env_names().map(|n| format!("`{n}`")).collect();
        let expected = if known.is_empty() {
            "no environment: the file has no `env` sections".to_owned()
        } else {
            format!("one of {}", known.join(", "))
        };
        ConfigError::whole_file(
            ConfigErrorKind::UnknownEnv,
            &self.path,
            format!("no environment `{name}` (`[env.{name}]`) in this config"),
        )
        .expected(expected)
        .suggestion(closest(name, self.env_names()))
    }
}

fn format_of(path: &Path) -> Result<Format, ConfigError> {
    Format::from_path(path).ok_or_else(|| {
        ConfigError::whole_file(
            ConfigErrorKind::UnknownFormat,
            path,
            "cannot tell the config format from the file name",
        )
        .expected("a name ending in `.toml`, `.json` or `.jsonc`")
    })
}

fn read_section(
    doc: &Document<'_>,
    node: &Node,
    prefix: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Section, ConfigError> {
    let secrets = match node.get("secrets_store_secrets") {
        Some((_, list)) => read_entries(doc, list, prefix, UnknownKeys::Warn, warnings)?,
        None => Vec::new(),
    };
    let mut others = Vec::new();
    for &(path, name_at) in OTHER_KINDS {
        let mut target = Some(node);
        for part in path.split('.') {
            target = target.and_then(|n| n.get(part)).map(|(_, v)| v);
        }
        if let Some(target) = target {
            collect_names(doc, target, path, name_at, &mut others);
        }
    }
    others.sort_by_key(|o| (o.location.line(), o.location.column()));
    let vars = match node.get("vars") {
        Some((_, vars)) => read_vars(doc, vars, prefix)?,
        None => Vec::new(),
    };
    let required = match node.get("secrets") {
        Some((_, secrets)) => read_required(doc, secrets, prefix)?,
        None => None,
    };
    Ok(Section {
        secrets,
        others,
        vars,
        required,
    })
}

/// Names of one other binding kind. Malformed shapes are skipped: they are wrangler's to
/// report, and only matter here as far as names can be read.
fn collect_names(
    doc: &Document<'_>,
    node: &Node<'_>,
    kind: &'static str,
    name_at: NameAt,
    out: &mut Vec<OtherBinding>,
) {
    let mut push = |name: &str, offset: usize| {
        out.push(OtherBinding {
            name: name.to_owned(),
            kind,
            location: doc.locate(offset),
        });
    };
    fn named<'n>(entry: &'n Node<'_>, field: &str) -> Option<(&'n str, usize)> {
        match entry.get(field) {
            Some((
                _,
                Node {
                    kind: NodeKind::String(name),
                    span,
                },
            )) => Some((name, span.start)),
            _ => None,
        }
    }
    match name_at {
        NameAt::Keys => {
            for (key, _) in node.entries().unwrap_or_default() {
                push(&key.name, key.span.start);
            }
        }
        NameAt::EachEntry(field) => {
            if let NodeKind::Array(items) = &node.kind {
                for (name, offset) in items.iter().filter_map(|item| named(item, field)) {
                    push(name, offset);
                }
            }
        }
        NameAt::Field(field) => {
            if let Some((name, offset)) = named(node, field) {
                push(name, offset);
            }
        }
    }
}
