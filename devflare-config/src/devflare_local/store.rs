//! One store's secrets, sorted by name.
//!
//! A sorted `Vec` rather than a `BTreeMap`: a map's first node reserves room for eleven
//! entries (about 1.4 KB here) even for a store of one secret, the usual shape, so 100k
//! stores cost ~140 MB and parsing them grew faster than the file. Lookups are a binary
//! search; inserts shift the tail, which only the CLI does, one secret at a time.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::secret::LocalSecret;

#[derive(Clone, Default)]
pub(crate) struct Store {
    secrets: Vec<(String, LocalSecret)>,
}

impl Store {
    /// A store from entries with distinct names (the parser refuses a repeated key).
    pub(crate) fn from_distinct(mut secrets: Vec<(String, LocalSecret)>) -> Self {
        secrets.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
        debug_assert!(secrets.windows(2).all(|w| w[0].0 != w[1].0));
        Self { secrets }
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        self.secrets
            .binary_search_by(|(held, _)| held.as_str().cmp(name))
    }

    pub(crate) fn get(&self, name: &str) -> Option<&LocalSecret> {
        let at = self.position(name).ok()?;
        Some(&self.secrets[at].1)
    }

    /// The secret called `name`, made by `make` if the store has none.
    pub(crate) fn get_or_insert_with(
        &mut self,
        name: &str,
        make: impl FnOnce() -> LocalSecret,
    ) -> &mut LocalSecret {
        let at = match self.position(name) {
            Ok(at) => at,
            Err(at) => {
                self.secrets.insert(at, (name.to_owned(), make()));
                at
            }
        };
        &mut self.secrets[at].1
    }

    /// Removes a secret; whether it was there.
    pub(crate) fn remove(&mut self, name: &str) -> bool {
        match self.position(name) {
            Ok(at) => {
                self.secrets.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Name and secret, sorted by name.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &LocalSecret)> {
        self.secrets
            .iter()
            .map(|(name, secret)| (name.as_str(), secret))
    }

    pub(crate) fn len(&self) -> usize {
        self.secrets.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }
}

/// A JSON object keyed by secret name, as Devflare writes it.
impl Serialize for Store {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.secrets.len()))?;
        for (name, secret) in &self.secrets {
            map.serialize_entry(name, secret)?;
        }
        map.end()
    }
}
