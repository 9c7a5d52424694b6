//! The in-process transport: each scenario sent to a [`TestClient`]'s handler, with the store
//! set up as the scenario needs and put back afterwards ([`ProtectedRoute::check`]). The
//! runner (`run.rs`) does the rest, as for every transport.

use std::sync::Arc;

use bytes::Bytes;

use super::error::MatrixError;
use super::planned::{Condition, Planned};
use super::report::MatrixReport;
use super::route::ProtectedRoute;
use super::run::{Sent, Transport, run};
use crate::env::SecretsEnv;
use crate::http::{Handler, TestClient};

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
        let transport = InProcess {
            client,
            binding: &self.binding,
            unbound: self.adversarial.then(|| env.without_binding(&self.binding)),
        };
        let redactor = || client.redactor();
        run(self, env, client.matrix_hidden(), redactor, &transport).await
    }
}

/// The client's handler, called in process: the store set up as each scenario needs (and put
/// back afterwards), the reads of the env it was given recorded.
struct InProcess<'a, H> {
    client: &'a TestClient<H>,
    binding: &'a str,
    /// The client's env without the binding, for "binding unbound".
    unbound: Option<SecretsEnv>,
}

impl<H: Handler> Transport for InProcess<'_, H> {
    fn not_offered(&self, _: &Planned) -> Option<String> {
        None
    }

    fn sees_reads(&self) -> bool {
        true
    }

    async fn send(
        &self,
        planned: &Planned,
        request: http::Request<Bytes>,
        secret: &Arc<str>,
    ) -> Sent {
        let env = self.client.env();
        let target = match (&self.unbound, planned.condition) {
            (Some(unbound), Condition::BindingUnbound) => unbound,
            _ => env,
        };
        let elsewhere = !target.same_env(env);
        let before = target.read_log();
        let before_client = elsewhere.then(|| env.read_log());
        let answer = {
            let _restore = Restore::apply(planned.condition, env, self.binding, secret);
            self.client.respond_unredacted(request, target).await
        };
        Sent {
            answer,
            reads: target.read_log().since(&before),
            read_elsewhere: before_client
                .is_some_and(|before| !env.read_log().since(&before).is_untouched()),
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
