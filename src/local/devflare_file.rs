//! Devflare's local values file, `.devflare/secrets.local.json`: read, change and write it in
//! the exact format Devflare (TypeScript) uses, so a file written by either tool reads in the
//! other.
//!
//! ```text
//! {
//!     "version": 1,
//!     "stores": {
//!         "<store_id>": {
//!             "<secret_name>": { "value": "…", "updatedAt": "2026-11-20T09:15:00.000Z" }
//!         }
//!     }
//! }
//! ```
//!
//! Indented with tabs (shown here with spaces), trailing newline, mode 0600. Keys this crate
//! does not know (at the top level or in an entry) are kept as they are on every write.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::SecretRef;
use crate::error::Error;

/// Where the file lives, relative to a project folder.
pub(crate) const RELATIVE_PATH: &str = ".devflare/secrets.local.json";

/// The only `version` this crate reads and writes.
pub(crate) const SUPPORTED_VERSION: u64 = 1;

/// One secret's entry. Not `Debug`: it holds a value.
#[derive(Clone)]
pub(crate) struct LocalSecret {
    value: String,
    updated_at: Option<String>,
    /// Entry keys other than `value` and `updatedAt`, kept for the next write.
    other: Map<String, Value>,
}

impl LocalSecret {
    pub(crate) fn value(&self) -> &str {
        &self.value
    }
}

/// The parsed file. Not `Debug`: it holds values.
#[derive(Clone, Default)]
pub(crate) struct DevflareFile {
    stores: BTreeMap<String, BTreeMap<String, LocalSecret>>,
    /// Top-level keys other than `version` and `stores`, kept for the next write.
    other: Map<String, Value>,
}

/// A secret's place in the file text, for error messages and [`Origin`](crate::Origin)s.
pub(crate) struct Located<'a> {
    pub(crate) reference: SecretRef,
    pub(crate) secret: &'a LocalSecret,
    pub(crate) position: (usize, usize),
}

impl DevflareFile {
    /// Parses `text`, read from `path` (named in errors).
    ///
    /// serde_json's own messages can quote the input, so only its position and the kind of
    /// syntax error are used; structural problems are named by store id and secret name.
    pub(crate) fn parse(text: &str, path: &Path) -> Result<Self, Error> {
        let problem = |position, problem: String| Error::LocalValues {
            path: path.to_owned(),
            position,
            problem,
        };
        let root: Value = serde_json::from_str(text).map_err(|error| {
            problem(
                Some(char_position(text, error.line(), error.column())),
                format!("not valid JSON: {}", syntax_kind(&error)),
            )
        })?;
        // Where a top-level key is, for structural errors (the file parsed, so it exists).
        let key_at =
            |key: &str| Some(find_key(text, 0, key).map_or((1, 1), |at| position(text, at)));
        let Value::Object(mut root) = root else {
            return Err(problem(
                Some(position(text, text.len() - text.trim_start().len())),
                format!(
                    "expected a JSON object {{\"version\": {SUPPORTED_VERSION}, \"stores\": {{…}}}}"
                ),
            ));
        };

        match root.remove("version") {
            Some(Value::Number(n)) if n.as_u64() == Some(SUPPORTED_VERSION) => {}
            Some(Value::Number(n)) => {
                return Err(problem(
                    key_at("version"),
                    format!(
                        "file format version {n} is not supported; this devflare-test reads \
                         version {SUPPORTED_VERSION} (a newer Devflare may have written it)"
                    ),
                ));
            }
            Some(_) => {
                return Err(problem(
                    key_at("version"),
                    format!("`version` must be the number {SUPPORTED_VERSION}"),
                ));
            }
            None => {
                return Err(problem(
                    None,
                    format!("`version` is missing; expected `\"version\": {SUPPORTED_VERSION}`"),
                ));
            }
        }

        let stores = match root.remove("stores") {
            Some(Value::Object(stores)) => stores,
            Some(_) => {
                return Err(problem(
                    key_at("stores"),
                    "`stores` must be an object of store ids".into(),
                ));
            }
            None => return Err(problem(None, "`stores` is missing".into())),
        };

        let mut parsed = BTreeMap::new();
        for (store_id, secrets) in stores {
            let Value::Object(secrets) = secrets else {
                let stores_at = find_key(text, 0, "stores").unwrap_or(0);
                let at =
                    find_key(text, stores_at, &store_id).map_or((1, 1), |at| position(text, at));
                return Err(problem(
                    Some(at),
                    format!("store `{store_id}` must be an object of secret names"),
                ));
            };
            let mut store = BTreeMap::new();
            for (name, entry) in secrets {
                let at = || Some(locate(text, &store_id, &name));
                let Value::Object(mut entry) = entry else {
                    return Err(problem(
                        at(),
                        format!(
                            "secret `{store_id}/{name}` must be an object {{\"value\": \"…\", \"updatedAt\": \"…\"}}"
                        ),
                    ));
                };
                let value = match entry.remove("value") {
                    Some(Value::String(value)) => value,
                    Some(_) => {
                        return Err(problem(
                            at(),
                            format!("secret `{store_id}/{name}`: `value` must be a string"),
                        ));
                    }
                    None => {
                        return Err(problem(
                            at(),
                            format!("secret `{store_id}/{name}`: `value` is missing"),
                        ));
                    }
                };
                let updated_at = match entry.remove("updatedAt") {
                    Some(Value::String(at)) => Some(at),
                    None => None,
                    Some(_) => {
                        return Err(problem(
                            at(),
                            format!(
                                "secret `{store_id}/{name}`: `updatedAt` must be an ISO-8601 string"
                            ),
                        ));
                    }
                };
                store.insert(
                    name,
                    LocalSecret {
                        value,
                        updated_at,
                        other: entry,
                    },
                );
            }
            parsed.insert(store_id, store);
        }
        Ok(Self {
            stores: parsed,
            other: root,
        })
    }

