//! Judging: what a scenario got against what it must get, a handler that reads an env it
//! captured, then the whole matrix reviewed (a route that does not exist, a hint made exact,
//! the route's waivers). Pure: the runner (`run.rs`) calls it for every transport.

use http::StatusCode;

use super::planned::{Condition, Planned};
use super::report::{MatrixReport, Problem, ScenarioResult, StatusWhy, Verdict};
use super::route::ProtectedRoute;
use super::scenario::{Outcome, Scenario};
use super::status::StatusExpectation;
use crate::redact::Redactor;
use crate::redact::leak::Leak;

/// What a runner observed for one scenario.
pub(crate) enum Observation {
    /// The handler answered.
    Answered {
        status: StatusCode,
        leaks: Vec<Leak>,
    },
    /// The handler (or its body) failed; the message is already value-free.
    Failed { message: String },
}

/// The verdict for `observation` of a scenario that must get `outcome`.
pub(crate) fn judge(
    outcome: Outcome,
    condition: Condition,
    expected: StatusExpectation,
    observation: &Observation,
) -> Verdict {
    let mut problems = Vec::new();
    match observation {
        Observation::Answered { status, leaks } => {
            let status = *status;
            let lets_in = status.is_success()
                && matches!(outcome, Outcome::FailsClosed | Outcome::NeverLetIn);
            if !expected.matches(status) || lets_in {
                problems.push(Problem::Status {
                    expected,
                    got: status,
                    why: why(outcome, condition, status),
                });
            }
            problems.extend(leaks.iter().cloned().map(Problem::Leak));
        }
        Observation::Failed { message } => problems.push(Problem::HandlerFailed {
            message: message.clone(),
        }),
    }
    if problems.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(problems)
    }
}

fn why(outcome: Outcome, condition: Condition, status: StatusCode) -> StatusWhy {
    match outcome {
        Outcome::Rejected if status.is_success() => StatusWhy::WrongCredentialAccepted,
        Outcome::Rejected => StatusWhy::WrongCredentialUnexpectedStatus,
        Outcome::Accepted => StatusWhy::RightCredentialRefused,
        Outcome::FailsClosed
            if status.is_success()
                && matches!(
                    condition,
                    Condition::BindingUnbound | Condition::OtherSecretUnbound
                ) =>
        {
            StatusWhy::FailsOpenUnbound
        }
        Outcome::FailsClosed if status.is_success() => StatusWhy::FailsOpen,
        Outcome::FailsClosed => StatusWhy::NotAServerError,
        Outcome::NeverLetIn => match condition {
            Condition::StoreFailing => StatusWhy::FailingStoreTreatedAsEmpty,
            Condition::BindingUnbound => StatusWhy::UnboundTreatedAsEmpty,
            _ => StatusWhy::MissingSecretTreatedAsEmpty,
        },
    }
}

/// A handler that reads an env it captured, not its argument, is named as such — never
/// blamed for failing open, which it may not do at all. Two signals:
/// - while it was given an env without the binding, the client's env was read: it holds
///   a clone of the client's env (clones share the read log) or falls back to it;
/// - the binding was never read from any env it was given, yet the right credential got
///   in and a request without credentials did not: it checks against another env (or a
///   value of its own), which the matrix's store changes never reach.
///
/// A route that let in a request without credentials and read nothing is not protected
/// at all: it is told so, never pointed at a captured env.
pub(crate) fn diagnose_env(
    binding: &str,
    plans: &[Planned],
    results: &mut [ScenarioResult],
    captured: &[bool],
) {
    let diagnosed = || Problem::CapturedEnv {
        binding: binding.to_owned(),
    };
    for (result, _) in results.iter_mut().zip(captured).filter(|(_, c)| **c) {
        blame(result, diagnosed());
    }
    let given_read = plans.iter().zip(results.iter()).any(|(planned, result)| {
        result.reads.reads_of(binding) > 0
            || (planned.condition == Condition::BindingUnbound
                && result
                    .reads
                    .unbound_lookups()
                    .iter()
                    .any(|(n, _)| n == binding))
    });
    if given_read || captured.contains(&true) {
        return;
    }
    let got_in = |scenario| {
        results
            .iter()
            .find(|r| r.scenario == scenario)
            .and_then(|r| r.status)
            .is_some_and(|s| s.is_success())
    };
    if !got_in(Scenario::RightCredential) {
        return;
    }
    if got_in(Scenario::NoCredentials) {
        if let Some(none) = results
            .iter_mut()
            .find(|r| r.scenario == Scenario::NoCredentials)
        {
            let problem = Problem::NotProtected {
                binding: binding.to_owned(),
            };
            match &mut none.verdict {
                Verdict::Fail(problems) => problems.push(problem),
                verdict => *verdict = Verdict::Fail(vec![problem]),
            }
        }
        return;
    }
    for (planned, result) in plans.iter().zip(results.iter_mut()) {
        let store_changed =
            planned.condition != Condition::Normal && result.status.is_some_and(|s| s.is_success());
        if result.scenario == Scenario::RightCredential || store_changed {
            blame(result, diagnosed());
        }
    }
}
/// `result` fails with `problem` in place of its status problem (the status is explained by
/// `problem`); leaks and handler failures stay.
fn blame(result: &mut ScenarioResult, problem: Problem) {
    let mut problems = match std::mem::replace(&mut result.verdict, Verdict::Pass) {
        Verdict::Fail(problems) => problems,
        _ => Vec::new(),
    };
    problems.retain(|p| !matches!(p, Problem::Status { .. }));
    problems.push(problem);
    result.verdict = Verdict::Fail(problems);
}

