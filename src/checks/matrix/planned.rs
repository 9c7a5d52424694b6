//! The planning vocabulary every planner and runner shares: the store's [`Condition`] while a
//! scenario runs, one [`Planned`] scenario, a whole [`Plan`] (each request built once, what
//! it hides) and the [`PlanCache`] a route keeps its last plan in. No planning policy here:
//! that is in `plan.rs` and the planner of each credential kind (`token_plan.rs`,
//! `custom_plan.rs`, `signature_plan.rs`, all handed a `Planner`, `planner.rs`).

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use bytes::Bytes;

use super::hide::{Hidden, as_sent_redactor, credential_parts, hide_in_error};
use super::report::{ScenarioResult, Verdict};
use super::scenario::{Outcome, Scenario};
use super::status::StatusExpectation;
use crate::env::ReadLog;
use crate::http::TestRequest;

/// The store's state while a scenario runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Condition {
    /// As the test left it.
    Normal,
    /// The secret deleted.
    SecretMissing,
    /// Every read failing.
    StoreFailing,
    /// The handler runs with an env that lacks the binding.
    BindingUnbound,
    /// Another secret the route reads ([`Planned::other`]) deleted.
    OtherSecretMissing,
    /// Every read of another secret the route reads failing.
    OtherSecretFailing,
    /// The handler runs with an env that lacks another binding the route reads.
    OtherSecretUnbound,
}

impl Condition {
    /// Whether a runner must change the store (or the env) to set this up: a runner against
    /// a deployed Worker can only run the scenarios that need no change.
    #[cfg_attr(not(feature = "remote"), allow(dead_code))]
    pub(crate) fn changes_the_store(self) -> bool {
        self != Self::Normal
    }
}

/// The empty-credential scenarios while the secret is missing, the store fails, the binding
/// is unbound (token and custom credentials).
pub(crate) const EMPTY_WHILE_UNREADABLE: [Scenario; 3] = [
    Scenario::EmptyCredentialWhileMissing,
    Scenario::EmptyCredentialWhileFailing,
    Scenario::EmptyCredentialWhileUnbound,
];

/// One scenario, planned: what it sends (built once, reused by every run of the plan), how
/// the report describes it, and under which store condition it runs.
pub(crate) struct Planned {
    pub(crate) scenario: Scenario,
    /// The name in the report, when not [`Scenario::name`] (custom near misses).
    pub(crate) label: Option<String>,
    /// The credential sent, described without a value.
    pub(crate) credential: String,
    pub(crate) outcome: Outcome,
    pub(crate) condition: Condition,
    /// The request as planned; `Err(why)` when the scenario does not apply.
    pub(crate) request: Result<TestRequest, String>,
    /// The token or secret as presented, when it differs from the request's parts (a near
    /// miss inside Basic's base64): blanked out of handler errors.
    pub(crate) presented: Option<String>,
    /// Credentials the planner computed from the secret for this scenario (each valid
    /// signature of what it sends): hidden from every row and scanned for in every response.
    pub(crate) derived: Vec<String>,
    /// For the other-secret conditions: the secret made unreadable (a binding or classic
    /// secret name).
    pub(crate) other: Option<std::sync::Arc<str>>,
}

impl Planned {
    /// A scenario that sends `request`, described as `credential`, and must get `outcome`
    /// (under [`Condition::Normal`] unless [`when`](Self::when) says otherwise).
    pub(crate) fn new(
        scenario: Scenario,
        credential: String,
        outcome: Outcome,
        request: TestRequest,
    ) -> Self {
        Self {
            scenario,
            label: None,
            credential,
            outcome,
            condition: Condition::Normal,
            request: Ok(request),
            presented: None,
            derived: Vec::new(),
            other: None,
        }
    }

    /// A scenario that does not apply to this route, and why.
    pub(crate) fn skip(scenario: Scenario, why: &str) -> Self {
        Self {
            scenario,
            label: None,
            credential: "(not sent)".to_owned(),
            outcome: Outcome::Rejected,
            condition: Condition::Normal,
            request: Err(why.to_owned()),
            presented: None,
            derived: Vec::new(),
            other: None,
        }
    }

    pub(crate) fn presenting(mut self, presented: String) -> Self {
        self.presented = Some(presented);
        self
    }

    /// `values`, computed from the secret, are credentials too (valid signatures).
    #[cfg_attr(not(feature = "webhooks"), allow(dead_code))]
    pub(crate) fn deriving(mut self, values: impl IntoIterator<Item = String>) -> Self {
        self.derived.extend(values);
        self
    }

    pub(crate) fn labelled(mut self, label: String) -> Self {
        self.label = Some(label);
        self
    }

    pub(crate) fn when(mut self, condition: Condition) -> Self {
        self.condition = condition;
        self
    }

