//! The parsed file: parse it with positions, change it, render it in Devflare's exact format.

use std::collections::BTreeMap;
use std::path::Path;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use super::LocalValuesError;
use super::secret::LocalSecret;
use super::store::Store;
use crate::location::LineIndex;
use crate::tree::{Key, Node, NodeKind};
use crate::{ConfigError, jsonc};

/// The only `version` this crate reads and writes.
pub const SUPPORTED_VERSION: u64 = 1;

/// One secret with its store id and name, as [`LocalFile::entries`] yields them.
#[non_exhaustive]
pub struct LocalEntry<'a> {
    /// The store id.
    pub store_id: &'a str,
    /// The secret name.
    pub name: &'a str,
    /// The value, `updatedAt` and position.
    pub secret: &'a LocalSecret,
}

/// Devflare's local values file, parsed. Not `Debug`: it holds values.
#[derive(Clone, Default)]
pub struct LocalFile {
    stores: BTreeMap<String, Store>,
    /// Top-level keys other than `version` and `stores`, kept for the next write.
    other: Map<String, Value>,
}

impl LocalFile {
    /// Parses `text`, read from `path` (named in errors), in one linear pass plus a strict
    /// JSON check.
    ///
    /// Positions come from devflare-config's own spanned JSON parser; errors name the store id
    /// and secret name and never quote the input.
    ///
    /// # Errors
    ///
    /// Not JSON, not strict JSON (Devflare reads the file with `JSON.parse`: no comments, no
    /// trailing commas), a `version` other than [`SUPPORTED_VERSION`], or an entry of the
    /// wrong shape. A key given twice in one object is refused rather than silently dropped.
    pub fn parse(text: &str, path: impl AsRef<Path>) -> Result<Self, LocalValuesError> {
        let index = LineIndex::new(path.as_ref(), text);
        // The spanned parser skips a byte-order mark as editors do; `JSON.parse` refuses it.
        if text.starts_with('\u{feff}') {
            return Err(LocalValuesError::at(
                index.locate(0),
                "the file starts with a byte-order mark, which Devflare's `JSON.parse` refuses; \
                 save it as UTF-8 without BOM"
                    .to_owned(),
            ));
        }
        let root = jsonc::parse(text, &index).map_err(from_config)?;
        // The spanned parser is lenient like wrangler's; Devflare's reader is not.
        if let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
            let offset = offset_of(text, error.line(), error.column());
            return Err(LocalValuesError::at(
                index.locate(offset),
                "not strict JSON (no comments or trailing commas: Devflare reads this file \
                 with `JSON.parse`)",
            ));
        }
        Reader { text, index }.file(root)
    }

    /// Every secret, sorted by store id, then name.
    pub fn entries(&self) -> impl Iterator<Item = LocalEntry<'_>> {
        self.stores.iter().flat_map(|(store_id, secrets)| {
            secrets.iter().map(move |(name, secret)| LocalEntry {
                store_id,
                name,
                secret,
            })
        })
    }

    /// The store ids, sorted.
    pub fn store_ids(&self) -> impl Iterator<Item = &str> {
        self.stores.keys().map(String::as_str)
    }

    /// The secret names of one store, sorted (none for an unknown store).
    pub fn names(&self, store_id: &str) -> impl Iterator<Item = &str> {
        self.stores
            .get(store_id)
            .into_iter()
            .flat_map(|secrets| secrets.iter().map(|(name, _)| name))
    }

    /// One secret.
    pub fn get(&self, store_id: &str, name: &str) -> Option<&LocalSecret> {
        self.stores.get(store_id)?.get(name)
    }

    /// How many secrets the file holds.
    pub fn len(&self) -> usize {
        self.stores.values().map(Store::len).sum()
    }

    /// Whether the file holds no secret.
    pub fn is_empty(&self) -> bool {
        self.stores.values().all(Store::is_empty)
    }

    /// Sets a value and its `updatedAt`, keeping the entry's other keys if it exists.
    pub fn set(&mut self, store_id: &str, name: &str, value: String, updated_at: String) {
        let entry = self
            .stores
            .entry(store_id.to_owned())
            .or_default()
            .get_or_insert_with(name, || LocalSecret {
                value: String::new(),
                updated_at: None,
                other: Map::new(),
                location: None,
            });
        entry.value = value;
        entry.updated_at = Some(updated_at);
    }

    /// Removes a secret (and its store, once empty). Returns whether it existed.
    pub fn remove(&mut self, store_id: &str, name: &str) -> bool {
        let Some(store) = self.stores.get_mut(store_id) else {
            return false;
        };
        let removed = store.remove(name);
        if store.is_empty() {
            self.stores.remove(store_id);
        }
        removed
    }

    /// The file text as Devflare writes it: `version` first, tab-indented JSON, a trailing
    /// newline; unknown keys kept.
    pub fn render(&self) -> String {
        let mut text = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"\t");
        let mut serializer = serde_json::Serializer::with_formatter(&mut text, formatter);
        self.serialize(&mut serializer)
            .expect("serialising strings and JSON values into memory cannot fail");
        let mut text = String::from_utf8(text).expect("serde_json writes UTF-8");
        text.push('\n');
        text
    }
}