/// The report once every scenario is judged, reviewed as a whole, whichever runner made it:
/// - the upper-case-hex row says it found the right MAC in another case, and how to waive it;
/// - a route that answered the same 404 or 405 to every scenario, the right credential too,
///   fails with one problem ("does the route exist?") instead of hints that point elsewhere
///   and scenarios that "pass" on a 404;
/// - the route's waivers turn failures into `Waived`, and each waiver that waived nothing
///   into a warning.
pub(crate) fn review(
    route: &ProtectedRoute,
    mut report: MatrixReport,
    redactor: &Redactor,
) -> MatrixReport {
    name_upper_case_hex(&mut report.results);
    route_not_found(&mut report.results, &report.route);
    apply_waivers(route, &mut report, redactor);
    report
}

fn name_upper_case_hex(results: &mut [ScenarioResult]) {
    let Some(row) = results
        .iter_mut()
        .find(|r| r.scenario == Scenario::SignatureUpperCaseHex)
    else {
        return;
    };
    if let Verdict::Fail(problems) = &mut row.verdict {
        for problem in problems {
            if let Problem::Status { why, .. } = problem
                && *why == StatusWhy::WrongCredentialAccepted
            {
                *why = StatusWhy::RightMacInUpperCaseHex;
            }
        }
    }
}

fn route_not_found(results: &mut [ScenarioResult], route: &str) {
    let Some(status) = results
        .iter()
        .find(|r| r.scenario == Scenario::RightCredential && r.failed())
        .and_then(|r| r.status)
        .filter(|s| matches!(s.as_u16(), 404 | 405))
    else {
        return;
    };
    if results
        .iter()
        .any(|r| r.status.is_some_and(|s| s != status))
    {
        return;
    }
    for row in results.iter_mut().filter(|r| r.status.is_some()) {
        // Leaks and handler failures stay: they are true whatever the route.
        let mut problems: Vec<Problem> = row
            .problems()
            .iter()
            .filter(|p| !matches!(p, Problem::Status { .. }))
            .cloned()
            .collect();
        if row.scenario == Scenario::RightCredential {
            problems.insert(
                0,
                Problem::RouteNotFound {
                    status,
                    route: route.to_owned(),
                },
            );
        }
        row.verdict = if problems.is_empty() {
            Verdict::NotApplicable(format!(
                "not judged: every scenario answered {}",
                status.as_u16()
            ))
        } else {
            Verdict::Fail(problems)
        };
    }
}

fn apply_waivers(route: &ProtectedRoute, report: &mut MatrixReport, redactor: &Redactor) {
    for (scenario, reason) in &route.waivers {
        let reason = redactor.redact(reason).into_owned();
        let call = format!("`.allow({}, …)`", scenario.rust_path());
        let Some(row) = report.results.iter_mut().find(|r| r.scenario == *scenario) else {
            report.warnings.push(format!(
                "the waiver of `{scenario}` waives nothing: the scenario does not run for this \
                 route (remove {call}; reason given: {reason})"
            ));
            continue;
        };
        match std::mem::replace(&mut row.verdict, Verdict::Pass) {
            Verdict::Fail(problems) => row.verdict = Verdict::Waived { reason, problems },
            Verdict::NotApplicable(why) => {
                report.warnings.push(format!(
                    "the waiver of `{}` waives nothing: the scenario is not applicable ({why}); \
                     remove {call} if it stays so (reason given: {reason})",
                    row.name
                ));
                row.verdict = Verdict::NotApplicable(why);
            }
            verdict => {
                report.warnings.push(format!(
                    "the waiver of `{}` is stale: the scenario passed, so {call} waives \
                     nothing — remove it (reason given: {reason})",
                    row.name
                ));
                row.verdict = verdict;
            }
        }
    }
}
