//! The protected-route matrix: every way to present a credential to a route guarded by a
//! Secrets Store binding, with the verdict production needs for each.
//!
//! Wrong credentials must be rejected (4xx), the right one accepted (2xx), and a secret that
//! is missing or cannot be read must fail closed (5xx, never 2xx). Every response is also
//! leak-scanned. The report never holds a secret value: credentials are described as
//! `Bearer [secret:API_TOKEN][..-1]` and so on.

use std::fmt::{self, Write as _};
use std::sync::Arc;

use http::{HeaderName, HeaderValue, Method, StatusCode};

use crate::checks::leak::Leak;
use crate::http::{CapturedResponse, Handler, TestClient, TestRequest};
use crate::suggest::closest;
use crate::{ReadLog, SecretsEnv};

/// One way of calling a protected route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Scenario {
    /// No credential header at all.
    NoCredentials,
    /// The credential header, empty.
    EmptyHeader,
    /// The scheme alone (`Bearer`), no token.
    SchemeOnly,
    /// The right token without its scheme.
    TokenWithoutScheme,
    /// The right token after another scheme (`Basic`).
    WrongScheme,
    /// The right token after the scheme in lower case (`bearer`).
    SchemeLowerCase,
    /// The right token after the scheme in upper case (`BEARER`).
    SchemeUpperCase,
    /// A different token of the same length.
    WrongToken,
    /// The token without its last character.
    Prefix,
    /// The token without its first character.
    Suffix,
    /// The token with one character appended.
    Extended,
    /// The token with its middle character changed.
    OneCharChanged,
    /// The token with the case of every ASCII letter swapped.
    OtherCase,
    /// The token with a space before it.
    LeadingWhitespace,
    /// The token with a space after it.
    TrailingWhitespace,
    /// The right credential.
    RightToken,
    /// The right credential, while the secret is deleted from the store.
    SecretMissing,
    /// The right credential, while every read of the store fails.
    StoreFailing,
}

impl Scenario {
    /// Every scenario, in report order.
    pub const ALL: [Scenario; 18] = [
        Self::NoCredentials,
        Self::EmptyHeader,
        Self::SchemeOnly,
        Self::TokenWithoutScheme,
        Self::WrongScheme,
        Self::SchemeLowerCase,
        Self::SchemeUpperCase,
        Self::WrongToken,
        Self::Prefix,
        Self::Suffix,
        Self::Extended,
        Self::OneCharChanged,
        Self::OtherCase,
        Self::LeadingWhitespace,
        Self::TrailingWhitespace,
        Self::RightToken,
        Self::SecretMissing,
        Self::StoreFailing,
    ];

    /// The stable name used in reports and failure messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::NoCredentials => "no credentials",
            Self::EmptyHeader => "empty header",
            Self::SchemeOnly => "malformed: scheme only",
            Self::TokenWithoutScheme => "malformed: token without scheme",
            Self::WrongScheme => "wrong scheme",
            Self::SchemeLowerCase => "scheme case: lower",
            Self::SchemeUpperCase => "scheme case: upper",
            Self::WrongToken => "wrong token",
            Self::Prefix => "near miss: prefix",
            Self::Suffix => "near miss: suffix",
            Self::Extended => "near miss: one extra character",
            Self::OneCharChanged => "near miss: one character changed",
            Self::OtherCase => "near miss: other case",
            Self::LeadingWhitespace => "near miss: leading whitespace",
            Self::TrailingWhitespace => "near miss: trailing whitespace",
            Self::RightToken => "right token",
            Self::SecretMissing => "secret missing",
            Self::StoreFailing => "store failing",
        }
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a scenario must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// A wrong credential: refused.
    Rejected,
    /// The right credential: let in.
    Accepted,
    /// The secret cannot be read: a server error, never success.
    FailsClosed,
}

