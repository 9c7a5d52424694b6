//! Devflare's local values file, `.devflare/secrets.local.json`: the one reader (and, with the
//! `write` feature, the one writer) that both `devflare-test` and the `devflare-secrets` CLI
//! use, in the exact format Devflare (TypeScript) writes, so either tool reads the other's file.
//!
//! ```text
//! {
//!     "version": 1,
//!     "stores": {
//!         "<store_id>": {
//!             "<secret_name>": {
//!                 "value": "…",
//!                 "updatedAt": "2026-11-20T09:15:00.000Z"
//!             }
//!         }
//!     }
//! }
//! ```
//!
//! Indented with tabs (shown here with spaces), a trailing newline, mode 0600. Keys this crate
//! does not know (at the top level or in an entry) are kept as they are on every write.
//!
//! ```
//! use devflare_config::devflare_local::LocalFile;
//!
//! let text = "{\n\t\"version\": 1,\n\t\"stores\": {\n\t\t\"store-123\": {\n\t\t\t\"api-token\": {\n\t\t\t\t\"value\": \"t\"\n\t\t\t}\n\t\t}\n\t}\n}\n";
//! let file = LocalFile::parse(text, "/p/.devflare/secrets.local.json").unwrap();
//! let entry = file.entries().next().unwrap();
//! assert_eq!((entry.store_id, entry.name), ("store-123", "api-token"));
//! assert_eq!(entry.secret.location().unwrap().to_string(), "/p/.devflare/secrets.local.json:5:4");
//! assert_eq!(file.render(), text);
//! ```

mod error;
mod file;
mod read;
mod secret;
mod store;
#[cfg(feature = "write")]
mod write;

pub use error::LocalValuesError;
pub use file::{LocalEntry, LocalFile, SUPPORTED_VERSION};
pub use read::{RELATIVE_PATH, file_in, read, read_if_present};
pub use secret::LocalSecret;
#[cfg(feature = "write")]
pub use write::update;
