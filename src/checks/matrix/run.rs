//! The one scenario runner: check what the matrix needs and plan (or reuse the route's plan),
//! then for each scenario, in order — ask the transport whether it offers it, send its
//! request, scan the response for every fixture value and every credential the plan
//! computed, check what the handler sent upstream meanwhile (egress violations, failed
//! fetches), hide what a failure message holds, judge — then the scenarios of the other
//! secrets the route reads (`other_secrets.rs`: declared, or read by the right credential's
//! run), then review the whole report. The transports (in process, `in_process.rs`; a running
//! Worker over HTTP, `remote.rs`, feature `remote`) only send, so the two runs cannot
//! disagree; only the in-process one sees the handler's outbound requests.

use std::sync::Arc;

use bytes::Bytes;

use super::error::MatrixError;
use super::hide::{HiddenCache, route_line};
use super::judge::{Observation, diagnose_env, judge, review};
use super::other_secrets;
use super::plan::plan;
use super::planned::{Plan, Planned, Planning};
use super::preflight::preflight;
use super::report::Problem;
use super::report::{MatrixReport, ScenarioResult, Verdict};
use super::route::ProtectedRoute;
use super::scenario::Scenario;
use crate::env::{ReadLog, SecretsEnv};
use crate::outbound::{Recorded, sent_where_allowed};
use crate::redact::Redactor;

/// What a transport got for one scenario.
pub(crate) struct Sent {
    /// The response, body read whole; or what went wrong, not yet hidden (the runner hides
    /// it).
    pub(crate) answer: Result<http::Response<Bytes>, String>,
    /// What the handler read during this scenario (empty when the transport cannot see it).
    pub(crate) reads: ReadLog,
    /// Whether the handler read the client's env while it was given another: it reads an env
    /// it captured.
    pub(crate) read_elsewhere: bool,
    /// What the env's fake upstream recorded during this scenario: egress violations, failed
    /// fetches, and — for the other-secret scenarios — the requests (empty when the transport
    /// cannot see them).
    pub(crate) outbound: Recorded,
}

/// A way to deliver a scenario's request to the code under test.
pub(crate) trait Transport {
    /// Why this transport cannot run `planned` (its verdict is then *not applicable*), or
    /// `None` when it can.
    fn not_offered(&self, planned: &Planned) -> Option<String>;

    /// Whether [`Sent::reads`] holds what the handler read (the captured-env diagnosis needs
    /// it).
    fn sees_reads(&self) -> bool;

    /// Sends `request`, set up as `planned` needs (its store condition; `secret` is the
    /// binding's value, to put back).
    async fn send(
        &self,
        planned: &Planned,
        request: http::Request<Bytes>,
        secret: &Arc<str>,
    ) -> Sent;
}

/// Checks what the matrix needs of `route` and `env` (the env the code under test reads, or
/// one holding the Worker's value), plans (what the plan hides taken from `hidden` when it
/// was built for the same credentials), and runs every scenario over `transport`;
/// `redactor()` knows every fixture value (the env's).
///
/// # Errors
///
/// [`MatrixError`] when the matrix cannot run (see [`preflight`]).
pub(crate) async fn run(
    route: &ProtectedRoute,
    env: &SecretsEnv,
    hidden: &HiddenCache,
    redactor: impl FnOnce() -> Redactor,
    transport: &impl Transport,
) -> Result<MatrixReport, MatrixError> {
    let secret = preflight(route, env)?;
    if transport.sees_reads() {
        // In process: the env is the handler's. (A running Worker's bindings are not seen.)
        other_secrets::check_declared(route, env)?;
    }
    let planning = plan(route, &secret, hidden);
    let redactor = redactor();
    let redactor = &redactor;
    let secret = &secret;
    Ok(match planning {
        Planning::Shared(plan) => {
            let requests = plan.requests.iter().cloned();
            run_plan(route, env, &plan, requests, secret, redactor, transport).await
        }
        Planning::Once(plan) => {
            // Each request built as it is sent, as a plan for one check needs no copy.
            let requests = plan.scenarios.iter().map(Planned::build_request);
            run_plan(route, env, &plan, requests, secret, redactor, transport).await
        }
    })
}

/// Runs every scenario of `plan`, each sending its request from `requests` (in order), then
/// those of the other secrets the route reads.
async fn run_plan(
    route: &ProtectedRoute,
    env: &SecretsEnv,
    plan: &Plan,
    requests: impl Iterator<Item = Result<http::Request<Bytes>, String>>,
    secret: &Arc<str>,
    redactor: &Redactor,
    transport: &impl Transport,
) -> MatrixReport {
    let mut results = Vec::with_capacity(plan.scenarios.len());
    let mut captured = Vec::with_capacity(plan.scenarios.len());
    for (planned, request) in plan.scenarios.iter().zip(requests) {
        let (result, read_elsewhere) = run_one(
            route, env, plan, planned, request, secret, redactor, transport,
        )
        .await;
        results.push(result);
        captured.push(read_elsewhere);
    }
    if transport.sees_reads() {
        diagnose_env(&route.binding, &plan.scenarios, &mut results, &captured);
    }
    run_other_secrets(route, env, plan, &mut results, secret, redactor, transport).await;
    let report = MatrixReport {
        route: route_line(&route.method, &route.uri, redactor, &plan.route_derived),
        binding: route.binding.clone(),
        shape: route.shape(),
        results,
        warnings: route.warnings(),
    };
    review(route, report, redactor)
}

