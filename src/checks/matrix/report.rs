//! The matrix's report: structured per scenario, value-free in every form (Display, Debug,
//! snapshots), made to be asserted on.

use std::fmt::{self, Write as _};

use http::StatusCode;

use super::scenario::{Outcome, Scenario};
use super::status::StatusExpectation;
use crate::env::ReadLog;
use crate::outbound::EgressViolation;
use crate::redact::leak::Leak;

/// Why a status is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusWhy {
    /// A wrong credential got a 2xx.
    WrongCredentialAccepted,
    /// A wrong credential got a status other than the one configured.
    WrongCredentialUnexpectedStatus,
    /// The right credential was not accepted.
    RightCredentialRefused,
    /// Access granted while the secret could not be read.
    FailsOpen,
    /// Access granted with no binding at all.
    FailsOpenUnbound,
    /// An unreadable secret got something other than the server error configured.
    NotAServerError,
    /// An empty credential (or empty-key signature) got in while the secret was missing.
    MissingSecretTreatedAsEmpty,
    /// An empty credential (or empty-key signature) got in while the store failed.
    FailingStoreTreatedAsEmpty,
    /// An empty credential (or empty-key signature) got in with the binding unbound.
    UnboundTreatedAsEmpty,
    /// The right signature in upper-case hex got in: not a wrong credential, but a form
    /// no provider sends (they send lower case), which the matrix asks to be refused.
    RightMacInUpperCaseHex,
}

impl fmt::Display for StatusWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::WrongCredentialAccepted => "a wrong credential was accepted",
            Self::WrongCredentialUnexpectedStatus => "a wrong credential got an unexpected status",
            Self::RightCredentialRefused => "the right credential was not accepted",
            Self::FailsOpen => "it fails open: access granted without a readable secret",
            Self::FailsOpenUnbound => {
                "it fails open: access granted without the binding (a deployment that forgot it)"
            }
            Self::NotAServerError => "an unreadable secret must be a server error",
            Self::MissingSecretTreatedAsEmpty => {
                "access granted while the secret is missing: is a missing secret treated as \"\"?"
            }
            Self::FailingStoreTreatedAsEmpty => {
                "access granted while the store fails: is a failed read treated as \"\"?"
            }
            Self::UnboundTreatedAsEmpty => {
                "access granted without the binding: is an unbound binding treated as \"\"?"
            }
            Self::RightMacInUpperCaseHex => {
                "the right MAC in upper-case hex was accepted — not a wrong credential: the \
                 providers send lower case, and the matrix asks for exactly that form \
                 (stricter than they are); if accepting either case is intended (`hex::decode` \
                 does), waive it: \
                 `.allow(Scenario::SignatureUpperCaseHex, \"hex::decode accepts either case\")`"
            }
        })
    }
}

