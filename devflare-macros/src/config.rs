//! Reading one declaration's config at expansion time, through devflare-config's parser, and
//! turning its Secrets Store bindings, vars and classic secrets (`secrets.required`) into
//! accessors — every failure a `syn::Error` on the span it is about.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use devflare_config::{ConfigError, ConfigErrorKind, Format, VarValue, WranglerConfig};
use syn::LitStr;

use crate::input::Declaration;
use crate::naming::{self, Unusable};

/// A binding as the expansion needs it.
pub(crate) struct Binding {
    pub(crate) binding: String,
    pub(crate) store_id: String,
    pub(crate) secret_name: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) accessor: String,
}

/// How the Worker reads a classic secret or var; generated code names
/// `devflare_bindings::PlainKind`'s variant of the same name.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlainKind {
    ClassicSecret,
    Var,
    JsonVar,
}

impl PlainKind {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Self::ClassicSecret => "classic secret",
            Self::Var => "var",
            Self::JsonVar => "JSON var",
        }
    }
}

/// A var or classic secret as the expansion needs it.
pub(crate) struct Plain {
    pub(crate) name: String,
    pub(crate) kind: PlainKind,
    /// A var's config value: its text, or compact JSON text.
    pub(crate) config_value: Option<String>,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) accessor: String,
}

/// What one declaration read.
pub(crate) struct Read {
    /// The file, absolute, for `include_bytes!` (so cargo rebuilds when it changes).
    pub(crate) file: PathBuf,
    /// The path as written, relative to `CARGO_MANIFEST_DIR`: what messages and
    /// declarations show, so they are the same on every machine.
    pub(crate) label: String,
    pub(crate) bindings: Vec<Binding>,
    /// Vars in config order, then the classic secrets of `secrets.required`.
    pub(crate) plain: Vec<Plain>,
}

/// Reads `declaration`'s config. On failure, also returns the file when it exists, so the
/// expansion can still track it and a fix triggers a rebuild.
pub(crate) fn read(
    declaration: &Declaration,
    manifest_dir: Option<&Path>,
) -> Result<Read, (syn::Error, Option<PathBuf>)> {
    let span_error = |lit: &LitStr, message: String| syn::Error::new(lit.span(), message);
    let path = &declaration.path;
    let label = path.value();
    let Some(manifest_dir) = manifest_dir else {
        return Err((
            span_error(
                path,
                "CARGO_MANIFEST_DIR is not set: typed_env! reads its config relative to the crate's \
                 Cargo.toml, so it must be compiled by cargo"
                    .to_owned(),
            ),
            None,
        ));
    };
    if Path::new(&label).is_absolute() {
        return Err((
            span_error(
                path,
                format!(
                    "`{label}` is absolute; write the config path relative to CARGO_MANIFEST_DIR \
                     (the directory of the crate's Cargo.toml), e.g. \"wrangler.toml\""
                ),
            ),
            None,
        ));
    }
    let Some(format) = Format::from_path(Path::new(&label)) else {
        return Err((
            span_error(
                path,
                format!(
                    "cannot tell the config format of `{label}`: expected a name ending in \
                     `.toml`, `.json` or `.jsonc` (wrangler.toml, wrangler.json, wrangler.jsonc)"
                ),
            ),
            None,
        ));
    };
    let file = manifest_dir.join(&label);
    let text = std::fs::read_to_string(&file).map_err(|error| {
        let why = match error.kind() {
            io::ErrorKind::NotFound => "no such file".to_owned(),
            io::ErrorKind::InvalidData => "it is not UTF-8".to_owned(),
            _ => error.to_string(),
        };
        let exists = error.kind() != io::ErrorKind::NotFound;
        (
            span_error(
                path,
                format!(
                    "cannot read wrangler config `{label}`: {why} (the path is relative to \
                     CARGO_MANIFEST_DIR, the directory of the crate's Cargo.toml)"
                ),
            ),
            exists.then(|| file.clone()),
        )
    })?;
    let fail = |error: syn::Error| (error, Some(file.clone()));
    // The label, not the absolute path, names the file in every message.
    let config = WranglerConfig::parse(&text, &label, format)
        .map_err(|error| fail(span_error(path, error.to_string())))?;
    let env = declaration.env.as_ref();
    let env_name = env.map(LitStr::value);
    let section_error = |error: ConfigError| {
        let lit = match (error.kind(), env) {
            (ConfigErrorKind::UnknownEnv, Some(env)) => env,
            _ => path,
        };
        fail(span_error(lit, error.to_string()))
    };
    let decls = config
        .secrets_store_secrets(env_name.as_deref())
        .map_err(section_error)?;
    let vars = config.vars(env_name.as_deref()).map_err(section_error)?;
    let required = config
        .required_secrets(env_name.as_deref())
        .map_err(section_error)?
        .unwrap_or_default();

    let mut bindings = Vec::with_capacity(decls.len());
    let mut plain = Vec::with_capacity(vars.len() + required.len());
    let mut claims = Claims::default();
    for decl in decls {
        let at = decl.location().to_string();
        let Some(accessor) = claims.claim(STORE, decl.binding(), &at) else {
            continue;
        };
        bindings.push(Binding {
            binding: decl.binding().to_owned(),
            store_id: decl.store_id().to_owned(),
            secret_name: decl.secret_name().to_owned(),
            line: decl.location().line(),
            column: decl.location().column(),
            accessor,
        });
    }
    for var in vars {
        // A name in both `vars` and `secrets.required` is a secret, as in `wrangler dev` (its
        // `.dev.vars` value wins and it is redacted): one classic secret accessor, below.
        if required.iter().any(|secret| secret.name() == var.name()) {
            continue;
        }
        let at = var.location().to_string();
        let (kind, config_value) = match var.value() {
            VarValue::Text(text) => (PlainKind::Var, text.clone()),
            VarValue::Json(json) if json.is_object() => (PlainKind::JsonVar, json.to_string()),
            VarValue::Json(_) => {
                claims.problems.push(format!(
                    "var `{}` ({at}) is {}: workers-rs reads a var only as a string \
                     (`env.var`) or a JSON object (`env.object_var`), so it has no accessor; \
                     write it as a string, or wrap it in an object",
                    var.name(),
                    json_kind(var.value()),
                ));
                continue;
            }
        };
        let Some(accessor) = claims.claim(kind.describe(), var.name(), &at) else {
            continue;
        };
        plain.push(Plain {
            name: var.name().to_owned(),
            kind,
            config_value: Some(config_value),
            line: var.location().line(),
            column: var.location().column(),
            accessor,
        });
    }
    for secret in required {
        let at = secret.location().to_string();
        let kind = PlainKind::ClassicSecret;
        let Some(accessor) = claims.claim(kind.describe(), secret.name(), &at) else {
            continue;
        };
        plain.push(Plain {
            name: secret.name().to_owned(),
            kind,
            config_value: None,
            line: secret.location().line(),
            column: secret.location().column(),
            accessor,
        });
    }
    if let Some(error) = claims
        .problems
        .into_iter()
        .map(|message| span_error(path, message))
        .reduce(|mut all, next| {
            all.combine(next);
            all
        })
    {
        return Err(fail(error));
    }
    Ok(Read {
        file,
        label,
        bindings,
        plain,
    })
}

