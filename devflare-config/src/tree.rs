//! One spanned document tree for TOML and JSON, so wrangler and fixture readers are written
//! once. Only strings are kept as values; other scalars keep only their type, which is all an
//! error needs (and never echoes them).

use std::ops::Range;

/// The file formats a document can come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `wrangler.toml`, fixture files.
    Toml,
    /// `wrangler.json`. Comments and trailing commas are accepted, as wrangler does.
    Json,
    /// `wrangler.jsonc`: JSON with `//` and `/* */` comments and trailing commas.
    Jsonc,
}

impl Format {
    /// The format a file name's extension says: `.toml`, `.json` or `.jsonc`.
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        match path.extension()?.to_str()? {
            "toml" => Some(Self::Toml),
            "json" => Some(Self::Json),
            "jsonc" => Some(Self::Jsonc),
            _ => None,
        }
    }

    /// What tables are called in this format, for messages.
    pub(crate) fn tables_word(self) -> &'static str {
        match self {
            Self::Toml => "tables",
            Self::Json | Self::Jsonc => "objects",
        }
    }

    /// What a table is called in this format, for messages.
    pub(crate) fn table_word(self) -> &'static str {
        match self {
            Self::Toml => "a table",
            Self::Json | Self::Jsonc => "an object",
        }
    }
}

#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) span: Range<usize>,
    pub(crate) kind: NodeKind,
}

#[derive(Debug)]
pub(crate) enum NodeKind {
    String(String),
    Array(Vec<Node>),
    /// Entries in source order.
    Table(Vec<(Key, Node)>),
    /// Any other scalar, by its article-prefixed type name (`"an integer"`, `"null"`).
    Scalar(&'static str),
}

#[derive(Debug)]
pub(crate) struct Key {
    pub(crate) name: String,
    pub(crate) span: Range<usize>,
}

impl Node {
    /// The type, as messages name it (`"a string"`, `"an array"`, `"a table"`/`"an object"`).
    pub(crate) fn type_name(&self, format: Format) -> &'static str {
        match &self.kind {
            NodeKind::String(_) => "a string",
            NodeKind::Array(_) => "an array",
            NodeKind::Table(_) => format.table_word(),
            NodeKind::Scalar(name) => name,
        }
    }

    pub(crate) fn entries(&self) -> Option<&[(Key, Node)]> {
        match &self.kind {
            NodeKind::Table(entries) => Some(entries),
            _ => None,
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<(&Key, &Node)> {
        self.entries()?
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, v)| (k, v))
    }
}
