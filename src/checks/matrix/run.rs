//! Running the plan in process: each scenario sent to the client's handler, with the store
//! set up as the scenario needs and put back afterwards.

use std::sync::Arc;

use super::error::{MatrixError, preflight};
use super::hide::{credential_parts, route_line};
use super::judge::{Observation, judge};
use super::plan::{Condition, Planned, plan};
use super::report::{MatrixReport, Problem, ScenarioResult, Verdict};
use super::route::ProtectedRoute;
use super::scenario::Scenario;
use crate::http::{Handler, TestClient};
use crate::{Redactor, SecretsEnv};

impl ProtectedRoute {
    /// Runs every scenario against `client`'s handler, one after another, with the client's
    /// env (or, for "binding unbound", a copy of it without the binding).
    ///
    /// # Errors
    ///
    /// [`MatrixError`] when the matrix cannot run: the binding is not bound (with the closest
    /// name) or has no value, its value is empty, too short or cannot be carried by the
    /// credential, a name is invalid, or a fault is already injected. Failing scenarios are
    /// not errors: they are in the report.
    pub async fn check<H: Handler>(
        &self,
        client: &TestClient<H>,
    ) -> Result<MatrixReport, MatrixError> {
        let env = client.env();
        let secret = preflight(self, env)?;
        let plans = plan(self, &secret, client.matrix_hidden());
        let redactor = client.redactor();
        let unbound = self.adversarial.then(|| env.without_binding(&self.binding));
        let mut results = Vec::with_capacity(plans.len());
        // Per scenario: whether the client's own env was used while the handler was given
        // another (the unbound one).
        let mut captured = Vec::with_capacity(plans.len());
        for planned in &plans {
            let target = match (&unbound, planned.condition) {
                (Some(unbound), Condition::BindingUnbound) => unbound,
                _ => env,
            };
            let (result, read_elsewhere) = self
                .run_one(client, target, planned, &secret, &redactor)
                .await;
            results.push(result);
            captured.push(read_elsewhere);
        }
        self.diagnose_env(&plans, &mut results, &captured);
        Ok(self.report(&plans, results, &redactor))
    }

    /// One scenario's result, and whether the client's env was used although the handler was
    /// given another env (`target`): it then reads an env it captured.
    async fn run_one<H: Handler>(
        &self,
        client: &TestClient<H>,
        target: &SecretsEnv,
        planned: &Planned,
        secret: &Arc<str>,
        redactor: &Redactor,
    ) -> (ScenarioResult, bool) {
        let expected = self.expected(planned.outcome);
        let mut result = planned.unjudged(expected);
        let built = match planned.build_request() {
            Ok(built) => built,
            Err(why) => {
                result.verdict = Verdict::NotApplicable(why);
                return (result, false);
            }
        };
        let env = client.env();
        let elsewhere = !target.same_env(env);
        let before = target.read_log();
        let before_client = elsewhere.then(|| env.read_log());
        let sent = {
            let _restore = Restore::apply(planned.condition, env, &self.binding, secret);
            client.respond_unredacted(built, target).await
        };
        result.reads = target.read_log().since(&before);
        let read_elsewhere =
            before_client.is_some_and(|before| !env.read_log().since(&before).is_untouched());
        let observation = match sent {
            Ok(response) => {
                let status = response.status();
                result.status = Some(status);
                result.leaks = crate::redact::leak::scan(
                    redactor,
                    status.as_u16(),
                    response.headers(),
                    response.body(),
                );
                planned.scan_computed(
                    status.as_u16(),
                    response.headers(),
                    response.body(),
                    &mut result.leaks,
                );
                Observation::Answered {
                    status,
                    leaks: result.leaks.clone(),
                }
            }
            Err(message) => Observation::Failed {
                message: planned.hide_in_error(&message, secret, redactor),
            },
        };
        result.verdict = judge(planned.outcome, planned.condition, expected, &observation);
        (result, read_elsewhere)
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
    fn diagnose_env(&self, plans: &[Planned], results: &mut [ScenarioResult], captured: &[bool]) {
        let binding = &self.binding;
        let diagnosed = || Problem::CapturedEnv {
            binding: binding.clone(),
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
                    binding: binding.clone(),
                };
                match &mut none.verdict {
                    Verdict::Fail(problems) => problems.push(problem),
                    verdict => *verdict = Verdict::Fail(vec![problem]),
                }
            }
            return;
        }
        for (planned, result) in plans.iter().zip(results.iter_mut()) {
            let store_changed = planned.condition != Condition::Normal
                && result.status.is_some_and(|s| s.is_success());
            if result.scenario == Scenario::RightCredential || store_changed {
                blame(result, diagnosed());
            }
        }
    }

    fn report(
        &self,
        plans: &[Planned],
        results: Vec<ScenarioResult>,
        redactor: &Redactor,
    ) -> MatrixReport {
        // Derived credentials (a Basic pair in base64, a signature) a route URI could hold.
        let derived: Vec<String> = plans
            .iter()
            .filter(|p| p.scenario == Scenario::RightCredential)
            .filter_map(|p| p.request.as_ref().ok())
            .flat_map(credential_parts)
            .collect();
        let report = MatrixReport {
            route: route_line(&self.method, &self.uri, redactor, &derived),
            binding: self.binding.clone(),
            shape: self.shape(),
            results,
            warnings: self.warnings(),
        };
        super::judge::review(self, report, redactor)
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

/// Puts the store back as it was when dropped — also when the handler panics.
struct Restore<'a> {
    env: &'a SecretsEnv,
    binding: &'a str,
    secret: &'a Arc<str>,
    condition: Condition,
}

impl<'a> Restore<'a> {
    fn apply(
        condition: Condition,
        env: &'a SecretsEnv,
        binding: &'a str,
        secret: &'a Arc<str>,
    ) -> Self {
        match condition {
            Condition::Normal | Condition::BindingUnbound => {}
            Condition::SecretMissing => {
                let _ = env.admin().delete(binding);
            }
            Condition::StoreFailing => env
                .admin()
                .fail_all("Secrets Store unavailable (injected by the matrix)"),
        }
        Restore {
            env,
            binding,
            secret,
            condition,
        }
    }
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        match self.condition {
            Condition::Normal | Condition::BindingUnbound => {}
            Condition::SecretMissing => {
                let _ = self.env.admin().set(self.binding, Arc::clone(self.secret));
            }
            // No fault was active before the matrix started (checked), so healing all is exact.
            Condition::StoreFailing => self.env.admin().heal_all(),
        }
    }
}