/// A status expectation: a class (`4xx`) or an exact code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusExpectation {
    /// Any 2xx.
    Success,
    /// Any 4xx.
    ClientError,
    /// Any 5xx.
    ServerError,
    /// Exactly this code.
    Exactly(StatusCode),
}

impl StatusExpectation {
    /// Whether `status` meets the expectation.
    pub fn matches(self, status: StatusCode) -> bool {
        match self {
            Self::Success => status.is_success(),
            Self::ClientError => status.is_client_error(),
            Self::ServerError => status.is_server_error(),
            Self::Exactly(expected) => status == expected,
        }
    }
}

impl fmt::Display for StatusExpectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Success => f.write_str("2xx"),
            Self::ClientError => f.write_str("4xx"),
            Self::ServerError => f.write_str("5xx"),
            Self::Exactly(status) => write!(f, "{}", status.as_u16()),
        }
    }
}

/// A route guarded by a credential held in a Secrets Store binding, and the expectations
/// the matrix checks it against.
///
/// By default the credential is `Authorization: Bearer <token>`, wrong credentials must get
/// any 4xx, the right one any 2xx, and a missing or failing secret any 5xx. While it runs
/// the "secret missing" and "store failing" scenarios, the matrix deletes the secret and
/// injects a store fault on the client's env, restoring both afterwards (even if the handler
/// panics): give each matrix its own env, not one shared with tests running in parallel.
///
/// ```
/// use devflare_test::prelude::*;
///
/// let env = secrets_env! { API_TOKEN => "test-token-0123" };
/// let client = TestClient::new(&env, async |request: http::Request<bytes::Bytes>| {
///     stats_like_handler(&request, &env).await
/// });
/// let report = block_on(ProtectedRoute::get("/internal/stats", "API_TOKEN").check(&client))
///     .unwrap();
/// report.assert_passed();
/// assert!(!report.to_string().contains("test-token-0123"));
///
/// // A handler written against the seam: fails closed, compares exactly.
/// async fn stats_like_handler(
///     request: &http::Request<bytes::Bytes>,
///     env: &impl SecretsStoreEnv,
/// ) -> http::Response<String> {
///     let status = |code| http::Response::builder().status(code).body(String::new()).unwrap();
///     let Some(presented) = request.headers().get("authorization") else {
///         return status(401);
///     };
///     let Ok(binding) = env.secret_store("API_TOKEN") else { return status(500) };
///     let Ok(Some(token)) = binding.get().await else { return status(500) };
///     if presented.as_bytes() == format!("Bearer {token}").as_bytes() {
///         status(200)
///     } else {
///         status(401)
///     }
/// }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a matrix does nothing until `check`"]
pub struct ProtectedRoute {
    method: String,
    uri: String,
    binding: String,
    header: String,
    scheme: Option<String>,
    scheme_any_case: bool,
    rejected: StatusExpectation,
    accepted: StatusExpectation,
    fails_closed: StatusExpectation,
}

impl ProtectedRoute {
    /// The route `method uri`, guarded by the value of `binding`.
    pub fn new(
        method: impl Into<String>,
        uri: impl Into<String>,
        binding: impl Into<String>,
    ) -> Self {
        Self {
            method: method.into(),
            uri: uri.into(),
            binding: binding.into(),
            header: "authorization".to_owned(),
            scheme: Some("Bearer".to_owned()),
            scheme_any_case: false,
            rejected: StatusExpectation::ClientError,
            accepted: StatusExpectation::Success,
            fails_closed: StatusExpectation::ServerError,
        }
    }

    /// `GET uri`, guarded by `binding`.
    pub fn get(uri: impl Into<String>, binding: impl Into<String>) -> Self {
        Self::new(Method::GET.as_str(), uri, binding)
    }

    /// The header that carries the credential (default `authorization`).
    pub fn header(mut self, name: impl Into<String>) -> Self {
        self.header = name.into();
        self
    }

    /// The scheme before the token (default `Bearer`).
    pub fn scheme(mut self, scheme: impl Into<String>) -> Self {
        self.scheme = Some(scheme.into());
        self
    }

