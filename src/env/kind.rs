//! What a binding is — a Secrets Store binding, a classic secret or a var — shared by the
//! plain bindings, the read log and the messages that name a kind.

/// What a binding is: a Secrets Store binding, a classic secret (both redacted and
/// leak-scanned) or a var (configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum BindingKind {
    /// `[[secrets_store_secrets]]`: read with `env.secret_store(NAME)?.get()`.
    SecretsStore,
    /// A classic Worker secret (`wrangler secret put`, `.dev.vars`, `.env`): `env.secret(NAME)`.
    ClassicSecret,
    /// A `vars` entry of wrangler config: `env.var(NAME)` or `env.object_var(NAME)`.
    Var,
}

impl BindingKind {
    /// How messages and the read log name it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::SecretsStore => "Secrets Store binding",
            Self::ClassicSecret => "classic secret",
            Self::Var => "var",
        }
    }
}
