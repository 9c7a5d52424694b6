//! `secrets_store_secrets` entries — `{ binding, store_id, secret_name }` — shared by wrangler
//! config and fixture files.

use crate::document::Document;
use crate::error::{ConfigError, ConfigErrorKind, Warning, one_of};
use crate::repeat::first_repeat;
use crate::suggest::closest;
use crate::tree::{Node, NodeKind};
use crate::{Format, Location};

/// The keys of one entry, all required strings.
pub(crate) const FIELDS: [&str; 3] = ["binding", "store_id", "secret_name"];

/// One Secrets Store binding as declared in a file: binding name → (store id, secret name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingDecl {
    binding: String,
    store_id: String,
    secret_name: String,
    location: Location,
}

impl BindingDecl {
    /// The name the Worker reads it by (`env.secret_store("API_TOKEN")`).
    pub fn binding(&self) -> &str {
        &self.binding
    }

    /// The store the secret lives in.
    pub fn store_id(&self) -> &str {
        &self.store_id
    }

    /// The secret's name in its store.
    pub fn secret_name(&self) -> &str {
        &self.secret_name
    }

    /// Where the entry starts (`[[secrets_store_secrets]]` in TOML, `{` in JSON).
    pub fn location(&self) -> &Location {
        &self.location
    }
}

/// What to do with a key an entry does not have.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnknownKeys {
    /// Wrangler config: wrangler itself only warns.
    Warn,
    /// Fixture files: our own format, so a typo is an error.
    Reject,
}

/// The entry header as messages name it.
fn entry_name(format: Format) -> &'static str {
    match format {
        Format::Toml => "[[secrets_store_secrets]]",
        Format::Json | Format::Jsonc => "a `secrets_store_secrets` entry",
    }
}

/// Reads the `secrets_store_secrets` array at `node`; `prefix` is the dotted path of its
/// section (`""` or `"env.staging."`) for messages.
pub(crate) fn read_entries(
    doc: &Document<'_>,
    node: &Node,
    prefix: &str,
    unknown: UnknownKeys,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<BindingDecl>, ConfigError> {
    let NodeKind::Array(items) = &node.kind else {
        return Err(doc.wrong_type(
            node,
            &format!("`{prefix}secrets_store_secrets`"),
            &format!(
                "an array of {} with `binding`, `store_id` and `secret_name`",
                doc.format.tables_word()
            ),
        ));
    };
    let mut decls = Vec::with_capacity(items.len());
    let mut unreadable = None;
    for item in items {
        match read_entry(doc, item, prefix, unknown, warnings) {
            Ok(decl) => decls.push(decl),
            Err(error) => {
                unreadable = Some(error);
                break;
            }
        }
    }
    // Duplicates are found once every entry is read; the first problem in file order wins.
    if let Some((first, second)) = first_repeat(decls.len(), |at| &decls[at].binding) {
        let (first, decl) = (&decls[first], &decls[second]);
        return Err(ConfigError::at(
            ConfigErrorKind::Duplicate,
            decl.location.clone(),
            format!(
                "binding `{}` is declared twice: first at {}, again here",
                decl.binding, first.location
            ),
        )
        .expected("each binding name once"));
    }
    match unreadable {
        Some(error) => Err(error),
        None => Ok(decls),
    }
}

fn read_entry(
    doc: &Document<'_>,
    item: &Node,
    prefix: &str,
    unknown: UnknownKeys,
    warnings: &mut Vec<Warning>,
) -> Result<BindingDecl, ConfigError> {
    let header = entry_name(doc.format);
    let Some(entries) = item.entries() else {
        return Err(doc.wrong_type(
            item,
            &format!("an entry of `{prefix}secrets_store_secrets`"),
            &format!(
                "{} with `binding`, `store_id` and `secret_name`",
                doc.table_word()
            ),
        ));
    };
    let mut found: [Option<String>; 3] = [None, None, None];
    let mut unknown_keys: Vec<&str> = Vec::new();
    for (key, value) in entries {
        let Some(slot) = FIELDS.iter().position(|f| *f == key.name) else {
            let suggestion = closest(&key.name, FIELDS);
            let message = format!("unknown key `{}` in {header}", key.name);
            let location = doc.locate(key.span.start);
            match unknown {
                UnknownKeys::Reject => {
                    return Err(
                        ConfigError::at(ConfigErrorKind::UnknownKey, location, message)
                            .expected(one_of(&FIELDS))
                            .suggestion(suggestion),
                    );
                }
                UnknownKeys::Warn => {
                    warnings.push(Warning::new(
                        location,
                        format!("{message} is ignored"),
                        suggestion,
                    ));
                    unknown_keys.push(&key.name);
                    continue;
                }
            }
        };
        match &value.kind {
            NodeKind::String(s) => found[slot] = Some(s.to_string()),
            _ => {
                return Err(doc.wrong_type(
                    value,
                    &format!("`{}` in {header}", key.name),
                    "a string",
                ));
            }
        }
    }
    let location = doc.locate(item.span.start);
    let [binding, store_id, secret_name] = found;
    let missing = |field: &str| {
        let misspelt = unknown_keys
            .iter()
            .find(|k| closest(k, [field]).is_some())
            .map(|k| format!(" (is `{k}` a misspelling of it?)"))
            .unwrap_or_default();
        ConfigError::at(
            ConfigErrorKind::MissingField,
            location.clone(),
            format!("missing key `{field}` in {header}{misspelt}"),
        )
        .expected("`binding`, `store_id` and `secret_name`, all strings")
    };
    Ok(BindingDecl {
        binding: binding.ok_or_else(|| missing("binding"))?,
        store_id: store_id.ok_or_else(|| missing("store_id"))?,
        secret_name: secret_name.ok_or_else(|| missing("secret_name"))?,
        location,
    })
}