    /// The header holds the bare token, as with `X-Api-Key: <token>`. Scheme scenarios become
    /// not applicable.
    pub fn no_scheme(mut self) -> Self {
        self.scheme = None;
        self
    }

    /// Shorthand for `.header(name).no_scheme()`: `X-Api-Key: <token>`.
    pub fn api_key_header(self, name: impl Into<String>) -> Self {
        self.header(name).no_scheme()
    }

    /// The scheme is case-insensitive (as RFC 9110 allows): `bearer <token>` must be accepted.
    /// By default the scheme must match exactly and other cases are rejected.
    pub fn scheme_case_insensitive(mut self) -> Self {
        self.scheme_any_case = true;
        self
    }

    /// The exact status every wrong credential must get (default: any 4xx).
    pub fn rejected_with(mut self, status: StatusCode) -> Self {
        self.rejected = StatusExpectation::Exactly(status);
        self
    }

    /// The exact status the right credential must get (default: any 2xx).
    pub fn accepted_with(mut self, status: StatusCode) -> Self {
        self.accepted = StatusExpectation::Exactly(status);
        self
    }

    /// The exact status when the secret is missing or the store fails (default: any 5xx).
    /// A 2xx always fails, whatever is configured.
    pub fn fails_closed_with(mut self, status: StatusCode) -> Self {
        self.fails_closed = StatusExpectation::Exactly(status);
        self
    }

    /// The binding that holds the credential.
    pub fn binding(&self) -> &str {
        &self.binding
    }

    fn route(&self) -> String {
        format!("{} {}", self.method, self.uri)
    }

    fn shape(&self) -> String {
        match &self.scheme {
            Some(scheme) => format!("{}: {scheme} <token>", self.header_name()),
            None => format!("{}: <token>", self.header_name()),
        }
    }

    fn header_name(&self) -> String {
        self.header.to_ascii_lowercase()
    }

    fn expected(&self, outcome: Outcome) -> StatusExpectation {
        match outcome {
            Outcome::Rejected => self.rejected,
            Outcome::Accepted => self.accepted,
            Outcome::FailsClosed => self.fails_closed,
        }
    }

    /// Runs every scenario against `client`'s handler and env, one after another.
    ///
    /// # Errors
    ///
    /// [`MatrixError`] when the matrix cannot run: the binding is not bound (with the closest
    /// name) or has no value, its value is empty or cannot go in a header, the header name is
    /// invalid, or a fault is already injected. Failing scenarios are not errors: they are in
    /// the report.
    pub async fn check<H: Handler>(
        &self,
        client: &TestClient<H>,
    ) -> Result<MatrixReport, MatrixError> {
        let env = client.env();
        let token = self.preflight(env)?;
        let redactor = env.redactor();
        let mut results = Vec::with_capacity(Scenario::ALL.len());
        for scenario in Scenario::ALL {
            let plan = self.plan(scenario, &token);
            let outcome = plan.outcome;
            let expected = self.expected(outcome);
            let Some(header) = plan.header else {
                results.push(ScenarioResult {
                    scenario,
                    credential: plan.description,
                    outcome,
                    expected,
                    status: None,
                    verdict: Verdict::NotApplicable(plan.not_applicable),
                    reads: ReadLog::new(Vec::new(), Vec::new()),
                    leaks: Vec::new(),
                });
                continue;
            };
            let mut request = TestRequest::new(&self.method, self.uri.clone());
            if let Some(value) = &header {
                request = request.header(&self.header, value);
            }
            let before = env.read_log();
            let sent = {
                let _restore = Condition::apply(plan.condition, env, &self.binding, &token);
                client.try_send(request).await
            };
            let reads = env.read_log().since(&before);
            let result = match sent {
                Ok(response) => {
                    let leaks = response.leaks_with(&redactor);
                    let verdict = judge(outcome, expected, &response, &leaks);
                    ScenarioResult {
                        scenario,
                        credential: plan.description,
                        outcome,
                        expected,
                        status: Some(response.status()),
                        verdict,
                        reads,
                        leaks,
                    }
                }
                Err(error) => ScenarioResult {
                    scenario,
                    credential: plan.description,
                    outcome,
                    expected,
                    status: None,
                    verdict: Verdict::Fail(without_sent_credential(
                        &error.to_string(),
                        header.as_deref(),
                    )),
                    reads,
                    leaks: Vec::new(),
                },
            };
            results.push(result);
        }
        Ok(MatrixReport {
            route: self.route(),
            binding: self.binding.clone(),
            shape: self.shape(),
            results,
        })
    }

