//! The project's wrangler config: where it is, which store id and secret name a `--binding`
//! reads (top level, or `[env.NAME]` with `--env`), and whether a `--store`/`--name` given
//! directly is read by any binding.
//!
//! Parsing is `devflare_config::WranglerConfig` (the library's reader, without its writer);
//! suggestions are `devflare_config::closest`. Wrangler config holds ids and names, never a
//! secret value, and its errors never quote one.

use std::path::{Path, PathBuf};

use devflare_config::{BindingDecl, WranglerConfig, closest};

use crate::names::shown;

/// The file names wrangler looks for, in its order when several exist.
pub(crate) const FILE_NAMES: [&str; 3] = ["wrangler.json", "wrangler.jsonc", "wrangler.toml"];

/// Bindings listed in "expected one of …" before the list is cut short.
const LISTED: usize = 12;

/// The wrangler config in `project`, as wrangler would pick it (only that folder is searched,
/// as for `.devflare/`).
pub(crate) fn find(project: &Path) -> Option<PathBuf> {
    FILE_NAMES
        .iter()
        .map(|name| project.join(name))
        .find(|path| path.is_file())
}

/// The error for `--binding` when the project has no config.
pub(crate) fn missing(project: &Path) -> String {
    format!(
        "no wrangler config in {} (looked for {}), so `--binding` cannot be resolved; give \
         --config PATH, or --store ID and --name NAME",
        project.display(),
        FILE_NAMES.join(", ")
    )
}

/// `the top level` or `[env.NAME]`.
fn section(env: Option<&str>) -> String {
    match env {
        None => "at the top level".to_owned(),
        Some(env) => format!("in [env.{env}]"),
    }
}

/// `line N` of a location in the config (the message already names the file).
fn line(location: &devflare_config::Location) -> String {
    format!("line {}", location.line())
}

/// The Secrets Store binding `binding` of the top level or `[env.NAME]`.
///
/// # Errors
///
/// An unknown env (with the config's own suggestion), a malformed section, or a binding the
/// section does not declare: the message says where it is declared instead (another
/// section, or as another kind of binding), or suggests the closest binding.
pub(crate) fn resolve<'c>(
    config: &'c WranglerConfig,
    env: Option<&str>,
    binding: &str,
) -> Result<&'c BindingDecl, String> {
    let decls = config
        .secrets_store_secrets(env)
        .map_err(|e| e.to_string())?;
    if let Some(decl) = decls.iter().find(|d| d.binding() == binding) {
        return Ok(decl);
    }
    let mut message = format!(
        "{}: no Secrets Store binding `{binding}` {}",
        config.path().display(),
        section(env)
    );
    let elsewhere = |section_env: Option<&str>| {
        config
            .secrets_store_secrets(section_env)
            .ok()
            .and_then(|decls| decls.iter().find(|d| d.binding() == binding))
    };
    let hint = if let Some(top) = env.and_then(|_| elsewhere(None)) {
        let env = env.unwrap_or_default();
        Some(format!(
            "it is declared at the top level ({}), and `secrets_store_secrets` are not \
             inherited by named environments (wrangler warns the same): declare it under \
             [env.{env}] too, or drop --env",
            line(top.location())
        ))
    } else if let Some((other_env, decl)) = env
        .is_none()
        .then(|| {
            config
                .env_names()
                .find_map(|name| elsewhere(Some(name)).map(|decl| (name, decl)))
        })
        .flatten()
    {
        Some(format!(
            "it is declared only in [env.{other_env}] ({}): add --env {other_env}",
            line(decl.location())
        ))
    } else if let Some(decl) = decls.iter().find(|d| d.secret_name() == binding) {
        Some(format!(
            "`{binding}` is the secret name of binding `{}`: give --binding {}",
            decl.binding(),
            decl.binding()
        ))
    } else {
        config
            .other_bindings(env)
            .ok()
            .and_then(|others| others.iter().find(|o| o.name() == binding))
            .map(|other| {
                format!(
                    "`{binding}` is a `{}` binding ({}), not a Secrets Store one",
                    other.kind(),
                    line(other.location())
                )
            })
    };
    if let Some(hint) = hint {
        message.push_str("; ");
        message.push_str(&hint);
        return Err(message);
    }
    if decls.is_empty() {
        message.push_str(" (it declares no `secrets_store_secrets`)");
        return Err(message);
    }
    let mut names: Vec<String> = decls
        .iter()
        .take(LISTED)
        .map(|d| format!("`{}`", shown(d.binding())))
        .collect();
    if decls.len() > LISTED {
        names.push("…".to_owned());
    }
    let one_of = if names.len() == 1 { "" } else { "one of " };
    message.push_str(&format!("; expected {one_of}{}", names.join(", ")));
    if let Some(near) = closest(binding, decls.iter().map(BindingDecl::binding)) {
        message.push_str(&devflare_config::did_you_mean(Some(&shown(&near))));
    }
    Err(message)
}

