//! One spanned document tree for TOML and JSON, so wrangler and fixture readers are written
//! once. Only strings are kept as values; other scalars keep only their type, which is all an
//! error needs (and never echoes them).

use std::borrow::Cow;
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

/// A value and its span. Strings and keys borrow the source text unless they hold escapes:
/// an allocation per key and per string was most of the cost of parsing a large file.
#[derive(Debug)]
pub(crate) struct Node<'t> {
    pub(crate) span: Range<usize>,
    pub(crate) kind: NodeKind<'t>,
}

#[derive(Debug)]
pub(crate) enum NodeKind<'t> {
    String(Cow<'t, str>),
    Array(Vec<Node<'t>>),
    /// Entries in source order.
    Table(Vec<(Key<'t>, Node<'t>)>),
    /// Any other scalar, by its article-prefixed type name (`"an integer"`, `"null"`).
    Scalar(&'static str),
}

#[derive(Debug)]
pub(crate) struct Key<'t> {
    pub(crate) name: Cow<'t, str>,
    pub(crate) span: Range<usize>,
}

impl<'t> Node<'t> {
    /// The type, as messages name it (`"a string"`, `"an array"`, `"a table"`/`"an object"`).
    pub(crate) fn type_name(&self, format: Format) -> &'static str {
        match &self.kind {
            NodeKind::String(_) => "a string",
            NodeKind::Array(_) => "an array",
            NodeKind::Table(_) => format.table_word(),
            NodeKind::Scalar(name) => name,
        }
    }

    pub(crate) fn entries(&self) -> Option<&[(Key<'t>, Node<'t>)]> {
        match &self.kind {
            NodeKind::Table(entries) => Some(entries),
            _ => None,
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<(&Key<'t>, &Node<'t>)> {
        self.entries()?
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, v)| (k, v))
    }
}