    /// Every secret with its reference and position in `text` (the text it was parsed from),
    /// sorted by store id, then name.
    pub(crate) fn located<'a>(&'a self, text: &str) -> Vec<Located<'a>> {
        self.stores
            .iter()
            .flat_map(|(store_id, secrets)| {
                secrets
                    .iter()
                    .map(move |(name, secret)| (store_id, name, secret))
            })
            .map(|(store_id, name, secret)| Located {
                reference: SecretRef::new(store_id.as_str(), name.as_str()),
                secret,
                position: locate(text, store_id, name),
            })
            .collect()
    }

    /// Every reference, sorted by store id, then name.
    pub(crate) fn references(&self) -> Vec<SecretRef> {
        self.stores
            .iter()
            .flat_map(|(store_id, secrets)| {
                secrets
                    .keys()
                    .map(move |name| SecretRef::new(store_id.as_str(), name.as_str()))
            })
            .collect()
    }

    /// Sets a value, keeping the entry's other keys if it exists.
    pub(crate) fn set(&mut self, reference: &SecretRef, value: String, updated_at: String) {
        let entry = self
            .stores
            .entry(reference.store_id().to_owned())
            .or_default()
            .entry(reference.secret_name().to_owned())
            .or_insert_with(|| LocalSecret {
                value: String::new(),
                updated_at: None,
                other: Map::new(),
            });
        entry.value = value;
        entry.updated_at = Some(updated_at);
    }

    /// Removes a secret (and its store, once empty). Returns whether it existed.
    pub(crate) fn remove(&mut self, reference: &SecretRef) -> bool {
        let Some(store) = self.stores.get_mut(reference.store_id()) else {
            return false;
        };
        let removed = store.remove(reference.secret_name()).is_some();
        if store.is_empty() {
            self.stores.remove(reference.store_id());
        }
        removed
    }

    /// The file text: tab-indented JSON with a trailing newline, `version` first.
    pub(crate) fn render(&self) -> String {
        #[derive(Serialize)]
        struct FileOut<'a> {
            version: u64,
            stores: BTreeMap<&'a str, BTreeMap<&'a str, EntryOut<'a>>>,
            #[serde(flatten)]
            other: &'a Map<String, Value>,
        }
        #[derive(Serialize)]
        struct EntryOut<'a> {
            value: &'a str,
            #[serde(rename = "updatedAt", skip_serializing_if = "Option::is_none")]
            updated_at: Option<&'a str>,
            #[serde(flatten)]
            other: &'a Map<String, Value>,
        }
        let out = FileOut {
            version: SUPPORTED_VERSION,
            stores: self
                .stores
                .iter()
                .map(|(store_id, secrets)| {
                    let secrets = secrets
                        .iter()
                        .map(|(name, secret)| {
                            let entry = EntryOut {
                                value: &secret.value,
                                updated_at: secret.updated_at.as_deref(),
                                other: &secret.other,
                            };
                            (name.as_str(), entry)
                        })
                        .collect();
                    (store_id.as_str(), secrets)
                })
                .collect(),
            other: &self.other,
        };
        let mut text = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"\t");
        let mut serializer = serde_json::Serializer::with_formatter(&mut text, formatter);
        out.serialize(&mut serializer)
            .expect("serialising strings and JSON values into memory cannot fail");
        let mut text = String::from_utf8(text).expect("serde_json writes UTF-8");
        text.push('\n');
        text
    }
}

