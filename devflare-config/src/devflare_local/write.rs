//! Writing the file (feature `write`, enabled only by the `devflare-secrets` CLI): under an
//! exclusive lock, atomically, mode 0600, clearing temporary files of writers that died.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{LocalFile, LocalValuesError, read_if_present};

fn io_error(path: &Path, error: io::Error) -> LocalValuesError {
    LocalValuesError::new(path, error.to_string()).caused_by(error)
}

/// Reads the file at `path` (a missing file is an empty one), lets `change` edit it, and
/// writes the result atomically — all under an exclusive lock on the sibling
/// `secrets.local.json.lock`, so two writers in any processes cannot lose each other's update.
///
/// `before_rename` runs once the new content is on disk in the temporary file, before it
/// replaces the old one (the CLI's tests kill the process there). When `change` fails, nothing
/// is written.
///
/// # Errors
///
/// What `change` returns, a file that cannot be read (see [`read`](super::read)) — it is then
/// never overwritten — or an I/O error while locking or writing.
pub fn update<R, E: From<LocalValuesError>>(
    path: &Path,
    change: impl FnOnce(&mut LocalFile) -> Result<R, E>,
    before_rename: impl FnOnce(&Path),
) -> Result<R, E> {
    let path = &resolve_link(path)?;
    let dir = parent_of(path);
    create_private_dir(dir).map_err(|e| io_error(dir, e))?;
    let lock_path = sibling(path, ".lock");
    let lock = private_options()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .map_err(|e| io_error(&lock_path, e))?;
    lock.lock().map_err(|e| io_error(&lock_path, e))?;

    remove_stale_temps(path);
    let mut file = read_if_present(path)?.unwrap_or_default();
    let result = change(&mut file)?;
    write_atomically(path, file.render().as_bytes(), before_rename)?;
    drop(lock); // closing the file releases the lock
    Ok(result)
}

/// The file a symbolic link points to, or `path` itself. A linked file is updated where it
/// lives: renaming the new content over the link would turn the link into a plain file and
/// leave its target, which other checkouts may share, with the old values.
fn resolve_link(path: &Path) -> Result<PathBuf, LocalValuesError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(path).map_err(|error| {
            LocalValuesError::new(
                path,
                format!("is a symbolic link whose target cannot be reached: {error}"),
            )
            .caused_by(error)
        }),
        _ => Ok(path.to_owned()),
    }
}

/// Writes `bytes` to a temporary file in the same folder (mode 0600 from creation), syncs it,
/// then renames it over `path`: readers see the old file or the new one, never a part.
fn write_atomically(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(&Path),
) -> Result<(), LocalValuesError> {
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
        return Err(io_error(&temp, error));
    }
    before_rename(&temp);
    if let Err(error) = fs::rename(&temp, path) {
        let _ = fs::remove_file(&temp);
        return Err(io_error(path, error));
    }
    // Make the rename itself durable where the platform allows syncing a folder.
    if let Ok(dir) = File::open(parent_of(path)) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Temporary files (`<name>.<pid>.tmp`) of writers that died before renaming. Only called
/// under the lock, when no live writer can own one.
fn remove_stale_temps(path: &Path) {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return;
    };
    let Ok(entries) = fs::read_dir(parent_of(path)) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        if file_name.to_str().is_some_and(|f| is_temp_of(name, f)) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn is_temp_of(name: &str, candidate: &str) -> bool {
    candidate
        .strip_prefix(name)
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|rest| rest.strip_suffix(".tmp"))
        .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// `path` with `suffix` appended to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
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

    #[test]
    fn recognises_only_numbered_temp_files_as_stale() {
        let name = "secrets.local.json";
        assert!(is_temp_of(name, "secrets.local.json.123.tmp"));
        assert!(!is_temp_of(name, "secrets.local.json.x.tmp"));
        assert!(!is_temp_of(name, "secrets.local.json..tmp"));
        assert!(!is_temp_of(name, "other.1.tmp"));
        assert!(!is_temp_of(name, "secrets.local.json.lock"));
    }

    #[test]
    fn a_failed_change_writes_nothing() {
        let dir = std::env::temp_dir().join(format!("devflare-config-w-{}", std::process::id()));
        let path = dir.join("secrets.local.json");
        let result: Result<(), LocalValuesError> = update(
            &path,
            |_| Err(LocalValuesError::new(&path, "refused")),
            |_| {},
        );
        assert_eq!(result.unwrap_err().message(), "refused");
        assert!(!path.exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