impl Serialize for LocalFile {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2 + self.other.len()))?;
        map.serialize_entry("version", &SUPPORTED_VERSION)?;
        map.serialize_entry("stores", &self.stores)?;
        for (key, value) in &self.other {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Walks the spanned tree once, in source order; every position comes from `index`.
struct Reader<'t> {
    text: &'t str,
    index: LineIndex<'t>,
}

impl Reader<'_> {
    fn error(&self, offset: usize, message: String) -> LocalValuesError {
        LocalValuesError::at(self.index.locate(offset), message)
    }

    /// Consumes the tree: strings move into the file instead of being copied (at 100k
    /// secrets, copying and freeing them twice cost more than the parse itself).
    fn file(&self, root: Node<'_>) -> Result<LocalFile, LocalValuesError> {
        let NodeKind::Table(entries) = root.kind else {
            return Err(self.error(
                root.span.start,
                format!(
                    "expected a JSON object {{\"version\": {SUPPORTED_VERSION}, \"stores\": {{…}}}}"
                ),
            ));
        };
        let mut version = None;
        let mut stores = None;
        let mut other = Map::new();
        for (key, node) in entries {
            match &*key.name {
                "version" => version = Some((key, node)),
                "stores" => stores = Some((key, node)),
                _ => {
                    let value = self.raw_value(&node)?;
                    other.insert(key.name.into_owned(), value);
                }
            }
        }
        let Some((key, node)) = version else {
            return Err(self.error(
                root.span.start,
                format!("`version` is missing; expected `\"version\": {SUPPORTED_VERSION}`"),
            ));
        };
        self.version(&key, &node)?;
        let Some((key, node)) = stores else {
            return Err(self.error(
                root.span.start,
                "`stores` is missing; expected `\"stores\": {\"<store_id>\": {…}}`".into(),
            ));
        };
        let NodeKind::Table(stores) = node.kind else {
            return Err(self.error(
                key.span.start,
                "`stores` must be an object of store ids".into(),
            ));
        };
        let stores = stores
            .into_iter()
            .map(|(store_key, secrets)| self.store(store_key, secrets))
            .collect::<Result<_, _>>()?;
        Ok(LocalFile { stores, other })
    }

    fn version(&self, key: &Key<'_>, node: &Node<'_>) -> Result<(), LocalValuesError> {
        let NodeKind::Scalar("a number") = node.kind else {
            return Err(self.error(
                key.span.start,
                format!("`version` must be the number {SUPPORTED_VERSION}"),
            ));
        };
        let number = &self.text[node.span.clone()];
        if number.parse::<u64>() == Ok(SUPPORTED_VERSION) {
            return Ok(());
        }
        Err(self.error(
            key.span.start,
            format!(
                "file format version {number} is not supported; this reader knows version \
                 {SUPPORTED_VERSION} (a newer Devflare may have written it)"
            ),
        ))
    }

    fn store(
        &self,
        store_key: Key<'_>,
        secrets: Node<'_>,
    ) -> Result<(String, Store), LocalValuesError> {
        let store_id = store_key.name.into_owned();
        let NodeKind::Table(secrets) = secrets.kind else {
            return Err(self.error(
                store_key.span.start,
                format!("store `{store_id}` must be an object of secret names"),
            ));
        };
        let secrets = secrets
            .into_iter()
            .map(|(name_key, entry)| self.secret(&store_id, name_key, entry))
            .collect::<Result<_, _>>()?;
        Ok((store_id, Store::from_distinct(secrets)))
    }

    fn secret(
        &self,
        store_id: &str,
        name_key: Key<'_>,
        entry: Node<'_>,
    ) -> Result<(String, LocalSecret), LocalValuesError> {
        let name = name_key.name.into_owned();
        let at = |message: String| self.error(name_key.span.start, message);
        let NodeKind::Table(fields) = entry.kind else {
            return Err(at(format!(
                "secret `{store_id}/{name}` must be an object {{\"value\": \"…\", \"updatedAt\": \"…\"}}"
            )));
        };
        let mut value = None;
        let mut updated_at = None;
        let mut other = Map::new();
        for (field, node) in fields {
            match (&*field.name, node.kind) {
                ("value", NodeKind::String(text)) => value = Some(text.into_owned()),
                ("updatedAt", NodeKind::String(text)) => updated_at = Some(text.into_owned()),
                ("value", kind) => {
                    let found = Node {
                        span: node.span,
                        kind,
                    }
                    .type_name(crate::Format::Json);
                    return Err(at(format!(
                        "secret `{store_id}/{name}`: `value` must be a string, not {found}"
                    )));
                }
                ("updatedAt", _) => {
                    return Err(at(format!(
                        "secret `{store_id}/{name}`: `updatedAt` must be an ISO-8601 string"
                    )));
                }
                (_, kind) => {
                    let value = self.raw_value(&Node {
                        span: node.span,
                        kind,
                    })?;
                    other.insert(field.name.into_owned(), value);
                }
            }
        }
        let Some(value) = value else {
            return Err(at(format!(
                "secret `{store_id}/{name}`: `value` is missing"
            )));
        };
        let location = Some(self.index.locate(name_key.span.start));
        let secret = LocalSecret {
            value,
            updated_at,
            other,
            location,
        };
        Ok((name, secret))
    }

    /// A value this crate does not interpret, kept as JSON for the next write. Only its own
    /// span is read, so keeping unknown keys stays linear.
    fn raw_value(&self, node: &Node<'_>) -> Result<Value, LocalValuesError> {
        serde_json::from_str(&self.text[node.span.clone()]).map_err(|_| {
            self.error(
                node.span.start,
                "not strict JSON (no comments or trailing commas: Devflare reads this file \
                 with `JSON.parse`)"
                    .into(),
            )
        })
    }
}

