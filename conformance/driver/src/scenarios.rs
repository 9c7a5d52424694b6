//! The scenario list, as data: one request and the store state it runs against.
//!
//! Credentials are built from the seeded token at run time, so this file holds no secret; each
//! scenario describes its credential in words for the table. The protected-route scenarios
//! follow devflare-test's matrix (`devflare_test::matrix::Scenario`) one for one and use its names.

use devflare_test::matrix::Scenario as MatrixScenario;

/// The binding every scenario seeds, deletes or reads.
pub const BINDING: &str = stats_worker::TOKEN_BINDING;

/// What the store holds while a scenario runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreState {
    /// The binding's secret holds the token.
    Seeded,
    /// The binding's secret does not exist.
    Deleted,
    /// Every read of the store fails.
    Failing,
}

impl StoreState {
    pub fn name(self) -> &'static str {
        match self {
            Self::Seeded => "seeded",
            Self::Deleted => "deleted",
            Self::Failing => "failing",
        }
    }
}

/// The `Authorization` header a scenario sends.
#[derive(Debug, Clone, Copy)]
pub enum Authorization {
    /// No header.
    Absent,
    /// A fixed header value that holds no secret.
    Literal(&'static str),
    /// Built from the token; the text describes it for the table.
    FromToken(fn(&str) -> String, &'static str),
}

impl Authorization {
    /// The header value to send, if any.
    pub fn header(self, token: &str) -> Option<String> {
        match self {
            Self::Absent => None,
            Self::Literal(value) => Some(value.to_owned()),
            Self::FromToken(build, _) => Some(build(token)),
        }
    }

    /// Whether it sends the header with an empty value.
    pub fn is_empty_value(self) -> bool {
        matches!(self, Self::Literal(""))
    }

    /// How the table shows it: never the token itself.
    pub fn describe(self) -> String {
        match self {
            Self::Absent => "-".to_owned(),
            Self::Literal(value) => format!("{value:?}"),
            Self::FromToken(_, description) => description.to_owned(),
        }
    }
}

/// One request, the store state it needs, and whether workerd can reproduce it.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    pub name: &'static str,
    pub path: &'static str,
    pub authorization: Authorization,
    pub store: StoreState,
    /// `Some` when workerd cannot reproduce the scenario over HTTP.
    pub not_reproducible: Option<Unreproducible>,
}

/// Why workerd cannot reproduce a scenario: the state it needs cannot be staged there at all.
/// Every other scenario is sent and compared, whatever it answers.
#[derive(Debug, Clone, Copy)]
pub struct Unreproducible {
    pub reason: &'static str,
}

const STORE_FAILING: Unreproducible = Unreproducible {
    reason: "workerd has no way to make a Secrets Store read fail other than a missing secret \
             (Miniflare offers no fault injection)",
};

fn protected(
    scenario: MatrixScenario,
    authorization: Authorization,
    store: StoreState,
) -> Scenario {
    let not_reproducible = (store == StoreState::Failing).then_some(STORE_FAILING);
    Scenario {
        name: scenario.name(),
        path: "/internal/stats",
        authorization,
        store,
        not_reproducible,
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Every scenario, in report order.
pub fn all() -> Vec<Scenario> {
    use Authorization::{Absent, FromToken, Literal};
    use MatrixScenario as M;
    use StoreState::{Deleted, Failing, Seeded};
    let right = FromToken(bearer, "Bearer <token>");
    let mut scenarios = vec![
        protected(M::NoCredentials, Absent, Seeded),
        protected(M::EmptyCredential, Literal(""), Seeded),
        protected(M::SchemeOnly, Literal("Bearer"), Seeded),
        protected(
            M::TokenWithoutScheme,
            FromToken(|t| t.to_owned(), "<token>"),
            Seeded,
        ),
        protected(
            M::WrongScheme,
            FromToken(|t| format!("Basic {t}"), "Basic <token>"),
            Seeded,
        ),
        protected(
            M::SchemeLowerCase,
            FromToken(|t| format!("bearer {t}"), "bearer <token>"),
            Seeded,
        ),
        protected(
            M::SchemeUpperCase,
            FromToken(|t| format!("BEARER {t}"), "BEARER <token>"),
            Seeded,
        ),
        protected(
            M::WrongToken,
            FromToken(
                |t| bearer(&"x".repeat(t.len())),
                "Bearer <other, same length>",
            ),
            Seeded,
        ),
        protected(
            M::Prefix,
            FromToken(|t| bearer(&without_last(t)), "Bearer <token[..-1]>"),
            Seeded,
        ),
        protected(
            M::Suffix,
            FromToken(
                |t| bearer(&t.chars().skip(1).collect::<String>()),
                "Bearer <token[1..]>",
            ),
            Seeded,
        ),
        protected(
            M::Extended,
            FromToken(|t| bearer(&format!("{t}x")), "Bearer <token>x"),
            Seeded,
        ),
        protected(
            M::OneCharChanged,
            FromToken(
                |t| bearer(&change_middle(t)),
                "Bearer <token, middle changed>",
            ),
            Seeded,
        ),
        protected(
            M::OtherCase,
            FromToken(|t| bearer(&swap_case(t)), "Bearer <token, case swapped>"),
            Seeded,
        ),
        protected(
            M::LeadingWhitespace,
            FromToken(|t| format!("Bearer  {t}"), "Bearer  <token>"),
            Seeded,
        ),
        protected(
            M::TrailingWhitespace,
            FromToken(|t| format!("Bearer {t} "), "Bearer <token> "),
            Seeded,
        ),
        protected(M::RightCredential, right, Seeded),
        protected(M::SecretMissing, right, Deleted),
        // What gets in when a handler reads a missing secret as "": the scheme, empty token.
        protected(M::EmptyCredentialWhileMissing, Literal("Bearer "), Deleted),
        protected(M::StoreFailing, right, Failing),
    ];
    scenarios.extend([
        Scenario {
            name: "empty bearer token",
            path: "/internal/stats",
            authorization: Literal("Bearer "),
            store: Seeded,
            not_reproducible: None,
        },
        Scenario {
            name: "public route",
            path: "/public",
            authorization: Absent,
            store: Seeded,
            not_reproducible: None,
        },
        Scenario {
            name: "unknown route",
            path: "/nowhere",
            authorization: Absent,
            store: Seeded,
            not_reproducible: None,
        },
        Scenario {
            name: "probe: secret present",
            path: stats_worker::PROBE_SECRET_PATH,
            authorization: Absent,
            store: Seeded,
            not_reproducible: None,
        },
        Scenario {
            name: "probe: missing secret's error text",
            path: stats_worker::PROBE_SECRET_PATH,
            authorization: Absent,
            store: Deleted,
            not_reproducible: None,
        },
        Scenario {
            name: "probe: unbound binding's error text",
            path: stats_worker::PROBE_UNBOUND_PATH,
            authorization: Absent,
            store: Seeded,
            not_reproducible: None,
        },
        Scenario {
            name: "broken route (on purpose): wrong token",
            path: stats_worker::BROKEN_STATS_PATH,
            authorization: FromToken(
                |t| bearer(&"x".repeat(t.len())),
                "Bearer <other, same length>",
            ),
            store: Seeded,
            not_reproducible: None,
        },
    ]);
    scenarios
}

/// The token without its last character (by chars: a token may be any Unicode).
fn without_last(token: &str) -> String {
    let mut chars = token.chars();
    chars.next_back();
    chars.collect()
}

/// The token with its middle character replaced by another ASCII character.
fn change_middle(token: &str) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    let middle = chars.len() / 2;
    chars[middle] = if chars[middle] == 'x' { 'y' } else { 'x' };
    chars.into_iter().collect()
}

fn swap_case(token: &str) -> String {
    token
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}