/// One thing wrong with a scenario's response. Never holds a value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The status is not the one expected.
    Status {
        /// What was expected.
        expected: StatusExpectation,
        /// What came.
        got: StatusCode,
        /// Why it matters.
        why: StatusWhy,
    },
    /// A secret appeared in the response.
    Leak(Leak),
    /// The handler or its body failed; the message with every value and every credential
    /// as sent blanked out.
    HandlerFailed {
        /// The redacted message.
        message: String,
    },
    /// The handler reads an env it captured (a clone of the client's, or another env), not
    /// the one it was given: the matrix saw reads of the client's env while the handler was
    /// given an env without the binding, or the right credential got in (and a request
    /// without credentials did not) with no read of the binding from any env it was given.
    /// Reported instead of "fails open": the matrix's changes never reached that env.
    CapturedEnv {
        /// The binding.
        binding: String,
    },
    /// A request without any credential got in and the handler never read the binding from
    /// the env it was given: the route is not protected (or the path is wrong).
    NotProtected {
        /// The binding.
        binding: String,
    },
    /// Every scenario that got an answer got this 404 or 405, the right credential too: the
    /// route does not exist at this method and path, and no scenario checked anything.
    RouteNotFound {
        /// The status every scenario got.
        status: StatusCode,
        /// The method and path, as the report shows the route (values redacted).
        route: String,
    },
    /// An outbound request the handler sent during this scenario broke the egress rules: a
    /// secret sent where no rule allows it (no rule, another origin, a redirect target, plain
    /// `http://`, the URL, another header), or the caller's own credential forwarded
    /// upstream. Names the secret, the destination (redacted) and the place, never the value.
    /// In process only: a running Worker's outbound requests are not seen.
    Egress(EgressViolation),
    /// An outbound request the handler sent during this scenario failed (no route of the
    /// fake upstream answers it, a URL that cannot be fetched, too many redirects): the
    /// message, redacted.
    FetchFailed {
        /// The fetch error's message, every value hidden.
        message: String,
    },
    /// While `secret` could not be read, the handler still sent a request where that secret
    /// goes (an origin, and header, an egress rule names for it): with an empty or stale key,
    /// instead of failing closed.
    CalledWithoutSecret {
        /// The secret that could not be read.
        secret: String,
        /// The request, `METHOD URL` (redacted).
        request: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status { expected, got, why } => write!(
                f,
                "expected {expected}, got {}: {why}",
                crate::http::status_line(*got)
            ),
            Self::Leak(leak) => write!(f, "{leak}"),
            Self::HandlerFailed { message } => write!(f, "the handler failed: {message}"),
            Self::CapturedEnv { binding } => write!(
                f,
                "the handler reads an env it captured, not the one it was given: `{binding}` \
                 was read from an env the matrix did not hand it, so its changes to the store \
                 (and the unbound binding) never reached the handler — read secrets from the \
                 handler's env argument"
            ),
            Self::NotProtected { binding } => write!(
                f,
                "a request without any credential got in and the handler never read \
                 `{binding}`: is the route protected at all (or is the path wrong)?"
            ),
            Self::RouteNotFound { status, route } => write!(
                f,
                "every scenario answered {}: does the route exist? (method and path: {route}) \
                 — a router answers {} to a wrong {}, so no scenario could check anything",
                status.as_u16(),
                status.as_u16(),
                if *status == StatusCode::METHOD_NOT_ALLOWED {
                    "method"
                } else {
                    "path or method"
                }
            ),
            Self::Egress(violation) => {
                write!(f, "outbound request #{}: {violation}", violation.request)
            }
            Self::FetchFailed { message } => write!(f, "an outbound request failed: {message}"),
            Self::CalledWithoutSecret { secret, request } => write!(
                f,
                "called {request} while secret `{secret}` could not be read: the request \
                 carried an empty or stale key — fail closed (5xx) without calling out"
            ),
        }
    }
}

/// How a scenario went.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// The handler did what the scenario requires.
    Pass,
    /// It did not: each problem.
    Fail(Vec<Problem>),
    /// The scenario cannot be built for this credential (the other case of an all-digit
    /// token is the token itself), or could not be judged (the route answered 404 to
    /// everything): why.
    NotApplicable(String),
    /// It did not, but the route waives this scenario
    /// ([`ProtectedRoute::allow`](super::ProtectedRoute::allow)): not counted as a failure,
    /// shown with its reason and what was wrong.
    Waived {
        /// The reason the route gave (values redacted).
        reason: String,
        /// What was wrong.
        problems: Vec<Problem>,
    },
}

/// One scenario's result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScenarioResult {
    /// Which scenario.
    pub scenario: Scenario,
    /// Its name in the report (a custom near miss's label included).
    pub name: String,
    /// The credential sent, described without a value:
    /// `authorization: Bearer [secret:API_TOKEN][..-1]`.
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

    /// Whether this scenario would have failed but is waived.
    pub fn waived(&self) -> bool {
        matches!(self.verdict, Verdict::Waived { .. })
    }

    /// The problems: what failed, or what a waiver accepted (empty otherwise).
    pub fn problems(&self) -> &[Problem] {
        match &self.verdict {
            Verdict::Fail(problems) | Verdict::Waived { problems, .. } => problems,
            _ => &[],
        }
    }
}

/// The matrix's result: one line per scenario, stable and value-free, made to be asserted on
/// and snapshotted ([`assert_matrix_snapshot!`](crate::assert_matrix_snapshot)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixReport {
    pub(crate) route: String,
    pub(crate) binding: String,
    pub(crate) shape: String,
    pub(crate) results: Vec<ScenarioResult>,
    pub(crate) warnings: Vec<String>,
}

impl MatrixReport {
    /// Every scenario's result, in report order.
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

    /// The scenarios that failed but are waived
    /// ([`ProtectedRoute::allow`](super::ProtectedRoute::allow)).
    pub fn waived(&self) -> Vec<&ScenarioResult> {
        self.results.iter().filter(|r| r.waived()).collect()
    }

    /// Whether no scenario failed.
    pub fn passed(&self) -> bool {
        !self.results.iter().any(ScenarioResult::failed)
    }

    /// The route as reported: method and URI, values redacted.
    pub fn route(&self) -> &str {
        &self.route
    }