    /// The name the report gives this scenario.
    pub(crate) fn name(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| self.scenario.name().to_owned())
    }

    /// Every part of the request that may hold a credential (see [`credential_parts`]),
    /// plus the token as presented.
    pub(crate) fn sent_parts(&self) -> Vec<String> {
        let mut parts = self
            .request
            .as_ref()
            .map(credential_parts)
            .unwrap_or_default();
        parts.extend(self.presented.clone());
        parts
    }

    /// Its result before anything is observed: what was planned, passing until judged.
    pub(crate) fn unjudged(&self, expected: StatusExpectation) -> ScenarioResult {
        ScenarioResult {
            scenario: self.scenario,
            name: self.name(),
            credential: self.credential.clone(),
            outcome: self.outcome,
            expected,
            status: None,
            verdict: Verdict::Pass,
            reads: ReadLog::new(Vec::new(), Vec::new()),
            leaks: Vec::new(),
        }
    }

    /// The request to send, or why this scenario cannot be sent (its verdict is then *not
    /// applicable*).
    pub(crate) fn build_request(&self) -> Result<http::Request<Bytes>, String> {
        let request = self.request.as_ref().map_err(Clone::clone)?;
        request
            .try_build_ref()
            .map_err(|error| format!("it cannot be sent: {error}"))
    }
}

/// Every scenario of a route, planned for one secret, in report order: what a runner sends
/// (each request built once, cloned per run) and what the report hides. Shared, read-only, by
/// every run of the same route with the same secret.
pub(crate) struct Plan {
    pub(crate) scenarios: Vec<Planned>,
    /// Each scenario's request, built (or why it cannot be sent), in the same order: filled
    /// only in a plan a route keeps (see [`PlanCache`]); a plan made for one check builds each
    /// request as it sends it.
    pub(crate) requests: Vec<Result<http::Request<Bytes>, String>>,
    /// What every scenario hides and scans for (the credentials computed from the secret).
    pub(crate) hidden: Arc<Hidden>,
    /// The secret the plan was made for: handler errors are cleaned of it too.
    secret: Arc<str>,
    /// The redactor of every credential as sent, built the first time a handler fails.
    as_sent: OnceLock<crate::redact::Redactor>,
    /// The right credential's parts (a Basic pair in base64, a signature): hidden where a
    /// route URI holds one.
    pub(crate) route_derived: Vec<String>,
}

impl Plan {
    /// The plan of `scenarios` (no request built yet).
    pub(crate) fn new(scenarios: Vec<Planned>, hidden: Arc<Hidden>, secret: Arc<str>) -> Self {
        let route_derived = scenarios
            .iter()
            .filter(|p| p.scenario == Scenario::RightCredential)
            .filter_map(|p| p.request.as_ref().ok())
            .flat_map(credential_parts)
            .collect();
        Self {
            scenarios,
            requests: Vec::new(),
            hidden,
            secret,
            as_sent: OnceLock::new(),
            route_derived,
        }
    }

    /// A handler's (or transport's) error text with every computed credential, every
    /// credential as sent by any scenario, the secret and every fixture value (`redactor`)
    /// hidden (see [`hide_in_error`]).
    pub(crate) fn hide_in_error(
        &self,
        message: &str,
        redactor: &crate::redact::Redactor,
    ) -> String {
        let as_sent = self.as_sent.get_or_init(|| {
            let sent = self
                .scenarios
                .iter()
                .flat_map(Planned::sent_parts)
                .chain([self.secret.to_string()]);
            as_sent_redactor(sent, &self.hidden)
        });
        hide_in_error(message, &self.hidden, as_sent, redactor)
    }
}

/// A plan to run: shared with the route that keeps it, or made for this check alone (its
/// requests are then sent as built, not cloned).
pub(crate) enum Planning {
    Shared(Arc<Plan>),
    Once(Plan),
}

/// The last [`Plan`] a route made, with the inputs it was made from (`K`: the route's
/// planning inputs and the secret). A route is planned afresh at its first check, with
/// nothing kept but the inputs (most routes are checked once: keeping the plan would only
/// cost); checked again with the same inputs, it plans once more and keeps that plan for
/// every later check. Any other input starts over. A clone of the route starts empty, so a
/// route changed after cloning never sees a plan made for another.
pub(crate) struct PlanCache<K>(Mutex<Option<(K, Option<Arc<Plan>>)>>);

impl<K> Default for PlanCache<K> {
    fn default() -> Self {
        Self(Mutex::new(None))
    }
}

impl<K> Clone for PlanCache<K> {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl<K> PlanCache<K> {
    /// The kept plan when `same(inputs)` holds for the inputs it was made from; otherwise
    /// `make()`'s, kept when those inputs were seen before (`inputs()` remembered if not).
    pub(crate) fn get_or_plan(
        &self,
        same: impl FnOnce(&K) -> bool,
        inputs: impl FnOnce() -> K,
        make: impl FnOnce() -> Plan,
    ) -> Planning {
        let mut cache = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match &mut *cache {
            Some((made_for, kept)) if same(made_for) => match kept {
                Some(plan) => Planning::Shared(Arc::clone(plan)),
                None => {
                    let mut plan = make();
                    plan.requests = plan.scenarios.iter().map(Planned::build_request).collect();
                    let plan = Arc::new(plan);
                    *kept = Some(Arc::clone(&plan));
                    Planning::Shared(plan)
                }
            },
            _ => {
                *cache = Some((inputs(), None));
                Planning::Once(make())
            }
        }
    }
}