/// Why `store/name`, given directly, deserves a warning: no binding of the config reads it.
/// Without `--env`, a binding of any section counts (bindings are per environment).
///
/// # Errors
///
/// An unknown `--env`: the user asked for a section the config does not have.
pub(crate) fn unbound(
    config: &WranglerConfig,
    env: Option<&str>,
    store: &str,
    name: &str,
) -> Result<Option<String>, String> {
    let sections: Vec<Option<&str>> = match env {
        Some(env) => vec![Some(env)],
        None => std::iter::once(None)
            .chain(config.env_names().map(Some))
            .collect(),
    };
    let mut decls: Vec<(Option<&str>, &BindingDecl)> = Vec::new();
    let mut unreadable = None;
    for section_env in sections {
        match config.secrets_store_secrets(section_env) {
            Ok(found) => decls.extend(found.iter().map(|d| (section_env, d))),
            Err(error) if env.is_some() => return Err(error.to_string()),
            Err(error) => {
                unreadable.get_or_insert(error);
            }
        }
    }
    if decls
        .iter()
        .any(|(_, d)| d.store_id() == store && d.secret_name() == name)
    {
        return Ok(None);
    }
    if let Some(error) = unreadable {
        return Ok(Some(format!(
            "could not read {} to check `--store`/`--name` against its bindings: {error}",
            config.path().display()
        )));
    }
    let with_env = |section_env: Option<&str>| match section_env {
        Some(e) if env.is_none() => format!(" --env {e}"),
        _ => String::new(),
    };
    let hint = if let Some((section_env, decl)) = decls.iter().find(|(_, d)| d.binding() == name) {
        format!(
            "`{name}` is a binding name, and binding `{name}` reads secret `{}` in store `{}`: \
             to set what it reads, use `--binding {name}{}` instead of --store/--name",
            shown(decl.secret_name()),
            shown(decl.store_id()),
            with_env(*section_env)
        )
    } else if decls.iter().any(|(_, d)| d.store_id() == store) {
        let in_store = || decls.iter().filter(|(_, d)| d.store_id() == store);
        closest(name, in_store().map(|(_, d)| d.secret_name()))
            .and_then(|near| in_store().find(|(_, d)| d.secret_name() == near))
            .map(|(section_env, decl)| {
                format!(
                    "did you mean `--binding {}{}` (secret `{}`)?",
                    shown(decl.binding()),
                    with_env(*section_env),
                    shown(decl.secret_name())
                )
            })
            .unwrap_or_else(|| format!("no binding reads secret `{name}` of that store"))
    } else {
        let stores = decls.iter().map(|(_, d)| d.store_id());
        let near = closest(store, stores)
            .map(|near| format!(" (did you mean store `{}`?)", shown(&near)))
            .unwrap_or_default();
        format!("no binding uses store `{store}`{near}")
    };
    let scope = match env {
        Some(env) => format!(" [env.{env}]"),
        None => String::new(),
    };
    Ok(Some(format!(
        "no Secrets Store binding in {}{scope} reads `{store}/{name}`, so no Worker of this \
         project reads the value; {hint}",
        config.path().display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use devflare_config::Format;

    const CONFIG: &str = r#"
[[secrets_store_secrets]]
binding = "ADMIN_TOKEN"
store_id = "s"
secret_name = "admin-token"

[env.prod]
[[env.prod.secrets_store_secrets]]
binding = "PROD_TOKEN"
store_id = "p"
secret_name = "prod-token"
"#;

    fn config() -> WranglerConfig {
        WranglerConfig::parse(CONFIG, "wrangler.toml", Format::Toml).unwrap()
    }

    #[test]
    fn resolves_per_section() {
        let config = config();
        assert_eq!(
            resolve(&config, None, "ADMIN_TOKEN").unwrap().secret_name(),
            "admin-token"
        );
        assert_eq!(
            resolve(&config, Some("prod"), "PROD_TOKEN")
                .unwrap()
                .store_id(),
            "p"
        );
        let error = resolve(&config, Some("prod"), "ADMIN_TOKEN").unwrap_err();
        assert!(error.contains("top level (line 2)"), "{error}");
    }

    #[test]
    fn an_env_section_binding_given_directly_with_its_env_needs_no_hint_for_env() {
        let config = config();
        let warning = unbound(&config, None, "x", "PROD_TOKEN").unwrap().unwrap();
        assert!(
            warning.contains("--binding PROD_TOKEN --env prod"),
            "{warning}"
        );
        let warning = unbound(&config, Some("prod"), "x", "PROD_TOKEN")
            .unwrap()
            .unwrap();
        assert!(warning.contains("`--binding PROD_TOKEN`"), "{warning}");
        assert!(unbound(&config, Some("nope"), "s", "admin-token").is_err());
    }
}