/// The kind of a JSON syntax error, without serde_json's position suffix — and never its
/// message for data errors, which can quote the input.
fn syntax_kind(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match error.classify() {
        Category::Syntax => {
            let message = error.to_string();
            match message.rsplit_once(" at line ") {
                Some((kind, _)) => kind.to_owned(),
                None => "syntax error".to_owned(),
            }
        }
        Category::Eof => "the file ends before the JSON is complete".to_owned(),
        Category::Io | Category::Data => "unexpected content".to_owned(),
    }
}

/// Best-effort 1-based line and column of the `"<name>"` key inside the `"<store_id>"` object,
/// found by searching for the keys as JSON writes them; `(1, 1)` when not found (e.g. keys
/// spelt with `\u` escapes).
fn locate(text: &str, store_id: &str, name: &str) -> (usize, usize) {
    let stores = find_key(text, 0, "stores").unwrap_or(0);
    // Search for the name after the store's own key, so a secret named like its store is not
    // found at the store key.
    let found = find_key(text, stores, store_id)
        .map(|store| store + json_key(store_id).len())
        .and_then(|after_store| find_key(text, after_store, name));
    found.map_or((1, 1), |offset| position(text, offset))
}

/// `key` as JSON writes it, quoted.
fn json_key(key: &str) -> String {
    serde_json::Value::String(key.to_owned()).to_string()
}

/// Byte offset of the first `"<key>":` at or after `from`.
fn find_key(text: &str, from: usize, key: &str) -> Option<usize> {
    let key = json_key(key);
    let mut start = from;
    while let Some(found) = text.get(start..)?.find(&key) {
        let at = start + found;
        if text[at + key.len()..].trim_start().starts_with(':') {
            return Some(at);
        }
        start = at + key.len();
    }
    None
}

/// 1-based line and column (in characters) of byte `offset`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// serde_json's 1-based line and byte column, as a line and character column (at least 1).
fn char_position(text: &str, line: usize, byte_column: usize) -> (usize, usize) {
    let line_text = text
        .split('\n')
        .nth(line.saturating_sub(1))
        .unwrap_or_default();
    let mut end = byte_column.saturating_sub(1).min(line_text.len());
    while !line_text.is_char_boundary(end) {
        end -= 1;
    }
    (line.max(1), line_text[..end].chars().count() + 1)
}

/// The file's text; a missing file is an error naming it and saying how to create it.
pub(crate) fn read_text(path: &Path) -> Result<String, Error> {
    let bytes = fs::read(path).map_err(|error| {
        if error.kind() == io::ErrorKind::NotFound {
            Error::LocalValues {
                path: path.to_owned(),
                position: None,
                problem: "file not found; write values with `devflare-secrets set` (or \
                          Devflare's CLI), or drop `.devflare_local(…)`"
                    .into(),
            }
        } else {
            io_error(path, &error)
        }
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&error.as_bytes()[..valid]);
        Error::LocalValues {
            path: path.to_owned(),
            position: Some(position(&text, valid)),
            problem: "not UTF-8 text: expected a JSON file in UTF-8".into(),
        }
    })
}

fn io_error(path: &Path, error: &io::Error) -> Error {
    Error::LocalValues {
        path: path.to_owned(),
        position: None,
        problem: error.to_string(),
    }
}

/// Reads the file at `path` (a missing file is an empty one), lets `change` edit it, and
/// writes the result atomically — all under an exclusive lock on a sibling `.lock` file, so
/// two writers in any processes cannot lose each other's update. `before_rename` runs after the
/// new content is on disk in the temporary file and before it replaces the old one (the CLI's
/// tests kill the process there).
pub(crate) fn update<R>(
    path: &Path,
    change: impl FnOnce(&mut DevflareFile) -> Result<R, Error>,
    before_rename: impl FnOnce(&Path),
) -> Result<R, Error> {
    let dir = parent_of(path);
    create_private_dir(dir).map_err(|e| io_error(dir, &e))?;
    let lock_path = sibling(path, ".lock");
    let lock = private_options()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .map_err(|e| io_error(&lock_path, &e))?;
    lock.lock().map_err(|e| io_error(&lock_path, &e))?;

    remove_stale_temps(path);
    let mut file = match fs::read_to_string(path) {
        Ok(text) => DevflareFile::parse(&text, path)?,
        Err(error) if error.kind() == io::ErrorKind::NotFound => DevflareFile::default(),
        Err(error) => return Err(io_error(path, &error)),
    };
    let result = change(&mut file)?;
    write_atomically(path, file.render().as_bytes(), before_rename)?;
    drop(lock); // closing the file releases the lock
    Ok(result)
}

