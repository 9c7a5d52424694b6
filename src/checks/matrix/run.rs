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
        let plans = plan(self, &secret);
        let redactor = client.redactor();
        let unbound = self.adversarial.then(|| env.without_binding(&self.binding));
        let mut results = Vec::with_capacity(plans.len());
        for planned in &plans {
            let target = match (&unbound, planned.condition) {
                (Some(unbound), Condition::BindingUnbound) => unbound,
                _ => env,
            };
            results.push(
                self.run_one(client, target, planned, &secret, &redactor)
                    .await,
            );
        }
        self.check_env_was_read(&mut results);
        Ok(self.report(&plans, results, &redactor))
    }

    async fn run_one<H: Handler>(
        &self,
        client: &TestClient<H>,
        target: &SecretsEnv,
        planned: &Planned,
        secret: &Arc<str>,
        redactor: &Redactor,
    ) -> ScenarioResult {
        let expected = self.expected(planned.outcome);
        let mut result = planned.unjudged(expected);
        let built = match planned.build_request() {
            Ok(built) => built,
            Err(why) => {
                result.verdict = Verdict::NotApplicable(why);
                return result;
            }
        };
        let env = client.env();
        let before = target.read_log();
        let sent = {
            let _restore = Restore::apply(planned.condition, env, &self.binding, secret);
            client.respond_unredacted(built, target).await
        };
        result.reads = target.read_log().since(&before);
        let observation = match sent {
            Ok(response) => {
                result.status = Some(response.status());
                result.leaks = crate::checks::leak::scan(
                    redactor,
                    response.status().as_u16(),
                    response.headers(),
                    response.body(),
                );
                Observation::Answered {
                    status: response.status(),
                    leaks: result.leaks.clone(),
                }
            }
            Err(message) => Observation::Failed {
                message: planned.hide_in_error(&message, secret, redactor),
            },
        };
        result.verdict = judge(planned.outcome, planned.condition, expected, &observation);
        result
    }

    /// The old mix-up (a handler reading a captured env, not its argument) can let the right
    /// credential in while the matrix's store changes never reach the handler: fail it.
    fn check_env_was_read(&self, results: &mut [ScenarioResult]) {
        let read = results
            .iter()
            .filter(|r| r.scenario != Scenario::BindingUnbound)
            .any(|r| r.reads.reads_of(&self.binding) > 0);
        if read {
            return;
        }
        let right = results
            .iter_mut()
            .find(|r| r.scenario == Scenario::RightCredential);
        if let Some(right) = right.filter(|r| r.status.is_some_and(|s| s.is_success())) {
            let problem = Problem::EnvNotRead {
                binding: self.binding.clone(),
            };
            match &mut right.verdict {
                Verdict::Fail(problems) => problems.push(problem),
                verdict => *verdict = Verdict::Fail(vec![problem]),
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
        MatrixReport {
            route: route_line(&self.method, &self.uri, redactor, &derived),
            binding: self.binding.clone(),
            shape: self.shape(),
            results,
        }
    }
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