    /// What the matrix could not check and why it matters, though no scenario failed for it
    /// (a timestamp the signature does not cover, a waiver that waived nothing). Printed as
    /// `warning: …` lines.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// `Ok` when every scenario passed, was not applicable or is waived.
    ///
    /// # Errors
    ///
    /// A [`MatrixFailure`] naming the route, the binding and each failed scenario.
    pub fn verdict(&self) -> Result<(), MatrixFailure> {
        if self.passed() {
            return Ok(());
        }
        Err(MatrixFailure {
            route: self.route.clone(),
            binding: self.binding.clone(),
            failures: self.failures().into_iter().cloned().collect(),
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
        let (mut passed, mut failed, mut waived, mut skipped) = (0, 0, 0, 0);
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
                Verdict::Waived { .. } => {
                    waived += 1;
                    "waiv"
                }
                Verdict::NotApplicable(_) => {
                    skipped += 1;
                    "n/a "
                }
            };
            let mut got = match (&r.verdict, r.status) {
                (Verdict::NotApplicable(why), _) => format!("not applicable: {why}"),
                (_, Some(status)) => format!(
                    "{} (expect {}), reads: {}",
                    status.as_u16(),
                    r.expected,
                    describe_reads(&r.reads)
                ),
                (_, None) => format!("no response (expect {})", r.expected),
            };
            if let Verdict::Waived { reason, .. } = &r.verdict {
                let _ = write!(got, ", waived: {reason}");
            }
            writeln!(f, "  {mark} {:<40} {:<64} {got}", r.name, r.credential)?;
            for problem in r.problems() {
                writeln!(f, "       ↳ {problem}")?;
            }
        }
        for warning in &self.warnings {
            writeln!(f, "warning: {warning}")?;
        }
        // The waived count only when there are any: reports without waivers read as before.
        let waived = if waived > 0 {
            format!(", {waived} waived")
        } else {
            String::new()
        };
        write!(
            f,
            "result: {passed} passed, {failed} failed{waived}, {skipped} not applicable"
        )
    }
}

/// Why a matrix failed: the route, the binding and each failed scenario — never a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "protected-route matrix failed for binding `{binding}` on {route}: {} scenario(s)\n{}full report:\n{report}",
    .failures.len(),
    failure_lines(.failures)
)]
pub struct MatrixFailure {
    route: String,
    binding: String,
    failures: Vec<ScenarioResult>,
    report: String,
}

/// One line per failed scenario: `  - scenario `name` (credential): problem; problem`.
fn failure_lines(failures: &[ScenarioResult]) -> String {
    let mut out = String::new();
    for r in failures {
        let problems: Vec<String> = r.problems().iter().map(ToString::to_string).collect();
        let _ = writeln!(
            out,
            "  - scenario `{}` ({}): {}",
            r.name,
            r.credential,
            problems.join("; ")
        );
    }
    out
}

impl MatrixFailure {
    /// The failed scenarios.
    pub fn scenarios(&self) -> Vec<Scenario> {
        self.failures.iter().map(|r| r.scenario).collect()
    }

    /// Each failed scenario's result, with its problems.
    pub fn failures(&self) -> &[ScenarioResult] {
        &self.failures
    }

    /// The binding whose route failed.
    pub fn binding(&self) -> &str {
        &self.binding
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matrix_failure_reads_as_before_and_is_an_error() {
        let failed = ScenarioResult {
            scenario: Scenario::WrongToken,
            name: Scenario::WrongToken.name().to_owned(),
            credential: "authorization: Bearer [a wrong token of the same length]".to_owned(),
            outcome: Outcome::Rejected,
            expected: StatusExpectation::ClientError,
            status: Some(StatusCode::OK),
            verdict: Verdict::Fail(vec![Problem::Status {
                expected: StatusExpectation::ClientError,
                got: StatusCode::OK,
                why: StatusWhy::WrongCredentialAccepted,
            }]),
            reads: ReadLog::new(Vec::new(), Vec::new()),
            leaks: Vec::new(),
        };
        let report = MatrixReport {
            route: "GET /internal/stats".to_owned(),
            binding: "API_TOKEN".to_owned(),
            shape: "authorization: Bearer <token>".to_owned(),
            results: vec![failed],
            warnings: Vec::new(),
        };
        let failure = report.verdict().unwrap_err();
        let problem = failure.failures()[0].problems()[0].to_string();
        assert_eq!(
            failure.to_string(),
            format!(
                "protected-route matrix failed for binding `API_TOKEN` on GET /internal/stats: 1 \
                 scenario(s)\n  - scenario `{}` (authorization: Bearer [a wrong token of the \
                 same length]): {problem}\nfull report:\n{report}",
                Scenario::WrongToken.name()
            )
        );
        let error: &dyn std::error::Error = &failure;
        assert!(error.source().is_none());
    }
}