    /// Checks what the matrix needs and returns the current token.
    fn preflight(&self, env: &SecretsEnv) -> Result<Arc<str>, MatrixError> {
        TestRequest::new(&self.method, self.uri.clone()).try_build()?;
        if HeaderName::from_bytes(self.header.as_bytes()).is_err() {
            return Err(MatrixError::InvalidHeaderName {
                header: self.header.clone(),
            });
        }
        if let Some(scheme) = &self.scheme {
            // A scheme is an HTTP token: a valid header name has exactly that grammar.
            if HeaderName::from_bytes(scheme.as_bytes()).is_err() {
                return Err(MatrixError::InvalidScheme {
                    scheme: scheme.clone(),
                });
            }
        }
        if env.reference(&self.binding).is_none() {
            return Err(MatrixError::Unbound {
                binding: self.binding.clone(),
                closest: closest(&self.binding, env.binding_names()),
            });
        }
        if env.admin().has_faults() {
            return Err(MatrixError::FaultsActive {
                binding: self.binding.clone(),
            });
        }
        let token = env
            .current_value(&self.binding)
            .ok_or_else(|| MatrixError::NoValue {
                binding: self.binding.clone(),
            })?;
        if token.is_empty() {
            return Err(MatrixError::EmptyValue {
                binding: self.binding.clone(),
            });
        }
        let chars = token.chars().count();
        if chars < MIN_TOKEN_CHARS {
            return Err(MatrixError::TokenTooShort {
                binding: self.binding.clone(),
                chars,
            });
        }
        if HeaderValue::from_bytes(self.with_scheme(&token).as_bytes()).is_err() {
            return Err(MatrixError::NotHeaderSafe {
                binding: self.binding.clone(),
            });
        }
        Ok(token)
    }

    fn with_scheme(&self, token: &str) -> String {
        match &self.scheme {
            Some(scheme) => format!("{scheme} {token}"),
            None => token.to_owned(),
        }
    }

