//! wrangler's local Secrets Store state, read-only.
//!
//! `wrangler secrets-store secret create` (local mode) keeps each store as a Miniflare KV
//! namespace under `.wrangler/state/v3/secrets-store/`:
//!
//! - `<store_id>/blobs/<blob_id>` — the value, plain UTF-8 text;
//! - `miniflare-secrets-store-KVNamespaceObject/<hash>.sqlite` — one SQLite index per store,
//!   table `_mf_entries(key, blob_id, expiration, metadata)`, where `key` is the secret name.
//!   `<hash>` is the Durable Object id of the store, so the index does not name its store: the
//!   store is the folder that holds the index's blobs. `metadata.sqlite` is Miniflare's own.
//!
//! The indexes are in WAL mode and their rows may live only in the `-wal` file. SQLite cannot
//! read those without writing (`mode=ro` still updates the `-shm` file; `immutable=1` ignores
//! the WAL), so each index and its `-wal` are copied to a scratch folder and the copy is read.
//! The originals are never opened by SQLite.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::env::SecretRef;
use crate::error::Error;
use devflare_config::devflare_local::LocalValuesError;

/// Where the state lives, relative to a project folder.
pub(crate) const RELATIVE_PATH: &str = ".wrangler/state/v3/secrets-store";

/// The folder of index files inside [`RELATIVE_PATH`].
const INDEX_DIR: &str = "miniflare-secrets-store-KVNamespaceObject";

/// One secret read from the state. Not `Debug`: it holds a value.
pub(crate) struct StateSecret {
    pub(crate) reference: SecretRef,
    pub(crate) value: String,
    /// The blob file the value came from.
    pub(crate) blob: PathBuf,
}

fn problem(path: &Path, problem: impl Into<String>) -> Error {
    LocalValuesError::new(path, problem).into()
}

/// An I/O failure on `path`, kept as the error's `source()`.
fn io_problem(path: &Path, what: &str, error: std::io::Error) -> Error {
    LocalValuesError::new(path, format!("{what}{error}"))
        .caused_by(error)
        .into()
}

/// Every secret in the state folder `root` (`<project>/.wrangler/state/v3/secrets-store`),
/// sorted by store id, then name.
pub(crate) fn read(root: &Path) -> Result<Vec<StateSecret>, Error> {
    if !root.is_dir() {
        return Err(problem(
            root,
            "no wrangler local Secrets Store state here; create values with \
             `wrangler secrets-store secret create <store_id> --name <name> --scopes workers` \
             (local mode), or drop `.wrangler_state(…)`",
        ));
    }
    let index_dir = root.join(INDEX_DIR);
    if !index_dir.is_dir() {
        return Err(problem(
            &index_dir,
            "the index folder of wrangler's local Secrets Store state is missing",
        ));
    }

    let stores = store_dirs(root)?;
    let owners = blob_owners(&stores)?;
    let scratch = Scratch::new().map_err(|e| {
        io_problem(
            &index_dir,
            "cannot create a scratch folder to read copies of the indexes: ",
            e,
        )
    })?;
    let mut secrets = BTreeMap::new();
    for (i, index) in index_files(&index_dir)?.into_iter().enumerate() {
        let rows = read_index(&index, &scratch.0.join(i.to_string()))?;
        let Some((store_id, store_dir)) = store_of(&rows, &owners, &stores) else {
            if rows.is_empty() {
                continue;
            }
            return Err(problem(
                &index,
                format!(
                    "none of this index's {} blob(s) exists under any `<store_id>/blobs/` folder \
                     in {}",
                    rows.len(),
                    root.display()
                ),
            ));
        };
        for (name, blob_id) in rows {
            let blob = store_dir.join("blobs").join(&blob_id);
            let reference = SecretRef::new(store_id.as_str(), name);
            let bytes = fs::read(&blob).map_err(|error| {
                problem(
                    &blob,
                    format!("blob of secret `{reference}` cannot be read: {error}"),
                )
            })?;
            let value = String::from_utf8(bytes).map_err(|_| {
                problem(
                    &blob,
                    format!("blob of secret `{reference}` is not UTF-8 text"),
                )
            })?;
            secrets.insert(
                reference.clone(),
                StateSecret {
                    reference,
                    value,
                    blob,
                },
            );
        }
    }
    Ok(secrets.into_values().collect())
}

