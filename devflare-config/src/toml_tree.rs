//! TOML text → [`Node`] tree, with the `toml` crate's spanned document parser.

use toml::de::{DeTable, DeValue};

use crate::error::{ConfigError, ConfigErrorKind};
use crate::location::LineIndex;
use crate::tree::{Key, Node, NodeKind};

pub(crate) fn parse<'t>(text: &'t str, index: &LineIndex<'_>) -> Result<Node<'t>, ConfigError> {
    match DeTable::parse(text) {
        Ok(table) => {
            let span = table.span();
            Ok(Node {
                span,
                kind: table_kind(table.into_inner()),
            })
        }
        Err(error) => Err(syntax_error(&error, index)),
    }
}

/// `toml`'s parse messages are a fixed description plus what was expected (never a quoted
/// value), so they pass through; its `Display`, which quotes the source line, never does.
fn syntax_error(error: &toml::de::Error, index: &LineIndex<'_>) -> ConfigError {
    let offset = error.span().map_or(0, |span| span.start);
    let (message, expected) = match error.message().split_once(", expected ") {
        Some((message, expected)) if expected.trim() != "nothing" => (message, expected.trim()),
        Some((message, _)) => (message, ""),
        None => (error.message(), ""),
    };
    let message = message.trim_end();
    // Some of `toml`'s messages say nothing of what would be valid: say it here.
    let expected = match expected {
        "" if message.ends_with("duplicate key") => {
            "each key once per table (a `[table]` is written once, and an inline table cannot be extended)"
        }
        "" if message.contains("recurse") => "fewer nested arrays and inline tables",
        "" => "valid TOML here (see https://toml.io)",
        expected => expected,
    };
    let mut message = format!("invalid TOML: {message}");
    // Name the key of a duplicate: keys are names, never values.
    if message.ends_with("duplicate key") {
        let key = error.span().and_then(|span| index.text().get(span));
        if let Some(key) =
            key.filter(|k| !k.is_empty() && k.len() <= 200 && !k.contains(['=', '\n']))
        {
            message.push_str(&format!(" `{key}`"));
        }
    }
    ConfigError::at(ConfigErrorKind::Syntax, index.locate(offset), message).expected(expected)
}

fn table_kind(table: DeTable<'_>) -> NodeKind<'_> {
    let mut entries: Vec<(Key, Node)> = table
        .into_iter()
        .map(|(key, value)| {
            let key = Key {
                span: key.span(),
                name: key.into_inner(),
            };
            (key, node(value))
        })
        .collect();
    // The map is sorted by key; messages read better in file order.
    entries.sort_by_key(|(key, _)| key.span.start);
    NodeKind::Table(entries)
}

fn node(value: toml::Spanned<DeValue<'_>>) -> Node<'_> {
    let span = value.span();
    let kind = match value.into_inner() {
        DeValue::String(s) => NodeKind::String(s),
        DeValue::Integer(_) => NodeKind::Scalar("an integer"),
        DeValue::Float(_) => NodeKind::Scalar("a float"),
        DeValue::Boolean(_) => NodeKind::Scalar("a boolean"),
        DeValue::Datetime(_) => NodeKind::Scalar("a datetime"),
        DeValue::Array(items) => NodeKind::Array(items.into_iter().map(node).collect()),
        DeValue::Table(table) => table_kind(table),
    };
    Node { span, kind }
}
