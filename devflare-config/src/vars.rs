//! `vars` and `secrets.required` of one wrangler config section: vars with their values
//! (text, or JSON for anything else, as wrangler uploads them: `plain_text` / `json`) and the
//! classic secret names the Worker declares it needs.

use std::fmt;

use crate::Location;
use crate::document::Document;
use crate::error::{ConfigError, ConfigErrorKind};
use crate::tree::{Format, Node, NodeKind};

/// A var's value: a string is a text binding, anything else a JSON binding.
#[derive(Debug, Clone, PartialEq)]
pub enum VarValue {
    /// A string in the config: `env.var(NAME)` reads it.
    Text(String),
    /// Any other value (object, array, number, boolean, null): `env.object_var(NAME)` reads
    /// an object.
    Json(serde_json::Value),
}

impl VarValue {
    /// The JavaScript constructor name workers-rs sees for this value (`String`, `Object`,
    /// `Array`, `Number`, `Boolean`), which its cast errors name; `null` for JSON `null`.
    pub fn constructor_name(&self) -> &'static str {
        match self {
            Self::Text(_) => "String",
            Self::Json(serde_json::Value::String(_)) => "String",
            Self::Json(serde_json::Value::Object(_)) => "Object",
            Self::Json(serde_json::Value::Array(_)) => "Array",
            Self::Json(serde_json::Value::Number(_)) => "Number",
            Self::Json(serde_json::Value::Bool(_)) => "Boolean",
            Self::Json(serde_json::Value::Null) => "null",
        }
    }
}

/// One entry of `vars`: a name, its value and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct VarDecl {
    name: String,
    value: VarValue,
    location: Location,
}

impl VarDecl {
    /// The var's name (`env.var("NAME")`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its value. Vars are configuration, committed with the config: not secret.
    pub fn value(&self) -> &VarValue {
        &self.value
    }

    /// Where its key is.
    pub fn location(&self) -> &Location {
        &self.location
    }
}

/// One name of `secrets.required`: a classic secret the Worker declares it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredSecret {
    name: String,
    location: Location,
}

impl RequiredSecret {
    /// The secret's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the name is.
    pub fn location(&self) -> &Location {
        &self.location
    }
}

impl fmt::Display for RequiredSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` ({})", self.name, self.location)
    }
}

/// Reads `vars` of a section; `prefix` is `""` or `"env.NAME."` for messages.
pub(crate) fn read_vars(
    doc: &Document<'_>,
    node: &Node<'_>,
    prefix: &str,
) -> Result<Vec<VarDecl>, ConfigError> {
    let Some(entries) = node.entries() else {
        return Err(doc.wrong_type(
            node,
            &format!("`{prefix}vars`"),
            &format!("{} of names to values", doc.table_word()),
        ));
    };
    entries
        .iter()
        .map(|(key, value)| {
            let value = match &value.kind {
                NodeKind::String(text) => VarValue::Text(text.to_string()),
                _ => VarValue::Json(to_json(doc, value, &format!("{prefix}vars.{}", key.name))?),
            };
            Ok(VarDecl {
                name: key.name.to_string(),
                value,
                location: doc.locate(key.span.start),
            })
        })
        .collect()
}

/// Reads `secrets` (`{ required = ["NAME", …] }`) of a section.
pub(crate) fn read_required(
    doc: &Document<'_>,
    node: &Node<'_>,
    prefix: &str,
) -> Result<Option<Vec<RequiredSecret>>, ConfigError> {
    let expected = "`required`: an array of secret names";
    if node.entries().is_none() {
        return Err(doc.wrong_type(node, &format!("`{prefix}secrets`"), doc.table_word()));
    }
    let Some((_, list)) = node.get("required") else {
        return Ok(None);
    };
    let NodeKind::Array(items) = &list.kind else {
        return Err(doc.wrong_type(list, &format!("`{prefix}secrets.required`"), expected));
    };
    let mut names: Vec<RequiredSecret> = Vec::with_capacity(items.len());
    for item in items {
        let NodeKind::String(name) = &item.kind else {
            return Err(doc.wrong_type(
                item,
                &format!("an entry of `{prefix}secrets.required`"),
                "a string (a secret name)",
            ));
        };
        let location = doc.locate(item.span.start);
        if let Some(first) = names.iter().find(|n| n.name == **name) {
            return Err(ConfigError::at(
                ConfigErrorKind::Duplicate,
                location,
                format!(
                    "secret `{name}` is listed twice in `{prefix}secrets.required`: first at {}",
                    first.location
                ),
            )
            .expected("each secret name once"));
        }
        names.push(RequiredSecret {
            name: name.to_string(),
            location,
        });
    }
    Ok(Some(names))
}

/// A non-string var value as JSON. Scalars are read from their source text, which the tree
/// does not keep as values.
fn to_json(
    doc: &Document<'_>,
    node: &Node<'_>,
    path: &str,
) -> Result<serde_json::Value, ConfigError> {
    Ok(match &node.kind {
        NodeKind::String(text) => serde_json::Value::String(text.to_string()),
        NodeKind::Array(items) => serde_json::Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(at, item)| to_json(doc, item, &format!("{path}[{at}]")))
                .collect::<Result<_, _>>()?,
        ),
        NodeKind::Table(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|(key, value)| {
                    Ok((
                        key.name.to_string(),
                        to_json(doc, value, &format!("{path}.{}", key.name))?,
                    ))
                })
                .collect::<Result<_, ConfigError>>()?,
        ),
        NodeKind::Scalar(type_name) => {
            let text = doc.index.text().get(node.span.clone()).unwrap_or_default();
            scalar(doc.format, type_name, text).ok_or_else(|| {
                ConfigError::at(
                    ConfigErrorKind::WrongType,
                    doc.locate(node.span.start),
                    format!("`{path}` is {type_name} that JSON cannot hold"),
                )
                .expected(
                    "a string, or a value JSON can hold (wrangler sends vars as text or JSON)",
                )
            })?
        }
    })
}

fn scalar(format: Format, type_name: &str, text: &str) -> Option<serde_json::Value> {
    match (format, type_name) {
        (Format::Json | Format::Jsonc, _) | (Format::Toml, "a boolean") => {
            serde_json::from_str(text).ok()
        }
        (Format::Toml, "an integer") => {
            let digits = text.replace('_', "");
            let (negative, digits) = match digits.strip_prefix('-') {
                Some(rest) => (true, rest.to_owned()),
                None => (false, digits.trim_start_matches('+').to_owned()),
            };
            let (radix, digits) = match digits.get(..2) {
                Some("0x") => (16, &digits[2..]),
                Some("0o") => (8, &digits[2..]),
                Some("0b") => (2, &digits[2..]),
                _ => (10, &digits[..]),
            };
            let magnitude = i128::from_str_radix(digits, radix).ok()?;
            let value = if negative { -magnitude } else { magnitude };
            i64::try_from(value)
                .ok()
                .map(serde_json::Value::from)
                .or_else(|| u64::try_from(value).ok().map(serde_json::Value::from))
        }
        (Format::Toml, "a float") => {
            let value: f64 = text.replace('_', "").parse().ok()?;
            serde_json::Number::from_f64(value).map(serde_json::Value::Number)
        }
        _ => None,
    }
}