    /// What to send for `scenario`, and how to describe it without the value.
    fn plan(&self, scenario: Scenario, token: &str) -> Plan {
        let marker = format!("[secret:{}]", self.binding);
        let header = self.header_name();
        let described = |credential: &str| format!("{header}: {credential}");
        let scheme = self.scheme.as_deref();
        let send = |value: String, description: String, outcome| Plan {
            header: Some(Some(value)),
            description: described(&description),
            outcome,
            condition: Condition::Normal,
            not_applicable: String::new(),
        };
        let skip = |reason: &str| Plan {
            header: None,
            description: "(not sent)".to_owned(),
            outcome: Outcome::Rejected,
            condition: Condition::Normal,
            not_applicable: reason.to_owned(),
        };
        // A near miss must not be the token itself; when it would be, it is not applicable.
        let near_miss = |presented: String, description: String| {
            if presented == token {
                skip("it would equal the right token")
            } else {
                send(
                    self.with_scheme(&presented),
                    self.with_scheme(&description),
                    Outcome::Rejected,
                )
            }
        };
        let no_scheme = "the credential has no scheme";
        match scenario {
            Scenario::NoCredentials => Plan {
                header: Some(None),
                description: "(no header)".to_owned(),
                outcome: Outcome::Rejected,
                condition: Condition::Normal,
                not_applicable: String::new(),
            },
            Scenario::EmptyHeader => send(String::new(), "\"\"".to_owned(), Outcome::Rejected),
            Scenario::SchemeOnly => match scheme {
                Some(scheme) => send(scheme.to_owned(), scheme.to_owned(), Outcome::Rejected),
                None => skip(no_scheme),
            },
            Scenario::TokenWithoutScheme => match scheme {
                Some(_) => send(token.to_owned(), marker, Outcome::Rejected),
                None => skip(no_scheme),
            },
            Scenario::WrongScheme => match scheme {
                Some(scheme) => {
                    let other = if scheme.eq_ignore_ascii_case("Basic") {
                        "Bearer"
                    } else {
                        "Basic"
                    };
                    send(
                        format!("{other} {token}"),
                        format!("{other} {marker}"),
                        Outcome::Rejected,
                    )
                }
                None => skip(no_scheme),
            },
            Scenario::SchemeLowerCase | Scenario::SchemeUpperCase => match scheme {
                Some(scheme) => {
                    let cased = if scenario == Scenario::SchemeLowerCase {
                        scheme.to_ascii_lowercase()
                    } else {
                        scheme.to_ascii_uppercase()
                    };
                    if cased == scheme {
                        skip("the scheme is already in that case")
                    } else {
                        let outcome = if self.scheme_any_case {
                            Outcome::Accepted
                        } else {
                            Outcome::Rejected
                        };
                        send(
                            format!("{cased} {token}"),
                            format!("{cased} {marker}"),
                            outcome,
                        )
                    }
                }
                None => skip(no_scheme),
            },
            Scenario::WrongToken => {
                let filler = if token.chars().all(|c| c == 'x') {
                    "y"
                } else {
                    "x"
                };
                near_miss(
                    filler.repeat(token.chars().count()),
                    "[a wrong token of the same length]".to_owned(),
                )
            }
            Scenario::Prefix => {
                let mut chars = token.chars();
                chars.next_back();
                near_miss(chars.as_str().to_owned(), format!("{marker}[..-1]"))
            }
            Scenario::Suffix => {
                let mut chars = token.chars();
                chars.next();
                near_miss(chars.as_str().to_owned(), format!("{marker}[1..]"))
            }
            Scenario::Extended => near_miss(format!("{token}x"), format!("{marker}+\"x\"")),
            Scenario::OneCharChanged => {
                let middle = token.chars().count() / 2;
                let changed = token
                    .chars()
                    .enumerate()
                    .map(|(i, c)| if i == middle { other_char(c) } else { c })
                    .collect();
                near_miss(changed, format!("{marker}[middle changed]"))
            }
            Scenario::OtherCase => {
                let swapped: String = token
                    .chars()
                    .map(|c| {
                        if c.is_ascii_lowercase() {
                            c.to_ascii_uppercase()
                        } else {
                            c.to_ascii_lowercase()
                        }
                    })
                    .collect();
                if swapped == token {
                    skip("the token has no ASCII letters, so its other case is itself")
                } else {
                    near_miss(swapped, format!("{marker}[case swapped]"))
                }
            }
            Scenario::LeadingWhitespace => near_miss(format!(" {token}"), format!("␠{marker}")),
            Scenario::TrailingWhitespace => near_miss(format!("{token} "), format!("{marker}␠")),
            Scenario::RightToken => send(
                self.with_scheme(token),
                self.with_scheme(&marker),
                Outcome::Accepted,
            ),
            Scenario::SecretMissing | Scenario::StoreFailing => {
                let (condition, note) = if scenario == Scenario::SecretMissing {
                    (Condition::SecretMissing, "secret deleted")
                } else {
                    (Condition::StoreFailing, "store failing")
                };
                Plan {
                    condition,
                    ..send(
                        self.with_scheme(token),
                        format!("{} ({note})", self.with_scheme(&marker)),
                        Outcome::FailsClosed,
                    )
                }
            }
        }
    }
}

