//! One secret's entry of the local values file: its value, `updatedAt`, the keys this crate
//! does not know, and where it was read from. Below both the file and its stores.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::Location;

/// One secret's entry. Not `Debug`: it holds a value.
#[derive(Clone)]
pub struct LocalSecret {
    pub(super) value: String,
    pub(super) updated_at: Option<String>,
    /// Entry keys other than `value` and `updatedAt`, kept for the next write.
    pub(super) other: Map<String, Value>,
    /// Where its name key is in the file it was read from; `None` once set in memory.
    pub(super) location: Option<Location>,
}

impl LocalSecret {
    /// The value. Never print it.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// `updatedAt`, as written (ISO-8601 by Devflare), if present.
    pub fn updated_at(&self) -> Option<&str> {
        self.updated_at.as_deref()
    }

    /// Where the secret's name key is in the file it was parsed from.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }
}

impl Serialize for LocalSecret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("value", &self.value)?;
        if let Some(updated_at) = &self.updated_at {
            map.serialize_entry("updatedAt", updated_at)?;
        }
        for (key, value) in &self.other {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}