/// The scenarios of the other secrets the route reads (see `other_secrets.rs`), appended to
/// `results`: judged only when the right credential got in (else *not applicable*).
async fn run_other_secrets(
    route: &ProtectedRoute,
    env: &SecretsEnv,
    plan: &Plan,
    results: &mut Vec<ScenarioResult>,
    secret: &Arc<str>,
    redactor: &Redactor,
    transport: &impl Transport,
) {
    let right = results
        .iter()
        .position(|r| r.scenario == Scenario::RightCredential);
    let others = other_secrets::others(route, right.map(|i| &results[i]));
    let Some(right_planned) = others
        .first()
        .and(right)
        .and_then(|i| plan.scenarios.get(i))
        .filter(|p| p.scenario == Scenario::RightCredential)
    else {
        return;
    };
    let accepted = right
        .and_then(|i| results[i].status)
        .is_some_and(|s| s.is_success());
    for planned in other_secrets::plan(env, right_planned, &others) {
        let request = planned.build_request();
        let (mut result, read_elsewhere) = run_one(
            route, env, plan, &planned, request, secret, redactor, transport,
        )
        .await;
        if !accepted && !matches!(result.verdict, Verdict::NotApplicable(_)) {
            result.verdict = Verdict::NotApplicable(
                "not judged: the right credential was not accepted".to_owned(),
            );
        } else if read_elsewhere && let Some(other) = &planned.other {
            add_problems(
                &mut result.verdict,
                vec![Problem::CapturedEnv {
                    binding: other.to_string(),
                }],
            );
        }
        results.push(result);
    }
}

/// `problems` added to `verdict` (a pass becomes a failure).
fn add_problems(verdict: &mut Verdict, problems: Vec<Problem>) {
    if problems.is_empty() {
        return;
    }
    match verdict {
        Verdict::Fail(known)
        | Verdict::Waived {
            problems: known, ..
        } => known.extend(problems),
        Verdict::Pass => *verdict = Verdict::Fail(problems),
        Verdict::NotApplicable(_) => {}
    }
}

/// The problems in what the handler sent upstream during `planned`: every egress violation
/// and failed fetch, and — while another secret was unreadable — every request sent where
/// that secret goes. Values hidden as in handler errors.
fn outbound_problems(
    env: &SecretsEnv,
    plan: &Plan,
    planned: &Planned,
    recorded: Recorded,
    redactor: &Redactor,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for mut violation in recorded.violations {
        violation.destination = plan.hide_in_error(&violation.destination, redactor);
        violation.redirected_from = violation
            .redirected_from
            .map(|from| plan.hide_in_error(&from, redactor));
        problems.push(Problem::Egress(violation));
    }
    for error in recorded.errors {
        problems.push(Problem::FetchFailed {
            message: plan.hide_in_error(&error.to_string(), redactor),
        });
    }
    if let Some(other) = &planned.other {
        for request in sent_where_allowed(env, other, &recorded.requests) {
            problems.push(Problem::CalledWithoutSecret {
                secret: other.to_string(),
                request: plan.hide_in_error(&request, redactor),
            });
        }
    }
    problems
}

/// One scenario's result, and whether the handler read an env it captured.
#[allow(clippy::too_many_arguments)]
async fn run_one(
    route: &ProtectedRoute,
    env: &SecretsEnv,
    plan: &Plan,
    planned: &Planned,
    request: Result<http::Request<Bytes>, String>,
    secret: &Arc<str>,
    redactor: &Redactor,
    transport: &impl Transport,
) -> (ScenarioResult, bool) {
    let expected = route.expected(planned.outcome);
    let mut result = planned.unjudged(expected);
    if let Some(why) = transport.not_offered(planned) {
        result.verdict = Verdict::NotApplicable(why);
        return (result, false);
    }
    let request = match request {
        Ok(request) => request,
        Err(why) => {
            result.verdict = Verdict::NotApplicable(why);
            return (result, false);
        }
    };
    let sent = transport.send(planned, request, secret).await;
    result.reads = sent.reads;
    let recorded = sent.outbound;
    let nothing_sent = recorded.violations.is_empty()
        && recorded.errors.is_empty()
        && recorded.requests.is_empty();
    let observation = match sent.answer {
        Ok(response) => {
            let status = response.status();
            let (headers, body) = (response.headers(), response.body());
            result.status = Some(status);
            result.leaks = crate::redact::leak::scan(redactor, status.as_u16(), headers, body);
            // A valid signature in a response: the handler is a signing oracle.
            if let Some(computed) = &plan.hidden.computed {
                result.leaks.extend(crate::redact::leak::scan(
                    computed,
                    status.as_u16(),
                    headers,
                    body,
                ));
            }
            Observation::Answered {
                status,
                leaks: result.leaks.clone(),
            }
        }
        Err(message) => Observation::Failed {
            message: plan.hide_in_error(&message, redactor),
        },
    };
    result.verdict = judge(planned.outcome, planned.condition, expected, &observation);
    if !nothing_sent {
        let problems = outbound_problems(env, plan, planned, recorded, redactor);
        add_problems(&mut result.verdict, problems);
    }
    (result, sent.read_elsewhere)
}