/// A character that differs from `c` but stays in its class where possible.
fn other_char(c: char) -> char {
    match c {
        '0'..='8' | 'a'..='y' | 'A'..='Y' => char::from(c as u8 + 1),
        '9' => '0',
        'z' => 'a',
        'Z' => 'A',
        _ => 'x',
    }
}

/// What the matrix sends for one scenario.
struct Plan {
    /// `None`: not applicable; `Some(None)`: no header; `Some(Some(v))`: the header value.
    header: Option<Option<String>>,
    description: String,
    outcome: Outcome,
    condition: Condition,
    not_applicable: String,
}

/// The store's state during a scenario.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Condition {
    Normal,
    SecretMissing,
    StoreFailing,
}

/// Puts the store back as it was when dropped — also when the handler panics.
struct Restore<'a> {
    env: &'a SecretsEnv,
    binding: &'a str,
    token: &'a Arc<str>,
    condition: Condition,
}

impl<'a> Condition {
    fn apply(self, env: &'a SecretsEnv, binding: &'a str, token: &'a Arc<str>) -> Restore<'a> {
        match self {
            Self::Normal => {}
            Self::SecretMissing => {
                let _ = env.admin().delete(binding);
            }
            Self::StoreFailing => env
                .admin()
                .fail_all("Secrets Store unavailable (injected by the matrix)"),
        }
        Restore {
            env,
            binding,
            token,
            condition: self,
        }
    }
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        match self.condition {
            Condition::Normal => {}
            Condition::SecretMissing => {
                let _ = self.env.admin().set(self.binding, Arc::clone(self.token));
            }
            // No fault was active before the matrix started (checked), so healing all is exact.
            Condition::StoreFailing => self.env.admin().heal_all(),
        }
    }
}

/// A handler's error text may quote the credential it was sent. Near misses are not values
/// the redactor knows, so what this scenario sent is blanked out here.
fn without_sent_credential(message: &str, sent: Option<&str>) -> String {
    const SENT: &str = "[credential as sent]";
    let Some(sent) = sent.filter(|sent| !sent.trim().is_empty()) else {
        return message.to_owned();
    };
    let mut out = message.replace(sent, SENT);
    let token = sent.split_once(' ').map_or(sent, |(_, token)| token).trim();
    if token.chars().count() >= MIN_TOKEN_CHARS {
        out = out.replace(token, SENT);
    }
    out
}

fn judge(
    outcome: Outcome,
    expected: StatusExpectation,
    response: &CapturedResponse,
    leaks: &[Leak],
) -> Verdict {
    let status = response.status();
    let mut problems = Vec::new();
    let fails_open = outcome == Outcome::FailsClosed && status.is_success();
    if !expected.matches(status) || fails_open {
        let why = match outcome {
            Outcome::Rejected if status.is_success() => "a wrong credential was accepted",
            Outcome::Rejected => "a wrong credential got an unexpected status",
            Outcome::Accepted => "the right credential was not accepted",
            Outcome::FailsClosed if status.is_success() => {
                "it fails open: access granted without a readable secret"
            }
            Outcome::FailsClosed => "an unreadable secret must be a server error",
        };
        problems.push(format!(
            "expected {expected}, got {}: {why}",
            crate::http::status_line(status)
        ));
    }
    problems.extend(leaks.iter().map(ToString::to_string));
    if problems.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(problems.join("; "))
    }
}

/// How a scenario went.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// The handler did what the scenario requires.
    Pass,
    /// It did not: why (status, leaks), redacted.
    Fail(String),
    /// The scenario cannot be built for this credential (e.g. the other case of an all-digit
    /// token is the token itself): why.
    NotApplicable(String),
}