/// Writes `bytes` to a temporary file in the same folder (mode 0600 from creation), syncs it,
/// then renames it over `path`: readers see the old file or the new one, never a part.
fn write_atomically(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(&Path),
) -> Result<(), Error> {
    let temp = sibling(path, &format!(".{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = private_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)?;
        set_private(&file)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(error) = written {
        let _ = fs::remove_file(&temp);
        return Err(io_error(&temp, &error));
    }
    before_rename(&temp);
    if let Err(error) = fs::rename(&temp, path) {
        let _ = fs::remove_file(&temp);
        return Err(io_error(path, &error));
    }
    // Make the rename itself durable where the platform allows syncing a folder.
    if let Ok(dir) = File::open(parent_of(path)) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Temporary files of writers that died before renaming. Only called under the lock, when no
/// live writer can own one.
fn remove_stale_temps(path: &Path) {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return;
    };
    let Ok(entries) = fs::read_dir(parent_of(path)) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(candidate) = file_name.to_str() else {
            continue;
        };
        let is_temp = candidate
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        if is_temp {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// `path` with `suffix` appended to its file name.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(suffix);
    path.with_file_name(name)
}

fn parent_of(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

fn private_options() -> OpenOptions {
    #[allow(unused_mut)] // mutated on unix only
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Mode 0600 even if the file already existed with looser permissions (or the umask is odd).
fn set_private(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = "{\n\t\"version\": 1,\n\t\"stores\": {\n\t\t\"store-123\": {\n\t\t\t\"api-token\": {\n\t\t\t\t\"value\": \"devflare-local-token\",\n\t\t\t\t\"updatedAt\": \"2026-11-20T09:15:00.000Z\"\n\t\t\t}\n\t\t}\n\t}\n}\n";

    #[test]
    fn renders_a_parsed_file_byte_for_byte() {
        let file = DevflareFile::parse(FIXTURE, Path::new("f.json")).unwrap();
        assert_eq!(file.render(), FIXTURE);
    }

    #[test]
    fn locates_an_entry_by_its_name_key() {
        let file = DevflareFile::parse(FIXTURE, Path::new("f.json")).unwrap();
        let located = file.located(FIXTURE);
        assert_eq!(located.len(), 1);
        assert_eq!(located[0].position, (5, 4));
    }

    #[test]
    fn keeps_unknown_keys() {
        let text = r#"{"version": 1, "note": [1], "stores": {"s": {"n": {"value": "v", "createdBy": "x"}}}}"#;
        let mut file = DevflareFile::parse(text, Path::new("f.json")).unwrap();
        file.set(&SecretRef::new("s", "m"), "w".into(), "t".into());
        let again = file.render();
        assert!(again.contains("\"note\": [\n\t\t1\n\t]"), "{again}");
        assert!(again.contains("\"createdBy\": \"x\""), "{again}");
    }

    #[test]
    fn removes_an_emptied_store() {
        let mut file = DevflareFile::parse(FIXTURE, Path::new("f.json")).unwrap();
        assert!(!file.remove(&SecretRef::new("store-123", "nope")));
        assert!(file.remove(&SecretRef::new("store-123", "api-token")));
        assert_eq!(file.render(), "{\n\t\"version\": 1,\n\t\"stores\": {}\n}\n");
    }

    #[test]
    fn recognises_only_numbered_temp_files_as_stale() {
        let dir = std::env::temp_dir().join(format!("devflare-stale-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("secrets.local.json");
        for name in [
            "secrets.local.json.123.tmp",
            "secrets.local.json.x.tmp",
            "other.1.tmp",
        ] {
            fs::write(dir.join(name), "").unwrap();
        }
        remove_stale_temps(&path);
        assert!(!dir.join("secrets.local.json.123.tmp").exists());
        assert!(dir.join("secrets.local.json.x.tmp").exists());
        assert!(dir.join("other.1.tmp").exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