/// How messages name a Secrets Store binding.
const STORE: &str = "Secrets Store binding";

/// `a number`, `an array`, …: a JSON var value that is not an object.
fn json_kind(value: &VarValue) -> &'static str {
    match value.constructor_name() {
        "Array" => "an array",
        "Number" => "a number",
        "Boolean" => "a boolean",
        "String" => "a string",
        _ => "null",
    }
}

/// Accessor names handed out so far, and the problems found handing them out.
#[derive(Default)]
struct Claims {
    /// Accessor → what claimed it first: kind, name, position.
    by_accessor: BTreeMap<String, (&'static str, String, String)>,
    problems: Vec<String>,
}

impl Claims {
    /// The accessor for `name`, or `None` after recording why it has none (unusable, or
    /// another binding, var or secret already has it).
    fn claim(&mut self, kind: &'static str, name: &str, at: &str) -> Option<String> {
        let accessor = match naming::accessor(name) {
            Ok(accessor) => accessor,
            Err(unusable) => {
                self.problems
                    .push(unusable_message(kind, name, at, &unusable));
                return None;
            }
        };
        if let Some((first_kind, first, first_at)) = self.by_accessor.get(&accessor) {
            let both = if kind == STORE && *first_kind == STORE {
                format!("bindings `{first}` ({first_at}) and `{name}` ({at})")
            } else {
                format!("{first_kind} `{first}` ({first_at}) and {kind} `{name}` ({at})")
            };
            self.problems.push(format!(
                "{both} both map to the accessor `{accessor}()`; rename one of them in the config"
            ));
            return None;
        }
        self.by_accessor
            .insert(accessor.clone(), (kind, name.to_owned(), at.to_owned()));
        Some(accessor)
    }
}

fn unusable_message(kind: &str, binding: &str, at: &str, unusable: &Unusable) -> String {
    let hint =
        "rename the binding in the config (accessors are the binding name in lower snake case)";
    // Secrets Store bindings keep the short wording the README quotes.
    let what = if kind == STORE { "binding" } else { kind };
    match unusable {
        Unusable::NotAnIdentifier(name) => format!(
            "{what} `{binding}` ({at}) maps to `{name}`, which is not a Rust identifier \
             (it needs a leading ASCII letter, then ASCII letters, digits, `-` or `_`); {hint}"
        ),
        Unusable::Keyword(name) => {
            format!("{what} `{binding}` ({at}) maps to `{name}`, a Rust keyword; {hint}")
        }
        Unusable::Generated(name) => format!(
            "{what} `{binding}` ({at}) maps to `{name}`, which the generated type already \
             defines (reserved: {}); {hint}",
            naming::GENERATED_METHODS.join(", ")
        ),
    }
}