/// One scenario's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioResult {
    /// Which scenario.
    pub scenario: Scenario,
    /// The credential sent, described without its value: `authorization: Bearer [secret:API_TOKEN][..-1]`.
    pub credential: String,
    /// What it must get.
    pub outcome: Outcome,
    /// The status expected.
    pub expected: StatusExpectation,
    /// The status received (`None` when not sent or the handler failed).
    pub status: Option<StatusCode>,
    /// The verdict.
    pub verdict: Verdict,
    /// What the handler read during this scenario alone.
    pub reads: ReadLog,
    /// Secrets found in the response.
    pub leaks: Vec<Leak>,
}

impl ScenarioResult {
    /// Whether this scenario failed.
    pub fn failed(&self) -> bool {
        matches!(self.verdict, Verdict::Fail(_))
    }
}

/// The matrix's result: one line per scenario, stable and value-free, made to be asserted on
/// and snapshotted ([`assert_matrix_snapshot!`](crate::assert_matrix_snapshot)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixReport {
    route: String,
    binding: String,
    shape: String,
    results: Vec<ScenarioResult>,
}

impl MatrixReport {
    /// Every scenario's result, in [`Scenario::ALL`] order.
    pub fn results(&self) -> &[ScenarioResult] {
        &self.results
    }

    /// One scenario's result.
    pub fn result(&self, scenario: Scenario) -> Option<&ScenarioResult> {
        self.results.iter().find(|r| r.scenario == scenario)
    }

    /// The failed scenarios.
    pub fn failures(&self) -> Vec<&ScenarioResult> {
        self.results.iter().filter(|r| r.failed()).collect()
    }

    /// Whether no scenario failed.
    pub fn passed(&self) -> bool {
        self.failures().is_empty()
    }

    /// `Ok` when every scenario passed or was not applicable.
    ///
    /// # Errors
    ///
    /// A [`MatrixFailure`] naming the route, the binding and each failed scenario.
    pub fn verdict(&self) -> Result<(), MatrixFailure> {
        let failures = self.failures();
        if failures.is_empty() {
            return Ok(());
        }
        Err(MatrixFailure {
            route: self.route.clone(),
            binding: self.binding.clone(),
            failed: failures
                .iter()
                .map(|r| {
                    let why = match &r.verdict {
                        Verdict::Fail(why) => why.as_str(),
                        _ => "",
                    };
                    (r.scenario, r.credential.clone(), why.to_owned())
                })
                .collect(),
            report: self.to_string(),
        })
    }

    /// Panics at the caller's line with the [`MatrixFailure`] when a scenario failed.
    #[track_caller]
    pub fn assert_passed(&self) -> &Self {
        if let Err(failure) = self.verdict() {
            panic!("{failure}");
        }
        self
    }
}

fn describe_reads(reads: &ReadLog) -> String {
    let mut parts = Vec::new();
    for b in reads.bindings() {
        if b.lookups == 0 && b.reads() == 0 {
            continue;
        }
        let outcomes = b.outcomes();
        if outcomes.is_empty() {
            parts.push(format!("{} looked up, not read", b.binding));
        } else {
            parts.push(format!("{} {}", b.binding, outcomes.join(", ")));
        }
    }
    for (name, n) in reads.unbound_lookups() {
        parts.push(format!("unbound {name} ×{n}"));
    }
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

impl fmt::Display for MatrixReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "protected route: {}", self.route)?;
        writeln!(
            f,
            "credential: binding {} as `{}`",
            self.binding, self.shape
        )?;
        let (mut passed, mut failed, mut skipped) = (0, 0, 0);
        for r in &self.results {
            let mark = match &r.verdict {
                Verdict::Pass => {
                    passed += 1;
                    "pass"
                }
                Verdict::Fail(_) => {
                    failed += 1;
                    "FAIL"
                }
                Verdict::NotApplicable(_) => {
                    skipped += 1;
                    "n/a "
                }
            };
            let got = match (&r.verdict, r.status) {
                (Verdict::NotApplicable(why), _) => format!("not applicable: {why}"),
                (_, Some(status)) => format!(
                    "{} (expect {}), reads: {}",
                    status.as_u16(),
                    r.expected,
                    describe_reads(&r.reads)
                ),
                (_, None) => format!("no response (expect {})", r.expected),
            };
            writeln!(
                f,
                "  {mark} {:<32} {:<60} {got}",
                r.scenario.name(),
                r.credential
            )?;
            if let Verdict::Fail(why) = &r.verdict {
                writeln!(f, "       ↳ {why}")?;
            }
        }
        write!(
            f,
            "result: {passed} passed, {failed} failed, {skipped} not applicable"
        )
    }
}

