//! Reading one declaration's config at expansion time, through devflare-config's parser, and
//! turning its bindings into accessors — every failure a `syn::Error` on the span it is about.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use devflare_config::{ConfigErrorKind, Format, WranglerConfig};
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

/// What one declaration read.
pub(crate) struct Read {
    /// The file, absolute, for `include_bytes!` (so cargo rebuilds when it changes).
    pub(crate) file: PathBuf,
    /// The path as written, relative to `CARGO_MANIFEST_DIR`: what messages and
    /// declarations show, so they are the same on every machine.
    pub(crate) label: String,
    pub(crate) bindings: Vec<Binding>,
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
    let decls = config
        .secrets_store_secrets(env.map(LitStr::value).as_deref())
        .map_err(|error| {
            let lit = match (error.kind(), env) {
                (ConfigErrorKind::UnknownEnv, Some(env)) => env,
                _ => path,
            };
            fail(span_error(lit, error.to_string()))
        })?;

    let mut bindings = Vec::with_capacity(decls.len());
    let mut problems: Vec<String> = Vec::new();
    let mut by_accessor: BTreeMap<String, usize> = BTreeMap::new();
    for decl in decls {
        let at = decl.location().to_string();
        let binding = decl.binding();
        let accessor = match naming::accessor(binding) {
            Ok(accessor) => accessor,
            Err(unusable) => {
                problems.push(unusable_message(binding, &at, &unusable));
                continue;
            }
        };
        if let Some(&first) = by_accessor.get(&accessor) {
            let first: &Binding = &bindings[first];
            problems.push(format!(
                "bindings `{}` ({}:{}:{}) and `{binding}` ({at}) both map to the accessor \
                 `{accessor}()`; rename one of them in the config",
                first.binding, label, first.line, first.column
            ));
            continue;
        }
        by_accessor.insert(accessor.clone(), bindings.len());
        bindings.push(Binding {
            binding: binding.to_owned(),
            store_id: decl.store_id().to_owned(),
            secret_name: decl.secret_name().to_owned(),
            line: decl.location().line(),
            column: decl.location().column(),
            accessor,
        });
    }
    if let Some(error) = problems
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
    })
}

fn unusable_message(binding: &str, at: &str, unusable: &Unusable) -> String {
    let hint =
        "rename the binding in the config (accessors are the binding name in lower snake case)";
    match unusable {
        Unusable::NotAnIdentifier(name) => format!(
            "binding `{binding}` ({at}) maps to `{name}`, which is not a Rust identifier \
             (it needs a leading ASCII letter, then ASCII letters, digits, `-` or `_`); {hint}"
        ),
        Unusable::Keyword(name) => {
            format!("binding `{binding}` ({at}) maps to `{name}`, a Rust keyword; {hint}")
        }
        Unusable::Generated(name) => format!(
            "binding `{binding}` ({at}) maps to `{name}`, which the generated type already \
             defines (reserved: {}); {hint}",
            naming::GENERATED_METHODS.join(", ")
        ),
    }
}
