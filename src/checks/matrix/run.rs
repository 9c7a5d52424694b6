//! The one scenario runner: check what the matrix needs and plan (or reuse the route's plan),
//! then for each scenario, in order — ask the transport whether it offers it, send its
//! request, scan the response for every fixture value and every credential the plan
//! computed, hide what a failure message holds, judge — then review the whole report. The transports (in process, `in_process.rs`; a running Worker over HTTP,
//! `remote.rs`, feature `remote`) only send, so the two runs cannot disagree.

use std::sync::Arc;

use bytes::Bytes;

use super::error::MatrixError;
use super::hide::{HiddenCache, route_line};
use super::judge::{Observation, diagnose_env, judge, review};
use super::plan::plan;
use super::planned::{Plan, Planned, Planning};
use super::preflight::preflight;
use super::report::{MatrixReport, ScenarioResult, Verdict};
use super::route::ProtectedRoute;
use crate::env::{ReadLog, SecretsEnv};
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
    let planning = plan(route, &secret, hidden);
    let redactor = redactor();
    let redactor = &redactor;
    let secret = &secret;
    Ok(match planning {
        Planning::Shared(plan) => {
            let requests = plan.requests.iter().cloned();
            run_plan(route, &plan, requests, secret, redactor, transport).await
        }
        Planning::Once(plan) => {
            // Each request built as it is sent, as a plan for one check needs no copy.
            let requests = plan.scenarios.iter().map(Planned::build_request);
            run_plan(route, &plan, requests, secret, redactor, transport).await
        }
    })
}

/// Runs every scenario of `plan`, each sending its request from `requests` (in order).
async fn run_plan(
    route: &ProtectedRoute,
    plan: &Plan,
    requests: impl Iterator<Item = Result<http::Request<Bytes>, String>>,
    secret: &Arc<str>,
    redactor: &Redactor,
    transport: &impl Transport,
) -> MatrixReport {
    let mut results = Vec::with_capacity(plan.scenarios.len());
    let mut captured = Vec::with_capacity(plan.scenarios.len());
    for (planned, request) in plan.scenarios.iter().zip(requests) {
        let (result, read_elsewhere) =
            run_one(route, plan, planned, request, secret, redactor, transport).await;
        results.push(result);
        captured.push(read_elsewhere);
    }
    if transport.sees_reads() {
        diagnose_env(&route.binding, &plan.scenarios, &mut results, &captured);
    }
    let report = MatrixReport {
        route: route_line(&route.method, &route.uri, redactor, &plan.route_derived),
        binding: route.binding.clone(),
        shape: route.shape(),
        results,
        warnings: route.warnings(),
    };
    review(route, report, redactor)
}

/// One scenario's result, and whether the handler read an env it captured.
async fn run_one(
    route: &ProtectedRoute,
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
    (result, sent.read_elsewhere)
}