/// Why a matrix failed: the route, the binding and each failed scenario — never a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixFailure {
    route: String,
    binding: String,
    failed: Vec<(Scenario, String, String)>,
    report: String,
}

impl MatrixFailure {
    /// The failed scenarios.
    pub fn scenarios(&self) -> Vec<Scenario> {
        self.failed.iter().map(|(s, _, _)| *s).collect()
    }

    /// The binding whose route failed.
    pub fn binding(&self) -> &str {
        &self.binding
    }
}

impl fmt::Display for MatrixFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "protected-route matrix failed for binding `{}` on {}: {} scenario(s)",
            self.binding,
            self.route,
            self.failed.len()
        );
        for (scenario, credential, why) in &self.failed {
            let _ = writeln!(out, "  - scenario `{scenario}` ({credential}): {why}");
        }
        let _ = write!(out, "full report:\n{}", self.report);
        f.write_str(&out)
    }
}

impl std::error::Error for MatrixFailure {}

/// Why the matrix could not run at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MatrixError {
    /// The binding is not bound in the client's env.
    #[error("binding `{binding}` is not bound in the env{}", crate::error::did_you_mean(closest.as_deref()))]
    Unbound {
        /// The binding named.
        binding: String,
        /// The closest bound name.
        closest: Option<String>,
    },
    /// The binding's secret has no value, so there is no right token to present.
    #[error(
        "binding `{binding}` has no value: give it one (e.g. `secrets_env! {{ {binding} => \"…\" }}`)"
    )]
    NoValue {
        /// The binding.
        binding: String,
    },
    /// The binding's value is empty, so near misses cannot be built.
    #[error("binding `{binding}` holds an empty value; the matrix needs a non-empty token")]
    EmptyValue {
        /// The binding.
        binding: String,
    },
    /// The binding's value has bytes a header cannot carry (control characters).
    #[error(
        "the value of binding `{binding}` cannot be sent in a header (it has a control character)"
    )]
    NotHeaderSafe {
        /// The binding.
        binding: String,
    },
    /// The credential header name is not a valid HTTP header name.
    #[error("invalid credential header name {header:?}")]
    InvalidHeaderName {
        /// The name given.
        header: String,
    },
    /// A fault was already injected; the matrix needs a healthy store to start from.
    #[error(
        "a fault is injected in the env of binding `{binding}`; heal it before running the matrix"
    )]
    FaultsActive {
        /// The binding.
        binding: String,
    },
    /// The route's method or URI cannot form a request.
    #[error("the route cannot be requested: {0}")]
    InvalidRequest(#[from] crate::RequestError),
    /// The scheme is empty or not an HTTP token (`Bearer`, `Token`, …).
    #[error(
        "invalid credential scheme {scheme:?}: expected a word such as `Bearer` (or `.no_scheme()` for a bare token)"
    )]
    InvalidScheme {
        /// The scheme given.
        scheme: String,
    },
    /// The value is so short that the leak scan would find it in any response.
    #[error(
        "binding `{binding}` holds a value of {chars} character(s); the matrix needs at least {MIN_TOKEN_CHARS} so its leak scan means something: use a distinctive fixture value"
    )]
    TokenTooShort {
        /// The binding.
        binding: String,
        /// The value's length in characters.
        chars: usize,
    },
}

/// The shortest token the matrix accepts: shorter values occur by chance in ordinary text,
/// and every response would count as a leak.
pub const MIN_TOKEN_CHARS: usize = 4;