/// `<store_id>` → its folder, for every folder with a `blobs/` inside.
fn store_dirs(root: &Path) -> Result<BTreeMap<String, PathBuf>, Error> {
    let mut stores = BTreeMap::new();
    let entries = fs::read_dir(root).map_err(|e| io_problem(root, "", e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_problem(root, "", e))?;
        let path = entry.path();
        if let Some(id) = entry.file_name().to_str()
            && id != INDEX_DIR
            && path.join("blobs").is_dir()
        {
            stores.insert(id.to_owned(), path);
        }
    }
    Ok(stores)
}

/// The store index files, sorted; Miniflare's own `metadata.sqlite` is not one.
fn index_files(index_dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    let entries = fs::read_dir(index_dir).map_err(|e| io_problem(index_dir, "", e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_problem(index_dir, "", e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".sqlite") && name != "metadata.sqlite" {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

/// Blob id → the store whose `blobs/` folder holds it (the first store by id, should two hold
/// the same id). One listing per store, so matching every index to its store stays linear in
/// the number of blobs instead of probing every store for every index.
fn blob_owners(stores: &BTreeMap<String, PathBuf>) -> Result<HashMap<String, &String>, Error> {
    let mut owners = HashMap::new();
    for (store_id, dir) in stores {
        let blobs = dir.join("blobs");
        let entries = fs::read_dir(&blobs).map_err(|e| io_problem(&blobs, "", e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_problem(&blobs, "", e))?;
            // A name that is not UTF-8 cannot equal a blob id read from the index.
            if let Ok(blob_id) = entry.file_name().into_string() {
                owners.entry(blob_id).or_insert(store_id);
            }
        }
    }
    Ok(owners)
}

/// The store whose `blobs/` folder holds the first of `rows`' blobs that exists anywhere.
fn store_of<'a>(
    rows: &[(String, String)],
    owners: &HashMap<String, &'a String>,
    stores: &'a BTreeMap<String, PathBuf>,
) -> Option<(&'a String, &'a PathBuf)> {
    rows.iter()
        .find_map(|(_, blob_id)| owners.get(blob_id))
        .and_then(|store_id| stores.get_key_value(store_id.as_str()))
}

/// `(key, blob_id)` rows of one index, read from a copy in the empty folder `scratch` (see
/// the module doc).
fn read_index(index: &Path, scratch: &Path) -> Result<Vec<(String, String)>, Error> {
    fs::create_dir(scratch).map_err(|e| {
        io_problem(
            index,
            "cannot create a scratch folder to read a copy of this index: ",
            e,
        )
    })?;
    let copy = scratch.join("index.sqlite");
    fs::copy(index, &copy).map_err(|e| io_problem(index, "cannot copy: ", e))?;
    let mut wal = index.as_os_str().to_owned();
    wal.push("-wal");
    let wal = PathBuf::from(wal);
    if wal.is_file() {
        fs::copy(&wal, scratch.join("index.sqlite-wal"))
            .map_err(|e| io_problem(&wal, "cannot copy: ", e))?;
    }

    let sqlite = |e: rusqlite::Error| problem(index, format!("not a readable SQLite index: {e}"));
    let connection = rusqlite::Connection::open(&copy).map_err(sqlite)?;
    let has_table: bool = connection
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_mf_entries')",
            [],
            |row| row.get(0),
        )
        .map_err(sqlite)?;
    if !has_table {
        // Miniflare creates the table with the store's first secret.
        return Ok(Vec::new());
    }
    let mut statement = connection
        .prepare("SELECT key, blob_id FROM _mf_entries ORDER BY key")
        .map_err(sqlite)?;
    let rows = statement
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .map_err(sqlite)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(sqlite)?;
    for (name, blob_id) in &rows {
        // A blob id names a file in `blobs/`; anything that could leave that folder is corrupt.
        let plain = !blob_id.is_empty()
            && blob_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !plain {
            return Err(problem(
                index,
                format!("secret `{name}` has a malformed blob id (expected hex digits)"),
            ));
        }
    }
    Ok(rows)
}

/// A scratch folder under the system temp folder, removed on drop. The location does not
/// affect what is read: only copies go there.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> std::io::Result<Self> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!(
                "devflare-test-wrangler-state-{}-{n}",
                std::process::id()
            ));
            match fs::create_dir(&dir) {
                Ok(()) => return Ok(Self(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