/// A syntax error of the spanned parser, as a local values error at the same place.
fn from_config(error: ConfigError) -> LocalValuesError {
    let message = match error.expected_text() {
        Some(expected) => format!("{}; expected {expected}", error.message()),
        None => error.message().to_owned(),
    };
    match error.location() {
        Some(location) => LocalValuesError::at(location.clone(), message),
        None => LocalValuesError::new(error.path(), message),
    }
}

/// Byte offset of serde_json's 1-based line and byte column (only on the error path).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = "{\n\t\"version\": 1,\n\t\"stores\": {\n\t\t\"store-123\": {\n\t\t\t\"api-token\": {\n\t\t\t\t\"value\": \"devflare-local-token\",\n\t\t\t\t\"updatedAt\": \"2026-11-20T09:15:00.000Z\"\n\t\t\t}\n\t\t}\n\t}\n}\n";

    #[test]
    fn renders_a_parsed_file_byte_for_byte() {
        let file = LocalFile::parse(FIXTURE, "f.json").unwrap();
        assert_eq!(file.render(), FIXTURE);
    }

    #[test]
    fn locates_an_entry_by_its_name_key() {
        let file = LocalFile::parse(FIXTURE, "f.json").unwrap();
        let entries: Vec<_> = file.entries().collect();
        assert_eq!(entries.len(), 1);
        let at = entries[0].secret.location().unwrap();
        assert_eq!((at.line(), at.column()), (5, 4));
    }

    #[test]
    fn keeps_unknown_keys() {
        let text = r#"{"version": 1, "note": [1, {"deep": null}], "stores": {"s": {"n": {"value": "v", "createdBy": "x"}}}}"#;
        let mut file = LocalFile::parse(text, "f.json").unwrap();
        file.set("s", "m", "w".into(), "t".into());
        let again = file.render();
        assert!(
            again.contains("\"note\": [\n\t\t1,\n\t\t{\n\t\t\t\"deep\": null\n\t\t}\n\t]"),
            "{again}"
        );
        assert!(again.contains("\"createdBy\": \"x\""), "{again}");
        // And they survive another round trip unchanged.
        assert_eq!(LocalFile::parse(&again, "f.json").unwrap().render(), again);
    }

    #[test]
    fn removes_an_emptied_store() {
        let mut file = LocalFile::parse(FIXTURE, "f.json").unwrap();
        assert!(!file.remove("store-123", "nope"));
        assert!(file.remove("store-123", "api-token"));
        assert_eq!(file.render(), "{\n\t\"version\": 1,\n\t\"stores\": {}\n}\n");
    }

    #[test]
    fn a_byte_order_mark_is_named_as_the_problem() {
        let error = LocalFile::parse(&format!("\u{feff}{FIXTURE}"), "f.json")
            .err()
            .unwrap();
        assert_eq!(
            error.to_string(),
            "local values f.json:1:1: the file starts with a byte-order mark, which Devflare's \
             `JSON.parse` refuses; save it as UTF-8 without BOM"
        );
    }

    #[test]
    fn names_from_the_file_never_split_an_error_line() {
        // Another tool wrote a name with a newline and a terminal escape, twice.
        let text =
            r#"{"version": 1, "stores": {"s\nforged\u001b[2K": {}, "s\nforged\u001b[2K": {}}}"#;
        let error = LocalFile::parse(text, "f.json").err().unwrap().to_string();
        assert!(
            !error.contains('\n') && !error.contains('\u{1b}'),
            "{error:?}"
        );
        assert!(error.contains(r"s\u{a}forged\u{1b}[2K"), "{error}");
        let text = r#"{"version": 1, "stores": {"s\u001b": []}}"#;
        let error = LocalFile::parse(text, "f.json").err().unwrap().to_string();
        assert!(!error.contains('\u{1b}'), "{error:?}");
    }

    #[test]
    fn duplicate_keys_are_refused_not_dropped() {
        let text = r#"{"version": 1, "stores": {"s": {"n": {"value": "a"}, "n": {"value": "b"}}}}"#;
        let error = LocalFile::parse(text, "f.json").err().unwrap();
        assert!(error.message().contains("duplicate key `n`"), "{error}");
        let second = text.rfind("\"n\"").unwrap() + 1;
        assert_eq!(error.location().unwrap().column(), second);
    }
}
